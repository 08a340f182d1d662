//! `sattrace schema`: each kind's schema is valid JSON, names its top-level keys,
//! and accepts the bundled files.

use assert_cmd::Command;
use serde_json::Value;

fn schema_of(kind: &str) -> Value {
    let out = Command::cargo_bin("sattrace")
        .expect("binary")
        .args(["schema", kind])
        .output()
        .expect("run");
    assert!(out.status.success(), "schema {kind} failed");
    serde_json::from_slice(&out.stdout).expect("schema is JSON")
}

fn yaml_to_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read");
    serde_saphyr::from_str(&text).expect("yaml")
}

fn check(kind: &str, keys: &[&str], files: &[std::path::PathBuf]) {
    let schema = schema_of(kind);
    let props = schema["properties"].as_object().expect("properties");
    for key in keys {
        assert!(props.contains_key(*key), "{kind}: no {key}");
    }
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    assert!(!files.is_empty());
    for file in files {
        let doc = yaml_to_json(file);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

fn yamls(dir: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn model_schema_accepts_bundled_model() {
    check(
        "model",
        &["name", "data", "drivers", "segments"],
        &["fixtures/telecom/model.yaml".into()],
    );
}

#[test]
fn rules_schema_accepts_bundled_rules() {
    check("rules", &["rules"], &yamls("rules"));
}

#[test]
fn scenario_schema_accepts_bundled_scenarios() {
    check(
        "scenario",
        &["name", "set", "shift", "where"],
        &yamls("fixtures/telecom/scenarios"),
    );
}

#[test]
fn model_schema_rejects_unknown_key() {
    let schema = schema_of("model");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let doc = serde_json::json!({"drivers": [], "nope": 1});
    assert!(!validator.is_valid(&doc));
}

#[test]
fn model_schema_knows_the_workbook_keys() {
    // fixtures/files/model.yaml names its sheet (`sheet: 数据`).
    check(
        "model",
        &["sheet", "header_row"],
        &["fixtures/files/model.yaml".into()],
    );
    let validator = jsonschema::validator_for(&schema_of("model")).expect("valid schema");
    let mut doc = yaml_to_json(std::path::Path::new("fixtures/files/model.yaml"));
    doc["header_row"] = Value::from(3);
    assert!(validator.is_valid(&doc));
    // Rows count from 1, as in Excel.
    doc["header_row"] = Value::from(0);
    assert!(!validator.is_valid(&doc));
    doc["header_row"] = Value::from("3");
    assert!(!validator.is_valid(&doc));
}
