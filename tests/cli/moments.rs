//! `sattrace moments`, `moments merge` and `--moments FILE` end to end on the
//! bundled telecom example: the analysis from the table equals the direct run, a
//! survey cut into four files merges back to the same analysis, and bad tables fail
//! with located messages (exit code 2).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::run;

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

/// Expects exit 2 and each English text (commands with `--lang` are run in English).
fn fails_with(args: &[&str], expected: &[&str]) {
    let mut args = args.to_vec();
    if ["analyze", "importance", "report", "whatif", "plan", "graph"].contains(&args[0]) {
        args.extend(["--lang", "en"]);
    }
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 2, "exit code; stderr: {stderr}");
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    for text in expected {
        assert!(stderr.contains(text), "expected `{text}` in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Counts (JSON integers) must be equal; other numbers to 1e-9 relative. The
/// `data` field names the input file and differs by design.
fn assert_same(direct: &Value, from_table: &Value, at: &str) {
    match (direct, from_table) {
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            assert_eq!(keys_a, keys_b, "keys at {at}");
            for (key, va) in a {
                if key == "data" {
                    continue;
                }
                assert_same(va, &b[key], &format!("{at}.{key}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length at {at}");
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                assert_same(va, vb, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (x, y) = (a.as_f64().expect("f64"), b.as_f64().expect("f64"));
            let scale = x.abs().max(y.abs()).max(1e-300);
            assert!((x - y).abs() <= 1e-9 * scale || x == y, "{at}: {x} vs {y}");
        }
        (a, b) => assert_eq!(a, b, "at {at}"),
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON output")
}

fn table_of(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec!["moments", "fixtures/telecom", "-o", path(&out)];
    args.extend_from_slice(extra);
    ok(&args);
    out
}

#[test]
fn analyze_from_the_table_equals_the_direct_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let direct = json(&ok(&["analyze", "fixtures/telecom", "--format", "json"]));
    let from_table = json(&ok(&[
        "analyze",
        "fixtures/telecom",
        "--moments",
        path(&table),
        "--format",
        "json",
    ]));
    assert_same(&direct, &from_table, "");
}

#[test]
fn moments_go_to_stdout_byte_identical_to_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let stdout = ok(&["moments", "fixtures/telecom"]);
    assert_eq!(stdout, std::fs::read_to_string(&table).expect("table"));
    assert!(
        stdout.starts_with("schema,fingerprint,seg:region,wave:wave,rows,sw,sw2,item:q_resp1:n,")
    );
    assert_eq!(stdout.lines().count(), 5, "header + 4 region × wave cells");
}

#[test]
fn four_parts_merged_equal_one_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let mut lines = survey.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let mut parts = Vec::new();
    for (i, chunk) in rows.chunks(rows.len().div_ceil(4)).enumerate() {
        let data = dir.path().join(format!("part{i}.csv"));
        std::fs::write(&data, format!("{header}\n{}\n", chunk.join("\n"))).expect("write part");
        let table = table_of(dir.path(), &format!("m{i}.csv"), &["--data", path(&data)]);
        parts.push(table);
    }
    assert_eq!(parts.len(), 4);
    let merged = dir.path().join("all.csv");
    // Merge out of order: addition is commutative.
    ok(&[
        "moments",
        "merge",
        path(&parts[2]),
        path(&parts[0]),
        path(&parts[3]),
        path(&parts[1]),
        "--project",
        "fixtures/telecom",
        "-o",
        path(&merged),
    ]);
    let direct = json(&ok(&["analyze", "fixtures/telecom", "--format", "json"]));
    let from_parts = json(&ok(&[
        "analyze",
        "fixtures/telecom",
        "--moments",
        path(&merged),
        "--format",
        "json",
    ]));
    assert_same(&direct, &from_parts, "");
}

#[test]
fn a_table_of_another_model_is_refused_naming_both_fingerprints() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let text = std::fs::read_to_string(&table).expect("table");
    let fingerprint = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(1))
        .expect("fingerprint")
        .to_string();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, text.replace(&fingerprint, "0123456789abcdef")).expect("write");
    fails_with(
        &["analyze", "fixtures/telecom", "--moments", path(&bad)],
        &[
            "bad.csv:2:",
            "`0123456789abcdef`",
            &format!("`{fingerprint}`"),
        ],
    );
}

#[test]
fn bad_tables_fail_with_located_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let text = std::fs::read_to_string(&table).expect("table");

    let renamed = dir.path().join("renamed.csv");
    std::fs::write(
        &renamed,
        text.replacen("item:q_resp1:s2", "item:q_resp1:s3", 1),
    )
    .expect("w");
    fails_with(
        &["analyze", "fixtures/telecom", "--moments", path(&renamed)],
        &[
            "renamed.csv:1:",
            "unknown column `item:q_resp1:s3`",
            "did you mean `item:q_resp1:s2`?",
        ],
    );

    // Third data row (line 4), `rows` column (5th): not a count.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    fields[4] = "12.5".into();
    lines[3] = fields.join(",");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\n")).expect("write");
    fails_with(
        &["analyze", "fixtures/telecom", "--moments", path(&bad)],
        &["bad.csv:4:5: column `rows` has `12.5`, expected a whole number"],
    );

    // An invalid count needs --on-invalid skip.
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let at = header
        .iter()
        .position(|c| *c == "item:q_net1:invalid")
        .expect("column");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    fields[at] = "3".into();
    lines[1] = fields.join(",");
    let invalid = dir.path().join("invalid.csv");
    std::fs::write(&invalid, lines.join("\n")).expect("write");
    fails_with(
        &["analyze", "fixtures/telecom", "--moments", path(&invalid)],
        &[
            "column `q_net1` counts 3 invalid values",
            "--on-invalid skip",
        ],
    );
    ok(&[
        "analyze",
        "fixtures/telecom",
        "--moments",
        path(&invalid),
        "--on-invalid",
        "skip",
    ]);
}

#[test]
fn whatif_from_a_table_runs_on_pseudo_respondents_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let args = [
        "whatif",
        "fixtures/telecom",
        "--shift",
        "network=+0.3",
        "--format",
        "json",
        "--bootstrap",
        "50",
    ];
    let direct = json(&ok(&args));
    let mut with_table = args.to_vec();
    with_table.extend_from_slice(&["--moments", path(&table)]);
    let aggregate = json(&ok(&with_table));
    let text = aggregate.to_string();
    assert!(text.contains("approximated per cell by a normal"), "{text}");
    // No respondents to resample: the intervals come from a parametric
    // bootstrap of the cells' moments, and the JSON says so.
    assert_eq!(aggregate["intervals"]["available"], true, "{text}");
    assert_eq!(
        aggregate["intervals"]["method"], "parametric-bootstrap-percentile",
        "{text}"
    );
    assert_eq!(direct["intervals"]["method"], "bootstrap-percentile");
    assert!(direct["segments"][0]["nodes"][0]["change_low"].is_number());
    // The driver's mean moves by less than +0.3 in both modes (respondents at the
    // top of the scale cannot gain), and by nearly the same amount.
    let network = |v: &Value| -> (f64, f64) {
        let nodes = v["segments"][0]["nodes"].as_array().expect("nodes");
        let n = nodes
            .iter()
            .find(|n| n["id"] == "network")
            .expect("network");
        (
            n["before"].as_f64().expect("before"),
            n["change"].as_f64().expect("change"),
        )
    };
    let (before, change) = network(&aggregate);
    let (before_rows, change_rows) = network(&direct);
    assert_eq!(before_rows, before);
    assert!(change_rows < 0.3, "{change_rows}");
    assert!(change < 0.3, "{change}");
    assert!(
        (change - change_rows).abs() < 0.05 * change_rows,
        "{change} vs {change_rows}"
    );
}

#[test]
fn row_level_methods_refuse_a_table_and_point_to_a_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    fails_with(
        &[
            "importance",
            "fixtures/telecom",
            "--moments",
            path(&table),
            "--bootstrap",
            "100",
        ],
        &["respondent-level rows", "sattrace sql --sample N --seed S"],
    );
}

#[test]
fn merging_tables_of_different_models_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    // Same columns, other fingerprint: a table of the model with one reverse item less.
    let text = std::fs::read_to_string(&table).expect("table");
    let fingerprint = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(1))
        .expect("fingerprint")
        .to_string();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, text.replace(&fingerprint, "fedcba9876543210")).expect("write");
    fails_with(
        &[
            "moments",
            "merge",
            path(&table),
            path(&other),
            "--project",
            "fixtures/telecom",
        ],
        &["other.csv:2:", "fedcba9876543210"],
    );
}

#[test]
fn importance_from_the_table_equals_the_direct_run_on_complete_data() {
    // Without missing values listwise deletion over the chosen drivers and over
    // all nodes (the table's complete-case block) keep the same rows.
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path();
    std::fs::copy("bench/model/model.yaml", project.join("model.yaml")).expect("model");
    let spec = std::fs::read_to_string("bench/model/simulate.yaml").expect("spec");
    assert!(spec.contains("missing_rate: 0.02"));
    std::fs::write(
        project.join("simulate.yaml"),
        spec.replace("missing_rate: 0.02", "missing_rate: 0"),
    )
    .expect("spec");
    let data = project.join("s.csv");
    let model = project.join("model.yaml");
    ok(&[
        "simulate",
        "--model",
        path(&model),
        "--n",
        "3000",
        "-o",
        path(&data),
    ]);
    let table = project.join("m.csv");
    ok(&[
        "moments",
        path(project),
        "--data",
        path(&data),
        "-o",
        path(&table),
    ]);
    for method in ["corr", "beta", "relweights", "lmg", "dominance"] {
        let direct = ok(&[
            "importance",
            path(project),
            "--data",
            path(&data),
            "--method",
            method,
            "--format",
            "json",
        ]);
        let from_table = ok(&[
            "importance",
            path(project),
            "--moments",
            path(&table),
            "--method",
            method,
            "--format",
            "json",
        ]);
        assert_same(&json(&direct), &json(&from_table), method);
    }
}

#[test]
fn skipped_invalid_values_travel_in_the_table() {
    // One out-of-scale item value: with --on-invalid skip, the direct run and the
    // run from the table (which counts it in `item:q_net1:invalid`) agree.
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let mut lines: Vec<String> = survey.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let at = header.iter().position(|c| *c == "q_net1").expect("q_net1");
    let mut fields: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    fields[at] = "7".into();
    lines[2] = fields.join(",");
    let data = dir.path().join("survey.csv");
    std::fs::write(&data, lines.join("\n") + "\n").expect("write");
    let table = table_of(
        dir.path(),
        "m.csv",
        &["--data", path(&data), "--on-invalid", "skip"],
    );
    let text = std::fs::read_to_string(&table).expect("table");
    let columns: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let invalid = columns
        .iter()
        .position(|c| *c == "item:q_net1:invalid")
        .expect("column");
    let total: u64 = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .nth(invalid)
                .expect("field")
                .parse::<u64>()
                .expect("count")
        })
        .sum();
    assert_eq!(total, 1);
    let direct = json(&ok(&[
        "analyze",
        "fixtures/telecom",
        "--data",
        path(&data),
        "--on-invalid",
        "skip",
        "--format",
        "json",
    ]));
    let from_table = json(&ok(&[
        "analyze",
        "fixtures/telecom",
        "--moments",
        path(&table),
        "--on-invalid",
        "skip",
        "--format",
        "json",
    ]));
    assert_same(&direct, &from_table, "");
}

/// Issue 17 item 5: a negative `sw` moved the overall score and a negative `s2`
/// narrowed the interval, exit 0. Both are refused naming the row and column, and
/// so is a second moment inconsistent with the first (Cauchy–Schwarz).
#[test]
fn impossible_sums_are_refused_naming_the_cell() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = table_of(dir.path(), "m.csv", &[]);
    let text = std::fs::read_to_string(&table).expect("table");
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let node_s2 = header
        .iter()
        .position(|h| h.starts_with("node:") && h.ends_with(":s2"))
        .expect("a node s2 column");
    let cases = [
        (at("sw"), "-3", "a sum of 0 or more"),
        (node_s2, "-1", "a sum of 0 or more"),
        (node_s2, "0.000001", "consistent with the sums"),
    ];
    for (i, (column, value, expected)) in cases.into_iter().enumerate() {
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut fields: Vec<&str> = lines[2].split(',').collect();
        fields[column] = value;
        edited[2] = fields.join(",");
        let bad = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(&bad, edited.join("\n")).expect("write");
        let place = format!("bad{i}.csv:3:{}: column `{}`", column + 1, header[column]);
        fails_with(
            &["analyze", "fixtures/telecom", "--moments", path(&bad)],
            &[place.as_str(), expected],
        );
    }
}
