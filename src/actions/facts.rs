//! What a rule sees: the aggregates of one slice turned into rule facts.

use std::collections::BTreeMap;

use crate::analysis::{Analysis, SliceResult};
use crate::model::{Lang, Metric, Model};
use crate::rules::{Facts, OutcomeFacts, SegmentFacts};

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
                importance: slice.importance(i, primary),
                effect: slice.effect(i, primary),
                n: score.n as f64,
                ci_low: score.ci_low,
                ci_high: score.ci_high,
                trend: slice.trend[i],
                quadrant: slice.quadrant[i]
                    .map(|q| q.as_str().to_string())
                    .unwrap_or_default(),
                tags: node.tags.clone(),
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
    })
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
    driver: usize,
    outcome: usize,
    delta: f64,
) -> f64 {
    let node = &model.nodes[driver];
    let Some(score) = &slice.scores[driver] else {
        return 0.0;
    };
    let delta_index = match node.metric {
        Metric::Mean => delta / (node.scale.max - node.scale.min) * 100.0,
        _ => delta,
    }
    .max(0.0);
    let (low, high) = node.index_range();
    let headroom = match node.direction {
        crate::model::Direction::HigherIsBetter => high - score.index,
        crate::model::Direction::LowerIsBetter => score.index - low,
    }
    .max(0.0);
    let mut improvement = delta_index.min(headroom);
    if score.target.is_some() {
        improvement = improvement.min(score.index_gap.max(0.0));
    }
    let signs = model.nodes[outcome].direction.sign() * node.direction.sign();
    let share = if slice.key.is_all() { 1.0 } else { slice.share };
    signs * slice.effect(driver, outcome) * improvement * share
}
