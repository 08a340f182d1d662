//! Importance for the whole survey and per group (segment value or wave): what
//! `sattrace importance` computes, as a library. The caller reads the survey and
//! renders; this module resolves the outcome and drivers, forms the groups, runs the
//! estimators (and bootstrap) per group, and returns `Serialize` results:
//! - [`drivers`]: the correlation-based methods (corr, beta, relweights, LMG,
//!   dominance), with [`change`] between consecutive waves;
//! - [`pls`]: the whole PLS path model per group, with [`pls_json`] its JSON shape.

pub mod change;
pub mod drivers;
mod error;
pub mod pls;
pub mod pls_json;
mod rows;

use std::collections::BTreeMap;

pub use error::{EstimateError, GroupError, PlsGroupError, PlsRowsError, RunError};

use super::pls::Scheme;
use super::{IntervalKind, Method};
use crate::data::Survey;
use crate::diag::suggest;
use crate::model::Model;

/// How rows with missing values enter the correlations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// Rows complete on the outcome and every driver.
    #[default]
    Listwise,
    /// Each correlation over the rows that answered both (not for PLS).
    Pairwise,
}

impl Missing {
    /// Listwise is the default, left out of the JSON (as in every earlier output).
    pub fn is_listwise(&self) -> bool {
        *self == Missing::Listwise
    }
}

/// Progress of the long parts (bootstrap replicates), reported to the caller, which
/// may draw a bar. `tick` is called from worker threads.
pub trait Progress: Sync {
    /// A run of `total` steps named `label` starts.
    fn start(&self, label: &str, total: u64);
    /// `k` more steps are done.
    fn tick(&self, k: u64);
    /// The run is over.
    fn finish(&self);
}

/// What to estimate and how.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub method: Method,
    pub missing: Missing,
    /// Bootstrap resamples for 95% intervals (0: none).
    pub bootstrap: usize,
    pub ci: IntervalKind,
    /// Seed of the bootstrap and of LMG sampling above 25 drivers.
    pub seed: u64,
    /// Random orders for LMG above 25 drivers.
    pub permutations: usize,
    /// Complete rows per driver below which an estimate is flagged unreliable.
    pub min_n_per_driver: u64,
    /// Worker threads of the bootstrap (never changes results).
    pub threads: usize,
    /// PLS inner weighting scheme.
    pub scheme: Scheme,
    /// Consistent PLS (PLSc) for `pls`: paths corrected by each construct's ρA.
    pub consistent: bool,
    pub progress: Option<&'a dyn Progress>,
}

impl Options<'_> {
    /// Combinations of options that cannot be estimated.
    pub fn check(&self) -> Result<(), RunError> {
        if self.consistent && self.method != Method::Pls {
            return Err(RunError::ConsistentNotPls);
        }
        if self.missing == Missing::Pairwise {
            if self.method == Method::Pls {
                return Err(RunError::PairwisePls);
            }
            if self.bootstrap > 0 {
                return Err(RunError::PairwiseBootstrap);
            }
        }
        Ok(())
    }

    /// The seed of group `name`: the whole sample keeps the run's seed; each group
    /// draws its own stream.
    fn seed_of(&self, name: &str) -> u64 {
        if name == ALL {
            self.seed
        } else {
            super::group_seed(self.seed, name)
        }
    }

    /// A bootstrap with progress reported as `label`.
    fn with_progress<T>(
        &self,
        label: &str,
        run: impl FnOnce(Option<&(dyn Fn(u64) + Sync)>) -> T,
    ) -> T {
        match self.progress {
            Some(p) => {
                p.start(label, self.bootstrap as u64);
                let tick = |k: u64| p.tick(k);
                let out = run(Some(&tick));
                p.finish();
                out
            }
            None => run(None),
        }
    }
}

/// The name of the whole sample's group.
pub const ALL: &str = "all";

/// The outcome and drivers of a driver-importance run, resolved against the model.
#[derive(Debug, Clone)]
pub struct Spec {
    pub outcome: String,
    pub y: usize,
    pub drivers: Vec<String>,
    pub x: Vec<usize>,
}

impl Spec {
    /// `outcome` (default: the model's primary outcome) and `drivers` (default: the
    /// outcome's inputs), checked against the model.
    pub fn resolve(
        model: &Model,
        outcome: Option<&str>,
        drivers: &[String],
    ) -> Result<Self, RunError> {
        let outcome = outcome.unwrap_or(&model.primary_outcome).to_string();
        let y = node(model, &outcome, "outcome")?;
        let ids: Vec<String> = if drivers.is_empty() {
            model.nodes[y].inputs.clone()
        } else {
            drivers.iter().map(|d| d.trim().to_string()).collect()
        };
        if ids.is_empty() {
            return Err(RunError::NoInputs { outcome });
        }
        let mut x = Vec::with_capacity(ids.len());
        for id in &ids {
            let j = node(model, id, "driver")?;
            if j == y {
                return Err(RunError::OutcomeAsDriver { id: id.clone() });
            }
            if x.contains(&j) {
                return Err(RunError::DriverTwice { id: id.clone() });
            }
            x.push(j);
        }
        Ok(Spec {
            outcome,
            y,
            drivers: ids,
            x,
        })
    }
}

fn node(model: &Model, id: &str, what: &'static str) -> Result<usize, RunError> {
    model.node_index(id).ok_or_else(|| RunError::UnknownNode {
        what,
        id: id.to_string(),
        suggestion: suggest(id, model.node_ids()),
        known: model.node_ids().map(str::to_string).collect(),
    })
}

/// Whether `by` names the wave.
pub fn by_wave(survey: &Survey, by: Option<&str>) -> bool {
    by.is_some_and(|by| by == "wave" || survey.wave_column.as_deref() == Some(by))
}

/// Cells per group value: waves in survey order (so consecutive groups are
/// consecutive waves), segment values sorted.
pub fn grouping(survey: &Survey, by: &str) -> Result<Vec<(String, Vec<usize>)>, RunError> {
    let wave = by_wave(survey, Some(by));
    let segment = survey.segment_columns.iter().position(|c| c == by);
    if wave && survey.wave_column.is_none() {
        return Err(RunError::NoWaveColumn);
    }
    if !wave && segment.is_none() {
        let mut known: Vec<&str> = survey.segment_columns.iter().map(String::as_str).collect();
        known.push("wave");
        return Err(RunError::UnknownBy {
            by: by.to_string(),
            suggestion: suggest(by, known.iter().copied()),
            known: known.iter().map(|s| s.to_string()).collect(),
        });
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, cell) in survey.cells.iter().enumerate() {
        let key = if wave {
            cell.key.wave.clone()
        } else {
            segment.and_then(|s| cell.key.segments.get(s).cloned())
        };
        if let Some(key) = key {
            groups.entry(key).or_default().push(i);
        }
    }
    if !wave {
        return Ok(groups.into_iter().collect());
    }
    Ok(crate::data::waves(survey)
        .into_iter()
        .flatten()
        .filter_map(|w| groups.remove_entry(&w))
        .collect())
}

/// Every cell of the survey (the whole sample).
fn all_cells(survey: &Survey) -> Vec<usize> {
    (0..survey.cells.len()).collect()
}

/// Serialize as the value's `Display` text (warnings and errors are read by people).
fn as_text<T: std::fmt::Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Whether `[lo, hi]` includes zero (marked `*` in tables).
pub fn includes_zero(lo: f64, hi: f64) -> bool {
    lo <= 0.0 && hi >= 0.0
}

#[cfg(test)]
mod tests;
