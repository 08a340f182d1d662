//! The what-if comparison as JSON (`sattrace.whatif/1`): stable ids and rounded
//! numbers, no labels.

use std::collections::BTreeMap;

use serde::Serialize;

use super::WhatIfReport;
use crate::report::round;
use crate::whatif::MoveKind;

#[derive(Serialize)]
pub(super) struct Json {
    schema: &'static str,
    scenario: ScenarioJson,
    wave: Option<String>,
    moved_rows: u64,
    effects_basis: String,
    /// How the intervals were made (absent with `--bootstrap 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    intervals: Option<IntervalsJson>,
    segments: Vec<SegmentJson>,
    actions: Vec<ActionJson>,
    /// Root causes per segment before and after (as `analyze`'s `root_causes`).
    root_causes: Vec<RootCauseJson>,
}

#[derive(Serialize)]
struct RootCauseJson {
    segment: String,
    outcome: String,
    driver: String,
    /// Outcome index points closing the driver's gap would gain (absent: not a
    /// root cause on that side).
    contribution_before: Option<f64>,
    contribution_after: Option<f64>,
    /// Part of the outcome's gap that covers, at most 1.
    share_before: Option<f64>,
    share_after: Option<f64>,
}

#[derive(Serialize)]
struct IntervalsJson {
    available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replicates: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct ScenarioJson {
    name: String,
    set: BTreeMap<String, f64>,
    shift: BTreeMap<String, f64>,
    r#where: BTreeMap<String, String>,
    /// Moves with a slice of their own (each on top of `where`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    moves: Vec<MoveJson>,
}

#[derive(Serialize)]
struct MoveJson {
    driver: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    set: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shift: Option<f64>,
    r#where: BTreeMap<String, String>,
    /// The slices whose union the move is for (each respondent moved once).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    any_of: Vec<String>,
}

#[derive(Serialize)]
struct SegmentJson {
    segment: String,
    changed: bool,
    nodes: Vec<NodeJson>,
}

#[derive(Serialize)]
struct NodeJson {
    id: String,
    outcome: bool,
    before: Option<f64>,
    after: Option<f64>,
    change: f64,
    index_change: f64,
    /// Bounds of the change's interval, in the score's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    change_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change_high: Option<f64>,
}

#[derive(Serialize)]
struct ActionJson {
    status: &'static str,
    rule: String,
    driver: String,
    segment: String,
    rank_before: Option<usize>,
    rank_after: Option<usize>,
    uplift_before: Option<f64>,
    uplift_after: Option<f64>,
    cost: f64,
}

pub(super) fn json(report: &WhatIfReport) -> Json {
    let model = report.model;
    let r4 = |v: f64| round(v, 4);
    let moves = |set: bool| {
        report
            .scenario
            .moves
            .iter()
            .filter(|m| m.filter.is_empty() && m.any_of.is_empty())
            .filter_map(|m| match (m.kind, set) {
                (MoveKind::Set(v), true) | (MoveKind::Shift(v), false) => {
                    Some((model.nodes[m.node].id.clone(), v))
                }
                _ => None,
            })
            .collect()
    };
    Json {
        schema: "sattrace.whatif/1",
        scenario: ScenarioJson {
            name: report.scenario.name.clone(),
            set: moves(true),
            shift: moves(false),
            r#where: report.scenario.filter.iter().cloned().collect(),
            moves: report
                .scenario
                .moves
                .iter()
                .filter(|m| !m.filter.is_empty() || !m.any_of.is_empty())
                .map(|m| MoveJson {
                    driver: model.nodes[m.node].id.clone(),
                    set: match m.kind {
                        MoveKind::Set(v) => Some(v),
                        MoveKind::Shift(_) => None,
                    },
                    shift: match m.kind {
                        MoveKind::Shift(d) => Some(d),
                        MoveKind::Set(_) => None,
                    },
                    r#where: m.filter.iter().cloned().collect(),
                    any_of: m.any_of.iter().map(|k| k.name()).collect(),
                })
                .collect(),
        },
        wave: report.wave.map(str::to_string),
        moved_rows: report.moved_rows,
        effects_basis: report.basis.to_string(),
        intervals: match (report.intervals, report.intervals_unavailable) {
            (Some(i), _) => Some(IntervalsJson {
                available: true,
                method: Some(if i.parametric {
                    "parametric-bootstrap-percentile"
                } else {
                    "bootstrap-percentile"
                }),
                level: Some(i.level),
                replicates: Some(i.replicates),
                seed: Some(i.seed),
                failed: Some(i.failed),
                reason: None,
            }),
            (None, true) => Some(IntervalsJson {
                available: false,
                method: None,
                level: None,
                replicates: None,
                seed: None,
                failed: None,
                reason: Some("a moments table has no respondent rows to resample"),
            }),
            (None, false) => None,
        },
        segments: report
            .diff
            .segments
            .iter()
            .map(|s| SegmentJson {
                segment: s.key.name(),
                changed: s.changed(),
                nodes: s
                    .nodes
                    .iter()
                    .map(|n| NodeJson {
                        id: model.nodes[n.node].id.clone(),
                        outcome: model.nodes[n.node].outcome,
                        before: n.before.map(r4),
                        after: n.after.map(r4),
                        change: r4(n.change),
                        index_change: r4(n.index_change),
                        change_low: report
                            .intervals
                            .and_then(|i| i.of(&s.key, n.node))
                            .map(|(low, _)| r4(low)),
                        change_high: report
                            .intervals
                            .and_then(|i| i.of(&s.key, n.node))
                            .map(|(_, high)| r4(high)),
                    })
                    .collect(),
            })
            .collect(),
        actions: report
            .diff
            .actions
            .iter()
            .map(|c| ActionJson {
                status: c.status.as_str(),
                rule: c.action.rule.clone(),
                driver: model.nodes[c.action.driver].id.clone(),
                segment: c.action.segment.name(),
                rank_before: c.rank_before,
                rank_after: c.rank_after,
                uplift_before: c.uplift_before.map(r4),
                uplift_after: c.uplift_after.map(r4),
                cost: c.action.cost,
            })
            .collect(),
        root_causes: report
            .diff
            .root_causes
            .iter()
            .map(|c| RootCauseJson {
                segment: c.key.name(),
                outcome: model.nodes[c.outcome].id.clone(),
                driver: model.nodes[c.driver].id.clone(),
                contribution_before: c.before.as_ref().map(|r| r4(r.contribution)),
                contribution_after: c.after.as_ref().map(|r| r4(r.contribution)),
                share_before: c.before.as_ref().map(|r| r4(r.share)),
                share_after: c.after.as_ref().map(|r| r4(r.share)),
            })
            .collect(),
    }
}
