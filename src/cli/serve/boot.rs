//! The bootstrap replicates of one load, made once in a background thread: the
//! re-estimation of every replicate is what makes `whatif`'s intervals and `plan`'s
//! P(reach) slow, and it does not depend on the scenario. Until they are ready the
//! page gets its answers without intervals (equal to the CLI with `--bootstrap 0`)
//! and is told so; then each what-if only re-applies its scenario to the kept
//! replicates (equal to the CLI with the same `--bootstrap`/`--seed`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};

use super::super::pipeline::Outcome;
use sattrace::analysis::AnalysisOptions;
use sattrace::whatif::{Bootstrap, Replicates, WhatIfError};

/// Where the intervals of one load stand.
pub struct BootCache {
    /// The bootstrap asked for (`None`: `--bootstrap 0`).
    pub boot: Option<Bootstrap>,
    /// Replicates begun (all of them are done once `result` is set).
    begun: AtomicUsize,
    stop: AtomicBool,
    result: OnceLock<Result<Arc<Replicates>, String>>,
}

/// What an answer was made with, sent as the header `x-sattrace-intervals`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intervals {
    /// `--bootstrap 0`.
    Off,
    /// The replicates are still being made: the answer has none yet.
    Pending,
    /// Made with the kept replicates.
    Ready,
    /// Making the replicates failed (the status says why): none.
    Failed,
}

impl Intervals {
    pub fn as_str(self) -> &'static str {
        match self {
            Intervals::Off => "off",
            Intervals::Pending => "pending",
            Intervals::Ready => "ready",
            Intervals::Failed => "failed",
        }
    }
}

impl BootCache {
    /// Start making the replicates of `outcome` in a background thread (nothing to
    /// make with `--bootstrap 0`). A moments table gets the parametric replicates
    /// the CLI makes for it.
    pub fn start(outcome: &Arc<Outcome>, boot: Option<Bootstrap>) -> Arc<Self> {
        let cache = Arc::new(BootCache {
            boot,
            begun: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            result: OnceLock::new(),
        });
        if let Some(boot) = boot {
            let (worker, outcome) = (cache.clone(), outcome.clone());
            // A thread of its own: the async workers stay free for requests.
            std::thread::spawn(move || {
                let go_on = || {
                    worker.begun.fetch_add(1, Ordering::Relaxed);
                    !worker.stop.load(Ordering::Relaxed)
                };
                let made = Replicates::build(
                    &outcome.project.model,
                    &outcome.project.graph,
                    &outcome.survey,
                    &AnalysisOptions::default(),
                    &boot,
                    &go_on,
                );
                let _ = worker.result.set(match made {
                    Ok(r) => Ok(Arc::new(r)),
                    Err(WhatIfError::Stopped) => Err(WhatIfError::Stopped.to_string()),
                    Err(e) => Err(e.to_string()),
                });
            });
        }
        cache
    }

    /// A reload replaced this load: its replicates are no longer wanted.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The bootstrap to answer with, the kept replicates, and what that means.
    pub fn now(&self) -> (Option<Bootstrap>, Option<Arc<Replicates>>, Intervals) {
        match (self.boot, self.result.get()) {
            (None, _) => (None, None, Intervals::Off),
            (Some(boot), Some(Ok(r))) => (Some(boot), Some(r.clone()), Intervals::Ready),
            (Some(_), Some(Err(_))) => (None, None, Intervals::Failed),
            (Some(_), None) => (None, None, Intervals::Pending),
        }
    }

    /// For `/api/status`: the state, replicates begun so far (all are done when
    /// the state is `ready`) and asked for, and the error when making them failed.
    pub fn status(&self) -> Value {
        let (_, _, state) = self.now();
        let error = match self.result.get() {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        };
        json!({
            "state": state.as_str(),
            "begun": self.begun.load(Ordering::Relaxed).min(self.boot.map_or(0, |b| b.replicates)),
            "replicates": self.boot.map_or(0, |b| b.replicates),
            "seed": self.boot.map(|b| b.seed),
            "level": self.boot.map(|b| b.level),
            "error": error,
        })
    }
}
