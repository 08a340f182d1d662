//! Uncertainty of what-if changes: a respondent bootstrap. Each replicate resamples
//! the respondents with replacement **within each cell** (segment values × wave, so
//! every slice keeps its size), rebuilds the cells' moments, re-estimates the whole
//! analysis (reliability-corrected, pooled effects of every slice) and re-applies
//! the scenario. The spread of the replicates' changes is the interval (percentile).
//!
//! A survey known only by its moments (`--moments`) has no respondents to resample:
//! its replicates are **parametric** — each cell's rows are drawn from the normal
//! with the cell's means and covariance, as many as its effective (Kish) size, so
//! the replicate's means vary as N(μ, Σ/n) and its covariance as a Wishart with the
//! cell's n; the rest of the pipeline is the same (the what-if on the replicate runs
//! in the aggregate mode).
//!
//! Replicate `r` draws from its own stream `Rng::new(seed, r)`, so the result does
//! not depend on the order replicates are run in or on the number of threads.
//! The reliabilities come from the item moments, whose rows are not kept: each
//! replicate redraws every cell's item covariance parametrically (rows from the
//! normal with the cell's item means and covariance, as many as its effective size,
//! on a stream of their own), so the reliabilities are re-estimated per replicate
//! too (docs/whatif.md, "Intervals").

use crate::analysis::{analyze, score_node, Analysis, AnalysisOptions, SliceKey};
use crate::data::{Cell, CrossMoments, ItemMoments, Moments, NodeMoments, Respondents, Survey};
use crate::graph::DriverGraph;
use crate::importance::interval::percentile;
use crate::model::{Metric, Model};
use crate::stats::rng::Rng;

use super::propensity::Propensities;
use super::pseudo::{cell_distribution, cholesky, pseudo_respondents, Pseudo};
use super::{applied_on, slice_moments, whole_means, Basis, Scenario, WhatIfError};

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

/// The stream offset of the item redraws, so they do not disturb the rows' draws.
const ITEM_STREAM: u64 = 0x17E5_0000_0000;

/// A chi-square draw with `k` degrees of freedom by the Wilson–Hilferty cube of a
/// normal (relative error far below the sampling error for the `k` of a cell).
fn chi_square(k: f64, rng: &mut Rng) -> f64 {
    let c = 2.0 / (9.0 * k);
    let t = 1.0 - c + rng.normal() * c.sqrt();
    (k * t * t * t).max(0.0)
}

/// `items` with its complete-row cross moments redrawn as from `m` rows (the
/// effective size of those rows, at least 2) of the normal with their means and
/// covariance Σ, each weighing `Σw / m`: the mean from `N(μ, Σ/m)` and the scatter
/// from the Wishart with `m − 1` degrees of freedom (Bartlett: `L A Aᵀ Lᵀ`), so the
/// cost does not grow with the rows. Item counts and scale-point tallies are kept.
/// What the reliabilities are re-estimated from in a replicate.
fn redrawn_items(items: &ItemMoments, rng: &mut Rng) -> ItemMoments {
    let complete = &items.complete;
    let p = complete.nodes();
    if complete.n < 3 || complete.sw <= 0.0 || p == 0 {
        return items.clone();
    }
    let mut mean = vec![0.0; p];
    let mut cov = vec![0.0; p * p];
    for a in 0..p {
        mean[a] = complete.sum[a] / complete.sw;
        for b in 0..=a {
            let c = complete.covariance(a, b).unwrap_or(0.0);
            cov[a * p + b] = c;
            cov[b * p + a] = c;
        }
    }
    let l = cholesky(&cov, p);
    let kish = if complete.sw2 > 0.0 {
        complete.sw * complete.sw / complete.sw2
    } else {
        complete.n as f64
    };
    let m = kish.round().clamp(3.0, complete.n.max(3) as f64);
    // Bartlett's A: chi roots on the diagonal, standard normals below.
    let mut bartlett = vec![0.0; p * p];
    for i in 0..p {
        bartlett[i * p + i] = chi_square((m - 1.0 - i as f64).max(1.0), rng).sqrt();
        for j in 0..i {
            bartlett[i * p + j] = rng.normal();
        }
    }
    // B = L A (lower triangular); scatter = B Bᵀ.
    let mut lower = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            lower[i * p + j] = (j..=i).map(|k| l[i * p + k] * bartlett[k * p + j]).sum();
        }
    }
    let z: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
    let drawn_mean: Vec<f64> = (0..p)
        .map(|a| mean[a] + (0..=a).map(|k| l[a * p + k] * z[k]).sum::<f64>() / m.sqrt())
        .collect();
    let w = complete.sw / m;
    let mut drawn = CrossMoments::new(p);
    drawn.n = m as u64;
    drawn.sw = complete.sw;
    drawn.sw2 = m * w * w;
    for a in 0..p {
        drawn.sum[a] = complete.sw * drawn_mean[a];
        for b in a..p {
            let scatter: f64 = (0..=a.min(b))
                .map(|k| lower[a * p + k] * lower[b * p + k])
                .sum();
            if let Some(slot) = drawn.index(a, b).and_then(|i| drawn.cross.get_mut(i)) {
                *slot = w * (scatter + m * drawn_mean[a] * drawn_mean[b]);
            }
        }
    }
    ItemMoments {
        items: items.items.clone(),
        complete: drawn,
    }
}

/// A respondent's rows grouped by cell: what a replicate resamples.
#[derive(Debug, Clone)]
pub struct Resampler<'a> {
    survey: &'a Survey,
    /// `None`: parametric replicates (a moments table).
    respondents: Option<&'a Respondents>,
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
            respondents: Some(respondents),
            by_cell,
        })
    }

    /// The respondent bootstrap when the survey has rows ([`Resampler::new`]),
    /// else the parametric one from the cells' moments (see the module docs).
    pub fn of(survey: &'a Survey) -> Self {
        Resampler::new(survey).unwrap_or(Resampler {
            survey,
            respondents: None,
            by_cell: Vec::new(),
        })
    }

    /// Whether replicates are drawn from the cells' moments (no respondent rows).
    pub fn is_parametric(&self) -> bool {
        self.respondents.is_none()
    }

    /// Parametric replicate `r`: each cell's rows drawn from the normal with its
    /// means and covariance, as many as its effective size (at least 2), weighing
    /// `Σw / rows` each; a node is missing with the share of the cell's weight it
    /// is missing in.
    fn parametric(&self, seed: u64, r: u64) -> Survey {
        let p = self.survey.nodes;
        let mut rng = Rng::new(seed, r);
        let mut items_rng = Rng::new(seed, ITEM_STREAM + r);
        let mut z = vec![0.0f64; p];
        let mut row = vec![0.0f64; p];
        let cells = self
            .survey
            .cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let Some((mean, cov)) = cell_distribution(self.survey, c) else {
                    return cell.clone();
                };
                let own = &cell.moments;
                let kish = if own.sw2 > 0.0 {
                    own.sw * own.sw / own.sw2
                } else {
                    own.rows as f64
                };
                let rows = (kish.round() as u64).clamp(2, own.rows.max(2));
                if own.sw <= 0.0 || own.rows < 2 {
                    return cell.clone();
                }
                let l = cholesky(&cov, p);
                let answered: Vec<f64> =
                    own.nodes.iter().map(|m| (m.sw / own.sw).min(1.0)).collect();
                let w = own.sw / rows as f64;
                let mut moments = Moments::new(p);
                moments.items = own.items.as_ref().map(|i| redrawn_items(i, &mut items_rng));
                for _ in 0..rows {
                    z.iter_mut().for_each(|v| *v = rng.normal());
                    for (a, value) in row.iter_mut().enumerate() {
                        let spread: f64 = (0..=a).map(|k| l[a * p + k] * z[k]).sum();
                        let present = rng.uniform() < answered.get(a).copied().unwrap_or(1.0);
                        *value = if present { mean[a] + spread } else { f64::NAN };
                    }
                    moments.add_row(w, &row);
                }
                Cell {
                    key: cell.key.clone(),
                    moments,
                }
            })
            .collect();
        Survey {
            nodes: p,
            segment_columns: self.survey.segment_columns.clone(),
            wave_column: self.survey.wave_column.clone(),
            weight_column: self.survey.weight_column.clone(),
            cells,
            respondents: None,
            items: None,
            rows: self.survey.rows,
            invalid: self.survey.invalid.clone(),
            column_labels: self.survey.column_labels.clone(),
        }
    }

    /// Replicate `r`: every cell's rows drawn with replacement, as many as it has,
    /// its moments rebuilt from them (item moments redrawn, see the module docs).
    pub fn replicate(&self, seed: u64, r: u64) -> Survey {
        let Some(source) = self.respondents else {
            return self.parametric(seed, r);
        };
        let nodes = self.survey.nodes;
        let mut rng = Rng::new(seed, r);
        let mut items_rng = Rng::new(seed, ITEM_STREAM + r);
        let mut respondents = Respondents::new(source.nodes);
        respondents.values.reserve(source.values.len());
        let mut values = vec![0.0f64; source.nodes];
        let mut cells = Vec::with_capacity(self.survey.cells.len());
        for (c, cell) in self.survey.cells.iter().enumerate() {
            let rows = &self.by_cell[c];
            if rows.is_empty() {
                // Known only by its moments: kept as it is.
                cells.push(cell.clone());
                continue;
            }
            let mut moments = Moments::new(nodes);
            moments.items = cell
                .moments
                .items
                .as_ref()
                .map(|i| redrawn_items(i, &mut items_rng));
            for _ in 0..rows.len() {
                let pick = ((rng.uniform() * rows.len() as f64) as usize).min(rows.len() - 1);
                let row = rows[pick];
                for (v, &x) in values.iter_mut().zip(source.row(row)) {
                    *v = f64::from(x);
                }
                let w = f64::from(source.weights[row]);
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
    /// Drawn from the cells' moments (a moments table), not resampled respondents.
    pub parametric: bool,
    /// Per kept replicate, in replicate order: its number, its survey (when small
    /// enough to keep) and its analysis.
    kept: Vec<(u64, Option<Survey>, Analysis)>,
    /// Per kept replicate whose survey is kept: what its what-ifs need that does
    /// not depend on the scenario ([`Baseline`]), made with the replicate.
    baselines: Vec<Option<Result<Baseline, WhatIfError>>>,
}

/// What a what-if on one replicate needs that does not depend on the scenario:
/// the whole sample's means (the propensities' intercepts), and every slice's
/// node moments and scores before any move. Made once per replicate, so a what-if
/// only moves its respondents and scores the nodes that moved.
#[derive(Debug, Clone)]
struct Baseline {
    /// The level the scores were made at.
    level: f64,
    means: Vec<f64>,
    /// Every slice of the latest wave: its node moments before any move.
    before: Vec<(SliceKey, Vec<NodeMoments>)>,
    /// Parallel to `before`: each node's score (`None`: none).
    scores: Vec<Vec<Option<f64>>>,
    /// A parametric replicate (no respondent rows): the pseudo-respondents of
    /// every cell of its latest wave, which the aggregate what-if would draw again
    /// for each scenario.
    pseudo: Option<Pseudo>,
    /// The propensities of its rows (or pseudo-respondents) under its own effects.
    propensities: Option<Propensities>,
}

impl Baseline {
    fn new(
        model: &Model,
        graph: &DriverGraph,
        survey: &Survey,
        analysis: &Analysis,
        level: f64,
    ) -> Result<Self, WhatIfError> {
        let latest = analysis
            .latest_wave()
            .cloned()
            .ok_or(WhatIfError::NoBaseline)?;
        let means = whole_means(model, survey, &latest)?;
        let base: Vec<Vec<NodeMoments>> = survey
            .cells
            .iter()
            .map(|c| c.moments.nodes.clone())
            .collect();
        let before = slice_moments(survey, &base, &latest);
        let scores = before
            .iter()
            .map(|(_, b)| scores(model, b, level))
            .collect();
        let pseudo = survey.respondents.is_none().then(|| {
            let wanted: Vec<bool> = survey.cells.iter().map(|c| c.key.wave == latest).collect();
            pseudo_respondents(model, survey, &wanted)
        });
        // The basis the what-if moves with: the whole sample's effects and means.
        let propensities = analysis
            .latest()
            .find(|s| s.key.is_all())
            .zip(
                survey
                    .respondents
                    .as_ref()
                    .or(pseudo.as_ref().map(|p| &p.rows)),
            )
            .map(|(whole, rows)| {
                let basis = Basis {
                    direct: whole.effects.direct.clone(),
                    means: means.clone(),
                    moves: Vec::new(),
                };
                Propensities::new(model, graph, rows, &basis)
            });
        Ok(Baseline {
            level,
            means,
            before,
            scores,
            pseudo,
            propensities,
        })
    }
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
        let resampler = Resampler::of(survey);
        // A parametric replicate keeps no rows: its survey is as small as the table.
        let rows = resampler.respondents.map_or(0, |r| r.values.len());
        let keep = rows.saturating_mul(4).saturating_mul(boot.replicates) <= KEEP_BYTES;
        type Slot = (
            u64,
            Option<Survey>,
            Analysis,
            Option<Result<Baseline, WhatIfError>>,
        );
        let run = |r: usize| -> Result<Option<Slot>, WhatIfError> {
            if !go_on() {
                return Err(WhatIfError::Stopped);
            }
            let replicate = resampler.replicate(boot.seed, r as u64);
            let Ok(analysis) = analyze(model, graph, &replicate, options) else {
                return Ok(None);
            };
            let baseline =
                keep.then(|| Baseline::new(model, graph, &replicate, &analysis, boot.level));
            Ok(Some((
                r as u64,
                keep.then_some(replicate),
                analysis,
                baseline,
            )))
        };
        let slots = spread(boot.replicates, &run);
        let mut kept = Vec::with_capacity(slots.len());
        let mut baselines = Vec::with_capacity(slots.len());
        let mut failed = 0;
        for slot in slots {
            match slot? {
                Some((r, survey, analysis, baseline)) => {
                    kept.push((r, survey, analysis));
                    baselines.push(baseline);
                }
                None => failed += 1,
            }
        }
        Ok(Replicates {
            replicates: boot.replicates,
            seed: boot.seed,
            failed,
            parametric: resampler.is_parametric(),
            kept,
            baselines,
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
        let resampler = Resampler::of(survey);
        let run = |k: usize| -> Result<T, WhatIfError> {
            let (r, kept, analysis) = &self.kept[k];
            match kept {
                Some(replicate) => each(replicate, analysis),
                None => each(&resampler.replicate(self.seed, *r), analysis),
            }
        };
        spread(self.kept.len(), &run).into_iter().collect()
    }

    /// [`Replicates::map`] with each replicate's [`Baseline`] at `level`: the one
    /// made with the replicate when it matches, else made now.
    fn map_baseline<T: Send>(
        &self,
        model: &Model,
        graph: &DriverGraph,
        survey: &Survey,
        level: f64,
        each: &(dyn Fn(&Survey, &Analysis, &Baseline) -> Result<T, WhatIfError> + Sync),
    ) -> Result<Vec<T>, WhatIfError> {
        let resampler = Resampler::of(survey);
        let run = |k: usize| -> Result<T, WhatIfError> {
            let (r, kept, analysis) = &self.kept[k];
            let made = self.baselines.get(k).and_then(Option::as_ref);
            match (kept, made) {
                (Some(replicate), Some(Ok(baseline))) if baseline.level == level => {
                    each(replicate, analysis, baseline)
                }
                (Some(_), Some(Err(e))) => Err(e.clone()),
                (Some(replicate), _) => each(
                    replicate,
                    analysis,
                    &Baseline::new(model, graph, replicate, analysis, level)?,
                ),
                (None, _) => {
                    let replicate = resampler.replicate(self.seed, *r);
                    let baseline = Baseline::new(model, graph, &replicate, analysis, level)?;
                    each(&replicate, analysis, &baseline)
                }
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
    /// Drawn from the cells' moments (a moments table), not resampled respondents.
    pub parametric: bool,
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

/// The score of a node whose values a scenario moved (`after`), given that it had
/// one before (`before`): a what-if changes values, not who has one nor their
/// weights, so all that [`score_node`] checks of the count, the weights and the
/// level holds as it did before, and the score is the mean on the node's scale.
/// Only the checks on the moved values are left, and the t quantile of the score's
/// own interval (a third of the intervals' time, and not part of a change) is not
/// computed. Equal to `score_node(node, after, level).map(|s| s.score)` (tested);
/// moments whose rows or weights differ go through [`score_node`] itself.
fn moved_score(
    node: &crate::model::Node,
    before: &NodeMoments,
    after: &NodeMoments,
    level: f64,
) -> Option<f64> {
    let same_rows = after.n == before.n && after.sw == before.sw && after.sw2 == before.sw2;
    if !same_rows {
        return score_node(node, after, level).map(|s| s.score);
    }
    let (mean, m2) = (after.mean()?, after.m2()?);
    let valid = mean.is_finite()
        && m2.is_finite()
        && match node.metric {
            Metric::Mean => true,
            Metric::Nps => {
                (mean * after.sw).is_finite() && (m2 + mean * mean * after.sw).is_finite()
            }
            Metric::Rate | Metric::Top2box => (0.0..=100.0).contains(&mean),
        };
    valid.then(|| node.score_from_index(mean))
}

/// Bootstrap intervals of the change `scenario` makes to every node of every slice
/// of the latest wave: the respondent bootstrap, or the parametric one for a
/// survey known by its moments ([`Resampler::of`]).
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
    let one = |rs: &Survey, ra: &Analysis, base: &Baseline| -> Result<Changes, WhatIfError> {
        let (moved, latest, _) = applied_on(
            model,
            graph,
            rs,
            ra,
            scenario,
            rs.respondents.as_ref(),
            base.means.clone(),
            base.pseudo.as_ref(),
            base.propensities.as_ref(),
        )?;
        let after = slice_moments(rs, &moved.cells, &latest);
        Ok(base
            .before
            .iter()
            .zip(&base.scores)
            .zip(&after)
            .map(|(((key, b), before), (_, a))| {
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
                            moved_score(node, &b[i], &a[i], boot.level)?
                        };
                        Some(new - old)
                    })
                    .collect();
                (key.clone(), changes)
            })
            .collect())
    };
    let failed = replicates.failed;
    let replicates_parametric = replicates.parametric;
    let replicates = replicates.map_baseline(model, graph, survey, boot.level, &one)?;
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
        parametric: replicates_parametric,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `moved_score` gives `score_node`'s score (or its `None`) for every node of
    /// the example, on moments moved as a what-if moves them (values replaced,
    /// rows and weights kept) — including a node moved outside its range, a level
    /// `score_node` refuses, and moments that lost their rows.
    #[test]
    fn moved_scores_equal_score_node() {
        let text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
        let model = crate::model::load_model("model.yaml", &text).expect("valid");
        let mut rng = Rng::new(5, 1);
        let mut checked = 0;
        for node in &model.nodes {
            let (low, high) = node.index_range();
            for trial in 0..60 {
                let rows = [1usize, 2, 3, 8, 40][trial % 5];
                let mut before = NodeMoments::default();
                let mut values = Vec::new();
                for _ in 0..rows {
                    let w = if trial % 3 == 0 {
                        1.0
                    } else {
                        0.2 + rng.uniform()
                    };
                    let v = low + (high - low) * rng.uniform();
                    before.add(w, v);
                    values.push((w, v));
                }
                let mut after = before;
                for &(w, v) in values.iter().take(rows.div_ceil(2)) {
                    // Beyond the range now and then (a clamp that did not happen).
                    let moved = v + (high - low) * (rng.uniform() - 0.3);
                    after.replace(w, v, moved);
                }
                let level = [0.95, 0.5, 1.0][trial % 3];
                let expected = score_node(node, &after, level).map(|s| s.score);
                if score_node(node, &before, level).is_none() {
                    continue;
                }
                let got = moved_score(node, &before, &after, level);
                assert_eq!(
                    got.map(f64::to_bits),
                    expected.map(f64::to_bits),
                    "{} trial {trial}",
                    node.id
                );
                // Different rows: the general path.
                let fewer = NodeMoments::default();
                assert_eq!(
                    moved_score(node, &before, &fewer, level),
                    score_node(node, &fewer, level).map(|s| s.score)
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    /// Bartlett's redraw is a Wishart with the right centre and spread: over many
    /// draws its covariance averages to the cell's (times (m − 1)/m) and the
    /// variance of one entry is close to the Wishart's `(σ_ab² + σ_aa σ_bb)(m − 1)/m²`.
    #[test]
    fn redrawn_item_covariances_are_wishart() {
        let sigma = [4.0, 1.2, 0.5, 1.2, 3.0, 0.8, 0.5, 0.8, 2.0];
        let l = cholesky(&sigma, 3);
        let mut source = Rng::new(1, 0);
        let mut complete = CrossMoments::new(3);
        for _ in 0..200_000 {
            let z: Vec<f64> = (0..3).map(|_| source.normal()).collect();
            let row: Vec<f64> = (0..3)
                .map(|a| 1.0 + a as f64 + (0..=a).map(|k| l[a * 3 + k] * z[k]).sum::<f64>())
                .collect();
            complete.add_shifted(1.0, &row);
        }
        // Pretend the cell had 50 rows with these moments.
        let scale = 50.0 / complete.sw;
        complete.sw *= scale;
        complete.sw2 *= scale;
        complete.n = 50;
        complete.sum.iter_mut().for_each(|v| *v *= scale);
        complete.cross.iter_mut().for_each(|v| *v *= scale);
        let items = ItemMoments {
            items: Vec::new(),
            complete,
        };
        let truth = |a: usize, b: usize| items.complete.covariance(a, b).expect("cov");
        let mut rng = Rng::new(9, 3);
        let draws = 4000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        let mut mean0 = 0.0;
        for _ in 0..draws {
            let drawn = redrawn_items(&items, &mut rng);
            let c = drawn.complete.covariance(0, 1).expect("cov");
            sum += c;
            sum2 += c * c;
            mean0 += drawn.complete.mean(0).expect("mean") - 50.0;
        }
        let m = 50.0;
        let mean = sum / draws as f64;
        let var = sum2 / draws as f64 - mean * mean;
        let expected = truth(0, 1) * (m - 1.0) / m;
        assert!((mean - expected).abs() < 0.05, "{mean} vs {expected}");
        let wishart = (truth(0, 1).powi(2) + truth(0, 0) * truth(1, 1)) * (m - 1.0) / (m * m);
        assert!((var / wishart - 1.0).abs() < 0.1, "{var} vs {wishart}");
        // The mean of item 0 (shifted sums, so no +50) stays near 1.
        assert!((mean0 / draws as f64 - 1.0).abs() < 0.05, "{mean0}");
    }
}
