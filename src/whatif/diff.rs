//! Before, after and change of every node per segment, and how the ranked actions
//! change: new, dropped, moved in rank, or the same.

use crate::actions::Action;
use crate::analysis::{Analysis, RootCause, SliceKey};
use crate::model::Model;

/// One node in one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChange {
    pub node: usize,
    /// Scores in the node's unit; `None` where too few answered.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `after − before` in the score's unit.
    pub change: f64,
    /// The same change in index points.
    pub index_change: f64,
}

/// Every node of one segment of the latest wave.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentDiff {
    pub key: SliceKey,
    pub nodes: Vec<NodeChange>,
}

impl SegmentDiff {
    /// Whether any score moved (by more than rounding).
    pub fn changed(&self) -> bool {
        self.nodes.iter().any(|n| n.change.abs() >= 5e-5)
    }
}

/// What happened to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionStatus {
    /// Fires after the scenario, not before.
    New,
    /// Fired before, not after.
    Dropped,
    /// Fires in both, at another rank.
    Moved,
    /// Fires in both at the same rank.
    Same,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::New => "new",
            ActionStatus::Dropped => "dropped",
            ActionStatus::Moved => "moved",
            ActionStatus::Same => "same",
        }
    }
}

/// One action before and after; the action itself from after when it fires there.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionChange {
    pub status: ActionStatus,
    pub action: Action,
    pub rank_before: Option<usize>,
    pub rank_after: Option<usize>,
    pub uplift_before: Option<f64>,
    pub uplift_after: Option<f64>,
}

/// One root cause (outcome ← driver) of one slice before and after the scenario;
/// `None` on the side where it is not a root cause (the outcome meets its target,
/// or the driver has no gap).
#[derive(Debug, Clone, PartialEq)]
pub struct RootCauseChange {
    pub key: SliceKey,
    pub outcome: usize,
    pub driver: usize,
    pub before: Option<RootCause>,
    pub after: Option<RootCause>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfDiff {
    pub segments: Vec<SegmentDiff>,
    /// Actions after in rank order, then dropped ones in their old order.
    pub actions: Vec<ActionChange>,
    /// Root causes of the latest wave per slice (the slices in the order of
    /// `segments`): those before in their order (strongest first), then those
    /// only after in theirs.
    pub root_causes: Vec<RootCauseChange>,
}

/// Compare the latest wave of `before` and `after` and their actions.
pub fn diff(
    model: &Model,
    before: &Analysis,
    after: &Analysis,
    actions_before: &[Action],
    actions_after: &[Action],
) -> WhatIfDiff {
    let mut segments = Vec::new();
    for slice in after.latest() {
        let Some(old) = before
            .latest()
            .find(|s| s.key == slice.key && s.wave == slice.wave)
        else {
            continue;
        };
        let nodes = (0..model.nodes.len())
            .map(|i| {
                let b = old.scores[i].as_ref();
                let a = slice.scores[i].as_ref();
                let (change, index_change) = match (b, a) {
                    (Some(b), Some(a)) => (a.score - b.score, a.index - b.index),
                    _ => (0.0, 0.0),
                };
                NodeChange {
                    node: i,
                    before: b.map(|s| s.score),
                    after: a.map(|s| s.score),
                    change,
                    index_change,
                }
            })
            .collect();
        segments.push(SegmentDiff {
            key: slice.key.clone(),
            nodes,
        });
    }
    let same =
        |a: &Action, b: &Action| a.rule == b.rule && a.driver == b.driver && a.segment == b.segment;
    let mut actions: Vec<ActionChange> = actions_after
        .iter()
        .map(|a| {
            let old = actions_before.iter().find(|b| same(a, b));
            let status = match old {
                None => ActionStatus::New,
                Some(b) if b.rank != a.rank => ActionStatus::Moved,
                Some(_) => ActionStatus::Same,
            };
            ActionChange {
                status,
                action: a.clone(),
                rank_before: old.map(|b| b.rank),
                rank_after: Some(a.rank),
                uplift_before: old.map(|b| b.uplift),
                uplift_after: Some(a.uplift),
            }
        })
        .collect();
    actions.extend(
        actions_before
            .iter()
            .filter(|b| !actions_after.iter().any(|a| same(a, b)))
            .map(|b| ActionChange {
                status: ActionStatus::Dropped,
                action: b.clone(),
                rank_before: Some(b.rank),
                rank_after: None,
                uplift_before: Some(b.uplift),
                uplift_after: None,
            }),
    );
    let root_causes = segments
        .iter()
        .flat_map(|segment| root_cause_changes(before, after, &segment.key))
        .collect();
    WhatIfDiff {
        segments,
        actions,
        root_causes,
    }
}

/// The root causes of slice `key` before and after, paired by outcome and driver.
fn root_cause_changes(before: &Analysis, after: &Analysis, key: &SliceKey) -> Vec<RootCauseChange> {
    let of = |analysis: &Analysis| -> Vec<RootCause> {
        analysis
            .root_causes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, causes)| causes.clone())
            .unwrap_or_default()
    };
    let (old, new) = (of(before), of(after));
    let same = |a: &RootCause, b: &RootCause| a.outcome == b.outcome && a.driver == b.driver;
    let mut out: Vec<RootCauseChange> = old
        .iter()
        .map(|b| RootCauseChange {
            key: key.clone(),
            outcome: b.outcome,
            driver: b.driver,
            before: Some(b.clone()),
            after: new.iter().find(|a| same(a, b)).cloned(),
        })
        .collect();
    out.extend(
        new.iter()
            .filter(|a| !old.iter().any(|b| same(a, b)))
            .map(|a| RootCauseChange {
                key: key.clone(),
                outcome: a.outcome,
                driver: a.driver,
                before: None,
                after: Some(a.clone()),
            }),
    );
    out
}
