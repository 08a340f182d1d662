//! `sattrace analyze` end to end: the bundled example as snapshots, byte-identical
//! output, and one test per kind of bad input (exit code 2, located message).

use crate::support::run;

/// Expects exit 2 and each English text (`analyze` speaks Chinese by default).
fn fails_with(args: &[&str], expected: &[&str]) {
    let mut args = args.to_vec();
    if args[0] == "analyze" && !args.contains(&"--lang") {
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

#[test]
fn example_table_zh() {
    let (code, stdout, stderr) = run(&["analyze", "fixtures/telecom"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("telecom_table_zh", stdout);
}

#[test]
fn example_table_en() {
    let (code, stdout, stderr) = run(&["analyze", "fixtures/telecom", "--lang", "en"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("telecom_table_en", stdout);
}

#[test]
fn example_markdown() {
    let (code, stdout, stderr) = run(&[
        "analyze",
        "fixtures/telecom",
        "--format",
        "md",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("telecom_md_en", stdout);
}

#[test]
fn example_json_matches_the_documented_schema() {
    let (code, stdout, stderr) = run(&["analyze", "fixtures/telecom", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["schema"], "sattrace.analysis/1");
    let segment = &json["segments"][0];
    for key in ["segment", "wave", "n", "drivers"] {
        assert!(segment.get(key).is_some(), "segments[] lacks {key}");
    }
    for key in [
        "id",
        "label",
        "score",
        "index",
        "n",
        "ci_low",
        "ci_high",
        "target",
        "gap",
        "importance",
        "effect",
    ] {
        assert!(
            segment["drivers"][0].get(key).is_some(),
            "drivers[] lacks {key}"
        );
    }
    for key in ["outcome", "driver", "contribution", "share", "path"] {
        assert!(
            json["root_causes"][0].get(key).is_some(),
            "root_causes[] lacks {key}"
        );
    }
    for key in [
        "rank", "rule", "driver", "segment", "action", "uplift", "cost", "priority", "why",
    ] {
        assert!(
            json["actions"][0].get(key).is_some(),
            "actions[] lacks {key}"
        );
    }
    insta::assert_snapshot!("telecom_json", stdout);
}

/// The root cause built into the simulated data (slow support response, worst in
/// 华东) is the one found, and its action ranks first.
#[test]
fn example_finds_the_built_in_root_cause() {
    let (_, stdout, _) = run(&["analyze", "fixtures/telecom", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let first_cause = &json["root_causes"][0];
    assert_eq!(first_cause["outcome"], "satisfaction");
    assert_eq!(first_cause["driver"], "response_time");
    assert_eq!(
        first_cause["path"],
        serde_json::json!(["response_time", "service", "satisfaction"])
    );
    assert_eq!(json["actions"][0]["driver"], "response_time");
    let latest = json["latest_wave"].as_str().expect("wave");
    let score = |segment: &str| {
        json["segments"]
            .as_array()
            .expect("segments")
            .iter()
            .find(|s| s["segment"] == segment && s["wave"] == latest)
            .and_then(|s| s["drivers"].as_array())
            .and_then(|d| d.iter().find(|d| d["id"] == "response_time"))
            .and_then(|d| d["score"].as_f64())
            .expect("score")
    };
    assert!(score("region=华东") < score("region=华南") - 0.2);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let first = run(&["analyze", "fixtures/telecom", "--format", "json"]).1;
    for _ in 0..3 {
        assert_eq!(
            run(&["analyze", "fixtures/telecom", "--format", "json"]).1,
            first
        );
    }
}

#[test]
fn output_file_is_written_and_inputs_are_protected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.json");
    let out_name = out.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = run(&[
        "analyze",
        "fixtures/telecom",
        "--format",
        "json",
        "-o",
        out_name,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&out).expect("written");
    assert_eq!(
        written,
        run(&["analyze", "fixtures/telecom", "--format", "json"]).1
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let before = std::fs::read("fixtures/telecom/survey.csv").expect("survey");
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "-o",
            "fixtures/telecom/survey.csv",
        ],
        &["refusing to write over", "input of this run"],
    );
    assert_eq!(
        std::fs::read("fixtures/telecom/survey.csv").expect("survey"),
        before
    );
}

#[test]
fn gbk_survey_gives_the_same_analysis_as_utf8() {
    let dir = tempfile::tempdir().expect("tempdir");
    let utf8 = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&utf8);
    assert!(!unmappable);
    let path = dir.path().join("survey_gbk.csv");
    std::fs::write(&path, &gbk).expect("write");
    let path = path.to_str().expect("path");
    let (code, gbk_out, stderr) = run(&[
        "analyze",
        "fixtures/telecom",
        "--data",
        path,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (_, utf8_out, _) = run(&["analyze", "fixtures/telecom", "--format", "json"]);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"data\":"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&gbk_out), strip(&utf8_out));
    assert!(gbk_out.contains("region=华东"));
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            path,
            "--encoding",
            "utf8",
        ],
        &["not valid UTF-8"],
    );
}

#[test]
fn ragged_row() {
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            "fixtures/broken/ragged.csv",
        ],
        &["fixtures/broken/ragged.csv:4", "has 21 fields, expected 22"],
    );
}

#[test]
fn missing_column_suggests_the_near_one() {
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            "fixtures/broken/missing_column.csv",
        ],
        &["column `q_recommend`", "did you mean `q_recomend`?"],
    );
}

#[test]
fn value_outside_the_scale() {
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            "fixtures/broken/out_of_scale.csv",
        ],
        &[
            "fixtures/broken/out_of_scale.csv:3:7",
            "`q_staff1` has `7`",
            "from 1 to 5",
        ],
    );
}

#[test]
fn text_in_a_numeric_column() {
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            "fixtures/broken/text_in_number.csv",
        ],
        &[
            "fixtures/broken/text_in_number.csv:5:15",
            "`q_price2` has `good`",
        ],
    );
}

#[test]
fn empty_segment_value() {
    fails_with(
        &[
            "analyze",
            "fixtures/telecom",
            "--data",
            "fixtures/broken/empty_segment.csv",
        ],
        &["fixtures/broken/empty_segment.csv:4:2", "empty segment"],
    );
}

#[test]
fn invalid_values_can_be_skipped_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    // Spoil one answer of the third data row.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    fields[4] = "7".into();
    lines[3] = fields.join(",");
    text = lines.join("\n") + "\n";
    let path = dir.path().join("survey.csv");
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("path");
    fails_with(
        &["analyze", "fixtures/telecom", "--data", path],
        &[":4:5:", "`q_resp1` has `7`"],
    );
    let (code, stdout, stderr) = run(&[
        "analyze",
        "fixtures/telecom",
        "--data",
        path,
        "--on-invalid",
        "skip",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["skipped_values"], 1);
    assert_eq!(json["skipped_by_column"], serde_json::json!({"q_resp1": 1}));
    assert_eq!(json["skipped_rows"], 0);
    // The table names the column and its count, in either language.
    for (lang, want) in [
        ("en", "1 invalid values skipped: q_resp1 1"),
        ("zh", "1 个无效值被跳过：q_resp1 1"),
    ] {
        let (code, stdout, stderr) = run(&[
            "analyze",
            "fixtures/telecom",
            "--data",
            path,
            "--on-invalid",
            "skip",
            "--lang",
            lang,
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.lines().any(|l| l == want), "{stdout}");
    }
}

fn project_with_model(model: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("model.yaml"), model).expect("model");
    std::fs::copy("fixtures/telecom/survey.csv", dir.path().join("survey.csv")).expect("survey");
    dir
}

#[test]
fn cycle_in_the_model() {
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml")
        .expect("model")
        .replace(
            "items: [q_resp1, q_resp2]",
            "items: [q_resp1, q_resp2]\n    inputs: [satisfaction]",
        );
    let dir = project_with_model(&model);
    fails_with(
        &["analyze", dir.path().to_str().expect("path")],
        &["the drivers form a cycle: response_time → service → satisfaction → response_time"],
    );
}

#[test]
fn unknown_key_in_the_model() {
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml")
        .expect("model")
        .replace("    target: 3.8\n", "    traget: 3.8\n");
    let dir = project_with_model(&model);
    fails_with(
        &["analyze", dir.path().to_str().expect("path")],
        &[
            "model.yaml:40:5: unknown field `traget`",
            "did you mean `target`?",
        ],
    );
}

#[test]
fn yaml_bomb_is_refused() {
    let mut model = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        model.push_str(&format!(
            "a{i}: &a{i} [{p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}]\n"
        ));
    }
    model.push_str("drivers: *a9\n");
    let dir = project_with_model(&model);
    let started = std::time::Instant::now();
    let (code, _, stderr) = run(&["analyze", dir.path().to_str().expect("path")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("model.yaml"), "{stderr}");
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn missing_project_and_bad_arguments() {
    fails_with(
        &["analyze", "no/such/dir"],
        &["no model at `no/such/dir/model.yaml`"],
    );
    let (code, _, _) = run(&["analyze", "fixtures/telecom", "--format", "pdf"]);
    assert_eq!(code, 2);
}
