//! Errors of a whole importance run and of one group's estimate. The texts name the
//! command-line options that fix them: these are what `sattrace importance` prints.

use std::fmt;

use crate::diag::{did_you_mean_in, help_line, Localized};
use crate::importance::pls::PlsError;
use crate::importance::ImportanceError;
use crate::model::Lang;

/// Why an importance run could not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("unknown {what} `{id}`\n  help: {}", node_hint(Lang::En, .suggestion, .known))]
    UnknownNode {
        /// `driver` or `outcome`.
        what: &'static str,
        id: String,
        suggestion: Option<String>,
        /// Every node of the model, for the hint when nothing is close.
        known: Vec<String>,
    },
    #[error(
        "`{outcome}` has no inputs in the model\n  help: name its drivers with --drivers a,b,c"
    )]
    NoInputs { outcome: String },
    #[error("`{id}` is the outcome and cannot also be a driver")]
    OutcomeAsDriver { id: String },
    #[error("driver `{id}` is named twice in --drivers")]
    DriverTwice { id: String },
    #[error("--missing pairwise does not apply to --method pls: the path model is estimated on complete item rows")]
    PairwisePls,
    #[error("--consistent applies to --method pls only (it corrects the PLS path model's paths by each construct's ρA)\n  help: add --method pls, or leave out --consistent")]
    ConsistentNotPls,
    #[error("--missing pairwise has no bootstrap intervals: a resample's pairwise matrix mixes subsamples\n  help: use --missing listwise (the default) with --bootstrap")]
    PairwiseBootstrap,
    #[error("--by wave: the model names no wave column\n  help: add `wave: COLUMN` to the model")]
    NoWaveColumn,
    #[error("--by `{by}` is not a segment column of the model\n  help: {}", by_hint(Lang::En, .suggestion, .known))]
    UnknownBy {
        by: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("--drivers does not apply to --method pls\n  help: the path model is the model's `inputs`; edit model.yaml to change it")]
    PlsDrivers,
    #[error("--formative: unknown construct `{id}`")]
    UnknownFormative { id: String },
    #[error("{0}")]
    PathModel(PlsError),
    #[error("`{outcome}` is not a construct of the path model (it takes part in no path)")]
    NotAConstruct { outcome: String },
    /// The whole sample could not be estimated (a group's failure is kept in its result).
    #[error("{0}")]
    Whole(GroupError),
    #[error("{0}")]
    WholePls(PlsGroupError),
}

/// Why one group's driver importance could not be estimated.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    #[error("driver `{driver}` has no variance\n  help: drop it with --drivers")]
    ZeroVariance { driver: String },
    #[error("driver `{driver}` is a linear combination of the drivers before it\n  help: drop it or merge it with the drivers it duplicates")]
    Collinear { driver: String },
    #[error("the outcome `{outcome}` has no variance")]
    ZeroVarianceOutcome { outcome: String },
    #[error("{0}")]
    Other(ImportanceError),
    #[error("respondent rows were not kept")]
    NoRows,
}

impl EstimateError {
    /// The estimator's error with driver indices replaced by their ids.
    pub(super) fn named(e: ImportanceError, drivers: &[String], outcome: &str) -> Self {
        let name = |j: usize| drivers.get(j).map_or("?", String::as_str).to_string();
        match e {
            ImportanceError::ZeroVariance { driver } => EstimateError::ZeroVariance {
                driver: name(driver),
            },
            ImportanceError::Collinear { driver } => EstimateError::Collinear {
                driver: name(driver),
            },
            ImportanceError::ZeroVarianceOutcome => EstimateError::ZeroVarianceOutcome {
                outcome: outcome.to_string(),
            },
            other => EstimateError::Other(other),
        }
    }
}

/// A group's driver-importance error, prefixed with the group's name (`all: …` for
/// the whole sample), except a missing-rows error, which concerns the whole run.
#[derive(Debug)]
pub struct GroupError {
    pub group: String,
    pub error: EstimateError,
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            EstimateError::NoRows => write!(f, "{}", self.error),
            e => write!(f, "{}: {e}", self.group),
        }
    }
}

impl std::error::Error for GroupError {}

/// Why one group's PLS path model could not be estimated: prefixed with the group's
/// name, except for the whole sample.
#[derive(Debug)]
pub struct PlsGroupError {
    pub group: String,
    pub error: PlsRowsError,
}

/// What went wrong in a PLS group.
#[derive(Debug, thiserror::Error)]
pub enum PlsRowsError {
    #[error("{0}")]
    Pls(#[from] PlsError),
    #[error("item rows were not kept")]
    NoItemRows,
    #[error("respondent rows were not kept")]
    NoRespondentRows,
    #[error("item rows and respondent rows disagree")]
    RowsDisagree,
}

impl fmt::Display for PlsGroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group == super::ALL {
            write!(f, "{}", self.error)
        } else {
            write!(f, "{}: {}", self.group, self.error)
        }
    }
}

impl std::error::Error for PlsGroupError {}

fn node_hint(lang: Lang, suggestion: &Option<String>, known: &[String]) -> String {
    match (suggestion, lang) {
        (Some(s), _) => did_you_mean_in(lang, Some(s)),
        (None, Lang::En) => format!("the model's nodes are {}", known.join(", ")),
        (None, Lang::Zh) => format!("模型中的节点有：{}", known.join(", ")),
    }
}

fn by_hint(lang: Lang, suggestion: &Option<String>, known: &[String]) -> String {
    match (suggestion, lang) {
        (Some(s), _) => did_you_mean_in(lang, Some(s)),
        (None, Lang::En) => format!("use one of {}", known.join(", ")),
        (None, Lang::Zh) => format!("可用的列：{}", known.join(", ")),
    }
}

impl Localized for RunError {
    fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let (message, help) = match self {
            RunError::UnknownNode {
                what,
                id,
                suggestion,
                known,
            } => {
                let what = match *what {
                    "driver" => "驱动因素",
                    "outcome" => "结果指标",
                    other => other,
                };
                (
                    format!("未知的{what} `{id}`"),
                    node_hint(lang, suggestion, known),
                )
            }
            RunError::NoInputs { outcome } => (
                format!("模型中 `{outcome}` 没有输入"),
                "用 --drivers a,b,c 指定它的驱动因素".to_string(),
            ),
            RunError::OutcomeAsDriver { id } => (
                format!("`{id}` 是结果指标，不能同时作为驱动因素"),
                String::new(),
            ),
            RunError::DriverTwice { id } => (
                format!("驱动因素 `{id}` 在 --drivers 中出现了两次"),
                String::new(),
            ),
            RunError::PairwisePls => (
                "--missing pairwise 不适用于 --method pls：路径模型基于完整的题目行估计"
                    .to_string(),
                String::new(),
            ),
            RunError::ConsistentNotPls => (
                "--consistent 只适用于 --method pls（它用各构念的 ρA 校正 PLS 路径模型的路径）"
                    .to_string(),
                "加上 --method pls，或去掉 --consistent".to_string(),
            ),
            RunError::PairwiseBootstrap => (
                "--missing pairwise 没有自助法区间：每次重抽样的成对相关矩阵混合了不同的子样本"
                    .to_string(),
                "配合 --bootstrap 使用 --missing listwise（默认）".to_string(),
            ),
            RunError::NoWaveColumn => (
                "--by wave：模型没有指定波次列".to_string(),
                "在模型中加上 `wave: COLUMN`".to_string(),
            ),
            RunError::UnknownBy {
                by,
                suggestion,
                known,
            } => (
                format!("--by `{by}` 不是模型的细分列"),
                by_hint(lang, suggestion, known),
            ),
            RunError::PlsDrivers => (
                "--drivers 不适用于 --method pls".to_string(),
                "路径模型就是模型中的 `inputs`；请编辑 model.yaml 来修改".to_string(),
            ),
            RunError::UnknownFormative { id } => {
                (format!("--formative：未知的构念 `{id}`"), String::new())
            }
            RunError::PathModel(e) => (e.message(lang), String::new()),
            RunError::NotAConstruct { outcome } => (
                format!("`{outcome}` 不是路径模型中的构念（它不在任何路径上）"),
                String::new(),
            ),
            RunError::Whole(e) => (e.message(lang), String::new()),
            RunError::WholePls(e) => (e.message(lang), String::new()),
        };
        format!("{message}{}", help_line(lang, &help))
    }
}

impl Localized for EstimateError {
    fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            EstimateError::ZeroVariance { driver } => {
                format!(
                    "驱动因素 `{driver}` 没有变异{}",
                    help_line(lang, "用 --drivers 去掉它")
                )
            }
            EstimateError::Collinear { driver } => format!(
                "驱动因素 `{driver}` 是它之前各驱动因素的线性组合{}",
                help_line(lang, "去掉它，或把它与重复的驱动因素合并")
            ),
            EstimateError::ZeroVarianceOutcome { outcome } => {
                format!("结果指标 `{outcome}` 没有变异")
            }
            EstimateError::Other(e) => e.message(lang),
            EstimateError::NoRows => "没有保留受访者数据行".to_string(),
        }
    }
}

impl Localized for GroupError {
    fn message(&self, lang: Lang) -> String {
        match &self.error {
            EstimateError::NoRows => self.error.message(lang),
            e => format!("{}: {}", self.group, e.message(lang)),
        }
    }
}

impl Localized for PlsRowsError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (PlsRowsError::Pls(e), _) => e.message(lang),
            (PlsRowsError::NoItemRows, _) => "没有保留题目数据行".to_string(),
            (PlsRowsError::NoRespondentRows, _) => "没有保留受访者数据行".to_string(),
            (PlsRowsError::RowsDisagree, _) => "题目数据行与受访者数据行不一致".to_string(),
        }
    }
}

impl Localized for PlsGroupError {
    fn message(&self, lang: Lang) -> String {
        if self.group == super::ALL {
            self.error.message(lang)
        } else {
            format!("{}: {}", self.group, self.error.message(lang))
        }
    }
}
