//! Shared helpers for CLI tests: the binary and a project with hostile labels.

#![allow(dead_code, reason = "each test binary uses a different part")]

use assert_cmd::Command;

pub fn sattrace() -> Command {
    Command::cargo_bin("sattrace").expect("binary")
}

/// Run the binary: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = sattrace().args(args).output().expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Labels an attacker would write into a model.
pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const FORMULA: &str = "=HYPERLINK(\"http://x\")";
pub const BREAKOUT: &str = "x\"] n1 --> n2[\"&#35;` ```";

/// A copy of the telecom example whose labels, model name and a segment value
/// are hostile. The directory lives as long as the returned guard.
pub fn hostile_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    let yaml = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let model = model
        .replace(
            "name: 某电信运营商客户满意度模型",
            &format!("name: {}", yaml(&format!("{SCRIPT} & co"))),
        )
        .replace(
            "{zh: 客服响应时间, en: Support response time}",
            &yaml(SCRIPT),
        )
        .replace("{zh: 资费合理性, en: Price reasonableness}", &yaml(FORMULA))
        .replace("{zh: 服务体验, en: Service experience}", &yaml(BREAKOUT));
    std::fs::write(dir.path().join("model.yaml"), model).expect("write model");
    let survey = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let survey = survey.replace(",华南,", ",\"<b>South</b> \"\"=1+1\"\"\",");
    std::fs::write(dir.path().join("survey.csv"), survey).expect("write survey");
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    std::fs::copy(
        "fixtures/telecom/rules/service.yaml",
        dir.path().join("rules/service.yaml"),
    )
    .expect("copy rules");
    dir
}

/// Run the binary in `dir`: (exit code, stdout, stderr).
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = sattrace()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A simulated survey read as the commands read it (respondents and item moments
/// kept), and its analysis: the start of every test against the simulated truth.
pub fn read_simulated(
    model: &sattrace::model::Model,
    graph: &sattrace::graph::DriverGraph,
    csv: &[u8],
) -> (sattrace::data::Survey, sattrace::analysis::Analysis) {
    use sattrace::analysis::{analyze, AnalysisOptions};
    use sattrace::data::{ingest, IngestOptions};
    let options = IngestOptions {
        keep_respondents: true,
        item_moments: true,
        ..IngestOptions::default()
    };
    let survey = ingest(model, graph.order(), "sim.csv", csv, &options).expect("ingest");
    let analysis = analyze(model, graph, &survey, &AnalysisOptions::default()).expect("analysis");
    (survey, analysis)
}
