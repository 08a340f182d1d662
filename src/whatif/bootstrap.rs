//! Uncertainty of what-if changes: a respondent bootstrap. Each replicate resamples
//! the respondents with replacement **within each cell** (segment values × wave, so
//! every slice keeps its size), rebuilds the cells' moments, re-estimates the whole
//! analysis (reliability-corrected, pooled effects of every slice) and re-applies
//! the scenario. The spread of the replicates' changes is the interval (percentile).
//!
//! Replicate `r` draws from its own stream `Rng::new(seed, r)`, so the result does
//! not depend on the order replicates are run in or on the number of threads.
//! The reliabilities (from the item moments) are held at the full sample's: item
//! rows are not kept, so their sampling error is not in the interval
//! (docs/whatif.md, "Intervals").

use crate::analysis::{analyze, score_node, Analysis, AnalysisOptions, SliceKey};
use crate::data::{Cell, Moments, NodeMoments, Respondents, Survey};
use crate::graph::DriverGraph;
use crate::importance::interval::percentile;
use crate::model::Model;
use crate::stats::rng::Rng;

use super::{applied, slice_moments, Scenario, WhatIfError};

/// Replicates when `--bootstrap` is not given.
pub const DEFAULT_REPLICATES: usize = 200;
/// Seed when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 14;

/// How to bootstrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    pub replicates: usize,
    pub seed: u64,
    /// Two-sided level of the intervals (e.g. 0.95).
    pub level: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            replicates: DEFAULT_REPLICATES,
            seed: DEFAULT_SEED,
            level: 0.95,
        }
    }
}

/// A respondent's rows grouped by cell: what a replicate resamples.
#[derive(Debug, Clone)]
pub struct Resampler<'a> {
    survey: &'a Survey,
    respondents: &'a Respondents,
    by_cell: Vec<Vec<usize>>,
}

impl<'a> Resampler<'a> {
    /// `None` when the survey has no respondent rows (a moments table): there is
    /// nothing to resample.
    pub fn new(survey: &'a Survey) -> Option<Self> {
        let respondents = survey.respondents.as_ref()?;
        let mut by_cell = vec![Vec::new(); survey.cells.len()];
        for (row, &cell) in respondents.cells.iter().enumerate() {
            if let Some(rows) = by_cell.get_mut(cell as usize) {
                rows.push(row);
            }
        }
        Some(Resampler {
            survey,
            respondents,
            by_cell,
        })
    }

    /// Replicate `r`: every cell's rows drawn with replacement, as many as it has,
    /// its moments rebuilt from them (item moments kept, see the module docs).
    pub fn replicate(&self, seed: u64, r: u64) -> Survey {
        let nodes = self.survey.nodes;
        let mut rng = Rng::new(seed, r);
        let mut respondents = Respondents::new(self.respondents.nodes);
        respondents.values.reserve(self.respondents.values.len());
        let mut values = vec![0.0f64; self.respondents.nodes];
        let mut cells = Vec::with_capacity(self.survey.cells.len());
        for (c, cell) in self.survey.cells.iter().enumerate() {
            let rows = &self.by_cell[c];
            if rows.is_empty() {
                // Known only by its moments: kept as it is.
                cells.push(cell.clone());
                continue;
            }
            let mut moments = Moments::new(nodes);
            moments.items = cell.moments.items.clone();
            for _ in 0..rows.len() {
                let pick = ((rng.uniform() * rows.len() as f64) as usize).min(rows.len() - 1);
                let row = rows[pick];
                for (v, &x) in values.iter_mut().zip(self.respondents.row(row)) {
                    *v = f64::from(x);
                }
                let w = f64::from(self.respondents.weights[row]);
                moments.add_row(w, &values);
                respondents.push(&values, w, c as u32);
            }
            cells.push(Cell {
                key: cell.key.clone(),
                moments,
            });
        }
        Survey {
            nodes,
            segment_columns: self.survey.segment_columns.clone(),
            wave_column: self.survey.wave_column.clone(),
            weight_column: self.survey.weight_column.clone(),
            cells,
            respondents: Some(respondents),
            items: None,
            rows: self.survey.rows,
            invalid: self.survey.invalid.clone(),
            column_labels: self.survey.column_labels.clone(),
        }
    }

    /// `each(replicate survey, its analysis)` for every replicate, in replicate
    /// order, spread over the machine's cores (each replicate has its own random
    /// stream, so the threads change nothing in the result). Replicates whose
    /// analysis fails (too few cases to estimate) are left out and counted.
    pub fn map<T: Send>(
        &self,
        model: &Model,
        graph: &DriverGraph,
        options: &AnalysisOptions,
        boot: &Bootstrap,
        each: &(dyn Fn(&Survey, &Analysis) -> Result<T, WhatIfError> + Sync),
    ) -> Result<(Vec<T>, usize), WhatIfError> {
        let replicates = Replicates::build(model, graph, self.survey, options, boot, &|| true)?;
        let out = replicates.map(self.survey, each)?;
        Ok((out, replicates.failed))
    }
}

/// Most bytes of replicate respondent rows [`Replicates`] keeps; above it a
/// replicate's rows are drawn again (from the same stream) each time they are used.
const KEEP_BYTES: usize = 256 << 20;

/// The bootstrap replicates with their re-estimated analyses: the expensive part
/// of the intervals, made once per survey, so that each scenario only re-applies
/// itself to every replicate ([`change_intervals_in`], and the plan's
/// [`crate::plan::reach_probabilities_in`]). `whatif`/`plan` build it for one answer;
/// `sattrace serve` builds it once per load and keeps it, and both give the same
/// bytes because both go through this type.
#[derive(Debug, Clone)]
pub struct Replicates {
    pub replicates: usize,
    pub seed: u64,
    /// Replicates whose analysis failed and were left out.
    pub failed: usize,
    /// Per kept replicate, in replicate order: its number, its survey (when small
    /// enough to keep) and its analysis.
    kept: Vec<(u64, Option<Survey>, Analysis)>,
}

impl Replicates {
    /// Draw `boot.replicates` replicates of `survey` and re-estimate each (all
    /// cores). `go_on` is asked before each replicate; `false` stops the build with
    /// [`WhatIfError::Stopped`] (a reload made it useless).
    pub fn build(
        model: &Model,
        graph: &DriverGraph,
        survey: &Survey,
        options: &AnalysisOptions,
        boot: &Bootstrap,
        go_on: &(dyn Fn() -> bool + Sync),
    ) -> Result<Self, WhatIfError> {
        let resampler = Resampler::new(survey).ok_or(WhatIfError::NoRespondents)?;
        let rows = resampler.respondents.values.len();
        let keep = rows.saturating_mul(4).saturating_mul(boot.replicates) <= KEEP_BYTES;
        let run = |r: usize| -> Result<Option<(u64, Option<Survey>, Analysis)>, WhatIfError> {
            if !go_on() {
                return Err(WhatIfError::Stopped);
            }
            let replicate = resampler.replicate(boot.seed, r as u64);
            let analysis = analyze(model, graph, &replicate, options).ok();
            Ok(analysis.map(|a| (r as u64, keep.then_some(replicate), a)))
        };
        let slots = spread(boot.replicates, &run);
        let mut kept = Vec::with_capacity(slots.len());
        let mut failed = 0;
        for slot in slots {
            match slot? {
                Some(value) => kept.push(value),
                None => failed += 1,
            }
        }
        Ok(Replicates {
            replicates: boot.replicates,
            seed: boot.seed,
            failed,
            kept,
        })
    }

    /// `each(replicate survey, its analysis)` for every kept replicate, in
    /// replicate order, over all cores. `survey` is the one the replicates were
    /// drawn from (to draw again those too large to keep).
    pub fn map<T: Send>(
        &self,
        survey: &Survey,
        each: &(dyn Fn(&Survey, &Analysis) -> Result<T, WhatIfError> + Sync),
    ) -> Result<Vec<T>, WhatIfError> {
        let resampler = Resampler::new(survey).ok_or(WhatIfError::NoRespondents)?;
        let run = |k: usize| -> Result<T, WhatIfError> {
            let (r, kept, analysis) = &self.kept[k];
            match kept {
                Some(replicate) => each(replicate, analysis),
                None => each(&resampler.replicate(self.seed, *r), analysis),
            }
        };
        spread(self.kept.len(), &run).into_iter().collect()
    }
}

/// `run(i)` for `i` in `0..n`, in order, spread over the machine's cores.
fn spread<T: Send>(n: usize, run: &(dyn Fn(usize) -> T + Sync)) -> Vec<T> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, n.max(1));
    if workers == 1 {
        return (0..n).map(run).collect();
    }
    let mut slots: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    (w..n)
                        .step_by(workers)
                        .map(|i| (i, run(i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    slots.sort_by_key(|(i, _)| *i);
    slots.into_iter().map(|(_, v)| v).collect()
}

/// An interval `(low, high)`.
pub type Interval = (f64, f64);

/// The intervals of a what-if's changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeIntervals {
    pub level: f64,
    pub replicates: usize,
    pub seed: u64,
    /// Replicates whose analysis failed and were left out.
    pub failed: usize,
    /// Per slice of the latest wave: per node, the interval `(low, high)` of the
    /// change in the score's unit (`None` where a replicate had no score).
    pub segments: Vec<(SliceKey, Vec<Option<Interval>>)>,
}

impl ChangeIntervals {
    /// The interval of `node`'s change in slice `key`.
    pub fn of(&self, key: &SliceKey, node: usize) -> Option<(f64, f64)> {
        self.segments
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, nodes)| nodes.get(node).copied().flatten())
    }
}

/// Each slice's score of every node from merged node moments.
fn scores(model: &Model, moments: &[NodeMoments], level: f64) -> Vec<Option<f64>> {
    model
        .nodes
        .iter()
        .zip(moments)
        .map(|(node, m)| score_node(node, m, level).map(|s| s.score))
        .collect()
}

/// Bootstrap intervals of the change `scenario` makes to every node of every slice
/// of the latest wave (respondent rows needed: `Err(NoRespondents)` without).
pub fn change_intervals(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    options: &AnalysisOptions,
    scenario: &Scenario,
    boot: &Bootstrap,
) -> Result<ChangeIntervals, WhatIfError> {
    let replicates = Replicates::build(model, graph, survey, options, boot, &|| true)?;
    change_intervals_in(model, graph, survey, &replicates, scenario, boot.level)
}

/// [`change_intervals`] on replicates already made (from `survey`), at `level`.
pub fn change_intervals_in(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    replicates: &Replicates,
    scenario: &Scenario,
    level: f64,
) -> Result<ChangeIntervals, WhatIfError> {
    let boot = Bootstrap {
        replicates: replicates.replicates,
        seed: replicates.seed,
        level,
    };
    // Per replicate: per slice, per node, the change (`None`: no score).
    type Changes = Vec<(SliceKey, Vec<Option<f64>>)>;
    let one = |rs: &Survey, ra: &Analysis| -> Result<Changes, WhatIfError> {
        let (moved, latest, _) = applied(model, graph, rs, ra, scenario, rs.respondents.as_ref())?;
        let base: Vec<Vec<NodeMoments>> =
            rs.cells.iter().map(|c| c.moments.nodes.clone()).collect();
        let before = slice_moments(rs, &base, &latest);
        let after = slice_moments(rs, &moved.cells, &latest);
        Ok(before
            .iter()
            .zip(&after)
            .map(|((key, b), (_, a))| {
                let before = scores(model, b, boot.level);
                // A node whose moments the scenario left bit for bit as they were
                // has the same score (a pure function of them): not scored again.
                // Most nodes of most slices are such; scoring is half the time.
                let changes = model
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, node)| {
                        let old = before[i]?;
                        let new = if a[i] == b[i] {
                            old
                        } else {
                            score_node(node, &a[i], boot.level)?.score
                        };
                        Some(new - old)
                    })
                    .collect();
                (key.clone(), changes)
            })
            .collect())
    };
    let failed = replicates.failed;
    let replicates = replicates.map(survey, &one)?;
    let mut keys: Vec<SliceKey> = Vec::new();
    let mut samples: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut missing: Vec<Vec<bool>> = Vec::new();
    for changes in replicates {
        for (key, nodes) in changes {
            let position = match keys.iter().position(|k| *k == key) {
                Some(p) => p,
                None => {
                    keys.push(key);
                    samples.push(vec![Vec::new(); model.nodes.len()]);
                    missing.push(vec![false; model.nodes.len()]);
                    keys.len() - 1
                }
            };
            for (node, change) in nodes.into_iter().enumerate() {
                match change {
                    Some(c) => samples[position][node].push(c),
                    None => missing[position][node] = true,
                }
            }
        }
    }
    let segments = keys
        .into_iter()
        .zip(samples)
        .zip(missing)
        .map(|((key, nodes), missing)| {
            let intervals = nodes
                .iter()
                .zip(missing)
                .map(|(v, gap)| (!gap && !v.is_empty()).then(|| percentile(v, boot.level)))
                .collect();
            (key, intervals)
        })
        .collect();
    Ok(ChangeIntervals {
        level: boot.level,
        replicates: boot.replicates,
        seed: boot.seed,
        failed,
        segments,
    })
}
