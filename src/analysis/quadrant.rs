//! Importance–performance quadrants (Martilla & James 1977), as IPMA draws them:
//! importance is the total effect on the primary outcome, performance the index,
//! and the cut points are the means over the drivers shown (a driver exactly at a
//! mean counts as important / performing). One exception to the map: a driver
//! below its own target is never "possible overkill" — performing above the other
//! drivers' average does not make it more than enough; it is low priority instead.

use super::scores::NodeScore;

/// Where a driver sits on the importance–performance map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Important and performing below average: fix first.
    Concentrate,
    /// Important and performing well: keep it up.
    KeepUp,
    /// Unimportant and performing below average.
    LowPriority,
    /// Unimportant but performing well: possible overkill.
    Overkill,
}

impl Quadrant {
    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Concentrate => "concentrate",
            Quadrant::KeepUp => "keep_up",
            Quadrant::LowPriority => "low_priority",
            Quadrant::Overkill => "overkill",
        }
    }
}

/// [`quadrants`], with a driver below its target (`index_gap > 0` in `scores`)
/// moved from overkill to low priority.
pub fn quadrants_for(
    points: &[Option<(f64, f64)>],
    scores: &[Option<NodeScore>],
) -> Vec<Option<Quadrant>> {
    quadrants(points)
        .into_iter()
        .enumerate()
        .map(|(i, q)| match q {
            Some(Quadrant::Overkill)
                if scores
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_some_and(|s| s.target.is_some() && s.index_gap > 0.0) =>
            {
                Some(Quadrant::LowPriority)
            }
            other => other,
        })
        .collect()
}

/// Quadrant of each `(importance, performance)` point, `None` where either is missing.
pub fn quadrants(points: &[Option<(f64, f64)>]) -> Vec<Option<Quadrant>> {
    let present: Vec<(f64, f64)> = points.iter().flatten().copied().collect();
    if present.is_empty() {
        return vec![None; points.len()];
    }
    let count = present.len() as f64;
    let mean_importance = present.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_performance = present.iter().map(|p| p.1).sum::<f64>() / count;
    points
        .iter()
        .map(|point| {
            point.map(|(importance, performance)| {
                match (
                    importance >= mean_importance,
                    performance >= mean_performance,
                ) {
                    (true, false) => Quadrant::Concentrate,
                    (true, true) => Quadrant::KeepUp,
                    (false, false) => Quadrant::LowPriority,
                    (false, true) => Quadrant::Overkill,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(index: f64, target: Option<f64>) -> Option<NodeScore> {
        Some(NodeScore {
            score: index,
            index,
            n: 10,
            n_eff: 10.0,
            ci_low: index,
            ci_high: index,
            target,
            gap: target.map_or(0.0, |t| t - index),
            index_gap: target.map_or(0.0, |t| t - index),
        })
    }

    #[test]
    fn a_driver_below_its_target_is_never_overkill() {
        let points = [Some((0.4, 40.0)), Some((0.1, 80.0)), Some((0.1, 82.0))];
        // The second is below its target of 90, the third beyond its target of 70.
        let scores = [
            score(40.0, None),
            score(80.0, Some(90.0)),
            score(82.0, Some(70.0)),
        ];
        assert_eq!(
            quadrants_for(&points, &scores),
            vec![
                Some(Quadrant::Concentrate),
                Some(Quadrant::LowPriority),
                Some(Quadrant::Overkill)
            ]
        );
    }

    #[test]
    fn splits_at_the_means() {
        let q = quadrants(&[
            Some((0.4, 40.0)),
            Some((0.4, 80.0)),
            Some((0.1, 40.0)),
            Some((0.1, 80.0)),
            None,
        ]);
        assert_eq!(
            q,
            vec![
                Some(Quadrant::Concentrate),
                Some(Quadrant::KeepUp),
                Some(Quadrant::LowPriority),
                Some(Quadrant::Overkill),
                None
            ]
        );
    }
}
