//! Scores, effects and root causes for every slice of the sample and every wave.
//! Pure numerics on the survey pass's moments: no I/O, no respondent rows.

mod effects;
mod pls_weights;
mod quadrant;
mod reliability;
mod root_causes;
mod scores;
mod slices;
mod waves;

pub use crate::data::{compare_waves, waves};
pub use effects::{
    corrected_moments, estimate, estimate_moments, estimate_moments_with, estimate_with,
    importance_totals, min_cases, Correction, CorrectionStatus, EffectsError, SliceEffects,
};
pub use pls_weights::pls_nodes;
pub use quadrant::{quadrants, quadrants_for, Quadrant};
pub use reliability::{
    composite_reliability, reliabilities, NodeReliability, ReliabilitySource, MIN_RELIABILITY_ROWS,
};
pub use root_causes::{root_causes, uncovered, RootCause};
pub use scores::{score_node, NodeScore};
pub use slices::{cell_shares, slices, slices_crossed, CellShare, SliceKey, CROSS};
pub use waves::{progress, wave_changes, ChangeTest, Progress, WaveChange, ALPHA, HORIZON_WAVES};

use crate::data::{Moments, NodeMoments, Survey};
use crate::graph::DriverGraph;
use crate::model::Model;

/// Settings of an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// Confidence level of intervals.
    pub level: f64,
    /// Importance method for every estimated node, overriding the model's
    /// `weights: {method: …}` (`--importance`).
    pub importance: Option<crate::model::Method>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            level: 0.95,
            importance: None,
        }
    }
}

/// Why an analysis could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("the survey has no responses")]
    Empty,
    #[error("cannot estimate driver effects even from the whole sample: {0}\n  help: collect more responses, or declare the weights in model.yaml (`weights: {{input: 0.3, …}}`)")]
    Effects(EffectsError),
    #[error("{0}")]
    Method(EffectsError),
}

/// The Chinese text of each error; English is `Display`. An estimator's reason is
/// quoted as it says it.
impl crate::diag::Localized for AnalysisError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            AnalysisError::Empty => "问卷数据中没有答卷".to_string(),
            AnalysisError::Effects(e) => format!(
                "即使用全样本也无法估计驱动因素的效应：{}{}",
                e.message(lang),
                crate::diag::help_line(
                    lang,
                    "收集更多答卷，或在 model.yaml 中声明权重（`weights: {input: 0.3, …}`）"
                )
            ),
            AnalysisError::Method(e) => e.message(lang),
        }
    }
}

/// One slice in one wave.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceResult {
    pub key: SliceKey,
    pub wave: Option<String>,
    /// Rows in the slice.
    pub rows: u64,
    /// Weighted share of the wave's sample.
    pub share: f64,
    /// Scores per node (model order); `None` where fewer than two respondents answered.
    pub scores: Vec<Option<NodeScore>>,
    /// Each node's moments (index-unit respondent values), for tests across waves.
    pub moments: Vec<NodeMoments>,
    /// Change of each node's score since the previous wave, same slice.
    pub trend: Vec<Option<f64>>,
    pub effects: SliceEffects,
    /// Where the effects were estimated: this slice, or a larger one it fell back to.
    pub effects_basis: String,
    /// Quadrant of each driver (non-outcome node) for the primary outcome.
    pub quadrant: Vec<Option<Quadrant>>,
}

impl SliceResult {
    /// Total effect of `node` on `outcome` in index units.
    pub fn effect(&self, node: usize, outcome: usize) -> f64 {
        self.effects.total[node][outcome]
    }

    /// Importance of `node` for `outcome` by the nodes' importance methods (the
    /// standardized total effect when every method is `ols`).
    pub fn importance(&self, node: usize, outcome: usize) -> f64 {
        self.effects.importance_total[node][outcome]
    }

    /// Standardized total effect of `node` on `outcome`, whatever the importance
    /// method: the unit rule conditions (`driver.importance`) are written in.
    pub fn standardized_effect(&self, node: usize, outcome: usize) -> f64 {
        self.effects.standardized_total[node][outcome]
    }
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub primary_outcome: usize,
    /// Waves in order (`[None]` without a wave column).
    pub waves: Vec<Option<String>>,
    /// Every slice × wave: waves in order, within a wave the whole sample first.
    pub slices: Vec<SliceResult>,
    /// Root causes in the latest wave, per slice.
    pub root_causes: Vec<(SliceKey, Vec<RootCause>)>,
    /// Things a careful reader should know (fallbacks, thin slices).
    pub notes: Vec<String>,
    /// The survey's segment columns (the order of [`CellShare::segments`]).
    pub segment_columns: Vec<String>,
    /// The latest wave's cells: what slices are made of, so that overlapping
    /// slices can be merged without counting a respondent twice.
    pub cells: Vec<CellShare>,
}

impl Analysis {
    pub fn latest_wave(&self) -> Option<&Option<String>> {
        self.waves.last()
    }

    /// The slices of the latest wave.
    pub fn latest(&self) -> impl Iterator<Item = &SliceResult> {
        let latest = self.latest_wave().cloned();
        self.slices
            .iter()
            .filter(move |s| Some(&s.wave) == latest.as_ref())
    }
}

/// Analyze a survey against its model.
pub fn analyze(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    options: &AnalysisOptions,
) -> Result<Analysis, AnalysisError> {
    if survey.rows == 0 || survey.cells.is_empty() {
        return Err(AnalysisError::Empty);
    }
    let primary = model.node_index(&model.primary_outcome).unwrap_or(0);
    check_pls(model, survey, options.importance).map_err(AnalysisError::Method)?;
    let waves = waves(survey);
    let mut notes = Vec::new();

    // Fallbacks for thin slices: the slice pooled over waves, then the whole sample
    // of the wave, then the whole sample pooled. Estimated once each.
    let pooled: Vec<(SliceKey, Moments)> = slices_crossed(survey, None, &model.crossed);
    let pooled_all = &pooled[0].1;
    // Reliabilities of the whole sample, for slices too thin to estimate their own.
    let whole_reliability = reliabilities(model, pooled_all.items.as_ref().map(|i| &i.complete));
    let fallback = pooled_all
        .items
        .as_ref()
        .map(|_| whole_reliability.as_slice());
    let estimate =
        |m: &Moments| estimate_moments_with(model, graph, m, options.importance, fallback);
    let whole = estimate(pooled_all).map_err(AnalysisError::Effects)?;
    notes.extend(negative_pls_notes(model, graph, &whole));
    notes.extend(correction_note(&whole.correction, "all"));

    let mut results: Vec<SliceResult> = Vec::new();
    for wave in &waves {
        let wave_slices = slices_crossed(survey, Some(wave), &model.crossed);
        let wave_total = wave_slices[0].1.sw;
        let wave_all_effects = estimate(&wave_slices[0].1).ok();
        for (key, moments) in wave_slices {
            if moments.rows == 0 {
                continue;
            }
            let scores: Vec<Option<NodeScore>> = model
                .nodes
                .iter()
                .zip(&moments.nodes)
                .map(|(node, m)| score_node(node, m, options.level))
                .collect();
            let label = slice_label(&key, wave);
            let (effects, basis) = match estimate(&moments) {
                Ok(effects) => {
                    if effects.correction.status == CorrectionStatus::NotPositiveDefinite {
                        if let Some(note) = correction_note(&effects.correction, &label) {
                            if !notes.contains(&note) {
                                notes.push(note);
                            }
                        }
                    }
                    (effects, label.clone())
                }
                Err(reason) => {
                    let pooled_slice = pooled.iter().find(|(k, _)| *k == key).map(|(_, m)| m);
                    let fallback = if waves.len() > 1 {
                        pooled_slice.and_then(|m| estimate(m).ok())
                    } else {
                        None
                    };
                    let (effects, basis) = match (fallback, &wave_all_effects) {
                        (Some(e), _) => (e, format!("{} (all waves)", key.name())),
                        (None, Some(e)) if !key.is_all() => {
                            (e.clone(), slice_label(&SliceKey::all(), wave))
                        }
                        _ => (whole.clone(), "all (all waves)".to_string()),
                    };
                    notes.push(format!("{label}: effects taken from {basis}: {reason}"));
                    (effects, basis)
                }
            };
            let points: Vec<Option<(f64, f64)>> = (0..model.nodes.len())
                .map(|i| {
                    let is_driver =
                        !model.nodes[i].outcome && i != primary && graph.reaches(i, primary);
                    match (&scores[i], is_driver) {
                        (Some(score), true) => Some((effects.total[i][primary], score.index)),
                        _ => None,
                    }
                })
                .collect();
            results.push(SliceResult {
                share: if wave_total > 0.0 {
                    moments.sw / wave_total
                } else {
                    0.0
                },
                rows: moments.rows,
                trend: vec![None; model.nodes.len()],
                quadrant: quadrants_for(&points, &scores),
                key,
                wave: wave.clone(),
                moments: moments.nodes.clone(),
                scores,
                effects,
                effects_basis: basis,
            });
        }
    }
    fill_trends(&mut results, &waves);

    let latest = waves.last().cloned();
    let root = results
        .iter()
        .filter(|s| Some(&s.wave) == latest.as_ref())
        .map(|s| {
            (
                s.key.clone(),
                root_causes(model, graph, &s.scores, &s.effects),
            )
        })
        .collect();
    Ok(Analysis {
        primary_outcome: primary,
        waves,
        slices: results,
        root_causes: root,
        notes,
        segment_columns: survey.segment_columns.clone(),
        cells: latest
            .as_ref()
            .map(|w| cell_shares(survey, w))
            .unwrap_or_default(),
    })
}

/// Errors of the model, not of a slice, that no fallback can mend: a PLS-weighted
/// node needs the model's path model to be measurable by items, and the survey read
/// with item moments.
fn check_pls(
    model: &Model,
    survey: &Survey,
    method: Option<crate::model::Method>,
) -> Result<(), EffectsError> {
    let nodes = pls_weights::pls_nodes(model, method);
    let Some(&first) = nodes.first() else {
        return Ok(());
    };
    pls_weights::layout(model, &nodes)?;
    if survey.cells.iter().any(|c| c.moments.items.is_none()) {
        return Err(EffectsError::PlsInAnalysis {
            node: model.nodes[first].id.clone(),
            reason: "the survey was read without item moments".to_string(),
        });
    }
    Ok(())
}

/// A negative PLS path is shown negative (never clipped); say so once, from the
/// whole sample, as `sattrace importance --method pls` does.
fn negative_pls_notes(model: &Model, graph: &DriverGraph, whole: &SliceEffects) -> Vec<String> {
    let mut notes = Vec::new();
    for (node, method) in whole.importance_method.iter().enumerate() {
        if *method != Some(crate::model::Method::Pls) {
            continue;
        }
        for input in graph.inputs(node) {
            let coef = whole.importance[node][input];
            if coef < 0.0 {
                notes.push(format!(
                    "PLS path `{}` → `{}` is negative ({coef:.3}) in the whole sample; its importance is shown negative",
                    model.nodes[input].id, model.nodes[node].id
                ));
            }
        }
    }
    notes
}

/// Whether the survey pass must carry item moments for this analysis: for nodes
/// weighed by PLS, and for the reliabilities of corrected effects.
pub fn needs_item_moments(model: &Model, importance: Option<crate::model::Method>) -> bool {
    !pls_nodes(model, importance).is_empty() || reliability::needs_items(model)
}

/// A note when a slice's effects could not be corrected as the model asks.
fn correction_note(correction: &Correction, label: &str) -> Option<String> {
    match correction.status {
        CorrectionStatus::NoItemMoments => Some(format!(
            "{label}: effects are not corrected for measurement error: the data were read without item moments (write the moments table with `sattrace moments`, which includes them)"
        )),
        CorrectionStatus::NotPositiveDefinite => Some(format!(
            "{label}: effects are not corrected for measurement error: the reliability-corrected covariance matrix is not positive definite, so the observed one is used"
        )),
        _ => None,
    }
}

fn slice_label(key: &SliceKey, wave: &Option<String>) -> String {
    match wave {
        Some(w) => format!("{} {w}", key.name()),
        None => key.name(),
    }
}

/// Each slice's change since the same slice in the previous wave.
fn fill_trends(results: &mut [SliceResult], waves: &[Option<String>]) {
    for index in 0..results.len() {
        let Some(position) = waves.iter().position(|w| *w == results[index].wave) else {
            continue;
        };
        let Some(previous_wave) = position.checked_sub(1).map(|p| &waves[p]) else {
            continue;
        };
        let Some(previous) = results
            .iter()
            .find(|s| s.wave == *previous_wave && s.key == results[index].key)
        else {
            continue;
        };
        let trend: Vec<Option<f64>> = results[index]
            .scores
            .iter()
            .zip(&previous.scores)
            .map(|(now, before)| match (now, before) {
                (Some(now), Some(before)) => Some(now.score - before.score),
                _ => None,
            })
            .collect();
        results[index].trend = trend;
    }
}
