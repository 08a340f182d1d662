//! Survey workbooks as platforms export them (fixtures/files, made by
//! make_workbooks.py with openpyxl and odfpy, survey.xls by make_xls.py with xlwt)
//! give the same analysis as the
//! equivalent CSV, through every command that reads the survey.

mod support;

use support::run;

const DIR: &str = "fixtures/files";

/// `sattrace ARGS… --data FILE` on the fixture project; stdout.
fn output(args: &[&str], data: &str) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data", data]);
    let (code, stdout, stderr) = run(&all);
    assert_eq!(code, 0, "{all:?}: {stderr}");
    stdout
}

/// Every number in `a` equals the one in `b` to 1e-12 (relative to its size);
/// everything else is equal, except the survey file's name.
fn assert_same(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                "{path}: {x} vs {y}"
            );
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (k, v) in x {
                if k == "data" && v.is_string() {
                    continue;
                }
                assert_same(v, &y[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                assert_same(v, w, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json")
}

#[test]
fn analyze_of_a_workbook_equals_analyze_of_the_csv() {
    let args = ["analyze", DIR, "--format", "json"];
    let csv = json(&output(&args, "fixtures/files/survey.csv"));
    // The CSV analysis has something to compare: two waves, several regions.
    assert!(csv["segments"].as_array().map(Vec::len).unwrap_or(0) > 4);
    // survey.xls: the same layout written by xlwt as Excel 97-2003 (BIFF8).
    for data in [
        "fixtures/files/survey.xlsx",
        "fixtures/files/survey.ods",
        "fixtures/files/survey.xls",
    ] {
        let other = json(&output(&args, data));
        assert_eq!(other["data"], data);
        assert_same(&csv, &other, data);
    }
}

#[test]
fn waves_stored_as_dates_read_as_iso_dates() {
    let out = json(&output(
        &["analyze", DIR, "--format", "json"],
        "fixtures/files/survey.xlsx",
    ));
    let waves: Vec<&str> = out["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .filter_map(|s| s["wave"].as_str())
        .collect();
    assert!(
        waves.contains(&"2025-12-31") && waves.contains(&"2026-06-30"),
        "{waves:?}"
    );
}

#[test]
fn other_commands_read_workbooks_too() {
    let importance = ["importance", DIR, "--format", "json"];
    assert_same(
        &json(&output(&importance, "fixtures/files/survey.csv")),
        &json(&output(&importance, "fixtures/files/survey.xlsx")),
        "importance",
    );
    let moments = ["moments", DIR];
    assert_eq!(
        output(&moments, "fixtures/files/survey.csv"),
        output(&moments, "fixtures/files/survey.xlsx")
    );
}

#[test]
fn a_declared_header_row_and_a_wrong_sheet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    let write = |text: &str| std::fs::write(dir.path().join("model.yaml"), text).expect("write");
    let model_arg = dir.path().join("model.yaml");
    let model_arg = model_arg.to_str().expect("utf-8 path");
    let args = |data: &'static str| {
        vec![
            "analyze", DIR, "--model", model_arg, "--data", data, "--format", "json",
        ]
    };
    write(&model.replace("sheet: 数据", "sheet: 数据\nheader_row: 3"));
    let (code, declared, stderr) = run(&args("fixtures/files/survey.xlsx"));
    assert_eq!(code, 0, "{stderr}");
    let detected = output(
        &["analyze", DIR, "--format", "json"],
        "fixtures/files/survey.xlsx",
    );
    assert_same(&json(&declared), &json(&detected), "header_row");

    write(&model.replace("sheet: 数据", "sheet: 数据\nheader_row: 4"));
    let (code, _, stderr) = run(&args("fixtures/files/survey.xlsx"));
    assert_eq!(code, 2);
    // `analyze` speaks Chinese by default; the place in the workbook is said in it too.
    assert!(
        stderr.contains("survey.xlsx: 工作表 数据 表头第 4 行：表头中没有列 `"),
        "{stderr}"
    );

    write(&model.replace("sheet: 数据", "sheet: Data"));
    let (code, _, stderr) = run(&args("fixtures/files/survey.xlsx"));
    assert_eq!(code, 2);
    assert!(stderr.contains("没有工作表 `Data`"), "{stderr}");
    assert!(stderr.contains("`About`, `数据`"), "{stderr}");

    write(&model.replace("sheet: 数据", "sheet: 数据\nheader_row: 0"));
    let mut english = args("fixtures/files/survey.xlsx");
    english.extend(["--lang", "en"]);
    let (code, _, stderr) = run(&english);
    assert_eq!(code, 2);
    assert!(stderr.contains("`header_row: 0` names no row"), "{stderr}");
}

#[test]
fn check_reads_the_header_of_a_workbook() {
    let (code, stdout, stderr) = run(&["check", DIR, "--data", "fixtures/files/survey.xlsx"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The telecom model names no sheet, so the first sheet ("About") is read.
    let (code, stdout, _) = run(&[
        "check",
        "fixtures/telecom",
        "--data",
        "fixtures/files/survey.xlsx",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout
            .contains("column `q_resp1` (an item of driver `response_time`) is not in the header"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&[
        "check",
        DIR,
        "--data",
        "fixtures/files/hostile/encrypted.xlsx",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("password-protected"), "{stdout}");
}
