//! The YAML shape of a rule file, read strictly: unknown keys are errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::rule::{Expect, Range};
use crate::model::Label;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: Spanned<String>,
    pub title: Label,
    #[serde(rename = "for")]
    pub selector: Spanned<RawFor>,
    pub when: Spanned<String>,
    pub action: Label,
    #[serde(default)]
    pub why: Option<Label>,
    pub effect: RawEffect,
    pub cost: Spanned<f64>,
    #[serde(default)]
    pub duration: Option<Spanned<f64>>,
    #[serde(default)]
    pub priority: Option<Spanned<String>>,
    #[serde(default)]
    pub disable: bool,
    #[serde(default)]
    pub tests: Vec<RawTest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFor {
    #[serde(default)]
    pub drivers: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub tags: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub each: Option<Spanned<String>>,
    #[serde(default)]
    pub segments: Option<BTreeMap<String, Spanned<RawSegmentValues>>>,
}

/// `region: [华东, 华南]`, or `all: false` to leave out the whole sample.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawSegmentValues {
    Values(Vec<String>),
    Flag(bool),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEffect {
    pub delta: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given: BTreeMap<String, serde_json::Value>,
    pub expect: Spanned<Expect>,
    #[serde(default)]
    pub priority: Option<Range>,
    #[serde(default)]
    pub uplift: Option<Range>,
}
