//! Actions: rules evaluated on the latest wave's aggregates (one context per rule ×
//! matched driver × slice, never per survey row), ranked by priority with a "why".

mod facts;
mod population;
mod rank;
mod why;

pub use population::{attribute, cells_of, share_of, union_cells};

pub use rank::rank;
pub use why::{evidence_text, format_number, rule_why, segments_label, why_text};

use std::collections::BTreeMap;

use crate::analysis::{Analysis, SliceKey, SliceResult};
use crate::graph::{strongest_path, DriverGraph};
use crate::model::{Label, Model};
use crate::rules::{
    Context, Facts, OutcomeFacts, Rule, RuleEngine, RuleError, RuleSet, SegmentFacts, WaveFacts,
};

/// One recommended action: a fired rule on one driver, for the union of the slices
/// it fired in (each respondent once).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// 1-based rank after sorting.
    pub rank: usize,
    pub rule: String,
    pub title: Label,
    pub action: Label,
    /// Index into `model.nodes`.
    pub driver: usize,
    /// The primary slice: where the rule fired with the highest priority; its
    /// numbers are the evidence.
    pub segment: SliceKey,
    /// Every slice the rule fired in for this driver, sorted (`segment` among them);
    /// just `all` when it fired for the whole sample.
    pub segments: Vec<SliceKey>,
    /// The share of the sample in the union of `segments` (1 for the whole sample).
    pub share: f64,
    /// Expected gain of the primary outcome, in its index points, over the union of
    /// `segments`: each respondent counted once.
    pub uplift: f64,
    pub cost: f64,
    pub priority: f64,
    /// The rule's effect on the driver, in the driver's score units.
    pub delta: f64,
    pub duration: Option<f64>,
    /// The rule's `why:`, in words a manager understands.
    pub why: Option<Label>,
    /// The numbers that made it fire.
    pub evidence: Evidence,
}

/// What the "why" of an action is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub score: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub importance: f64,
    pub effect: f64,
    pub quadrant: Option<String>,
    pub when: String,
    /// Strongest path from the driver to the primary outcome (node indices).
    pub path: Vec<usize>,
}

/// A rule that recommended nothing, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Silent {
    pub rule: String,
    pub title: Label,
    pub reason: SilentReason,
}

/// Why a rule recommended nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum SilentReason {
    /// No driver of the model matches its `for:`.
    NoDriver,
    /// None of the slices it is limited to is in the latest wave.
    NoSlice,
    /// `when` was false everywhere it was evaluated; the values it saw in the first
    /// slice evaluated (the whole sample when the rule covers it).
    WhenFalse {
        when: String,
        segment: SliceKey,
        drivers: Vec<SilentDriver>,
    },
}

/// What `when` saw for one driver.
#[derive(Debug, Clone, PartialEq)]
pub struct SilentDriver {
    pub driver: usize,
    pub score: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub importance: f64,
    pub uplift: f64,
}

/// Fired actions, ranked, rules that failed to evaluate (the rest still ran), and
/// rules that recommended nothing.
#[derive(Debug, Default)]
pub struct Recommendations {
    pub actions: Vec<Action>,
    pub failures: Vec<RuleError>,
    /// Enabled rules that fired nowhere, in rule order.
    pub silent: Vec<Silent>,
}

/// The facts of one slice, built once for every rule.
struct SliceFacts<'a> {
    slice: &'a SliceResult,
    drivers: BTreeMap<String, Facts>,
    outcome: OutcomeFacts,
    segment: SegmentFacts,
}

/// One rule × driver × slice where the rule fired.
struct Fired {
    slice: usize,
    priority: f64,
    uplift: f64,
}

/// Evaluate every enabled rule on the latest wave. A rule that fires for the whole
/// sample is reported once for it (the whole sample holds every segment). A rule
/// that fires in several segments for one driver is one action for the union of
/// those segments: their shared respondents are counted once.
pub fn recommend(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    rules: &RuleSet,
    engine: &RuleEngine,
) -> Recommendations {
    let mut out = Recommendations::default();
    let primary = analysis.primary_outcome;
    let wave = facts::wave_facts(analysis);
    let slices: Vec<SliceFacts> = analysis
        .latest()
        .filter_map(|slice| {
            Some(SliceFacts {
                drivers: facts::slice_facts(model, analysis, slice),
                outcome: facts::outcome_facts(model, slice, primary)?,
                segment: facts::segment_facts(slice),
                slice,
            })
        })
        .collect();
    for rule in rules.rules.iter().filter(|r| !r.disabled) {
        let mut fired: BTreeMap<usize, Vec<Fired>> = BTreeMap::new();
        let mut matched_driver = false;
        let mut evaluated: Option<(usize, Vec<SilentDriver>)> = None;
        for (s, facts) in slices.iter().enumerate() {
            let key = &facts.slice.key;
            if !rule.applies_to_segment(&key.column, &key.value) {
                continue;
            }
            for (driver, node) in model.nodes.iter().enumerate() {
                let Some(driver_facts) = facts.drivers.get(&node.id) else {
                    continue;
                };
                if !rule.applies_to(&node.id, &node.tags) {
                    continue;
                }
                matched_driver = true;
                // The whole sample holds every segment: once fired for it, the
                // segments add nothing.
                let for_all = fired
                    .get(&driver)
                    .is_some_and(|f| f.iter().any(|f| slices[f.slice].slice.key.is_all()));
                if for_all {
                    continue;
                }
                let uplift = facts::uplift(
                    model,
                    facts.slice,
                    &facts.drivers,
                    &facts.outcome,
                    driver,
                    rule.delta,
                );
                let context = context(facts, driver_facts, &wave, uplift);
                match rule.evaluate(engine, &context) {
                    Ok(evaluation) if evaluation.fired => {
                        fired.entry(driver).or_default().push(Fired {
                            slice: s,
                            priority: evaluation.priority,
                            uplift,
                        });
                    }
                    Ok(_) => {
                        let (first, seen) = evaluated.get_or_insert_with(|| (s, Vec::new()));
                        if *first == s {
                            seen.push(SilentDriver {
                                driver,
                                score: driver_facts.score,
                                target: driver_facts.target,
                                gap: driver_facts.gap,
                                importance: driver_facts.importance,
                                uplift,
                            });
                        }
                    }
                    Err(error) => {
                        if !out
                            .failures
                            .iter()
                            .any(|f| f.to_string() == error.to_string())
                        {
                            out.failures.push(error);
                        }
                    }
                }
            }
        }
        if fired.is_empty() {
            let reason = match evaluated {
                Some((s, drivers)) => SilentReason::WhenFalse {
                    when: rule.when_source().to_string(),
                    segment: slices[s].slice.key.clone(),
                    drivers,
                },
                None if matched_driver => continue,
                None if slices.iter().any(|f| {
                    model.nodes.iter().any(|n| {
                        !n.outcome
                            && f.drivers.contains_key(&n.id)
                            && rule.applies_to(&n.id, &n.tags)
                    })
                }) =>
                {
                    SilentReason::NoSlice
                }
                None => SilentReason::NoDriver,
            };
            out.silent.push(Silent {
                rule: rule.id.clone(),
                title: rule.title.clone(),
                reason,
            });
        }
        for (driver, rows) in fired {
            if let Some(action) = merge(
                model, graph, analysis, engine, rule, &slices, &wave, driver, &rows,
            ) {
                out.actions.push(action);
            }
        }
    }
    rank(model, &mut out.actions);
    out
}

fn context<'a>(
    facts: &'a SliceFacts,
    driver: &'a Facts,
    wave: &'a WaveFacts,
    uplift: f64,
) -> Context<'a> {
    Context {
        driver,
        segment: &facts.segment,
        outcome: &facts.outcome,
        wave,
        drivers: &facts.drivers,
        uplift,
    }
}

/// One action for a rule × driver from the slices it fired in: the primary slice
/// (highest priority, then uplift, then key) gives the evidence; the uplift is
/// that of the union, each cell at the per-respondent uplift of the slice
/// [`attribute`] assigns it to; the priority is re-evaluated on that uplift.
#[allow(clippy::too_many_arguments, reason = "the pieces of one evaluation")]
fn merge(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    engine: &RuleEngine,
    rule: &Rule,
    slices: &[SliceFacts],
    wave: &WaveFacts,
    driver: usize,
    rows: &[Fired],
) -> Option<Action> {
    let best = rows.iter().max_by(|a, b| {
        a.priority
            .total_cmp(&b.priority)
            .then_with(|| a.uplift.total_cmp(&b.uplift))
            .then_with(|| slices[b.slice].slice.key.cmp(&slices[a.slice].slice.key))
    })?;
    let primary = &slices[best.slice];
    let mut keys: Vec<SliceKey> = rows
        .iter()
        .map(|r| slices[r.slice].slice.key.clone())
        .collect();
    keys.sort();
    let (share, uplift, priority) = if rows.len() == 1 {
        (primary.slice.share, best.uplift, best.priority)
    } else {
        let weighted: Vec<(SliceKey, f64)> = rows
            .iter()
            .map(|r| {
                let s = slices[r.slice].slice;
                (s.key.clone(), s.share)
            })
            .collect();
        let cells = union_cells(analysis, &keys);
        let share = share_of(analysis, &cells);
        // Uplift per unit of sample share in each slice, then summed over the
        // union's cells, each at its own slice's rate.
        let uplift: f64 = attribute(analysis, &weighted)
            .into_iter()
            .map(|(c, s)| {
                let (_, slice_share) = weighted[s];
                let rate = if slice_share > 0.0 {
                    rows[s].uplift / slice_share
                } else {
                    0.0
                };
                analysis.cells[c].share * rate
            })
            .sum();
        let driver_facts = primary.drivers.get(&model.nodes[driver].id)?;
        let priority = rule
            .evaluate(engine, &context(primary, driver_facts, wave, uplift))
            .map_or(best.priority, |e| e.priority);
        (share, uplift, priority)
    };
    let driver_facts = primary.drivers.get(&model.nodes[driver].id)?;
    let slice = primary.slice;
    Some(Action {
        rank: 0,
        rule: rule.id.clone(),
        title: rule.title.clone(),
        action: rule.action.clone(),
        driver,
        segment: slice.key.clone(),
        segments: keys,
        share: if slice.key.is_all() { 1.0 } else { share },
        uplift,
        cost: rule.cost,
        priority,
        delta: rule.delta,
        duration: rule.duration,
        why: rule.why.clone(),
        evidence: Evidence {
            score: driver_facts.score,
            target: driver_facts.target,
            gap: driver_facts.gap,
            importance: driver_facts.importance,
            effect: driver_facts.effect,
            quadrant: slice.quadrant[driver].map(|q| q.as_str().to_string()),
            when: rule.when_source().to_string(),
            path: strongest_path(
                graph,
                &slice.effects.direct,
                driver,
                analysis.primary_outcome,
            )
            .unwrap_or_default(),
        },
    })
}
