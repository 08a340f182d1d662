//! `analyze`/`report --format xlsx` and `--format csv`: the written workbook is read
//! back with calamine and every number and label equals the JSON document's; the
//! bytes are the same run after run; a workbook is never written to stdout.

mod support;

use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use support::run;

const PROJECT: &str = "fixtures/telecom";

fn json(args: &[&str]) -> Value {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).expect("JSON output")
}

/// Run `args` with `-o FILE` added; the file's bytes.
fn written(args: &[&str], dir: &std::path::Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let path_text = path.to_str().expect("utf-8 path");
    let mut all = args.to_vec();
    all.extend(["-o", path_text]);
    let (code, stdout, stderr) = run(&all);
    assert_eq!(code, 0, "{all:?}: {stderr}");
    assert!(stdout.is_empty(), "nothing on stdout with -o");
    std::fs::read(&path).expect("written file")
}

fn open(bytes: &[u8]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook calamine reads")
}

/// The sheet's rows (header first).
fn rows(book: &mut Xlsx<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet `{name}`: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A cell holds exactly the JSON value: numbers as numbers (bit for bit), texts
/// and booleans as such, null as an empty cell.
fn assert_cell(cell: &Data, want: &Value, at: &str) {
    match (cell, want) {
        (Data::Empty, Value::Null) => {}
        (Data::Float(x), Value::Number(n)) => {
            assert_eq!(Some(*x), n.as_f64(), "{at}");
        }
        (Data::Int(x), Value::Number(n)) => assert_eq!(Some(*x), n.as_i64(), "{at}"),
        (Data::String(x), Value::String(s)) => assert_eq!(x, s, "{at}"),
        (Data::Bool(x), Value::Bool(b)) => assert_eq!(x, b, "{at}"),
        _ => panic!("{at}: cell {cell:?}, JSON {want}"),
    }
}

/// The data rows of `sheet` equal `want`, row by row, cell by cell.
fn assert_rows(sheet: &[Vec<Data>], want: &[Vec<Value>], name: &str) {
    assert_eq!(sheet.len() - 1, want.len(), "{name}: row count");
    for (r, (got, want)) in sheet[1..].iter().zip(want).enumerate() {
        assert_eq!(got.len(), want.len(), "{name} row {}: width", r + 2);
        for (c, (cell, value)) in got.iter().zip(want).enumerate() {
            assert_cell(
                cell,
                value,
                &format!("{name} row {} column {}", r + 2, c + 1),
            );
        }
    }
}

fn field(object: &Value, key: &str) -> Value {
    object.get(key).cloned().unwrap_or(Value::Null)
}

fn joined(object: &Value, key: &str, separator: &str) -> Value {
    let items: Vec<&str> = object[key]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    Value::from(items.join(separator))
}

/// What the scores sheet must hold: every driver of every slice.
fn score_rows(doc: &Value) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for slice in doc["segments"].as_array().expect("segments") {
        for d in slice["drivers"].as_array().expect("drivers") {
            let mut row = vec![
                field(slice, "segment"),
                field(slice, "wave"),
                field(slice, "share"),
            ];
            for key in [
                "id", "label", "metric", "outcome", "score", "index", "n", "n_eff", "ci_low",
                "ci_high", "target", "gap", "trend",
            ] {
                row.push(field(d, key));
            }
            rows.push(row);
        }
    }
    rows
}

fn importance_rows(doc: &Value) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for slice in doc["segments"].as_array().expect("segments") {
        for d in slice["drivers"].as_array().expect("drivers") {
            if d["id"] == doc["primary_outcome"] {
                continue;
            }
            let mut row = vec![field(slice, "segment"), field(slice, "wave")];
            for key in ["id", "label", "importance", "effect", "r2", "quadrant"] {
                row.push(field(d, key));
            }
            rows.push(row);
        }
    }
    rows
}

fn root_rows(doc: &Value) -> Vec<Vec<Value>> {
    doc["root_causes"]
        .as_array()
        .expect("root causes")
        .iter()
        .map(|r| {
            let mut row: Vec<Value> = [
                "segment",
                "wave",
                "outcome",
                "driver",
                "contribution",
                "share",
                "meets_target",
            ]
            .iter()
            .map(|k| field(r, k))
            .collect();
            row.push(joined(r, "path", " → "));
            row
        })
        .collect()
}

fn action_rows(doc: &Value) -> Vec<Vec<Value>> {
    doc["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            let mut row: Vec<Value> = ["rank", "title", "action", "driver", "segment"]
                .iter()
                .map(|k| field(a, k))
                .collect();
            row.push(joined(a, "segments", "; "));
            for key in [
                "share", "uplift", "cost", "priority", "delta", "duration", "rule", "why",
                "rule_why", "evidence",
            ] {
                row.push(field(a, key));
            }
            row
        })
        .collect()
}

fn change_rows(doc: &Value) -> Vec<Vec<Value>> {
    doc["waves_change"]
        .as_array()
        .expect("wave changes")
        .iter()
        .map(|c| {
            [
                "segment",
                "previous_wave",
                "wave",
                "id",
                "change",
                "index_change",
                "test",
                "statistic",
                "df",
                "p_value",
                "significant",
                "target",
                "gap",
                "due",
                "progress",
            ]
            .iter()
            .map(|k| field(c, k))
            .collect()
        })
        .collect()
}

#[test]
fn the_workbook_holds_the_json_values_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, names) in [
        ("zh", ["概览", "得分", "根因", "行动", "重要性", "波次变化"]),
        (
            "en",
            [
                "Summary",
                "Scores",
                "Root causes",
                "Actions",
                "Importance",
                "Wave changes",
            ],
        ),
    ] {
        let doc = json(&["analyze", PROJECT, "--format", "json", "--lang", lang]);
        let bytes = written(
            &["analyze", PROJECT, "--format", "xlsx", "--lang", lang],
            dir.path(),
            &format!("{lang}.xlsx"),
        );
        let mut book = open(&bytes);
        assert_eq!(book.sheet_names(), names.map(String::from).to_vec());
        let scores = rows(&mut book, names[1]);
        assert_rows(&scores, &score_rows(&doc), names[1]);
        assert!(
            !doc["actions"].as_array().expect("actions").is_empty(),
            "the fixture recommends actions"
        );
        assert_rows(&rows(&mut book, names[2]), &root_rows(&doc), names[2]);
        assert_rows(&rows(&mut book, names[3]), &action_rows(&doc), names[3]);
        assert_rows(&rows(&mut book, names[4]), &importance_rows(&doc), names[4]);
        assert_rows(&rows(&mut book, names[5]), &change_rows(&doc), names[5]);
        let summary = rows(&mut book, names[0]);
        assert_cell(&summary[1][2], &doc["model"], "summary model");
        assert_cell(&summary[4][2], &doc["rows"], "summary rows");
        if lang == "zh" {
            // Chinese headers and labels arrive intact.
            assert_eq!(scores[0][4], Data::String("名称".into()));
            assert!(scores[1..]
                .iter()
                .any(|r| matches!(&r[4], Data::String(s) if s == "客服响应时间")));
        }
    }
}

/// The named entry of a zip archive, as text.
fn entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut file = archive.by_name(name).expect("entry");
    let mut text = String::new();
    file.read_to_string(&mut text).expect("utf-8 entry");
    text
}

#[test]
fn two_runs_write_the_same_bytes_with_a_fixed_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["analyze", PROJECT, "--format", "xlsx"];
    let first = written(&args, dir.path(), "a.xlsx");
    let second = written(&args, dir.path(), "b.xlsx");
    assert!(first == second, "byte-identical workbooks");
    let core = entry(&first, "docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
    // The only dates in the properties are the fixed one.
    assert_eq!(core.matches("T00:00:00Z").count(), 2, "{core}");
    // Frozen header row.
    let sheet = entry(&first, "xl/worksheets/sheet2.xml");
    assert!(
        sheet.contains(r#"<pane ySplit="1" topLeftCell="A2""#),
        "{sheet}"
    );
}

#[test]
fn the_report_workbook_adds_what_if_and_plan_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = "fixtures/telecom/scenarios/staffing.yaml";
    let plan = [
        "--target",
        "satisfaction=4.0",
        "--due",
        "2027-06-30",
        "--today",
        "2026-12-01",
    ];
    let mut args = vec![
        "report",
        PROJECT,
        "--format",
        "xlsx",
        "--lang",
        "en",
        "--scenario",
        scenario,
    ];
    args.extend(plan);
    let bytes = written(&args, dir.path(), "report.xlsx");
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names()[6..].to_vec(),
        ["What-if", "What-if actions", "Plan targets", "Plan actions"].map(String::from)
    );
    let whatif = json(&[
        "whatif",
        PROJECT,
        "--scenario",
        scenario,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let mut want = Vec::new();
    for segment in whatif["segments"].as_array().expect("segments") {
        for node in segment["nodes"].as_array().expect("nodes") {
            let mut row = vec![
                field(&whatif["scenario"], "name"),
                field(segment, "segment"),
            ];
            for key in ["id", "outcome", "before", "after", "change", "index_change"] {
                row.push(field(node, key));
            }
            want.push(row);
        }
    }
    assert_rows(&rows(&mut book, "What-if"), &want, "What-if");
    let mut plan_args = vec!["plan", PROJECT, "--format", "json"];
    plan_args.extend(plan);
    let planned = json(&plan_args);
    let targets = rows(&mut book, "Plan targets");
    let target = &planned["targets"][0];
    assert_cell(&targets[1][0], &planned["status"], "plan status");
    for (c, key) in ["outcome", "current", "target", "reachable"]
        .iter()
        .enumerate()
    {
        assert_cell(&targets[1][c + 1], &target[key], key);
    }
}

#[test]
fn csv_writes_the_chosen_table_with_json_values() {
    let doc = json(&["analyze", PROJECT, "--format", "json", "--lang", "en"]);
    let (code, stdout, stderr) = run(&[
        "analyze", PROJECT, "--format", "csv", "--table", "roots", "--lang", "en", "--bom",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let body = stdout.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "segment",
            "wave",
            "outcome",
            "driver",
            "contribution",
            "share",
            "meets_target",
            "path"
        ]
    );
    let want = root_rows(&doc);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), want.len());
    for (record, want) in records.iter().zip(&want) {
        for (got, value) in record.iter().zip(want) {
            match value {
                Value::Number(n) => {
                    assert_eq!(got.parse::<f64>().ok(), n.as_f64(), "{record:?}");
                }
                Value::String(s) => assert_eq!(got, s),
                Value::Bool(b) => assert_eq!(got, b.to_string()),
                _ => assert_eq!(got, ""),
            }
        }
    }
    // The default table is the scores; no BOM unless asked.
    let (code, stdout, _) = run(&["analyze", PROJECT, "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("segment,wave,segment_share,id,label,"),
        "{stdout}"
    );
}

#[test]
fn a_workbook_is_refused_on_stdout_and_table_needs_csv() {
    let (code, stdout, stderr) = run(&["analyze", PROJECT, "--format", "xlsx", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("not written to stdout") && stderr.contains("-o results.xlsx"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["report", PROJECT, "--format", "xlsx"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("不能写到标准输出"), "{stderr}");
    let (code, _, stderr) = run(&["analyze", PROJECT, "--table", "actions", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--table only applies to --format csv"),
        "{stderr}"
    );
}
