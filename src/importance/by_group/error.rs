//! Errors of a whole importance run and of one group's estimate. The texts name the
//! command-line options that fix them: these are what `sattrace importance` prints.

use std::fmt;

use crate::importance::pls::PlsError;
use crate::importance::ImportanceError;

/// Why an importance run could not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("unknown {what} `{id}`\n  help: {hint}")]
    UnknownNode {
        what: &'static str,
        id: String,
        hint: String,
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
    #[error("--by `{by}` is not a segment column of the model\n  help: {hint}")]
    UnknownBy { by: String, hint: String },
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
