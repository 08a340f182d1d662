//! `sattrace test`: a rule pack's own tests (`tests:` of each rule), scenario files
//! that run a whole model and expect actions in order, and coverage.
//!
//! Pure: the caller reads files and runs the pipeline; results are data, rendered by
//! [`render_human`], [`render_json`] and [`render_junit`].

mod given;
mod junit;
mod render;
mod run;
mod scenario;

pub use junit::render_junit;
pub use render::{render_human, render_json};
pub use run::{coverage, run_rule_tests};
pub use scenario::{check_scenario, parse_scenario, ActualAction, ExpectedAction, Scenario};

use serde::Serialize;

use crate::diag::Loc;

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "message", rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// The test ran and its expectation does not hold: a readable diff.
    Fail(String),
    /// The test could not run: a bad `given`, a rule that failed while evaluated.
    Error(String),
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    /// The file the test is in.
    pub suite: String,
    pub name: String,
    /// The rule it tests; `None` for a scenario.
    pub rule: Option<String>,
    pub loc: Loc,
    #[serde(flatten)]
    pub status: Status,
    /// Whether the rule fired (rule tests that ran).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fired: Option<bool>,
}

/// Which tests saw a rule fire and stay silent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub loc: Loc,
    pub fired_in: Vec<String>,
    pub silent_in: Vec<String>,
    /// Why the rule is not covered: `no test`, `never fires`, `never silent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered: Option<&'static str>,
}

/// Everything a run found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TestReport {
    pub cases: Vec<CaseResult>,
    pub coverage: Vec<RuleCoverage>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.count(|s| matches!(s, Status::Pass))
    }

    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Fail(_)))
    }

    pub fn errors(&self) -> usize {
        self.count(|s| matches!(s, Status::Error(_)))
    }

    fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.cases.iter().filter(|c| f(&c.status)).count()
    }

    /// Covered rules in percent (100 without rules).
    pub fn coverage_percent(&self) -> f64 {
        if self.coverage.is_empty() {
            return 100.0;
        }
        let covered = self
            .coverage
            .iter()
            .filter(|c| c.uncovered.is_none())
            .count();
        covered as f64 * 100.0 / self.coverage.len() as f64
    }
}
