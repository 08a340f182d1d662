//! Importance–performance quadrants (Martilla & James 1977), as IPMA draws them:
//! importance is the total effect on the primary outcome, performance the index,
//! and the cut points are the means over the drivers shown.

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
