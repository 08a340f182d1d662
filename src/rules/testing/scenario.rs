//! Scenario files (`tests/*.yaml` next to a model): the whole model, its data and its
//! rules, and the actions expected at the top of the list, in order.
//!
//! ```yaml
//! name: telecom example
//! expect:
//!   - {rule: peak-hour-staffing, driver: response_time}
//!   - {rule: network-weak-cells, segment: all}
//! absent: [clearer-plans]
//! ```

use serde::Deserialize;

use super::{CaseResult, Status};
use crate::diag::Loc;
use crate::yaml::{parse_yaml, YamlError};

/// A parsed scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// The first actions, in rank order; each entry matches on what it names.
    #[serde(default)]
    pub expect: Vec<ExpectedAction>,
    /// Rules that must not recommend anything.
    #[serde(default)]
    pub absent: Vec<String>,
    /// The exact number of actions, when given.
    #[serde(default)]
    pub count: Option<usize>,
}

/// One expected action; a field left out matches anything.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAction {
    pub rule: String,
    #[serde(default)]
    pub driver: Option<String>,
    /// `all` or `column=value`.
    #[serde(default)]
    pub segment: Option<String>,
}

/// One action the pipeline recommended.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualAction {
    pub rule: String,
    pub driver: String,
    pub segment: String,
}

impl ExpectedAction {
    fn matches(&self, a: &ActualAction) -> bool {
        self.rule == a.rule
            && self.driver.as_ref().is_none_or(|d| *d == a.driver)
            && self.segment.as_ref().is_none_or(|s| *s == a.segment)
    }

    fn show(&self) -> String {
        let mut s = self.rule.clone();
        if let Some(d) = &self.driver {
            s.push_str(&format!(" on {d}"));
        }
        if let Some(seg) = &self.segment {
            s.push_str(&format!(" in {seg}"));
        }
        s
    }
}

pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, YamlError> {
    parse_yaml(file, text)
}

/// Compare what the pipeline recommended with what the scenario expects.
pub fn check_scenario(file: &str, scenario: &Scenario, actual: &[ActualAction]) -> CaseResult {
    let mut problems = Vec::new();
    let prefix_ok = scenario.expect.len() <= actual.len()
        && scenario
            .expect
            .iter()
            .zip(actual)
            .all(|(e, a)| e.matches(a));
    if !prefix_ok {
        let mut diff = String::from("expected the first actions:");
        for (i, e) in scenario.expect.iter().enumerate() {
            let mark = if actual.get(i).is_some_and(|a| e.matches(a)) {
                ' '
            } else {
                '-'
            };
            diff.push_str(&format!("\n  {mark} {}. {}", i + 1, e.show()));
        }
        diff.push_str("\n     got:");
        let shown = actual.len().min(scenario.expect.len().max(1) + 2);
        for (i, a) in actual.iter().take(shown).enumerate() {
            let mark = if scenario.expect.get(i).is_some_and(|e| e.matches(a)) {
                ' '
            } else {
                '+'
            };
            diff.push_str(&format!(
                "\n  {mark} {}. {} on {} in {}",
                i + 1,
                a.rule,
                a.driver,
                a.segment
            ));
        }
        if actual.is_empty() {
            diff.push_str("\n    (no actions)");
        }
        problems.push(diff);
    }
    for rule in &scenario.absent {
        if let Some(a) = actual.iter().find(|a| a.rule == *rule) {
            problems.push(format!(
                "expected no action from `{rule}`, got one on {} in {}",
                a.driver, a.segment
            ));
        }
    }
    if let Some(count) = scenario.count {
        if count != actual.len() {
            problems.push(format!("expected {count} actions, got {}", actual.len()));
        }
    }
    CaseResult {
        suite: file.to_string(),
        name: scenario.name.clone(),
        rule: None,
        loc: Loc::new(file, 1, 1),
        status: if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail(problems.join("\n"))
        },
        fired: None,
    }
}
