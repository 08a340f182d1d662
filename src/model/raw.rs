//! The YAML shape of `model.yaml`, read strictly: unknown keys are errors.
//!
//! Shared by the loader (first error) and the checker (every finding).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::types::{Direction, Method, Metric, Scale};
use super::Label;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub data: Option<String>,
    #[serde(default)]
    pub scale: Option<Scale>,
    #[serde(default)]
    pub segments: Vec<Spanned<String>>,
    #[serde(default)]
    pub wave: Option<Spanned<String>>,
    #[serde(default)]
    pub weight: Option<Spanned<String>>,
    #[serde(default)]
    pub missing: Option<Vec<String>>,
    #[serde(default)]
    pub primary_outcome: Option<Spanned<String>>,
    pub drivers: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: Option<Label>,
    #[serde(default)]
    pub items: Vec<Spanned<String>>,
    #[serde(default)]
    pub reverse: Vec<Spanned<String>>,
    #[serde(default)]
    pub scale: Option<Spanned<Scale>>,
    #[serde(default)]
    pub inputs: Vec<Spanned<String>>,
    #[serde(default)]
    pub outcome: bool,
    #[serde(default)]
    pub metric: Option<Metric>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub target: Option<Spanned<f64>>,
    #[serde(default)]
    pub due: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub weights: Option<Spanned<RawWeights>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawWeights {
    Method { method: Method },
    Declared(BTreeMap<String, f64>),
}
