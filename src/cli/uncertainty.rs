//! The flags of decision uncertainty shared by `whatif` and `plan`: the confidence
//! level, the number of bootstrap replicates and their seed (docs/whatif.md,
//! "Intervals").

use std::borrow::Cow;

use clap::Args;
use sattrace::analysis::AnalysisOptions;
use sattrace::whatif::{Bootstrap, Replicates, DEFAULT_REPLICATES, DEFAULT_SEED};

use super::pipeline::Outcome;

#[derive(Debug, Clone, Args)]
pub struct UncertaintyArgs {
    /// Confidence level of the intervals on changes and projections (0 < P < 1).
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    pub confidence: f64,
    /// Bootstrap replicates (respondents resampled within cells, effects
    /// re-estimated); 0 turns intervals and probabilities off.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REPLICATES)]
    pub bootstrap: usize,
    /// Seed of the bootstrap: the same seed gives the same output, on any machine.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

impl Default for UncertaintyArgs {
    fn default() -> Self {
        UncertaintyArgs {
            confidence: 0.95,
            bootstrap: DEFAULT_REPLICATES,
            seed: DEFAULT_SEED,
        }
    }
}

impl UncertaintyArgs {
    /// The bootstrap asked for (`None` with `--bootstrap 0`), or why the flags
    /// are wrong.
    pub fn bootstrap(&self) -> anyhow::Result<Option<Bootstrap>> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(super::lang::Said::error(
                format!(
                    "--confidence: `{}` is not a level\n  help: give a number between 0 and 1, e.g. 0.9",
                    self.confidence
                ),
                format!(
                    "--confidence：`{}` 不是有效的置信水平\n  提示：请给出 0 到 1 之间的数，例如 0.9",
                    self.confidence
                ),
            ));
        }
        Ok((self.bootstrap > 0).then_some(Bootstrap {
            replicates: self.bootstrap,
            seed: self.seed,
            level: self.confidence,
        }))
    }
}

/// The bootstrap replicates of `boot` on the pipeline's survey: `kept` when it was
/// made with the same count and seed (`sattrace serve` makes them once per load),
/// else made now. Either way the same type does the work, so `whatif`/`plan` and
/// `serve` give the same bytes.
pub fn replicates<'a>(
    pipeline: &Outcome,
    boot: &Bootstrap,
    kept: Option<&'a Replicates>,
) -> anyhow::Result<Cow<'a, Replicates>> {
    match kept {
        Some(r) if r.replicates == boot.replicates && r.seed == boot.seed => Ok(Cow::Borrowed(r)),
        _ => Replicates::build(
            &pipeline.project.model,
            &pipeline.project.graph,
            &pipeline.survey,
            &AnalysisOptions::default(),
            boot,
            &|| true,
        )
        .map(Cow::Owned)
        .map_err(anyhow::Error::msg),
    }
}
