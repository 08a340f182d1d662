//! The YAML shape of `model.yaml`, read strictly: unknown keys are errors.
//!
//! Shared by the loader (first error) and the checker (every finding).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

#[allow(unused_imports, reason = "named by the schema attribute")]
use super::types::Method;
use super::types::{BlockMode, Direction, EffectsMode, Metric, Scale};
use super::Label;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub data: Option<String>,
    /// The worksheet to read when `data:` is a workbook (default: the first sheet).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The 1-based sheet row holding the column names, when `data:` is a workbook
    /// (default: the first row that names the most model columns).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub header_row: Option<Spanned<u32>>,
    #[serde(default)]
    #[schemars(with = "Option<Scale>")]
    pub scale: Option<Spanned<Scale>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub segments: Vec<Spanned<String>>,
    /// Groups of segment columns sliced together: each combination of their values
    /// is a slice (`crossed: [[channel, region]]`).
    #[serde(default)]
    #[schemars(with = "Vec<Vec<String>>")]
    pub crossed: Vec<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub wave: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub weight: Option<Spanned<String>>,
    /// The column that identifies a respondent; a value seen twice is reported.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub respondent_id: Option<Spanned<String>>,
    #[serde(default)]
    pub missing: Option<Vec<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub primary_outcome: Option<Spanned<String>>,
    pub drivers: Vec<RawNode>,
    #[serde(default)]
    pub effects: Option<EffectsMode>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: Option<Label>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub items: Items,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub reverse: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<Scale>")]
    pub scale: Option<Spanned<Scale>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub inputs: Vec<Spanned<String>>,
    #[serde(default)]
    pub outcome: bool,
    #[serde(default)]
    pub metric: Option<Metric>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub target: Option<Spanned<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub due: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schemars(with = "Option<RawWeights>")]
    pub weights: Option<Spanned<RawWeights>>,
    #[serde(default)]
    pub mode: Option<BlockMode>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub reliability: Option<Spanned<f64>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawWeights {
    /// The name is checked by the loader, so that a misspelt method gets a located
    /// "did you mean" instead of serde's "no variant matched".
    Method {
        #[schemars(with = "Method")]
        method: Spanned<String>,
    },
    Declared(BTreeMap<String, f64>),
}

/// A node's `items`, and where the list is written: an empty list (`items: []`)
/// has no item to point at, so its errors point at the list itself.
#[derive(Default)]
pub(crate) struct Items {
    pub list: Vec<Spanned<String>>,
    pub at: Option<serde_saphyr::Location>,
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Vec<Spanned<String>>>::deserialize(deserializer)?;
        Ok(Items {
            list: spanned.value,
            at: Some(spanned.referenced),
        })
    }
}

impl std::ops::Deref for Items {
    type Target = Vec<Spanned<String>>;
    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a Spanned<String>;
    type IntoIter = std::slice::Iter<'a, Spanned<String>>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}
