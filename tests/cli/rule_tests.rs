//! `sattrace test` end to end: the default pack and the example pass with full
//! coverage, a broken test fails with a readable diff, JUnit XML is well formed.

use crate::support::run;

#[test]
fn default_pack_passes_with_full_coverage() {
    let (code, stdout, stderr) = run(&["test", "rules", "--min-coverage", "100"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("(100%)"), "{stdout}");
    assert!(stdout.contains(" 0 failed, 0 errors"), "{stdout}");
}

#[test]
fn telecom_example_passes_with_full_coverage_and_its_scenario() {
    let (code, stdout, stderr) = run(&["test", "fixtures/telecom", "--min-coverage", "100"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("ok     telecom example ranks response time first"),
        "{stdout}"
    );
}

const BROKEN: &str = r#"rules:
  - id: slow-support
    title: t
    for: {tags: [servqual.responsiveness]}
    when: driver.gap >= 0.3 && driver.importance >= 0.1
    action: "a & <b>"
    effect: {delta: 0.4}
    cost: 2
    tests:
      - given: {driver: {score: 3.2, target: 4.0, importance: 0.3}}
        expect: silent
      - name: "priority <too> high & \"quoted\""
        given: {driver: {score: 3.2, target: 4.0, importance: 0.3}}
        expect: fires
        priority: {min: 100}
      - given: {driver: {scroe: 3.2}}
        expect: silent
  - id: never-tested
    title: t
    for: {each: driver}
    when: "false"
    action: a
    effect: {delta: 0.1}
    cost: 1
"#;

fn broken_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("r.yaml"), BROKEN).expect("write");
    dir
}

#[test]
fn a_broken_rule_test_fails_with_a_readable_diff() {
    let dir = broken_dir();
    let path = dir.path().to_string_lossy().into_owned();
    let (code, stdout, _) = run(&["test", &path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL   slow-support #1 (silent)"),
        "{stdout}"
    );
    assert!(stdout.contains("expected: silent\n"), "{stdout}");
    assert!(
        stdout.contains("     got: fires (priority 1.5, uplift 3)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("when: driver.gap >= 0.3 && driver.importance >= 0.1"),
        "{stdout}"
    );
    assert!(stdout.contains("expected: priority >= 100"), "{stdout}");
    assert!(
        stdout.contains("`driver` has no key `scroe`: did you mean `score`?"),
        "{stdout}"
    );
    assert!(stdout.contains("never-tested"), "{stdout}");
    assert!(
        stdout.contains(": no test (fires in 0, silent in 0)"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 2 failed, 1 errors"), "{stdout}");
}

#[test]
fn json_report_has_cases_and_coverage() {
    let dir = broken_dir();
    let path = dir.path().to_string_lossy().into_owned();
    let (code, stdout, _) = run(&["test", &path, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["summary"]["failed"], 2);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["coverage_percent"], 0.0);
    assert_eq!(v["cases"][0]["status"], "fail");
    assert_eq!(v["coverage"][0]["uncovered"], "no test");
}

#[test]
fn min_coverage_fails_the_run_below_the_threshold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = BROKEN
        .split("  - id: never-tested")
        .next()
        .unwrap_or_default();
    let text = one.replace(
        "expect: silent\n      - name",
        "expect: fires\n      - name",
    );
    let text = text.replace("priority: {min: 100}", "priority: {max: 100}");
    let text = text.replace(
        "{driver: {scroe: 3.2}}",
        "{driver: {score: 3.9, target: 4.0}}",
    );
    std::fs::write(dir.path().join("r.yaml"), &text).expect("write");
    let path = dir.path().to_string_lossy().into_owned();
    let (code, stdout, _) = run(&["test", &path]);
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = run(&["test", &path, "--min-coverage", "100"]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&["test", &path, "rules/general.yaml", "--min-coverage", "100"]);
    assert_eq!(code, 0);
}

#[test]
fn junit_output_is_well_formed_and_counts_failures() {
    let dir = broken_dir();
    let path = dir.path().to_string_lossy().into_owned();
    let junit = dir.path().join("junit.xml");
    let (code, _, _) = run(&["test", &path, "--junit", &junit.to_string_lossy()]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    check_well_formed(&xml);
    assert!(
        xml.contains(r#"<testsuites name="sattrace test" tests="3" failures="2" errors="1">"#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"name="slow-support: priority &lt;too&gt; high &amp; &quot;quoted&quot; (fires)""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="expected: silent" type="failure">"#),
        "{xml}"
    );
    assert!(xml.contains("<error message="), "{xml}");
    // The passing run too.
    let ok = dir.path().join("ok.xml");
    let (code, _, _) = run(&["test", "rules", "--junit", &ok.to_string_lossy()]);
    assert_eq!(code, 0);
    check_well_formed(&std::fs::read_to_string(&ok).expect("written"));
}

#[test]
fn invalid_rules_cannot_be_tested() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("r.yaml"),
        BROKEN.replace("driver.gap >= 0.3", "driver.gapp >= 0.3"),
    )
    .expect("write");
    let (code, stdout, stderr) = run(&["test", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("r.yaml:5:18: `driver` has no field `gapp`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["test", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no rule file or directory at `no/such/dir`"),
        "{stderr}"
    );
}

/// A small well-formedness check: one root, tags balanced and properly nested,
/// attributes quoted, only the five predefined entities and character references,
/// no raw `<` or `&` in text.
fn check_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("tag closed");
            let tag = &after[..end];
            assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else {
                let self_closing = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                    "name {name}"
                );
                check_attributes(&tag[name.len()..]);
                if stack.is_empty() {
                    roots += 1;
                }
                if !self_closing {
                    stack.push(name);
                }
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            check_text(&rest[..end]);
            if stack.is_empty() {
                assert!(rest[..end].trim().is_empty(), "text outside the root");
            }
            rest = &rest[end..];
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1);
}

fn check_attributes(mut s: &str) {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return;
        }
        let eq = s.find("=\"").expect("attribute = \"value\"");
        let name = &s[..eq];
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "attr {name}"
        );
        let after = &s[eq + 2..];
        let close = after.find('"').expect("closing quote");
        check_text(&after[..close]);
        s = &after[close + 1..];
    }
}

fn check_text(text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let end = after.find(';').expect("entity closed");
        let entity = &after[..end];
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || entity
                    .strip_prefix('#')
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
            "entity {entity}"
        );
        rest = &after[end + 1..];
    }
    assert!(!text.contains('<'));
    for c in text.chars() {
        assert!(
            (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'),
            "control character"
        );
    }
}

#[test]
fn a_rule_exceeding_a_limit_in_analyze_is_named_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["model.yaml", "survey.csv"] {
        std::fs::copy(format!("fixtures/telecom/{f}"), dir.path().join(f)).expect("copy");
    }
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("lib")).expect("mkdir");
    std::fs::copy(
        "fixtures/telecom/rules/service.yaml",
        rules.join("service.yaml"),
    )
    .expect("copy");
    std::fs::write(
        rules.join("lib/h.rhai"),
        "fn forever(x) { forever(x + 1) }\n",
    )
    .expect("write");
    std::fs::write(
        rules.join("hostile.yaml"),
        "rules:\n  - id: hostile\n    title: t\n    for: {each: driver}\n    when: forever(1) > 0\n    action: a\n    effect: {delta: 0.1}\n    cost: 1\n",
    )
    .expect("write");
    let (code, stdout, stderr) = run(&["analyze", &dir.path().to_string_lossy(), "--lang", "en"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("hostile.yaml:5:11: rule `hostile` stopped"),
        "{stderr}"
    );
    assert!(stdout.contains("Cut support response time"), "{stdout}");
}

/// Issue 17 item 1: `--junit` named an input (model, rule file, survey) and
/// replaced it with XML, exit 0. It must refuse with exit 2 and leave it whole.
#[test]
fn junit_never_overwrites_an_input_of_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["model.yaml", "survey.csv"] {
        std::fs::copy(format!("fixtures/telecom/{name}"), dir.path().join(name)).expect("copy");
    }
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::fs::write(rules.join("r.yaml"), BROKEN).expect("write");
    let project = dir.path().to_string_lossy().into_owned();
    for victim in ["model.yaml", "survey.csv", "rules/r.yaml"] {
        let path = dir.path().join(victim);
        let before = std::fs::read(&path).expect("read");
        let (code, _, stderr) = run(&["test", &project, "--junit", &path.to_string_lossy()]);
        assert_eq!(code, 2, "{victim}: {stderr}");
        assert!(stderr.contains("refusing to write over"), "{stderr}");
        assert!(stderr.contains("--junit"), "{stderr}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            before,
            "{victim} changed"
        );
    }
}
