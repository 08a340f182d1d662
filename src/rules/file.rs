//! The YAML shape of a rule file, read strictly: unknown keys are errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::rule::{Expect, Range};
use crate::model::Label;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub rules: Vec<RawRule>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: Label,
    #[serde(rename = "for")]
    #[schemars(with = "RawFor")]
    pub selector: Spanned<RawFor>,
    #[schemars(with = "String")]
    pub when: Spanned<String>,
    pub action: Label,
    #[serde(default)]
    pub why: Option<Label>,
    pub effect: RawEffect,
    #[schemars(with = "f64")]
    pub cost: Spanned<f64>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub duration: Option<Spanned<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub priority: Option<Spanned<String>>,
    #[serde(default)]
    pub disable: bool,
    #[serde(default)]
    pub tests: Vec<RawTest>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFor {
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub drivers: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub each: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, RawSegmentValues>>")]
    pub segments: Option<BTreeMap<String, Spanned<RawSegmentValues>>>,
}

/// `region: [华东, 华南]`, or `all: false` to leave out the whole sample.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawSegmentValues {
    Values(Vec<String>),
    Flag(bool),
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEffect {
    #[schemars(with = "f64")]
    pub delta: Spanned<f64>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given: BTreeMap<String, serde_json::Value>,
    #[schemars(with = "Expect")]
    pub expect: Spanned<Expect>,
    #[serde(default)]
    pub priority: Option<Range>,
    #[serde(default)]
    pub uplift: Option<Range>,
}
