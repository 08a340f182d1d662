//! Which rules a run uses, end to end: the built-in pack when the project has no
//! rules, `--no-default-rules`, the project's own rules replacing the pack, and
//! `disable: true`.

use std::path::Path;

use sattrace::rules::{default_rules, load_rules, Known, RuleEngine};

use crate::support::run;

/// The telecom example's model and survey, with no `rules/` directory.
fn project_without_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in ["model.yaml", "survey.csv"] {
        std::fs::copy(
            Path::new("fixtures/telecom").join(file),
            dir.path().join(file),
        )
        .expect("copy fixture");
    }
    dir
}

/// The rule ids of the actions `analyze --format json` recommends.
fn action_rules(args: &[&str]) -> Vec<String> {
    let mut all = vec!["analyze", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
    json["actions"]
        .as_array()
        .expect("actions array")
        .iter()
        .map(|a| a["rule"].as_str().expect("rule id").to_string())
        .collect()
}

fn pack_ids() -> Vec<String> {
    let engine = RuleEngine::new();
    let pack = load_rules(&engine, &default_rules(), &Known::default()).expect("pack loads");
    pack.rules.iter().map(|r| r.id.clone()).collect()
}

#[test]
fn without_project_rules_the_built_in_pack_is_used() {
    let dir = project_without_rules();
    let path = dir.path().to_str().expect("utf-8 path");
    let rules = action_rules(&[path]);
    assert!(!rules.is_empty(), "the pack recommends something here");
    let pack = pack_ids();
    assert!(rules.iter().all(|r| pack.contains(r)), "{rules:?}");
}

#[test]
fn no_default_rules_turns_the_pack_off() {
    let dir = project_without_rules();
    let path = dir.path().to_str().expect("utf-8 path");
    assert_eq!(
        action_rules(&[path, "--no-default-rules"]),
        Vec::<String>::new()
    );
    // The report, what-if and plan read rules through the same pipeline; the flag
    // is accepted there too.
    for command in ["report", "whatif", "plan"] {
        let (code, help, stderr) = run(&[command, "--help"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(help.contains("--no-default-rules"), "{command}: {help}");
    }
}

#[test]
fn project_rules_replace_the_pack_and_the_flag_leaves_them_alone() {
    let with_flag = action_rules(&["fixtures/telecom", "--no-default-rules"]);
    let without = action_rules(&["fixtures/telecom"]);
    assert_eq!(with_flag, without);
    assert!(!without.is_empty());
    let pack = pack_ids();
    assert!(without.iter().all(|r| !pack.contains(r)), "{without:?}");
}

#[test]
fn a_disabled_rule_recommends_nothing() {
    let dir = project_without_rules();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir(&rules_dir).expect("rules dir");
    let text =
        std::fs::read_to_string("fixtures/telecom/rules/service.yaml").expect("fixture rules");
    std::fs::write(rules_dir.join("service.yaml"), &text).expect("write rules");
    let path = dir.path().to_str().expect("utf-8 path");
    let before = action_rules(&[path]);
    let first = before.first().expect("some rule fires").clone();

    let marker = format!("  - id: {first}\n");
    assert!(text.contains(&marker), "{first} in the fixture");
    let disabled = text.replace(&marker, &format!("{marker}    disable: true\n"));
    std::fs::write(rules_dir.join("service.yaml"), disabled).expect("write rules");
    let after = action_rules(&[path]);
    assert!(
        !after.contains(&first),
        "{first} still recommended: {after:?}"
    );
    let rest: Vec<&String> = before.iter().filter(|r| **r != first).collect();
    assert_eq!(after.iter().collect::<Vec<_>>(), rest);

    // `sattrace test` still runs a disabled rule's own tests: it is loaded and checked.
    let (code, stdout, stderr) = run(&["test", &rules_dir.to_string_lossy(), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("\"rule\": \"{first}\"")),
        "{stdout}"
    );
}

#[test]
fn test_command_no_default_rules_skips_the_pack() {
    let dir = project_without_rules();
    let path = dir.path().to_str().expect("utf-8 path");
    let tests = |args: &[&str]| {
        let mut all = vec!["test", path, "--format", "json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run(&all);
        assert_eq!(code, 0, "{stdout}{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
        json["summary"]["tests"].as_u64().expect("test count")
    };
    assert!(
        tests(&[]) >= 46,
        "every pack rule has a firing and a silent test"
    );
    assert_eq!(tests(&["--no-default-rules"]), 0);
}
