//! What-if scenarios: move drivers for the respondents of a segment, let the change
//! flow through the estimated effects to every outcome, and compare scores and
//! actions before and after. See docs/whatif.md for the exact semantics.

mod after;
mod aggregate;
mod apply;
mod bootstrap;
mod diff;
mod pseudo;
mod scenario;

pub use after::{analysis_after, slice_moments};
pub use aggregate::{apply_to_means, apply_to_moments};
pub use apply::{apply, Applied, Basis};
pub use bootstrap::{
    change_intervals, Bootstrap, ChangeIntervals, Resampler, DEFAULT_REPLICATES, DEFAULT_SEED,
};
pub use diff::{diff, ActionChange, ActionStatus, NodeChange, SegmentDiff, WhatIfDiff};
pub use scenario::{
    delta_to_index, parse_scenario, scenario_from_flags, score_to_index, Move, MoveKind, Scenario,
    ScenarioError,
};

use crate::analysis::{slices, Analysis};
use crate::data::Survey;
use crate::diag::did_you_mean;
use crate::graph::DriverGraph;
use crate::model::Model;

/// Why a scenario could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    #[error("the survey was read without respondent rows, which a what-if needs")]
    NoRespondents,
    #[error("the analysis has no whole-sample result for the latest wave")]
    NoBaseline,
    #[error("no respondent in the latest wave has `{column}` = `{value}`{}", if help.is_empty() { String::new() } else { format!("\n  help: {help}") })]
    NoMatch {
        column: String,
        value: String,
        help: String,
    },
}

/// The analysis after a scenario, and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfRun {
    pub after: Analysis,
    /// Respondents in the filter (latest wave).
    pub moved_rows: u64,
    /// Where the effects come from: each move's slice of the latest wave.
    pub basis: String,
}

/// Run `scenario` on the latest wave of `survey` (read with respondents kept).
pub fn what_if(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    level: f64,
) -> Result<WhatIfRun, WhatIfError> {
    let respondents = survey
        .respondents
        .as_ref()
        .ok_or(WhatIfError::NoRespondents)?;
    what_if_with(
        model,
        graph,
        survey,
        before,
        scenario,
        level,
        Some(respondents),
    )
}

/// Run `scenario` on cell means only (a survey known by its moments, without
/// respondent rows): see [`apply_to_moments`] and docs/whatif.md.
pub fn what_if_aggregate(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    level: f64,
) -> Result<WhatIfRun, WhatIfError> {
    what_if_with(model, graph, survey, before, scenario, level, None)
}

/// The moved cell moments, the latest wave and where each move's effects come from: respondent-level with
/// `respondents`, else on the cell means.
fn applied(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    respondents: Option<&crate::data::Respondents>,
) -> Result<(Applied, Option<String>, Vec<String>), WhatIfError> {
    let latest = before
        .latest_wave()
        .cloned()
        .ok_or(WhatIfError::NoBaseline)?;
    let whole = before
        .latest()
        .find(|s| s.key.is_all())
        .ok_or(WhatIfError::NoBaseline)?;
    let complete = slices(survey, Some(&latest))
        .into_iter()
        .next()
        .map(|(_, m)| m.complete)
        .ok_or(WhatIfError::NoBaseline)?;
    let means: Vec<f64> = (0..model.nodes.len())
        .map(|i| complete.mean(i).unwrap_or(0.0))
        .collect();
    // Each move: the cells it applies to, and the slice whose effects it flows through.
    let mut selected = Vec::with_capacity(scenario.moves.len());
    let mut effects = Vec::with_capacity(scenario.moves.len());
    let mut bases: Vec<String> = Vec::new();
    for m in &scenario.moves {
        let mut filter = scenario.filter.clone();
        filter.extend(m.filter.iter().cloned());
        selected.push(select_cells(survey, &latest, &filter)?);
        let slice = effect_slice(before, &m.filter)
            .or_else(|| effect_slice(before, &scenario.filter))
            .unwrap_or(whole);
        effects.push(slice.effects.direct.clone());
        // The slice's own basis names it (or the larger slice it fell back to).
        let basis = slice.effects_basis.clone();
        if !bases.contains(&basis) {
            bases.push(basis);
        }
    }
    if scenario.moves.is_empty() {
        // Still check the filter, so a typo is reported even when nothing moves.
        select_cells(survey, &latest, &scenario.filter)?;
        bases.push(whole.effects_basis.clone());
    }
    let basis = Basis {
        direct: whole.effects.direct.clone(),
        means,
        moves: effects,
    };
    let applied = match respondents {
        Some(respondents) => apply(
            model,
            graph,
            survey,
            respondents,
            &basis,
            scenario,
            &selected,
        ),
        None => apply_to_moments(model, graph, survey, &basis, scenario, &selected),
    };
    Ok((applied, latest, bases))
}

/// Respondent-level with `respondents`, else on the cell means.
fn what_if_with(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    level: f64,
    respondents: Option<&crate::data::Respondents>,
) -> Result<WhatIfRun, WhatIfError> {
    let (applied, latest, bases) = applied(model, graph, survey, before, scenario, respondents)?;
    let moved = slice_moments(survey, &applied.cells, &latest);
    Ok(WhatIfRun {
        after: analysis_after(model, graph, before, &moved, level),
        moved_rows: applied.moved_rows,
        basis: bases.join("; "),
    })
}

/// The whole sample's index value of every node in the latest wave after
/// `scenario` (`None` where a node has no score): the numbers [`what_if`] (with
/// respondent rows) or [`what_if_aggregate`] (without) would report for it, without
/// redoing the rest of the analysis. What `plan` evaluates its plans with.
pub fn what_if_whole(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    level: f64,
) -> Result<Vec<Option<f64>>, WhatIfError> {
    let (applied, latest, _) = applied(
        model,
        graph,
        survey,
        before,
        scenario,
        survey.respondents.as_ref(),
    )?;
    let mut whole = vec![crate::data::NodeMoments::default(); survey.nodes];
    for (c, cell) in survey.cells.iter().enumerate() {
        if cell.key.wave == latest {
            for (a, b) in whole.iter_mut().zip(&applied.cells[c]) {
                a.merge(b);
            }
        }
    }
    Ok(model
        .nodes
        .iter()
        .zip(&whole)
        .map(|(node, m)| crate::analysis::score_node(node, m, level).map(|s| s.index))
        .collect())
}

/// The latest-wave slice a one-column filter names (`None` for an empty or a
/// multi-column filter, which has no slice of its own).
fn effect_slice<'a>(
    before: &'a Analysis,
    filter: &[(String, String)],
) -> Option<&'a crate::analysis::SliceResult> {
    match filter {
        [(column, value)] => before
            .latest()
            .find(|s| s.key.column == *column && s.key.value == *value),
        _ => None,
    }
}

/// Cells of the latest wave whose segment values pass the filter.
fn select_cells(
    survey: &Survey,
    latest: &Option<String>,
    filter: &[(String, String)],
) -> Result<Vec<bool>, WhatIfError> {
    let mut positions = Vec::new();
    for (column, value) in filter {
        let Some(position) = survey.segment_columns.iter().position(|c| c == column) else {
            return Err(WhatIfError::NoMatch {
                column: column.clone(),
                value: value.clone(),
                help: String::new(),
            });
        };
        let mut seen: Vec<&str> = survey
            .cells
            .iter()
            .filter(|c| c.key.wave == *latest)
            .filter_map(|c| c.key.segments.get(position).map(String::as_str))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if !seen.contains(&value.as_str()) {
            let help = match did_you_mean(value, seen.iter().copied()) {
                hint if hint.is_empty() => format!("values of `{column}`: {}", seen.join(", ")),
                hint => hint,
            };
            return Err(WhatIfError::NoMatch {
                column: column.clone(),
                value: value.clone(),
                help,
            });
        }
        positions.push((position, value.as_str()));
    }
    Ok(survey
        .cells
        .iter()
        .map(|c| {
            c.key.wave == *latest
                && positions
                    .iter()
                    .all(|&(p, v)| c.key.segments.get(p).map(String::as_str) == Some(v))
        })
        .collect())
}
