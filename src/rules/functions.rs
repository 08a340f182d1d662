//! `score(id)`, `gap(id)`, `index(id)`, `effect(id)`, `share(id)`, `uplift(id, delta)`
//! and `has_tag(tag)`.
//!
//! These read facts of the current evaluation that are not arguments. Registered
//! native functions cannot see the `Scope`, and the one `Engine` is built once and
//! shared across threads, so it cannot carry per-evaluation state either. Instead
//! each evaluation installs its facts in a thread-local for its duration (a guard
//! restores the previous value, also on unwinding): threads never see each other's
//! facts, and the engine stays immutable and `Send + Sync`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rhai::{Engine, EvalAltResult, Position};

use super::context::{Context, Facts, OutcomeFacts};
use crate::diag::{suggest, Both};

#[derive(Debug, Clone, Copy)]
struct Numbers {
    score: f64,
    gap: f64,
    index: f64,
    effect: f64,
    index_gap: f64,
    has_target: bool,
    lower_is_better: bool,
    unit_index: f64,
    headroom: f64,
}

impl Numbers {
    fn of(f: &Facts) -> Self {
        Numbers {
            score: f.score,
            gap: f.gap,
            index: f.index,
            effect: f.effect,
            index_gap: f.index_gap,
            has_target: f.target.is_some(),
            lower_is_better: f.lower_is_better,
            unit_index: f.unit_index,
            headroom: f.headroom,
        }
    }

    /// See [`expected_uplift`].
    fn uplift(&self, outcome_lower_is_better: bool, delta: f64, share: f64) -> f64 {
        let delta_index = (delta * self.unit_index).max(0.0);
        let mut improvement = delta_index.min(self.headroom.max(0.0));
        if self.has_target {
            improvement = improvement.min(self.index_gap.max(0.0));
        }
        let signs = sign(outcome_lower_is_better) * sign(self.lower_is_better);
        signs * self.effect * improvement * share
    }

    /// See [`gap_share`].
    fn gap_share(&self, outcome_lower_is_better: bool, outcome_index_gap: f64) -> f64 {
        if outcome_index_gap <= 0.0 || self.index_gap <= 0.0 {
            return 0.0;
        }
        let signs = sign(outcome_lower_is_better) * sign(self.lower_is_better);
        (signs * self.effect * self.index_gap / outcome_index_gap).max(0.0)
    }
}

fn sign(lower_is_better: bool) -> f64 {
    if lower_is_better {
        -1.0
    } else {
        1.0
    }
}

/// Expected gain of the primary outcome in its index points (in its good direction)
/// if `driver` improves by `delta` of its own scale points: `effect × improvement ×
/// share`, the improvement capped at the room left on the scale and, when the driver
/// has a target, at its gap. `share` is the segment's share of the sample (1 for the
/// whole sample).
pub fn expected_uplift(driver: &Facts, outcome: &OutcomeFacts, delta: f64, share: f64) -> f64 {
    Numbers::of(driver).uplift(outcome.lower_is_better, delta, share)
}

/// The share (0..1, may exceed 1) of the outcome's gap to target that the driver's
/// own gap explains: `effect × driver index gap / outcome index gap`; 0 when either
/// is at or above target.
pub fn gap_share(driver: &Facts, outcome: &OutcomeFacts) -> f64 {
    Numbers::of(driver).gap_share(outcome.lower_is_better, outcome.index_gap)
}

/// Facts the functions read during one evaluation: owned copies, because the
/// thread-local cannot hold the caller's borrows.
#[derive(Debug, Default)]
pub(crate) struct Current {
    drivers: BTreeMap<String, Numbers>,
    tags: Vec<String>,
    outcome_lower_is_better: bool,
    outcome_index_gap: f64,
    /// The segment's share, 1 for the whole sample.
    share: f64,
}

impl Current {
    pub(crate) fn from_context(ctx: &Context) -> Self {
        let mut drivers: BTreeMap<String, Numbers> = ctx
            .drivers
            .iter()
            .map(|(id, f)| (id.clone(), Numbers::of(f)))
            .collect();
        let d = ctx.driver;
        drivers.entry(d.id.clone()).or_insert(Numbers::of(d));
        Current {
            drivers,
            tags: d.tags.clone(),
            outcome_lower_is_better: ctx.outcome.lower_is_better,
            outcome_index_gap: ctx.outcome.index_gap,
            share: if ctx.segment.column.is_empty() {
                1.0
            } else {
                ctx.segment.share
            },
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Installs facts for the current thread until dropped.
pub(crate) struct Installed {
    previous: Option<Current>,
}

pub(crate) fn install(current: Current) -> Installed {
    let previous = CURRENT.with(|c| c.replace(Some(current)));
    Installed { previous }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| {
            c.replace(previous);
        });
    }
}

/// A run-time error in both languages: `eval.rs` takes the [`Both`] back out.
fn runtime_error(message: Both) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        rhai::Dynamic::from(message),
        Position::NONE,
    ))
}

fn driver_number(
    id: &str,
    pick: impl Fn(&Current, &Numbers) -> f64,
) -> Result<f64, Box<EvalAltResult>> {
    CURRENT.with(|c| {
        let current = c.borrow();
        let Some(current) = current.as_ref() else {
            return Err(runtime_error(Both::new(
                "driver facts are not available here",
                "这里没有驱动因素的数据",
            )));
        };
        match current.drivers.get(id) {
            Some(numbers) => Ok(pick(current, numbers)),
            None => {
                let near = suggest(id, current.drivers.keys().map(String::as_str));
                let (en, zh) = match near {
                    Some(s) => (
                        format!(", did you mean `{s}`?"),
                        format!("，是不是 `{s}`？"),
                    ),
                    None => (String::new(), String::new()),
                };
                Err(runtime_error(Both::new(
                    format!("unknown driver `{id}`{en}"),
                    format!("未知的驱动因素 `{id}`{zh}"),
                )))
            }
        }
    })
}

fn has_tag(tag: &str) -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|current| current.tags.iter().any(|t| t == tag))
    })
}

fn uplift(id: &str, delta: f64) -> Result<f64, Box<EvalAltResult>> {
    driver_number(id, |c, n| {
        n.uplift(c.outcome_lower_is_better, delta, c.share)
    })
}

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("score", |id: &str| driver_number(id, |_, n| n.score));
    engine.register_fn("gap", |id: &str| driver_number(id, |_, n| n.gap));
    engine.register_fn("index", |id: &str| driver_number(id, |_, n| n.index));
    engine.register_fn("effect", |id: &str| driver_number(id, |_, n| n.effect));
    engine.register_fn("share", |id: &str| {
        driver_number(id, |c, n| {
            n.gap_share(c.outcome_lower_is_better, c.outcome_index_gap)
        })
    });
    engine.register_fn("uplift", |id: &str, delta: f64| uplift(id, delta));
    engine.register_fn("uplift", |id: &str, delta: i64| uplift(id, delta as f64));
    engine.register_fn("has_tag", has_tag);
}
