//! Ranking: priority descending, then uplift descending, then rule id, driver id
//! and segment, so the same inputs always give the same order.

use super::Action;
use crate::model::Model;

pub fn rank(model: &Model, actions: &mut [Action]) {
    actions.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| b.uplift.total_cmp(&a.uplift))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| model.nodes[a.driver].id.cmp(&model.nodes[b.driver].id))
            .then_with(|| a.segment.cmp(&b.segment))
    });
    for (position, action) in actions.iter_mut().enumerate() {
        action.rank = position + 1;
    }
}
