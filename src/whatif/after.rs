//! The analysis after a scenario: the latest wave's scores recomputed from the moved
//! cell moments, with the baseline's effects kept (a scenario that sets a driver to
//! one value would leave nothing to estimate them from), then quadrants, trends and
//! root causes redone from the new scores.

use crate::analysis::{quadrants_for, root_causes, score_node, Analysis, SliceKey};
use crate::data::{NodeMoments, Survey};
use crate::graph::DriverGraph;
use crate::model::Model;

/// The node moments of every slice of `wave`, merged from `cells` (parallel to
/// `survey.cells`) the way [`crate::analysis::slices`] merges them.
pub fn slice_moments(
    survey: &Survey,
    cells: &[Vec<NodeMoments>],
    wave: &Option<String>,
) -> Vec<(SliceKey, Vec<NodeMoments>)> {
    let merge = |keep: &dyn Fn(usize) -> bool| {
        let mut merged = vec![NodeMoments::default(); survey.nodes];
        for (c, cell) in survey.cells.iter().enumerate() {
            if cell.key.wave == *wave && keep(c) {
                for (a, b) in merged.iter_mut().zip(&cells[c]) {
                    a.merge(b);
                }
            }
        }
        merged
    };
    let mut out = vec![(SliceKey::all(), merge(&|_| true))];
    for (position, column) in survey.segment_columns.iter().enumerate() {
        let mut values: Vec<&str> = survey
            .cells
            .iter()
            .filter_map(|c| c.key.segments.get(position).map(String::as_str))
            .collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            let moments = merge(&|c| {
                survey.cells[c]
                    .key
                    .segments
                    .get(position)
                    .map(String::as_str)
                    == Some(value)
            });
            out.push((
                SliceKey {
                    column: column.clone(),
                    value: value.to_string(),
                },
                moments,
            ));
        }
    }
    out
}

/// `before` with the latest wave's scores replaced by those of `moved`.
pub fn analysis_after(
    model: &Model,
    graph: &DriverGraph,
    before: &Analysis,
    moved: &[(SliceKey, Vec<NodeMoments>)],
    level: f64,
) -> Analysis {
    let mut after = before.clone();
    let Some(latest) = before.latest_wave().cloned() else {
        return after;
    };
    let primary = after.primary_outcome;
    for slice in after.slices.iter_mut().filter(|s| s.wave == latest) {
        let Some((_, moments)) = moved.iter().find(|(k, _)| *k == slice.key) else {
            continue;
        };
        let scores: Vec<_> = model
            .nodes
            .iter()
            .zip(moments)
            .map(|(node, m)| score_node(node, m, level))
            .collect();
        for (i, trend) in slice.trend.iter_mut().enumerate() {
            if let (Some(t), Some(now), Some(then)) = (trend.as_mut(), &scores[i], &slice.scores[i])
            {
                *t += now.score - then.score;
            }
        }
        let points: Vec<Option<(f64, f64)>> = (0..model.nodes.len())
            .map(|i| {
                let is_driver =
                    !model.nodes[i].outcome && i != primary && graph.reaches(i, primary);
                match (&scores[i], is_driver) {
                    (Some(score), true) => Some((slice.effects.total[i][primary], score.index)),
                    _ => None,
                }
            })
            .collect();
        slice.quadrant = quadrants_for(&points, &scores);
        slice.scores = scores;
    }
    after.root_causes = after
        .slices
        .iter()
        .filter(|s| s.wave == latest)
        .map(|s| {
            (
                s.key.clone(),
                root_causes(model, graph, &s.scores, &s.effects),
            )
        })
        .collect();
    after
}
