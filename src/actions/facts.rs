//! What a rule sees: the aggregates of one slice turned into rule facts.

use std::collections::BTreeMap;

use crate::analysis::{Analysis, SliceResult};
use crate::model::{Direction, Lang, Metric, Model, Node};
use crate::rules::{expected_uplift, Facts, OutcomeFacts, SegmentFacts, WaveFacts};

/// Facts of every scored driver (non-outcome node) in a slice, by id.
pub fn slice_facts(
    model: &Model,
    analysis: &Analysis,
    slice: &SliceResult,
) -> BTreeMap<String, Facts> {
    let primary = analysis.primary_outcome;
    let mut facts = BTreeMap::new();
    for (i, node) in model.nodes.iter().enumerate() {
        if node.outcome {
            continue;
        }
        let Some(score) = &slice.scores[i] else {
            continue;
        };
        facts.insert(
            node.id.clone(),
            Facts {
                id: node.id.clone(),
                label: node.label.text(Lang::Zh, &node.id).to_string(),
                score: score.score,
                index: score.index,
                target: score.target,
                gap: score.gap,
                index_gap: score.index_gap,
                importance: slice.standardized_effect(i, primary),
                effect: slice.effect(i, primary),
                n: score.n as f64,
                ci_low: score.ci_low,
                ci_high: score.ci_high,
                trend: slice.trend[i],
                quadrant: slice.quadrant[i]
                    .map(|q| q.as_str().to_string())
                    .unwrap_or_default(),
                tags: node.tags.clone(),
                lower_is_better: node.direction == Direction::LowerIsBetter,
                unit_index: unit_index(node),
                headroom: headroom(node, score.index),
            },
        );
    }
    facts
}

/// Facts of the primary outcome in a slice.
pub fn outcome_facts(model: &Model, slice: &SliceResult, primary: usize) -> Option<OutcomeFacts> {
    let node = &model.nodes[primary];
    let score = slice.scores[primary].as_ref()?;
    Some(OutcomeFacts {
        id: node.id.clone(),
        label: node.label.text(Lang::Zh, &node.id).to_string(),
        score: score.score,
        index: score.index,
        target: score.target,
        gap: score.gap,
        index_gap: score.index_gap,
        lower_is_better: node.direction == Direction::LowerIsBetter,
    })
}

/// The latest wave and the one before it.
pub fn wave_facts(analysis: &Analysis) -> WaveFacts {
    let name = |w: Option<&Option<String>>| w.cloned().flatten().unwrap_or_default();
    let n = analysis.waves.len();
    WaveFacts {
        name: name(analysis.waves.last()),
        previous: name(n.checked_sub(2).and_then(|i| analysis.waves.get(i))),
        count: n as f64,
    }
}

/// Index points per scale point of the node's score.
fn unit_index(node: &Node) -> f64 {
    match node.metric {
        Metric::Mean => 100.0 / (node.scale.max - node.scale.min),
        _ => 1.0,
    }
}

/// Index points left on the node's scale in its good direction.
fn headroom(node: &Node, index: f64) -> f64 {
    let (low, high) = node.index_range();
    match node.direction {
        Direction::HigherIsBetter => high - index,
        Direction::LowerIsBetter => index - low,
    }
    .max(0.0)
}

pub fn segment_facts(slice: &SliceResult) -> SegmentFacts {
    SegmentFacts {
        name: slice.key.name(),
        column: slice.key.column.clone(),
        value: slice.key.value.clone(),
        n: slice.rows as f64,
        share: slice.share,
    }
}

/// Expected gain of `outcome` (its index points, in its good direction) if `driver`
/// improves by `delta` of its own score units: `effect × min(delta, gap)`, the
/// improvement capped at the driver's gap to target (when it has one) and at the
/// room left on its scale, times the slice's share when the slice is a segment.
pub fn uplift(
    model: &Model,
    slice: &SliceResult,
    facts: &BTreeMap<String, Facts>,
    outcome: &OutcomeFacts,
    driver: usize,
    delta: f64,
) -> f64 {
    let Some(driver) = facts.get(&model.nodes[driver].id) else {
        return 0.0;
    };
    let share = if slice.key.is_all() { 1.0 } else { slice.share };
    expected_uplift(driver, outcome, delta, share)
}
