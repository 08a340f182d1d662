//! The facts a rule sees, and how they become Rhai values.
//!
//! Facts are aggregates (one driver in one segment), never survey rows: a rule is
//! evaluated once per rule × matched driver × segment.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Map, Scope};

/// What is known about one driver in one segment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub id: String,
    pub label: String,
    /// Mean score on the driver's own scale.
    pub score: f64,
    /// Score as a 0–100 index.
    pub index: f64,
    /// Target on the driver's own scale, if the model sets one.
    pub target: Option<f64>,
    /// Distance below target in scale points (≥ 0 means below target), 0 without a target.
    pub gap: f64,
    /// The gap in index points.
    pub index_gap: f64,
    /// Standardized total effect on the primary outcome, −1..1.
    pub importance: f64,
    /// Total effect on the primary outcome: outcome index points per driver index point.
    pub effect: f64,
    pub n: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Change of the score since the previous wave, if there is one.
    pub trend: Option<f64>,
    /// `concentrate`, `keep_up`, `low_priority` or `overkill`.
    pub quadrant: String,
    pub tags: Vec<String>,
}

/// The segment a context belongs to: the whole sample or one value of one column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentFacts {
    /// `all` or `region=华东`.
    pub name: String,
    /// Segment column; empty for the whole sample.
    pub column: String,
    pub value: String,
    pub n: f64,
    /// Share of the whole sample, 0..1.
    pub share: f64,
}

/// The primary outcome in the segment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomeFacts {
    pub id: String,
    pub label: String,
    pub score: f64,
    pub index: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub index_gap: f64,
}

/// One evaluation's inputs: the matched driver, its segment, the outcome, every
/// driver of the segment (for `score(id)` and friends) and the action's uplift.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub driver: &'a Facts,
    pub segment: &'a SegmentFacts,
    pub outcome: &'a OutcomeFacts,
    pub drivers: &'a BTreeMap<String, Facts>,
    /// Expected outcome index points if the action is done (computed by the caller).
    pub uplift: f64,
}

/// The scope of one evaluation. Variables, not constants: constants would be folded
/// into the AST by the optimizer at compile time.
pub(crate) fn scope_for<'s>(ctx: &Context, cost: f64, delta: f64) -> Scope<'s> {
    let mut scope = Scope::with_capacity(6);
    scope.push_dynamic("driver", driver_map(ctx.driver).into());
    scope.push_dynamic("segment", segment_map(ctx.segment).into());
    scope.push_dynamic("outcome", outcome_map(ctx.outcome).into());
    scope.push("uplift", ctx.uplift);
    scope.push("cost", cost);
    scope.push("delta", delta);
    scope
}

/// The scope used at compile time: the same names, with placeholder values.
pub(crate) fn compile_scope<'s>() -> Scope<'s> {
    let facts = Facts::default();
    let segment = SegmentFacts::default();
    let outcome = OutcomeFacts::default();
    let drivers = BTreeMap::new();
    let ctx = Context {
        driver: &facts,
        segment: &segment,
        outcome: &outcome,
        drivers: &drivers,
        uplift: 0.0,
    };
    scope_for(&ctx, 1.0, 0.0)
}

fn put(map: &mut Map, key: &str, value: impl Into<Dynamic>) {
    map.insert(key.into(), value.into());
}

pub(crate) fn driver_map(f: &Facts) -> Map {
    let mut m = Map::new();
    put(&mut m, "id", f.id.clone());
    put(&mut m, "label", f.label.clone());
    put(&mut m, "score", f.score);
    put(&mut m, "index", f.index);
    // Without a target the target is the score itself, so `target - score` is 0 like `gap`.
    put(&mut m, "target", f.target.unwrap_or(f.score));
    put(&mut m, "has_target", f.target.is_some());
    put(&mut m, "gap", f.gap);
    put(&mut m, "index_gap", f.index_gap);
    put(&mut m, "importance", f.importance);
    put(&mut m, "effect", f.effect);
    put(&mut m, "n", f.n);
    put(&mut m, "ci_low", f.ci_low);
    put(&mut m, "ci_high", f.ci_high);
    put(&mut m, "trend", f.trend.unwrap_or(0.0));
    put(&mut m, "has_trend", f.trend.is_some());
    put(&mut m, "quadrant", f.quadrant.clone());
    let tags: Array = f.tags.iter().map(|t| Dynamic::from(t.clone())).collect();
    put(&mut m, "tags", tags);
    m
}

fn segment_map(s: &SegmentFacts) -> Map {
    let mut m = Map::new();
    put(&mut m, "name", s.name.clone());
    put(&mut m, "column", s.column.clone());
    put(&mut m, "value", s.value.clone());
    put(&mut m, "n", s.n);
    put(&mut m, "share", s.share);
    m
}

fn outcome_map(o: &OutcomeFacts) -> Map {
    let mut m = Map::new();
    put(&mut m, "id", o.id.clone());
    put(&mut m, "label", o.label.clone());
    put(&mut m, "score", o.score);
    put(&mut m, "index", o.index);
    put(&mut m, "target", o.target.unwrap_or(o.score));
    put(&mut m, "has_target", o.target.is_some());
    put(&mut m, "gap", o.gap);
    put(&mut m, "index_gap", o.index_gap);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::names;

    fn keys(m: &Map) -> Vec<String> {
        m.keys().map(|k| k.to_string()).collect()
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn maps_have_exactly_the_checked_fields() {
        assert_eq!(
            keys(&driver_map(&Facts::default())),
            sorted(names::DRIVER_FIELDS)
        );
        assert_eq!(
            keys(&segment_map(&SegmentFacts::default())),
            sorted(names::SEGMENT_FIELDS)
        );
        assert_eq!(
            keys(&outcome_map(&OutcomeFacts::default())),
            sorted(names::OUTCOME_FIELDS)
        );
        let scope = compile_scope();
        let mut vars: Vec<&str> = scope.iter_raw().map(|(n, ..)| n).collect();
        vars.sort_unstable();
        let mut expected = names::VARIABLES.to_vec();
        expected.sort_unstable();
        assert_eq!(vars, expected);
    }

    #[test]
    fn missing_target_and_trend_read_as_no_change() {
        let f = Facts {
            score: 3.5,
            ..Facts::default()
        };
        let m = driver_map(&f);
        assert_eq!(m["target"].as_float().ok(), Some(3.5));
        assert_eq!(m["has_target"].as_bool().ok(), Some(false));
        assert_eq!(m["trend"].as_float().ok(), Some(0.0));
    }
}
