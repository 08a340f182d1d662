//! The change of each driver's importance between consecutive waves, with a
//! bootstrap interval of the difference ([`change_intervals`]).

use serde::Serialize;

use super::includes_zero;
use crate::importance::{change_intervals, Importance, Intervals};

/// A wave's name and, when it was estimated, its estimate and bootstrap.
pub type WaveEstimate<'a> = (&'a str, Option<(&'a Importance, &'a Option<Intervals>)>);

/// The change from wave `from` to wave `to` (consecutive, both estimated).
#[derive(Debug, Serialize)]
pub struct WaveChange {
    pub from: String,
    pub to: String,
    /// `importance(to) − importance(from)` per driver, with its interval.
    pub drivers: Vec<DriverChange>,
    /// Replicate pairs the intervals rest on (both waves' replicate `r` succeeded);
    /// only with a bootstrap.
    #[serde(rename = "replicate_pairs", skip_serializing_if = "Option::is_none")]
    pub pairs: Option<usize>,
}

/// One driver's change.
#[derive(Debug, Serialize)]
pub struct DriverChange {
    pub id: String,
    pub change: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub ci_includes_zero: Option<bool>,
}

/// Changes between each pair of consecutive groups (waves in order) that were both
/// estimated; a wave that failed (`None`) breaks the chain rather than being skipped
/// over.
pub fn wave_changes(
    groups: &[WaveEstimate<'_>],
    drivers: &[String],
    level: f64,
) -> Vec<WaveChange> {
    groups
        .windows(2)
        .filter_map(|pair| {
            let ((from, Some((a, ia))), (to, Some((b, ib)))) = (&pair[0], &pair[1]) else {
                return None;
            };
            let change: Vec<f64> = b
                .importance
                .iter()
                .zip(&a.importance)
                .map(|(b, a)| b - a)
                .collect();
            let (intervals, pairs) = match (ia, ib) {
                (Some(ia), Some(ib)) => (
                    Some(change_intervals(ia, ib, level)),
                    Some(
                        ia.samples
                            .iter()
                            .zip(&ib.samples)
                            .filter(|(x, y)| x.is_some() && y.is_some())
                            .count(),
                    ),
                ),
                _ => (None, None),
            };
            let drivers = drivers
                .iter()
                .enumerate()
                .map(|(j, id)| {
                    let ci = intervals.as_ref().and_then(|iv| iv.get(j)).copied();
                    DriverChange {
                        id: id.clone(),
                        change: change.get(j).copied(),
                        ci_low: ci.map(|x| x.0),
                        ci_high: ci.map(|x| x.1),
                        ci_includes_zero: ci.map(|(lo, hi)| includes_zero(lo, hi)),
                    }
                })
                .collect();
            Some(WaveChange {
                from: (*from).to_string(),
                to: (*to).to_string(),
                drivers,
                pairs,
            })
        })
        .collect()
}
