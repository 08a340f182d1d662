//! Every command reads workbooks and SPSS files as it reads the CSV: `importance`,
//! `moments`, `whatif`, `plan`, `report` and `serve` on survey.xlsx, survey.xls, survey.ods,
//! survey.sav, survey.zsav and the GBK survey_gbk.sav give what they give on
//! survey.csv (JSON numbers to 1e-12, text outputs equal once the file name is
//! blanked). `analyze` is compared in files_workbook.rs, files_sav.rs and
//! files_sav_codepages.rs.

mod serve_support;

use serde_json::Value;
use serve_support::Server;

const DIR: &str = "fixtures/files";
const CSV: &str = "fixtures/files/survey.csv";
const OTHERS: [&str; 6] = [
    "fixtures/files/survey.xlsx",
    "fixtures/files/survey.xls",
    "fixtures/files/survey.ods",
    "fixtures/files/survey.sav",
    "fixtures/files/survey.zsav",
    "fixtures/files/survey_gbk.sav",
];

/// stdout of `args --data data`, with the data path (also Markdown-escaped) blanked.
fn output(args: &[&str], data: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sattrace"))
        .args(args)
        .args(["--data", data])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} {data}: {stderr}");
    String::from_utf8_lossy(&out.stdout)
        .replace(data, "DATA")
        .replace(&data.replace('_', "\\_"), "DATA")
}

/// Every number in `a` equals the one in `b` to 1e-12 (relative to its size);
/// everything else is equal.
fn assert_same(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                "{path}: {x} != {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (k, (x, y)) in x.iter().zip(y).enumerate() {
                assert_same(x, y, &format!("{path}[{k}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(x), keys(y), "{path}: keys");
            for (k, v) in x {
                assert_same(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn importance_whatif_plan_moments_and_report_read_every_format() {
    let json_commands: [&[&str]; 3] = [
        &["importance", DIR, "--format", "json"],
        &[
            "whatif",
            DIR,
            "--shift",
            "response_time=0.5",
            "--format",
            "json",
        ],
        &[
            "plan",
            DIR,
            "--target",
            "satisfaction=4.0",
            "--due",
            "2027-06-30",
            "--today",
            "2026-12-01",
            "--bootstrap",
            "0",
            "--format",
            "json",
        ],
    ];
    let text_commands: [&[&str]; 2] = [&["moments", DIR], &["report", DIR, "--format", "md"]];
    for args in json_commands {
        let want = json(&output(args, CSV));
        for data in OTHERS {
            assert_same(
                &want,
                &json(&output(args, data)),
                &format!("{} {data}", args[0]),
            );
        }
    }
    for args in text_commands {
        let want = output(args, CSV);
        // The segments are named by the labels, not the SPSS codes.
        assert!(want.contains("华东"), "{want}");
        for data in OTHERS {
            assert_eq!(want, output(args, data), "{} {data}", args[0]);
        }
    }
}

#[test]
fn serve_answers_from_a_workbook_and_an_spss_file_as_from_the_csv() {
    let shift = r#"{"shift": {"response_time": 0.5}, "where": {"region": "华东"}}"#;
    let mut answers = Vec::new();
    for data in [
        CSV,
        "fixtures/files/survey.xlsx",
        "fixtures/files/survey_gbk.sav",
    ] {
        let path = std::fs::canonicalize(data).expect("fixture");
        let server = Server::start(
            std::path::Path::new(DIR),
            &["--data", path.to_str().expect("utf-8"), "--lang", "en"],
        );
        let reply = server.post("/api/whatif", shift);
        assert_eq!(reply.status, 200, "{data}: {}", reply.text());
        let doc = reply.json();
        // Rows in 华东 moved: the region label is what the where clause matched.
        assert!(doc["moved_rows"].as_u64().unwrap_or(0) > 0, "{doc}");
        answers.push((data, doc));
    }
    let (_, want) = &answers[0];
    for (data, got) in &answers[1..] {
        assert_same(want, got, &format!("serve {data}"));
    }
}
