//! The validated model: what the rest of the pipeline works with.

use std::collections::BTreeMap;

use super::Label;
use crate::diag::Loc;

/// An item scale, inclusive on both ends (`{min: 1, max: 5}`).
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
}

impl Scale {
    pub fn contains(&self, value: f64) -> bool {
        value >= self.min && value <= self.max
    }

    /// `(value − min) / (max − min) × 100`, the ACSI-style 0–100 index.
    pub fn to_index(&self, value: f64) -> f64 {
        (value - self.min) / (self.max - self.min) * 100.0
    }

    /// Inverse of [`Scale::to_index`].
    pub fn from_index(&self, index: f64) -> f64 {
        self.min + index / 100.0 * (self.max - self.min)
    }

    /// Reverse coding: `min + max − value`.
    pub fn flip(&self, value: f64) -> f64 {
        self.min + self.max - value
    }
}

/// How a node's items become its score.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean of the items, shown on the item scale and as a 0–100 index.
    #[default]
    Mean,
    /// Net promoter score from one 0–10 item: % promoters (9–10) − % detractors (0–6).
    Nps,
    /// Share of respondents whose one item is at the scale's maximum (a 0/1 column), in %.
    Rate,
    /// Share of respondents whose item mean is in the top two scale points, in %.
    Top2box,
}

impl Metric {
    /// The name used in model files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Mean => "mean",
            Metric::Nps => "nps",
            Metric::Rate => "rate",
            Metric::Top2box => "top2box",
        }
    }
}

/// Whether a higher score is better (satisfaction) or worse (churn).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    /// +1 when higher is better, −1 when lower is better.
    pub fn sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
        }
    }
}

/// Key driver analysis method of a node's inputs (`weights: {method: …}`). The
/// effects used for totals, root causes and uplift are always OLS coefficients in
/// index points (the only unit that adds up along paths and multiplies a gap); the
/// method decides the *importance* shown (see `docs/model.md`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Ordinary least squares of the node on its inputs (weighted by survey weights);
    /// importance = standardized coefficient.
    #[default]
    Ols,
    /// Shapley value / LMG share of R².
    Lmg,
    /// Johnson's relative weights (R² shares).
    Relweights,
    /// Standardized OLS coefficient (the same importance as `ols`).
    Beta,
    /// Pearson correlation with the node.
    Corr,
    /// General dominance (equal to LMG).
    Dominance,
    /// PLS path model on items; importance = standardized path coefficient.
    Pls,
}

impl Method {
    /// Whether the importance is a share of R² (the shares sum to R²).
    pub fn shares_r2(self) -> bool {
        matches!(self, Method::Lmg | Method::Relweights | Method::Dominance)
    }

    /// The name used in model files, flags and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Ols => "ols",
            Method::Lmg => "lmg",
            Method::Relweights => "relweights",
            Method::Beta => "beta",
            Method::Corr => "corr",
            Method::Dominance => "dominance",
            Method::Pls => "pls",
        }
    }

    /// The method named `name` in a model file.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// A "did you mean" or the list of methods, for an unknown `name`.
    pub fn hint(name: &str) -> String {
        let hint = crate::diag::did_you_mean(name, Method::ALL.iter().map(|m| m.as_str()));
        if hint.is_empty() {
            let all: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
            format!("use one of {}", all.join(", "))
        } else {
            hint
        }
    }

    /// Every method, in the order of the docs (for "did you mean" hints).
    pub const ALL: [Method; 7] = [
        Method::Ols,
        Method::Lmg,
        Method::Relweights,
        Method::Beta,
        Method::Corr,
        Method::Dominance,
        Method::Pls,
    ];
}

/// How a node's items relate to it in a PLS path model (`mode:` in model.yaml).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BlockMode {
    /// The items reflect the construct (PLS mode A): interchangeable indicators.
    #[default]
    Reflective,
    /// The items form the construct (PLS mode B): each covers a distinct facet.
    Formative,
}

/// What the effects are estimated on (`effects:` in model.yaml).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EffectsMode {
    /// The moments of the node values as observed (averaged items, with their
    /// measurement error): paths are attenuated toward zero.
    Observed,
    /// The moments with each node's variance replaced by its true-score variance
    /// (reliability × variance), so paths are not attenuated by measurement error
    /// (`docs/methods.md`, "The effect model").
    #[default]
    Corrected,
}

impl EffectsMode {
    /// The name used in model files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EffectsMode::Observed => "observed",
            EffectsMode::Corrected => "corrected",
        }
    }
}

/// Where a node's input effects come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Weights {
    /// Estimated from respondent-level data.
    Estimated(Method),
    /// Declared by the user: input id → effect in index points of this node per
    /// index point of the input.
    Declared(BTreeMap<String, f64>),
}

impl Default for Weights {
    fn default() -> Self {
        Weights::Estimated(Method::default())
    }
}

/// One driver or outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub label: Label,
    /// Survey columns; the node's score is their mean. Empty for a composite node,
    /// whose score is the weighted mean of its inputs' indices.
    pub items: Vec<String>,
    /// Items (a subset of `items`) that are reverse coded.
    pub reverse: Vec<String>,
    pub scale: Scale,
    pub inputs: Vec<String>,
    pub outcome: bool,
    pub metric: Metric,
    pub direction: Direction,
    /// Target in the node's reporting unit: scale units for `mean`, points for the others.
    pub target: Option<f64>,
    /// ISO date `YYYY-MM-DD` by which the target should be reached.
    pub due: Option<String>,
    pub tags: Vec<String>,
    pub weights: Weights,
    /// Measurement mode of the node's items in `sattrace importance --method pls`.
    pub mode: BlockMode,
    /// Declared reliability of the node's value (0 < r ≤ 1, `reliability:`); without
    /// it a multi-item `mean` node's reliability is estimated from its items and any
    /// other node is taken as exact.
    pub reliability: Option<f64>,
    /// Where the node's `id` is written.
    pub loc: Loc,
    /// Where each input reference is written, parallel to `inputs`.
    pub input_locs: Vec<Loc>,
    /// Where each item is written, parallel to `items`.
    pub item_locs: Vec<Loc>,
}

impl Node {
    /// The node's value for one respondent in reporting units, from its item mean:
    /// the 0–100 index for `mean`; +100/0/−100 for `nps`; 100 or 0 for `rate` and `top2box`.
    /// The weighted mean of these values is the node's index (NPS, rate %, top-2-box %).
    pub fn respondent_value(&self, item_mean: f64) -> f64 {
        match self.metric {
            Metric::Mean => self.scale.to_index(item_mean),
            Metric::Nps => {
                if item_mean >= 9.0 {
                    100.0
                } else if item_mean <= 6.0 {
                    -100.0
                } else {
                    0.0
                }
            }
            Metric::Rate => {
                if item_mean >= self.scale.max {
                    100.0
                } else {
                    0.0
                }
            }
            Metric::Top2box => {
                if item_mean >= self.scale.max - 1.0 {
                    100.0
                } else {
                    0.0
                }
            }
        }
    }

    /// The score shown to users from the node's index: back on the item scale for
    /// `mean`, the index itself (NPS, %) otherwise.
    pub fn score_from_index(&self, index: f64) -> f64 {
        match self.metric {
            Metric::Mean => self.scale.from_index(index),
            _ => index,
        }
    }

    /// The target expressed in index units (the unit of gaps and effects).
    pub fn target_index(&self) -> Option<f64> {
        self.target.map(|t| match self.metric {
            Metric::Mean => self.scale.to_index(t),
            _ => t,
        })
    }

    /// The range of the node's index: 0..100, or −100..100 for NPS.
    pub fn index_range(&self) -> (f64, f64) {
        match self.metric {
            Metric::Nps => (-100.0, 100.0),
            _ => (0.0, 100.0),
        }
    }
}

/// A validated driver model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    /// The file the model was read from (as given by the user).
    pub file: String,
    /// The survey file named by `data:`, relative to the model's directory.
    pub data: Option<String>,
    /// The worksheet to read when the survey is a workbook (`sheet:`).
    pub sheet: Option<String>,
    /// The 1-based sheet row with the column names (`header_row:`); detected if unset.
    pub header_row: Option<u32>,
    pub scale: Scale,
    /// Data columns to slice by; each is sliced on its own.
    pub segments: Vec<String>,
    /// Groups of segment columns also sliced together: every combination of their
    /// values is a slice (`channel=web × region=华北`).
    pub crossed: Vec<Vec<String>>,
    /// The survey wave / period column.
    pub wave: Option<String>,
    /// The survey weight column.
    pub weight: Option<String>,
    /// The column identifying respondents (`respondent_id:`): a value seen twice is an
    /// error (or, with `--on-invalid skip`, counted and reported).
    pub respondent_id: Option<String>,
    /// Tokens read as missing values.
    pub missing: Vec<String>,
    /// The outcome whose gap actions are ranked against: `primary_outcome:` or the
    /// first node with `outcome: true`.
    pub primary_outcome: String,
    pub nodes: Vec<Node>,
    /// Whether effects are corrected for measurement error (`effects:`).
    pub effects: EffectsMode,
}

impl Model {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }

    /// Every survey column the model reads, with what uses it ("a segment column",
    /// "an item of driver `x`") and, for items, where the model names it: the one
    /// list both the ingest and `check --data` hold a header against.
    pub fn named_columns(&self) -> Vec<(&str, String, Option<&Loc>)> {
        self.named_columns_both()
            .into_iter()
            .map(|(column, used_by, at)| (column, used_by.en, at))
            .collect()
    }

    /// [`Model::named_columns`] with what uses each column in English and Chinese.
    pub fn named_columns_both(&self) -> Vec<(&str, crate::diag::Both, Option<&Loc>)> {
        use crate::diag::Both;
        let mut out: Vec<(&str, Both, Option<&Loc>)> = Vec::new();
        for s in &self.segments {
            out.push((s, Both::new("a segment column", "细分列"), None));
        }
        let roles = [
            (&self.wave, "the wave column", "波次列"),
            (&self.weight, "the weight column", "权重列"),
            (
                &self.respondent_id,
                "the respondent id column",
                "受访者编号列",
            ),
        ];
        for (column, en, zh) in roles {
            if let Some(c) = column {
                out.push((c, Both::new(en, zh), None));
            }
        }
        for node in &self.nodes {
            for (k, item) in node.items.iter().enumerate() {
                let at = node.item_locs.get(k).unwrap_or(&node.loc);
                out.push((
                    item,
                    Both::new(
                        format!("an item of driver `{}`", node.id),
                        format!("驱动因素 `{}` 的题项", node.id),
                    ),
                    Some(at),
                ));
            }
        }
        out
    }
}
