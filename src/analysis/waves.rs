//! Change since the previous wave, per slice and node, with a significance test,
//! and each target's progress.
//!
//! Tests run on the node's index-unit respondent values (0–100 index, ±100 NPS
//! coding, 0/100 rates), from each wave's moments and Kish effective sizes:
//! Welch's t for means, a two-sample z-test for NPS (variance of the ±100 coding)
//! and the pooled two-proportion z-test for rates and top-2-box. Significant means
//! p < 0.05, two-sided.
//!
//! Progress toward a target. Wave names carry no dates, so the rule uses waves as
//! the clock: the last change is taken as the pace per wave, and the target is on
//! track when it is met, or when it improves and at that pace the remaining gap
//! closes within [`HORIZON_WAVES`] more waves; off track when it got significantly
//! worse while short of target; at risk otherwise (slower improvement, or a change
//! that is not significant).

use super::{Analysis, SliceKey};
use crate::data::NodeMoments;
use crate::model::{Metric, Model};
use crate::stats::{proportion_z, welch_t, z_test, Sample, TestResult};

/// Significance level of wave changes.
pub const ALPHA: f64 = 0.05;

/// Waves ahead within which the last pace must close a target's gap to be on track.
pub const HORIZON_WAVES: f64 = 2.0;

/// Which test a change was judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeTest {
    WelchT,
    Z,
    ProportionZ,
}

impl ChangeTest {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeTest::WelchT => "welch_t",
            ChangeTest::Z => "z",
            ChangeTest::ProportionZ => "proportion_z",
        }
    }
}

/// A target's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Progress {
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::OnTrack => "on_track",
            Progress::AtRisk => "at_risk",
            Progress::OffTrack => "off_track",
        }
    }
}

/// One node's change in one slice from the previous wave to this one.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveChange {
    pub key: SliceKey,
    pub previous_wave: String,
    pub wave: String,
    /// Index into `model.nodes`.
    pub node: usize,
    /// Change of the score, in score units.
    pub change: f64,
    /// Change of the index, in index units.
    pub index_change: f64,
    pub test: ChangeTest,
    pub result: TestResult,
    pub significant: bool,
    /// `None` without a target.
    pub progress: Option<Progress>,
}

/// Every change between consecutive waves, in the order of `analysis.slices`
/// (waves in order, the whole sample first) and model order within a slice.
pub fn wave_changes(model: &Model, analysis: &Analysis) -> Vec<WaveChange> {
    let mut out = Vec::new();
    for pair in analysis.waves.windows(2) {
        let (Some(previous_wave), Some(wave)) = (&pair[0], &pair[1]) else {
            continue;
        };
        for now in analysis.slices.iter().filter(|s| s.wave == pair[1]) {
            let Some(before) = analysis
                .slices
                .iter()
                .find(|s| s.wave == pair[0] && s.key == now.key)
            else {
                continue;
            };
            for (node, spec) in model.nodes.iter().enumerate() {
                let (Some(score), Some(_)) = (&now.scores[node], &before.scores[node]) else {
                    continue;
                };
                let (Some(m1), Some(m0)) = (now.moments.get(node), before.moments.get(node)) else {
                    continue;
                };
                let (test, result) = match spec.metric {
                    Metric::Mean => (
                        ChangeTest::WelchT,
                        welch_t(&sample(m0, true), &sample(m1, true)),
                    ),
                    Metric::Nps => (
                        ChangeTest::Z,
                        z_test(&sample(m0, false), &sample(m1, false)),
                    ),
                    Metric::Rate | Metric::Top2box => {
                        let (a, b) = (sample(m0, false), sample(m1, false));
                        (
                            ChangeTest::ProportionZ,
                            proportion_z(a.mean, a.n, b.mean, b.n),
                        )
                    }
                };
                let Some(result) = result else {
                    continue;
                };
                let index_change = result.difference;
                let change = spec.score_from_index(index_change) - spec.score_from_index(0.0);
                let significant = result.p_value < ALPHA;
                let progress = spec.target.map(|_| {
                    progress(
                        score.index_gap,
                        spec.direction.sign() * index_change,
                        significant,
                    )
                });
                out.push(WaveChange {
                    key: now.key.clone(),
                    previous_wave: previous_wave.clone(),
                    wave: wave.clone(),
                    node,
                    change,
                    index_change,
                    test,
                    result,
                    significant,
                    progress,
                });
            }
        }
    }
    out
}

/// The progress rule of the module docs: `gap` is the index gap still to close
/// (≤ 0 when met), `improvement` the last change in the good direction.
pub fn progress(gap: f64, improvement: f64, significant: bool) -> Progress {
    if gap <= 0.0 || (improvement > 0.0 && gap <= HORIZON_WAVES * improvement) {
        Progress::OnTrack
    } else if improvement < 0.0 && significant {
        Progress::OffTrack
    } else {
        Progress::AtRisk
    }
}

/// A wave's summary of a node: mean and size; the variance with the `n/(n − 1)`
/// correction for t-tests, the population variance for z-tests.
fn sample(m: &NodeMoments, corrected: bool) -> Sample {
    let n = m.kish_n();
    let variance = m.variance().unwrap_or(0.0);
    Sample {
        mean: m.mean().unwrap_or(f64::NAN),
        variance: if corrected && n > 1.0 {
            variance * n / (n - 1.0)
        } else {
            variance
        },
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rule() {
        assert_eq!(progress(-1.0, -5.0, true), Progress::OnTrack);
        assert_eq!(progress(4.0, 2.0, false), Progress::OnTrack);
        assert_eq!(progress(4.0, 1.0, true), Progress::AtRisk);
        assert_eq!(progress(4.0, -1.0, false), Progress::AtRisk);
        assert_eq!(progress(4.0, -1.0, true), Progress::OffTrack);
    }
}
