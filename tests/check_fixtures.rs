//! Every broken fixture under `fixtures/broken/check/` (one defect per file) with its
//! diagnostics pinned as the JSON `sattrace check --format json` prints: code,
//! severity, line, column, message and help. `BLESS=1 cargo test` rewrites them.

use std::path::{Path, PathBuf};

use sattrace::check::render::{render_diagnostics, CheckFormat};
use sattrace::check::{check, CheckOptions, Kind, Source};
use sattrace::model::load_model;

const ROOT: &str = "fixtures/broken/check";
const BASE_MODEL: &str = "fixtures/broken/check/base_model.yaml";

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn source(kind: Kind, path: &Path) -> Source {
    Source::new(
        kind,
        path.display().to_string(),
        std::fs::read(path).expect("fixture"),
    )
}

fn options() -> CheckOptions {
    CheckOptions {
        today: Some((2026, 1, 15)),
        data: None,
    }
}

fn pinned(sources: &[Source], expected: &Path) {
    let diagnostics = check(sources, &options());
    let mut json = Vec::new();
    render_diagnostics(CheckFormat::Json, &diagnostics, sources, false, &mut json).expect("render");
    let json = String::from_utf8(json).expect("utf8");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(expected, &json).expect("bless");
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("no {}; run with BLESS=1", expected.display()));
    assert_eq!(json, want, "{}", expected.display());
    assert!(
        !diagnostics.is_empty(),
        "{}: a broken fixture with no finding",
        expected.display()
    );
}

#[test]
fn model_fixtures() {
    for path in yaml_files(&format!("{ROOT}/model")) {
        pinned(&[source(Kind::Model, &path)], &path.with_extension("json"));
    }
}

#[test]
fn rule_fixtures() {
    let base = source(Kind::Model, Path::new(BASE_MODEL));
    for path in yaml_files(&format!("{ROOT}/rules")) {
        pinned(
            &[base.clone(), source(Kind::Rules, &path)],
            &path.with_extension("json"),
        );
    }
}

#[test]
fn scenario_fixtures() {
    let base = source(Kind::Model, Path::new(BASE_MODEL));
    for path in yaml_files(&format!("{ROOT}/scenario")) {
        pinned(
            &[base.clone(), source(Kind::Scenario, &path)],
            &path.with_extension("json"),
        );
    }
}

#[test]
fn base_model_and_telecom_are_clean() {
    let base = source(Kind::Model, Path::new(BASE_MODEL));
    assert_eq!(check(&[base], &options()), vec![]);
    let telecom = source(Kind::Model, Path::new("fixtures/telecom/model.yaml"));
    let rules = source(
        Kind::Rules,
        Path::new("fixtures/telecom/rules/service.yaml"),
    );
    let found = check(&[telecom, rules], &options());
    assert!(found.iter().all(|d| !d.is_error()), "{found:#?}");
}

/// `load_model` stops at the first error; that error is one of `check`'s findings.
#[test]
fn the_loaders_first_error_is_among_the_findings() {
    for path in yaml_files(&format!("{ROOT}/model")) {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("fixture");
        let Err(error) = load_model(&file, &text) else {
            continue;
        };
        let found = check(&[source(Kind::Model, &path)], &options());
        assert!(
            found.iter().any(|d| d.is_error()
                && d.line == error.loc().line
                && d.column == error.loc().column),
            "{file}: {error} not in {found:#?}"
        );
    }
}

#[test]
fn data_header_against_the_model() {
    let base = source(Kind::Model, Path::new(BASE_MODEL));
    let options = CheckOptions {
        today: Some((2026, 1, 15)),
        data: Some((
            "survey.csv".into(),
            b"q_qualty,q_service,q_sat,region\n4,4,4,east\n".to_vec(),
        )),
    };
    let found = check(&[base], &options);
    let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["survey.csv:1:1: error[SAT021]: column `q_quality` (an item of driver `quality`) is not in the header\n  help: did you mean `q_qualty`?"]
    );
}
