//! `score(id)`, `gap(id)`, `index(id)`, `effect(id)` and `has_tag(tag)`.
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

use super::context::Context;
use crate::diag::did_you_mean;

#[derive(Debug, Clone, Copy)]
struct Numbers {
    score: f64,
    gap: f64,
    index: f64,
    effect: f64,
}

/// Facts the functions read during one evaluation: owned copies, because the
/// thread-local cannot hold the caller's borrows.
#[derive(Debug, Default)]
pub(crate) struct Current {
    drivers: BTreeMap<String, Numbers>,
    tags: Vec<String>,
}

impl Current {
    pub(crate) fn from_context(ctx: &Context) -> Self {
        let mut drivers: BTreeMap<String, Numbers> = ctx
            .drivers
            .iter()
            .map(|(id, f)| {
                let numbers = Numbers {
                    score: f.score,
                    gap: f.gap,
                    index: f.index,
                    effect: f.effect,
                };
                (id.clone(), numbers)
            })
            .collect();
        let d = ctx.driver;
        drivers.entry(d.id.clone()).or_insert(Numbers {
            score: d.score,
            gap: d.gap,
            index: d.index,
            effect: d.effect,
        });
        Current {
            drivers,
            tags: d.tags.clone(),
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

fn runtime_error(message: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(message.into(), Position::NONE))
}

fn driver_number(id: &str, pick: fn(&Numbers) -> f64) -> Result<f64, Box<EvalAltResult>> {
    CURRENT.with(|c| {
        let current = c.borrow();
        let Some(current) = current.as_ref() else {
            return Err(runtime_error(
                "driver facts are not available here".to_string(),
            ));
        };
        match current.drivers.get(id) {
            Some(numbers) => Ok(pick(numbers)),
            None => {
                let hint = did_you_mean(id, current.drivers.keys().map(String::as_str));
                let sep = if hint.is_empty() { "" } else { ", " };
                Err(runtime_error(format!("unknown driver `{id}`{sep}{hint}")))
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

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("score", |id: &str| driver_number(id, |n| n.score));
    engine.register_fn("gap", |id: &str| driver_number(id, |n| n.gap));
    engine.register_fn("index", |id: &str| driver_number(id, |n| n.index));
    engine.register_fn("effect", |id: &str| driver_number(id, |n| n.effect));
    engine.register_fn("has_tag", has_tag);
}
