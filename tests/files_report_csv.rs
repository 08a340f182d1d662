//! `report --format csv --table …`: any table of the report's workbook as one CSV,
//! the analysis tables equal to `analyze --format csv`, the what-if and plan tables
//! holding the `whatif`/`plan --format json` values, quoted per RFC 4180.

mod support;

use serde_json::Value;
use support::run;

const PROJECT: &str = "fixtures/telecom";
const PLAN: [&str; 6] = [
    "--target",
    "satisfaction=4.0",
    "--due",
    "2027-06-30",
    "--today",
    "2026-12-01",
];

fn stdout_of(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

/// Header and records of a CSV text.
fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let records = reader
        .records()
        .map(|r| {
            r.expect("an RFC 4180 record")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (header, records)
}

/// A CSV field against a JSON value: numbers equal as f64, texts equal, null empty.
fn assert_field(got: &str, want: &Value, at: &str) {
    match want {
        Value::Number(n) => assert_eq!(got.parse::<f64>().ok(), n.as_f64(), "{at}"),
        Value::String(s) => assert_eq!(got, s, "{at}"),
        Value::Bool(b) => assert_eq!(got, b.to_string(), "{at}"),
        Value::Null => assert_eq!(got, "", "{at}"),
        // Nested values are flattened to text: empty exactly when they are.
        Value::Object(o) => assert_eq!(got.is_empty(), o.is_empty(), "{at}"),
        Value::Array(a) => assert_eq!(got.is_empty(), a.is_empty(), "{at}"),
    }
}

#[test]
fn analysis_tables_equal_analyze_csv_byte_for_byte() {
    for table in [
        "summary",
        "scores",
        "roots",
        "actions",
        "importance",
        "changes",
    ] {
        let args = ["--format", "csv", "--table", table, "--bom", "--lang", "en"];
        let analyze = stdout_of(&[&["analyze", PROJECT][..], &args].concat());
        let report = stdout_of(&[&["report", PROJECT][..], &args].concat());
        assert!(report.starts_with('\u{feff}'), "{table}: a byte-order mark");
        assert_eq!(analyze, report, "{table}");
    }
    // Without --table: the scores, as for analyze.
    let report = stdout_of(&["report", PROJECT, "--format", "csv"]);
    assert!(
        report.starts_with("segment,wave,segment_share,id,label,"),
        "{report}"
    );
}

#[test]
fn the_what_if_table_holds_the_whatif_json_quoted_per_rfc_4180() {
    // A scenario name with a comma, quotes and a line break must be quoted, quotes doubled.
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml =
        std::fs::read_to_string("fixtures/telecom/scenarios/staffing.yaml").expect("scenario");
    let name = "华东, \"高峰\" 增派\n客服";
    let scenario = dir.path().join("staffing.yaml");
    std::fs::write(
        &scenario,
        yaml.replace(
            "name: 华东高峰增派客服",
            "name: \"华东, \\\"高峰\\\" 增派\\n客服\"",
        ),
    )
    .expect("write");
    let scenario = scenario.to_str().expect("utf-8");
    let text = stdout_of(&[
        "report",
        PROJECT,
        "--format",
        "csv",
        "--table",
        "whatif",
        "--scenario",
        scenario,
    ]);
    assert!(
        text.contains("\n\"华东, \"\"高峰\"\" 增派\n客服\",all,response_time,"),
        "{text}"
    );
    let whatif: Value = serde_json::from_str(&stdout_of(&[
        "whatif",
        PROJECT,
        "--scenario",
        scenario,
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(whatif["scenario"]["name"], name);
    let (header, records) = parse(&text);
    let keys = ["id", "outcome", "before", "after", "change", "index_change"];
    assert_eq!(header[..2], ["scenario", "segment"]);
    assert_eq!(header[2..], keys);
    let mut k = 0;
    for segment in whatif["segments"].as_array().expect("segments") {
        for node in segment["nodes"].as_array().expect("nodes") {
            let record = records.get(k).expect("a record per node");
            assert_eq!(record[0], name);
            assert_field(&record[1], &segment["segment"], "segment");
            for (c, key) in keys.iter().enumerate() {
                assert_field(&record[c + 2], &node[*key], &format!("row {k} {key}"));
            }
            k += 1;
        }
    }
    assert!(k > 0);
    assert_eq!(records.len(), k);
    // The actions' table has a row per action of the what-if document.
    let text = stdout_of(&[
        "report",
        PROJECT,
        "--format",
        "csv",
        "--table",
        "whatif-actions",
        "--scenario",
        scenario,
    ]);
    let (header, records) = parse(&text);
    assert_eq!(header[0], "scenario");
    assert_eq!(
        records.len(),
        whatif["actions"].as_array().expect("actions").len()
    );
}

#[test]
fn the_plan_tables_hold_the_plan_json() {
    let planned: Value = serde_json::from_str(&stdout_of(
        &[&["plan", PROJECT, "--format", "json"][..], &PLAN].concat(),
    ))
    .expect("json");
    let csv = |table: &str| {
        stdout_of(
            &[
                &["report", PROJECT, "--format", "csv", "--table", table][..],
                &PLAN,
            ]
            .concat(),
        )
    };
    let (header, records) = parse(&csv("plan-targets"));
    // The named columns first, then any other field of the targets (`due`, …).
    assert_eq!(
        header[..5],
        ["status", "outcome", "current", "target", "reachable"]
    );
    let targets = planned["targets"].as_array().expect("targets");
    assert_eq!(records.len(), targets.len());
    for (record, target) in records.iter().zip(targets) {
        assert_field(&record[0], &planned["status"], "status");
        for (c, key) in header.iter().enumerate().skip(1) {
            assert_field(&record[c], &target[key.as_str()], key);
        }
    }
    let (header, records) = parse(&csv("plan-actions"));
    assert_eq!(header[..4], ["plan", "plan_cost", "rule", "driver"]);
    let mut k = 0;
    for (p, plan) in planned["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .enumerate()
    {
        for action in plan["actions"].as_array().expect("actions") {
            let record = records.get(k).expect("a record per action");
            assert_eq!(record[0], (p + 1).to_string());
            assert_field(&record[1], &plan["cost"], "plan_cost");
            for (c, key) in header.iter().enumerate().skip(2) {
                assert_field(&record[c], &action[key.as_str()], key);
            }
            k += 1;
        }
    }
    assert!(k > 0);
    assert_eq!(records.len(), k);
}

#[test]
fn a_what_if_table_needs_a_scenario_and_table_needs_csv() {
    let (code, stdout, stderr) = run(&[
        "report", PROJECT, "--format", "csv", "--table", "whatif", "--lang", "en",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("--table whatif needs a what-if scenario")
            && stderr.contains("--scenario FILE"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["report", PROJECT, "--bom"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--bom 只用于 --format csv"), "{stderr}");
}
