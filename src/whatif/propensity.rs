//! Every respondent's propensity on every latent node (NPS, rates, top-2-box with
//! inputs), and its logit: they rest on the whole sample's effects and means and
//! on the respondent's own values, never on the scenario. The row engine
//! ([`super::apply`]) works them out per row and per what-if; the bootstrap keeps
//! them per replicate (made once with it), so a what-if with intervals only moves
//! the respondents. The values are computed by the same function, so the result is
//! the same to the bit.

use crate::data::Respondents;
use crate::graph::DriverGraph;
use crate::model::Model;

use super::apply::propensity;
use super::Basis;

/// Per node (`None`: not latent), per row: the propensity `q` and `ln(q / (1 − q))`.
#[derive(Debug, Clone)]
pub struct Propensities {
    by_node: Vec<Option<Vec<(f64, f64)>>>,
}

impl Propensities {
    /// The propensities of every row of `respondents` under `basis` (its `moves`
    /// are not used).
    pub fn new(
        model: &Model,
        graph: &DriverGraph,
        respondents: &Respondents,
        basis: &Basis,
    ) -> Self {
        // Rows of another width are skipped by the row engine: nothing to keep.
        let fits = respondents.nodes == model.nodes.len();
        let by_node = (0..model.nodes.len())
            .map(|node| {
                if !fits {
                    return None;
                }
                let inputs = graph.inputs(node);
                (0..respondents.len())
                    .map(|row| {
                        let q = propensity(model, &inputs, basis, node, respondents.row(row))?;
                        Some((q, (q / (1.0 - q)).ln()))
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .collect();
        Propensities { by_node }
    }

    /// Row `row`'s propensity on `node` and its logit (`None`: not latent).
    pub fn of(&self, node: usize, row: usize) -> Option<(f64, f64)> {
        self.by_node.get(node)?.as_ref()?.get(row).copied()
    }
}
