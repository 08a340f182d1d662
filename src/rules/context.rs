//! The facts a rule sees, and how they become Rhai values.
//!
//! Facts are aggregates (one driver in one segment), never survey rows: a rule is
//! evaluated once per rule × matched driver × segment.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Map, Scope};

use super::names;

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
    /// Whether a lower score is better (`direction: lower_is_better`).
    pub lower_is_better: bool,
    /// Index points per scale point: `100 / (max − min)` for means, 1 for NPS and rates.
    pub unit_index: f64,
    /// Index points left on the scale in the good direction.
    pub headroom: f64,
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
    pub lower_is_better: bool,
}

/// The survey wave the facts come from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaveFacts {
    /// The latest wave's name; empty without a wave column.
    pub name: String,
    /// The wave before it; empty when there is none.
    pub previous: String,
    /// How many waves the survey has (1 without a wave column).
    pub count: f64,
}

/// One evaluation's inputs: the matched driver, its segment, the outcome, every
/// driver of the segment (for `score(id)` and friends) and the action's uplift.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub driver: &'a Facts,
    pub segment: &'a SegmentFacts,
    pub outcome: &'a OutcomeFacts,
    pub wave: &'a WaveFacts,
    pub drivers: &'a BTreeMap<String, Facts>,
    /// Expected outcome index points if the action is done (computed by the caller).
    pub uplift: f64,
}

/// Which fields of `driver`, `segment` and `outcome` an expression reads, one bit
/// per field in the order of the `names::*_FIELDS` lists. Only those are built for
/// each evaluation: building all three maps costs more than evaluating a rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Uses {
    driver: u32,
    segment: u32,
    outcome: u32,
    wave: u32,
}

impl Uses {
    pub(crate) const ALL: Uses = Uses {
        driver: u32::MAX,
        segment: u32::MAX,
        outcome: u32::MAX,
        wave: u32::MAX,
    };

    /// Record a read of `variable.field`, or of the whole variable (`field: None`).
    pub(crate) fn mark(&mut self, variable: &str, field: Option<&str>) {
        let (mask, fields) = match variable {
            "driver" => (&mut self.driver, names::DRIVER_FIELDS),
            "segment" => (&mut self.segment, names::SEGMENT_FIELDS),
            "outcome" => (&mut self.outcome, names::OUTCOME_FIELDS),
            "wave" => (&mut self.wave, names::WAVE_FIELDS),
            _ => return,
        };
        match field.and_then(|f| fields.iter().position(|k| *k == f)) {
            Some(i) => *mask |= 1 << i,
            None => *mask = u32::MAX,
        }
    }

    pub(crate) fn union(self, other: Uses) -> Uses {
        Uses {
            driver: self.driver | other.driver,
            segment: self.segment | other.segment,
            outcome: self.outcome | other.outcome,
            wave: self.wave | other.wave,
        }
    }
}

/// A map holding only the wanted fields.
struct Fields {
    map: Map,
    mask: u32,
    names: &'static [&'static str],
}

impl Fields {
    fn new(mask: u32, names: &'static [&'static str]) -> Self {
        Fields {
            map: Map::new(),
            mask,
            names,
        }
    }

    fn put<T: Into<Dynamic>>(&mut self, key: &'static str, value: impl FnOnce() -> T) {
        let wanted = self
            .names
            .iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.mask & (1 << i) != 0);
        if wanted {
            self.map.insert(key.into(), value().into());
        }
    }
}

/// The scope of one evaluation. Variables, not constants: constants would be folded
/// into the AST by the optimizer at compile time.
pub(crate) fn scope_for<'s>(ctx: &Context, cost: f64, delta: f64, uses: Uses) -> Scope<'s> {
    let mut scope = Scope::with_capacity(7);
    scope.push_dynamic("driver", driver_map(ctx.driver, uses.driver).into());
    scope.push_dynamic("segment", segment_map(ctx.segment, uses.segment).into());
    scope.push_dynamic("outcome", outcome_map(ctx.outcome, uses.outcome).into());
    scope.push_dynamic("wave", wave_map(ctx.wave, uses.wave).into());
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
    let wave = WaveFacts::default();
    let drivers = BTreeMap::new();
    let ctx = Context {
        driver: &facts,
        segment: &segment,
        outcome: &outcome,
        wave: &wave,
        drivers: &drivers,
        uplift: 0.0,
    };
    scope_for(&ctx, 1.0, 0.0, Uses::ALL)
}

fn driver_map(f: &Facts, mask: u32) -> Map {
    let mut m = Fields::new(mask, names::DRIVER_FIELDS);
    m.put("id", || f.id.clone());
    m.put("label", || f.label.clone());
    m.put("score", || f.score);
    m.put("index", || f.index);
    // Without a target the target is the score itself, so `target - score` is 0 like `gap`.
    m.put("target", || f.target.unwrap_or(f.score));
    m.put("has_target", || f.target.is_some());
    m.put("gap", || f.gap);
    m.put("index_gap", || f.index_gap);
    m.put("importance", || f.importance);
    m.put("effect", || f.effect);
    m.put("n", || f.n);
    m.put("ci_low", || f.ci_low);
    m.put("ci_high", || f.ci_high);
    m.put("trend", || f.trend.unwrap_or(0.0));
    m.put("has_trend", || f.trend.is_some());
    m.put("quadrant", || f.quadrant.clone());
    m.put("tags", || {
        f.tags
            .iter()
            .map(|t| Dynamic::from(t.clone()))
            .collect::<Array>()
    });
    m.map
}

fn segment_map(s: &SegmentFacts, mask: u32) -> Map {
    let mut m = Fields::new(mask, names::SEGMENT_FIELDS);
    m.put("name", || s.name.clone());
    m.put("column", || s.column.clone());
    m.put("value", || s.value.clone());
    m.put("n", || s.n);
    m.put("share", || s.share);
    m.map
}

fn wave_map(w: &WaveFacts, mask: u32) -> Map {
    let mut m = Fields::new(mask, names::WAVE_FIELDS);
    m.put("name", || w.name.clone());
    m.put("previous", || w.previous.clone());
    m.put("has_previous", || !w.previous.is_empty());
    m.put("count", || w.count);
    m.map
}

fn outcome_map(o: &OutcomeFacts, mask: u32) -> Map {
    let mut m = Fields::new(mask, names::OUTCOME_FIELDS);
    m.put("id", || o.id.clone());
    m.put("label", || o.label.clone());
    m.put("score", || o.score);
    m.put("index", || o.index);
    m.put("target", || o.target.unwrap_or(o.score));
    m.put("has_target", || o.target.is_some());
    m.put("gap", || o.gap);
    m.put("index_gap", || o.index_gap);
    m.map
}

#[cfg(test)]
mod tests {
    use super::*;

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
            keys(&driver_map(&Facts::default(), u32::MAX)),
            sorted(names::DRIVER_FIELDS)
        );
        assert_eq!(
            keys(&segment_map(&SegmentFacts::default(), u32::MAX)),
            sorted(names::SEGMENT_FIELDS)
        );
        assert_eq!(
            keys(&outcome_map(&OutcomeFacts::default(), u32::MAX)),
            sorted(names::OUTCOME_FIELDS)
        );
        assert_eq!(
            keys(&wave_map(&WaveFacts::default(), u32::MAX)),
            sorted(names::WAVE_FIELDS)
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
        let m = driver_map(&f, u32::MAX);
        assert_eq!(m["target"].as_float().ok(), Some(3.5));
        assert_eq!(m["has_target"].as_bool().ok(), Some(false));
        assert_eq!(m["trend"].as_float().ok(), Some(0.0));
    }

    #[test]
    fn only_used_fields_are_built() {
        let mut uses = Uses::default();
        uses.mark("driver", Some("gap"));
        uses.mark("uplift", None);
        let m = driver_map(&Facts::default(), uses.driver);
        assert_eq!(keys(&m), ["gap"]);
        assert!(segment_map(&SegmentFacts::default(), uses.segment).is_empty());
        uses.mark("segment", None);
        assert_eq!(
            segment_map(&SegmentFacts::default(), uses.segment).len(),
            names::SEGMENT_FIELDS.len()
        );
    }
}
