//! Run each rule's own tests and collect coverage.

use std::fmt::Write as _;

use super::given::given;
use super::{CaseResult, RuleCoverage, Status};
use crate::rules::{Expect, RuleEngine, RuleSet, RuleTest};

/// Every test of every rule, in rule order then test order.
pub fn run_rule_tests(engine: &RuleEngine, rules: &RuleSet) -> Vec<CaseResult> {
    let mut cases = Vec::new();
    for rule in &rules.rules {
        for (i, test) in rule.tests.iter().enumerate() {
            let name = test_name(&rule.id, i, test);
            let (status, fired) = run_one(engine, rule, test);
            cases.push(CaseResult {
                suite: rule.loc.file.clone(),
                name,
                rule: Some(rule.id.clone()),
                loc: test.loc.clone(),
                status,
                fired,
            });
        }
    }
    cases
}

fn test_name(rule: &str, i: usize, test: &RuleTest) -> String {
    let expect = match test.expect {
        Expect::Fires => "fires",
        Expect::Silent => "silent",
    };
    match &test.name {
        Some(name) => format!("{rule}: {name} ({expect})"),
        None => format!("{rule} #{} ({expect})", i + 1),
    }
}

fn run_one(
    engine: &RuleEngine,
    rule: &crate::rules::Rule,
    test: &RuleTest,
) -> (Status, Option<bool>) {
    let facts = match given(rule, &test.given) {
        Ok(facts) => facts,
        Err(message) => return (Status::Error(message), None),
    };
    let applies = rule.applies_to(&facts.driver.id, &facts.driver.tags)
        && rule.applies_to_segment(&facts.segment.column, &facts.segment.value);
    let (fired, priority) = if applies {
        match rule.evaluate(engine, &facts.context()) {
            Ok(e) => (e.fired, Some(e.priority)),
            Err(error) => return (Status::Error(error.to_string()), None),
        }
    } else {
        (false, None)
    };
    let expected = test.expect == Expect::Fires;
    let mut problems = Vec::new();
    if fired != expected {
        problems.push(format!(
            "expected: {}\n     got: {}",
            word(expected),
            describe(fired, priority, facts.uplift)
        ));
        if !applies {
            problems.push(format!(
                "    note: `for` of rule `{}` does not select driver `{}` in segment `{}`",
                rule.id, facts.driver.id, facts.segment.name
            ));
        }
    }
    if let (Some(range), Some(p)) = (test.priority, priority.filter(|_| fired)) {
        if !range.contains(p) {
            problems.push(format!(
                "expected: priority {range}\n     got: priority {}",
                short(p)
            ));
        }
    }
    if let Some(range) = test.uplift {
        if !range.contains(facts.uplift) {
            problems.push(format!(
                "expected: uplift {range}\n     got: uplift {}",
                short(facts.uplift)
            ));
        }
    }
    if problems.is_empty() {
        return (Status::Pass, Some(fired));
    }
    let mut message = problems.join("\n");
    let _ = write!(message, "\n    when: {}", rule.when_source());
    let given = flatten(&test.given);
    if !given.is_empty() {
        let _ = write!(message, "\n   given: {given}");
    }
    (Status::Fail(message), Some(fired))
}

fn word(fired: bool) -> &'static str {
    if fired {
        "fires"
    } else {
        "silent"
    }
}

fn describe(fired: bool, priority: Option<f64>, uplift: f64) -> String {
    match priority {
        Some(p) if fired => format!("fires (priority {}, uplift {})", short(p), short(uplift)),
        _ => word(fired).to_string(),
    }
}

/// Up to four decimals, trailing zeros dropped.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// `driver.score = 3.2, driver.target = 4` from a `given` map.
fn flatten(given: &std::collections::BTreeMap<String, serde_json::Value>) -> String {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            other => out.push(format!("{prefix} = {other}")),
        }
    }
    let mut out = Vec::new();
    for (k, v) in given {
        walk(k, v, &mut out);
    }
    out.join(", ")
}

/// Per rule: the tests that saw it fire and stay silent. `extra_fired` adds
/// `(rule id, test name)` pairs seen firing elsewhere (scenario files).
pub fn coverage(
    rules: &RuleSet,
    cases: &[CaseResult],
    extra_fired: &[(String, String)],
) -> Vec<RuleCoverage> {
    rules
        .rules
        .iter()
        .map(|rule| {
            let mut fired_in = Vec::new();
            let mut silent_in = Vec::new();
            for case in cases.iter().filter(|c| c.rule.as_deref() == Some(&rule.id)) {
                match case.fired {
                    Some(true) => fired_in.push(case.name.clone()),
                    Some(false) => silent_in.push(case.name.clone()),
                    None => {}
                }
            }
            for (id, name) in extra_fired {
                if *id == rule.id && !fired_in.contains(name) {
                    fired_in.push(name.clone());
                }
            }
            let uncovered = if rule.tests.is_empty() && fired_in.is_empty() {
                Some("no test")
            } else if fired_in.is_empty() {
                Some("never fires")
            } else if silent_in.is_empty() {
                Some("never silent")
            } else {
                None
            };
            RuleCoverage {
                rule: rule.id.clone(),
                loc: rule.loc.clone(),
                fired_in,
                silent_in,
                uncovered,
            }
        })
        .collect()
}
