//! Edge effects of one slice: declared, or estimated by OLS of each node on its
//! inputs from the slice's complete-case cross-product moments, then total effects.
//!
//! Effects are in IPMA units (Ringle & Sarstedt 2016): index points of the node per
//! index point of the input, i.e. the unstandardized coefficient of the 0–100
//! rescaled scores. Standardized coefficients are kept beside them for analysts.
//!
//! Importance is separate from effects: each node's inputs are weighed by the node's
//! `weights: {method: …}` (or the `--importance` override), e.g. their LMG shares of
//! the node's R², and carried to the outcomes below (see [`importance_totals`]).
//! Effects stay OLS in index points whatever the method, because they are what
//! multiplies a gap into outcome points (root causes, uplift) and adds up along paths.

use super::pls_weights;
use super::reliability::{self, NodeReliability, MIN_RELIABILITY_ROWS};
use crate::data::{CrossMoments, Moments};
use crate::graph::{total_effects, DriverGraph, EdgeEffects};
use crate::importance::{self, Correlations, EstimateOptions};
use crate::model::{EffectsMode, Method, Model, Weights};
use crate::stats;

/// Effects estimated in one slice.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceEffects {
    /// `direct[node][input]` in index points per index point.
    pub direct: EdgeEffects,
    /// Standardized direct effects (betas).
    pub standardized: EdgeEffects,
    /// `total[d][o]`: total effect of `d` on `o`, index units.
    pub total: Vec<Vec<f64>>,
    /// Standardized total effects.
    pub standardized_total: Vec<Vec<f64>>,
    /// R² of each node's regression on its inputs (`None` for declared or no inputs).
    pub r2: Vec<Option<f64>>,
    /// `importance[node][input]` by the node's method (standardized coefficient for
    /// `ols`, `beta` and declared weights, standardized PLS path coefficient for `pls`).
    pub importance: EdgeEffects,
    /// The method that weighed each node's inputs (`None`: declared or no inputs).
    pub importance_method: Vec<Option<Method>>,
    /// `importance_total[d][o]`: importance of `d` for `o` through every path
    /// ([`importance_totals`]); equals `standardized_total` when every method is `ols`.
    pub importance_total: Vec<Vec<f64>>,
    /// Complete cases the estimates rest on.
    pub n: u64,
    /// Whether and how the moments were corrected for measurement error.
    pub correction: Correction,
}

/// The measurement-error correction behind a slice's effects.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Correction {
    pub status: CorrectionStatus,
    /// The nodes whose variance was multiplied by their reliability (empty unless
    /// `status` is `corrected`); with a fallback status, the reliabilities that were
    /// found but not applied.
    pub nodes: Vec<NodeReliability>,
}

/// What the effects of a slice were estimated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionStatus {
    /// Reliability-corrected moments.
    Corrected,
    /// Observed moments, because the model says `effects: observed`.
    Observed,
    /// Observed moments: every node is taken as exact (single items, none declared).
    Exact,
    /// Observed moments: the survey or moments table has no item moments, so the
    /// reliabilities of multi-item nodes are unknown (declared ones are applied).
    NoItemMoments,
    /// Observed moments: the corrected covariance matrix is not positive definite
    /// (a reliability too low for the correlations it would imply).
    NotPositiveDefinite,
}

impl CorrectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionStatus::Corrected => "corrected",
            CorrectionStatus::Observed => "observed",
            CorrectionStatus::Exact => "exact",
            CorrectionStatus::NoItemMoments => "no_item_moments",
            CorrectionStatus::NotPositiveDefinite => "not_positive_definite",
        }
    }
}

/// Why a slice could not give its own estimates.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EffectsError {
    #[error("only {n} complete responses, fewer than the {needed} needed to estimate `{node}` on its {inputs} inputs")]
    TooFew {
        node: String,
        inputs: usize,
        n: u64,
        needed: u64,
    },
    #[error("cannot estimate `{node}`: {reason}")]
    Singular { node: String, reason: String },
    #[error("`{node}`: method `pls` cannot weigh this model in the analysis: {reason}\n  help: PLS needs items for every node on a path; use `weights: {{method: lmg}}` (or ols, relweights, beta, corr, dominance) for this model")]
    PlsInAnalysis { node: String, reason: String },
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for EffectsError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            EffectsError::TooFew {
                node,
                inputs,
                n,
                needed,
            } => format!(
                "只有 {n} 份完整答卷，少于用 {inputs} 个输入估计 `{node}` 所需的 {needed} 份"
            ),
            EffectsError::Singular { node, reason } => format!("无法估计 `{node}`：{reason}"),
            EffectsError::PlsInAnalysis { node, reason } => format!(
                "`{node}`：分析中无法用 `pls` 方法为此模型计算权重：{reason}{}",
                crate::diag::help_line(
                    lang,
                    "PLS 要求路径上的每个节点都有题目；此模型请使用 `weights: {method: lmg}`（或 ols、relweights、beta、corr、dominance）"
                )
            ),
        }
    }
}

/// The minimum complete cases for a regression on `k` inputs: ten per input and
/// never fewer than 30, the usual rule of thumb below which betas are noise.
pub fn min_cases(k: usize) -> u64 {
    (10 * (k as u64 + 1)).max(30)
}

/// Estimate every node's effects in a slice from its complete-case moments.
pub fn estimate(
    model: &Model,
    graph: &DriverGraph,
    cross: &CrossMoments,
) -> Result<SliceEffects, EffectsError> {
    estimate_with(model, graph, cross, None)
}

/// [`estimate`] with every estimated node's importance method replaced by `method`.
/// Without item moments a `pls` node is an error; see [`estimate_moments`].
pub fn estimate_with(
    model: &Model,
    graph: &DriverGraph,
    cross: &CrossMoments,
    method: Option<Method>,
) -> Result<SliceEffects, EffectsError> {
    let plan = correction_plan(model, None, None);
    estimate_inner(model, graph, cross, None, method, plan)
}

/// [`estimate_with`] on a slice's moments: the node moments for the regressions and,
/// when a node is weighed by `pls`, the item moments for the PLS path model.
pub fn estimate_moments(
    model: &Model,
    graph: &DriverGraph,
    moments: &Moments,
    method: Option<Method>,
) -> Result<SliceEffects, EffectsError> {
    estimate_moments_with(model, graph, moments, method, None)
}

/// [`estimate_moments`] where a slice with fewer than [`MIN_RELIABILITY_ROWS`]
/// complete item rows takes its reliabilities from `fallback` (the whole sample's,
/// see [`reliability::reliabilities`]) instead of its own.
pub fn estimate_moments_with(
    model: &Model,
    graph: &DriverGraph,
    moments: &Moments,
    method: Option<Method>,
    fallback: Option<&[NodeReliability]>,
) -> Result<SliceEffects, EffectsError> {
    let items = moments.items.as_ref().map(|m| &m.complete);
    let plan = correction_plan(model, items, fallback);
    estimate_inner(model, graph, &moments.complete, items, method, plan)
}

/// The reliabilities to correct with and the status if none can be applied.
fn correction_plan(
    model: &Model,
    items: Option<&CrossMoments>,
    fallback: Option<&[NodeReliability]>,
) -> Correction {
    if model.effects == EffectsMode::Observed {
        return Correction {
            status: CorrectionStatus::Observed,
            nodes: Vec::new(),
        };
    }
    // A block without complete rows is no block: its covariances are undefined.
    let items = items.filter(|i| i.n >= 3);
    let own_enough = items.is_some_and(|i| i.n >= MIN_RELIABILITY_ROWS);
    let nodes = match (own_enough, fallback) {
        (false, Some(fallback)) => fallback.to_vec(),
        _ => reliability::reliabilities(model, items),
    };
    let status = if items.is_none() && fallback.is_none() && reliability::needs_items(model) {
        CorrectionStatus::NoItemMoments
    } else if nodes.is_empty() {
        CorrectionStatus::Exact
    } else {
        CorrectionStatus::Corrected
    };
    Correction { status, nodes }
}

/// `cross` with each listed node's variance multiplied by its reliability (its
/// true-score variance); means and covariances are unchanged.
pub fn corrected_moments(cross: &CrossMoments, nodes: &[NodeReliability]) -> CrossMoments {
    let mut out = cross.clone();
    for r in nodes {
        let (Some(index), Some(variance)) = (
            cross.index(r.node, r.node),
            cross.covariance(r.node, r.node),
        ) else {
            continue;
        };
        if let Some(v) = out.cross.get_mut(index) {
            *v -= (1.0 - r.reliability) * variance * cross.sw;
        }
    }
    out
}

/// Whether the covariance matrix of `nodes` in `cross` is positive definite.
fn positive_definite(cross: &CrossMoments, nodes: &[usize]) -> bool {
    let k = nodes.len();
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut v = cross.covariance(nodes[i], nodes[j]).unwrap_or(f64::NAN);
            for m in 0..j {
                v -= l[i * k + m] * l[j * k + m];
            }
            if i == j {
                // Relative to the variance, so the index scale does not matter.
                let scale = cross.covariance(nodes[i], nodes[i]).unwrap_or(0.0);
                if v.is_nan() || v <= 1e-10 * scale {
                    return false;
                }
                l[i * k + i] = v.sqrt();
            } else {
                l[i * k + j] = v / l[j * k + j];
            }
        }
    }
    true
}

/// The nodes of every estimated regression: each estimated node and its inputs.
fn regression_nodes(model: &Model, graph: &DriverGraph) -> Vec<usize> {
    let mut nodes: Vec<usize> = Vec::new();
    for (index, node) in model.nodes.iter().enumerate() {
        let inputs = graph.inputs(index);
        if inputs.is_empty() || !matches!(node.weights, Weights::Estimated(_)) {
            continue;
        }
        nodes.push(index);
        nodes.extend(inputs);
    }
    nodes.sort_unstable();
    nodes.dedup();
    nodes
}

fn estimate_inner(
    model: &Model,
    graph: &DriverGraph,
    observed: &CrossMoments,
    items: Option<&CrossMoments>,
    method: Option<Method>,
    plan: Correction,
) -> Result<SliceEffects, EffectsError> {
    // The correction applies when the corrected matrix is a covariance matrix; a
    // slice where it is not keeps its observed moments and says so.
    let corrected;
    let (cross, correction) = if plan.status == CorrectionStatus::Corrected
        || (plan.status == CorrectionStatus::NoItemMoments && !plan.nodes.is_empty())
    {
        corrected = corrected_moments(observed, &plan.nodes);
        let nodes = regression_nodes(model, graph);
        if positive_definite(&corrected, &nodes) || !positive_definite(observed, &nodes) {
            (&corrected, plan)
        } else {
            (
                observed,
                Correction {
                    status: CorrectionStatus::NotPositiveDefinite,
                    nodes: plan.nodes,
                },
            )
        }
    } else {
        (observed, plan)
    };
    let count = model.nodes.len();
    // One PLS fit serves every PLS-weighted node of the slice.
    let pls_nodes = pls_weights::pls_nodes(model, method);
    let pls = if pls_nodes.is_empty() {
        None
    } else {
        let layout = pls_weights::layout(model, &pls_nodes)?;
        let paths = pls_weights::fit(model, graph, &layout, &pls_nodes, items)?;
        Some((layout, paths))
    };
    let mut direct = vec![vec![0.0; count]; count];
    let mut standardized = vec![vec![0.0; count]; count];
    let mut r2 = vec![None; count];
    let mut importance = vec![vec![0.0; count]; count];
    let mut importance_method = vec![None; count];
    let sd: Vec<f64> = (0..count).map(|i| cross_sd(cross, i)).collect();
    for (node_index, node) in model.nodes.iter().enumerate() {
        let inputs = graph.inputs(node_index);
        if inputs.is_empty() {
            continue;
        }
        match &node.weights {
            Weights::Declared(weights) => {
                for &input in &inputs {
                    let effect = weights.get(&model.nodes[input].id).copied().unwrap_or(0.0);
                    direct[node_index][input] = effect;
                    standardized[node_index][input] =
                        standardize(effect, sd[input], sd[node_index]);
                    importance[node_index][input] = standardized[node_index][input];
                }
            }
            Weights::Estimated(own) => {
                let needed = min_cases(inputs.len());
                if cross.n < needed {
                    return Err(EffectsError::TooFew {
                        node: node.id.clone(),
                        inputs: inputs.len(),
                        n: cross.n,
                        needed,
                    });
                }
                let fit = stats::ols_from_cross(
                    cross.n as usize,
                    cross.sw,
                    &cross.sum,
                    |a, b| cross.at(a, b).unwrap_or(0.0),
                    node_index,
                    &inputs,
                )
                .map_err(|e| EffectsError::Singular {
                    node: node.id.clone(),
                    reason: ols_reason(model, node, &inputs, &e),
                })?;
                for (k, &input) in inputs.iter().enumerate() {
                    direct[node_index][input] = fit.coef[k];
                    standardized[node_index][input] = fit.std_beta[k];
                }
                r2[node_index] = Some(fit.r2);
                let chosen = method.unwrap_or(*own);
                importance_method[node_index] = Some(chosen);
                let weighed = match to_importance_method(chosen) {
                    Ok(None) => fit.std_beta.clone(),
                    Ok(Some(m)) => {
                        let fail = |e: importance::ImportanceError| EffectsError::Singular {
                            node: node.id.clone(),
                            reason: importance_reason(model, node, &inputs, &e),
                        };
                        let c = correlations(cross, node_index, &inputs).map_err(fail)?;
                        importance::estimate(m, &c, &EstimateOptions::default())
                            .map_err(fail)?
                            .importance
                    }
                    Err(()) => match &pls {
                        Some((layout, paths)) => {
                            pls_weights::importances(layout, paths, node_index, &inputs)
                        }
                        None => {
                            return Err(EffectsError::PlsInAnalysis {
                                node: node.id.clone(),
                                reason: "no PLS fit for this slice".to_string(),
                            })
                        }
                    },
                };
                for (k, &input) in inputs.iter().enumerate() {
                    importance[node_index][input] = weighed[k];
                }
            }
        }
    }
    let total = total_effects(graph, &direct);
    let standardized_total = total_effects(graph, &standardized);
    let importance_total = importance_totals(graph, &importance);
    Ok(SliceEffects {
        direct,
        standardized,
        total,
        standardized_total,
        r2,
        importance,
        importance_method,
        importance_total,
        n: cross.n,
        correction,
    })
}

/// The importance estimator of a model method; `Ok(None)` for the OLS coefficient
/// already fitted, `Err` for `pls` (items, not node scores: [`pls_weights`]).
fn to_importance_method(m: Method) -> Result<Option<importance::Method>, ()> {
    Ok(Some(match m {
        Method::Ols | Method::Beta => return Ok(None),
        Method::Lmg => importance::Method::Lmg,
        Method::Relweights => importance::Method::Relweights,
        Method::Corr => importance::Method::Corr,
        Method::Dominance => importance::Method::Dominance,
        Method::Pls => return Err(()),
    }))
}

/// The correlations of `node` and its `inputs` over the slice's complete cases.
fn correlations(
    cross: &CrossMoments,
    node: usize,
    inputs: &[usize],
) -> Result<Correlations, importance::ImportanceError> {
    let mean = |i: usize| cross.sum[i] / cross.sw;
    Correlations::from_covariance(
        |a, b| cross.at(a, b).unwrap_or(f64::NAN) / cross.sw - mean(a) * mean(b),
        node,
        inputs,
    )
}

/// Importance of every node for every outcome through all paths:
/// `T[d][o] = Σ_v importance[v][d] · T[v][o]`, `T[o][o] = 1`, i.e. the total effects
/// of the graph whose edge weights are the importances. For signed coefficients
/// (`ols`, `beta`, declared) this is exactly the standardized total effect. For R²
/// shares (`lmg`, `relweights`, `dominance`) it reads as shares of shares: `v` holds
/// `T[v][o]` of the outcome's variance, and its input `d`, holding `importance[v][d]`
/// of `v`'s variance, is allotted that fraction of it; the part of `v` its inputs do
/// not explain (`1 − R²(v)`) stays with `v`.
pub fn importance_totals(graph: &DriverGraph, importance: &EdgeEffects) -> Vec<Vec<f64>> {
    total_effects(graph, importance)
}

fn standardize(effect: f64, sd_input: f64, sd_node: f64) -> f64 {
    if sd_node > 0.0 {
        effect * sd_input / sd_node
    } else {
        0.0
    }
}

/// Weighted standard deviation of node `i` over the complete cases.
fn cross_sd(cross: &CrossMoments, i: usize) -> f64 {
    if cross.sw <= 0.0 {
        return 0.0;
    }
    let mean = cross.sum[i] / cross.sw;
    (cross.at(i, i).unwrap_or(0.0) / cross.sw - mean * mean)
        .max(0.0)
        .sqrt()
}

/// Which input of `node` a failed fit is about, named by id and where the model lists
/// it, with what to do: "predictor 1 is a linear combination…" helps nobody.
fn input_reason(
    model: &Model,
    node: &crate::model::Node,
    inputs: &[usize],
    position: usize,
    collinear: bool,
) -> String {
    let Some(&input) = inputs.get(position) else {
        return format!("the inputs of `{}` are collinear", node.id);
    };
    let id = &model.nodes[input].id;
    let at = node
        .inputs
        .iter()
        .position(|name| name == id)
        .and_then(|k| node.input_locs.get(k))
        .unwrap_or(&node.loc);
    if collinear {
        let before: Vec<String> = inputs[..position]
            .iter()
            .map(|&i| format!("`{}`", model.nodes[i].id))
            .collect();
        format!(
            "{at}: driver `{id}` is a linear combination of {} (they carry the same information)\n  help: merge them into one driver, or drop one of them from `inputs:` of `{}`",
            before.join(", "),
            node.id
        )
    } else {
        format!(
            "{at}: driver `{id}` has the same score for every respondent here (no variance)\n  help: check its items in the survey, or drop it from `inputs:` of `{}`",
            node.id
        )
    }
}

fn ols_reason(
    model: &Model,
    node: &crate::model::Node,
    inputs: &[usize],
    error: &stats::OlsError,
) -> String {
    match *error {
        stats::OlsError::Collinear { predictor } => {
            input_reason(model, node, inputs, predictor, true)
        }
        stats::OlsError::ConstantPredictor { predictor } => {
            input_reason(model, node, inputs, predictor, false)
        }
        _ => error.to_string(),
    }
}

fn importance_reason(
    model: &Model,
    node: &crate::model::Node,
    inputs: &[usize],
    error: &importance::ImportanceError,
) -> String {
    match *error {
        importance::ImportanceError::Collinear { driver } => {
            input_reason(model, node, inputs, driver, true)
        }
        importance::ImportanceError::ZeroVariance { driver } => {
            input_reason(model, node, inputs, driver, false)
        }
        _ => error.to_string(),
    }
}
