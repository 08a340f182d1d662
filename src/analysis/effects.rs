//! Edge effects of one slice: declared, or estimated by OLS of each node on its
//! inputs from the slice's complete-case cross-product moments, then total effects.
//!
//! Effects are in IPMA units (Ringle & Sarstedt 2016): index points of the node per
//! index point of the input, i.e. the unstandardized coefficient of the 0–100
//! rescaled scores. Standardized coefficients are kept beside them for analysts and
//! for importance.

use crate::data::CrossMoments;
use crate::graph::{total_effects, DriverGraph, EdgeEffects};
use crate::model::{Model, Weights};
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
    /// Complete cases the estimates rest on.
    pub n: u64,
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
    let count = model.nodes.len();
    let mut direct = vec![vec![0.0; count]; count];
    let mut standardized = vec![vec![0.0; count]; count];
    let mut r2 = vec![None; count];
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
                }
            }
            Weights::Estimated(_) => {
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
                    reason: e.to_string(),
                })?;
                for (k, &input) in inputs.iter().enumerate() {
                    direct[node_index][input] = fit.coef[k];
                    standardized[node_index][input] = fit.std_beta[k];
                }
                r2[node_index] = Some(fit.r2);
            }
        }
    }
    let total = total_effects(graph, &direct);
    let standardized_total = total_effects(graph, &standardized);
    Ok(SliceEffects {
        direct,
        standardized,
        total,
        standardized_total,
        r2,
        n: cross.n,
    })
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
