//! SARIF output: a structural check of what code scanning reads, and validation
//! against the official OASIS SARIF 2.1.0 JSON schema
//! (`tests/fixtures/sarif-schema-2.1.0.json`, see its NOTICE).

use sattrace::check::render::{render_diagnostics, CheckFormat};
use sattrace::check::{check, CheckOptions, Kind, Source};
use serde_json::Value;

fn sarif() -> Value {
    let sources = [
        Source::new(
            Kind::Model,
            "fixtures/broken/check/model/many_defects.yaml",
            std::fs::read("fixtures/broken/check/model/many_defects.yaml").expect("fixture"),
        ),
        Source::new(
            Kind::Rules,
            "fixtures/broken/check/rules/without_tests.yaml",
            std::fs::read("fixtures/broken/check/rules/without_tests.yaml").expect("fixture"),
        ),
    ];
    let options = CheckOptions {
        today: Some((2026, 1, 15)),
        data: None,
    };
    let diagnostics = check(&sources, &options);
    let mut out = Vec::new();
    render_diagnostics(CheckFormat::Sarif, &diagnostics, &sources, false, &mut out)
        .expect("render");
    serde_json::from_slice(&out).expect("json")
}

#[test]
fn sarif_has_the_required_shape() {
    let log = sarif();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sattrace");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for rule in rules {
        assert!(rule["id"].as_str().is_some_and(|id| id.starts_with("SAT")));
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["help"]["text"].is_string());
        assert!(["error", "warning", "note", "none"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")));
    }
    let results = run["results"].as_array().expect("results");
    assert!(results.len() >= 5);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["message"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(["error", "warning"].contains(&result["level"].as_str().unwrap_or("")));
        for location in result["locations"]
            .as_array()
            .expect("locations")
            .iter()
            .chain(result["relatedLocations"].as_array().into_iter().flatten())
        {
            let physical = &location["physicalLocation"];
            assert!(physical["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| !u.contains('\\') && !u.contains(' ')));
            let region = &physical["region"];
            let start = (
                region["startLine"].as_u64().expect("startLine"),
                region["startColumn"].as_u64().expect("startColumn"),
            );
            let end = (
                region["endLine"].as_u64().expect("endLine"),
                region["endColumn"].as_u64().expect("endColumn"),
            );
            assert!(start.0 >= 1 && start.1 >= 1 && end >= start, "{region}");
        }
    }
    let cycle = results
        .iter()
        .find(|r| r["ruleId"] == "SAT007")
        .expect("a cycle");
    assert_eq!(cycle["relatedLocations"].as_array().map(Vec::len), Some(1));
}

fn official_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::validator_for(&schema).expect("compile schema")
}

fn assert_valid(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = official_validator();
    assert_valid(&validator, &sarif());
}

#[test]
fn cli_sarif_of_many_defects_validates_against_the_official_schema() {
    let out = assert_cmd::Command::cargo_bin("sattrace")
        .expect("binary")
        .args([
            "check",
            "fixtures/broken/check/model/many_defects.yaml",
            "--format",
            "sarif",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "findings expected");
    let log: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(!log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .is_empty());
    let validator = official_validator();
    assert_valid(&validator, &log);
    // The validator does catch a broken log.
    let mut broken = log.clone();
    broken["version"] = Value::from("9.9");
    assert!(!validator.is_valid(&broken));
}
