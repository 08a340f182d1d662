//! Rules: YAML files whose `when` and `priority` are Rhai expressions, compiled once
//! in a sandboxed engine, checked for unknown names at load time, and evaluated on
//! aggregated facts (one context per rule × matched driver × segment).
//!
//! The reference for rule authors is `docs/rules.md`.

mod compile;
mod context;
mod embedded;
mod engine;
mod error;
mod eval;
mod file;
mod functions;
mod library;
mod lint;
mod load;
pub mod names;
mod native;
mod rhai_zh;
mod rule;
mod span;
pub mod testing;

pub use context::{Context, Facts, OutcomeFacts, SegmentFacts, WaveFacts};
pub use embedded::default_rules;
pub use engine::RuleEngine;
pub use error::RuleError;
pub use functions::{expected_uplift, gap_share};
pub use lint::{lint_rules, RuleLint, RuleWarning, RuleWarningKind};
pub use load::{check_rules, load_rules};
pub use rule::{Evaluation, Expect, Match, Range, Rule, RuleSet, RuleTest, Selector};

/// One rule file's text and the name used for it in messages.
#[derive(Debug, Clone, Copy)]
pub struct RuleSource<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

/// What the model declares, for name checks at load time. An empty list turns
/// the corresponding check off (rules linted without a model).
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub drivers: Vec<String>,
    pub tags: Vec<String>,
    pub segment_columns: Vec<String>,
}

impl Known {
    /// What `model` declares: its node ids, its tags (sorted, once each) and its
    /// segment columns.
    pub fn of_model(model: &crate::model::Model) -> Known {
        let mut tags: Vec<String> = model
            .nodes
            .iter()
            .flat_map(|n| n.tags.iter().cloned())
            .collect();
        tags.sort();
        tags.dedup();
        Known {
            drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
            tags,
            segment_columns: model.segments.clone(),
        }
    }
}

/// The JSON Schema of a rule file (`sattrace schema rules`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(file::RawFile)).unwrap_or_default()
}
