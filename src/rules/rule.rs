//! A loaded rule: what it recommends, where it applies, and its compiled expressions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compile::Compiled;
use crate::diag::Loc;
use crate::model::Label;

/// Every loaded rule, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.rules.get(i))
    }
}

/// One rule of a rule file.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: Label,
    pub action: Label,
    /// Why the action helps, in words a manager understands.
    pub why: Option<Label>,
    pub selector: Selector,
    /// Expected improvement of the driver, in the driver's own scale points.
    pub delta: f64,
    /// Relative cost or effort points, > 0.
    pub cost: f64,
    /// Lead time in days.
    pub duration: Option<f64>,
    pub disabled: bool,
    /// Where the rule's `id` is.
    pub loc: Loc,
    pub tests: Vec<RuleTest>,
    pub(crate) when: Compiled,
    pub(crate) priority: Option<Compiled>,
}

/// Which drivers and segments a rule is evaluated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub matches: Match,
    /// Segment column → the values the rule applies to; columns not named are not restricted.
    pub segments: BTreeMap<String, Vec<String>>,
    /// Whether the rule applies to the whole sample (false with `segments: {all: false}`).
    pub whole_sample: bool,
}

/// `for: {each: driver}`, `for: {drivers: […]}` or `for: {tags: […]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Each,
    Drivers(Vec<String>),
    Tags(Vec<String>),
}

/// A rule's own test case, kept for `sattrace test`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTest {
    /// The test's own name, if it has one (otherwise `#1`, `#2`… in reports).
    pub name: Option<String>,
    /// Facts given by the test: `driver`, `segment`, `outcome`, `wave`, `drivers`,
    /// `uplift`; unspecified fields get the defaults documented in `docs/rules.md`.
    pub given: BTreeMap<String, serde_json::Value>,
    pub expect: Expect,
    /// The range the priority must fall in when the rule fires.
    pub priority: Option<Range>,
    /// The range the uplift must fall in.
    pub uplift: Option<Range>,
    /// Where the test's `expect` is.
    pub loc: Loc,
}

/// What a rule test expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Fires,
    Silent,
}

/// `{min, max}`: an inclusive range; either bound may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl Range {
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(a), Some(b)) => write!(f, "{a}..={b}"),
            (Some(a), None) => write!(f, ">= {a}"),
            (None, Some(b)) => write!(f, "<= {b}"),
            (None, None) => f.write_str("any"),
        }
    }
}

/// The result of one rule on one context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub fired: bool,
    pub priority: f64,
}

impl Rule {
    /// The `when` expression as written (whitespace collapsed to single spaces).
    pub fn when_source(&self) -> &str {
        &self.when.source
    }

    /// Whether the rule is evaluated for a driver with this id and these tags.
    pub fn applies_to(&self, driver_id: &str, tags: &[String]) -> bool {
        match &self.selector.matches {
            Match::Each => true,
            Match::Drivers(ids) => ids.iter().any(|id| id == driver_id),
            Match::Tags(wanted) => wanted.iter().any(|w| tags.contains(w)),
        }
    }

    /// Whether the rule is evaluated in a segment; `column` is empty for the whole
    /// sample. A rule that names segment columns is evaluated only in the slices it
    /// names (`channel: [miniprogram]` means those respondents, never a `region=…`
    /// slice); a rule that names none is evaluated in every segment.
    pub fn applies_to_segment(&self, column: &str, value: &str) -> bool {
        if column.is_empty() {
            return self.selector.whole_sample;
        }
        if self.selector.segments.is_empty() {
            return true;
        }
        self.selector
            .segments
            .get(column)
            .is_some_and(|values| values.iter().any(|v| v == value))
    }
}
