//! What-if scenarios: move drivers for the respondents of a segment, let the change
//! flow through the estimated effects to every outcome, and compare scores and
//! actions before and after. See docs/whatif.md for the exact semantics.

mod after;
mod aggregate;
mod apply;
mod bootstrap;
mod diff;
mod propensity;
mod pseudo;
mod scenario;

pub use after::{analysis_after, slice_moments};
pub use aggregate::{apply_to_means, apply_to_moments};
pub use apply::{apply, Applied, Basis};
pub use bootstrap::{
    change_intervals, change_intervals_in, Bootstrap, ChangeIntervals, Replicates, Resampler,
    DEFAULT_REPLICATES, DEFAULT_SEED,
};
pub use diff::{
    diff, ActionChange, ActionStatus, NodeChange, RootCauseChange, SegmentDiff, WhatIfDiff,
};
pub use scenario::{
    delta_to_index, parse_scenario, scenario_from_flags, score_to_index, Move, MoveKind, Scenario,
    ScenarioError,
};

use crate::analysis::{slices, Analysis};
use crate::data::Survey;
use crate::diag::suggest;
use crate::graph::DriverGraph;
use crate::model::Model;

/// Why a scenario could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    #[error("the survey was read without respondent rows, which a what-if needs")]
    NoRespondents,
    #[error("the analysis has no whole-sample result for the latest wave")]
    NoBaseline,
    /// A bootstrap build was told to stop (see [`Replicates::build`]).
    #[error("the bootstrap was stopped before it finished")]
    Stopped,
    #[error("no respondent in the latest wave has `{column}` = `{value}`{}", crate::diag::help_line(crate::model::Lang::En, &no_match_help(crate::model::Lang::En, .column, .suggestion, .values)))]
    NoMatch {
        column: String,
        value: String,
        suggestion: Option<String>,
        /// The column's values in the latest wave (empty: not a segment column).
        values: Vec<String>,
    },
}

fn no_match_help(
    lang: crate::model::Lang,
    column: &str,
    suggestion: &Option<String>,
    values: &[String],
) -> String {
    use crate::model::Lang;
    match (suggestion, lang) {
        (Some(s), _) => crate::diag::did_you_mean_in(lang, Some(s)),
        (None, _) if values.is_empty() => String::new(),
        (None, Lang::En) => format!("values of `{column}`: {}", values.join(", ")),
        (None, Lang::Zh) => format!("`{column}` 的取值有：{}", values.join(", ")),
    }
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for WhatIfError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            WhatIfError::NoRespondents => {
                "读取问卷时没有保留受访者数据行，而情景分析需要它们".to_string()
            }
            WhatIfError::NoBaseline => "分析结果中没有最新一期的全样本结果".to_string(),
            WhatIfError::Stopped => "自助抽样在完成前被停止".to_string(),
            WhatIfError::NoMatch {
                column,
                value,
                suggestion,
                values,
            } => format!(
                "最新一期中没有受访者的 `{column}` 为 `{value}`{}",
                crate::diag::help_line(lang, &no_match_help(lang, column, suggestion, values))
            ),
        }
    }
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
    let means = whole_means(model, survey, &latest)?;
    applied_on(
        model,
        graph,
        survey,
        before,
        scenario,
        respondents,
        means,
        None,
        None,
    )
}

/// The means of every node over the complete cases of `latest`'s whole sample:
/// the intercepts of the respondents' propensities. It does not depend on the
/// scenario, so the bootstrap computes it once per replicate.
fn whole_means(
    model: &Model,
    survey: &Survey,
    latest: &Option<String>,
) -> Result<Vec<f64>, WhatIfError> {
    let complete = slices(survey, Some(latest))
        .into_iter()
        .next()
        .map(|(_, m)| m.complete)
        .ok_or(WhatIfError::NoBaseline)?;
    Ok((0..model.nodes.len())
        .map(|i| complete.mean(i).unwrap_or(0.0))
        .collect())
}

/// [`applied`] with the whole sample's means ([`whole_means`]) given, and without
/// respondents the pseudo-respondents when already drawn.
#[allow(
    clippy::too_many_arguments,
    reason = "the scenario's inputs plus what the bootstrap keeps per replicate"
)]
fn applied_on(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    before: &Analysis,
    scenario: &Scenario,
    respondents: Option<&crate::data::Respondents>,
    means: Vec<f64>,
    pseudo: Option<&pseudo::Pseudo>,
    propensities: Option<&propensity::Propensities>,
) -> Result<(Applied, Option<String>, Vec<String>), WhatIfError> {
    let latest = before
        .latest_wave()
        .cloned()
        .ok_or(WhatIfError::NoBaseline)?;
    let whole = before
        .latest()
        .find(|s| s.key.is_all())
        .ok_or(WhatIfError::NoBaseline)?;
    // Each move: the cells it applies to, and the slice whose effects it flows through.
    let mut selected = Vec::with_capacity(scenario.moves.len());
    let mut effects = Vec::with_capacity(scenario.moves.len());
    let mut bases: Vec<String> = Vec::new();
    let pieces = pieces(survey, before, &latest, scenario);
    for (m, piece, own) in &pieces {
        let mut filter = scenario.filter.clone();
        filter.extend(m.filter.iter().cloned());
        let mut cells = select_cells(survey, &latest, &filter)?;
        if let Some(piece) = piece {
            cells.iter_mut().zip(piece).for_each(|(c, p)| *c &= *p);
        }
        selected.push(cells);
        let slice = own
            .or_else(|| effect_slice(before, &m.filter))
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
    let expanded = Scenario {
        name: scenario.name.clone(),
        moves: pieces.into_iter().map(|(m, _, _)| m).collect(),
        filter: scenario.filter.clone(),
    };
    let scenario = &expanded;
    let applied = match respondents {
        Some(respondents) => apply::apply_with(
            model,
            graph,
            survey,
            respondents,
            &basis,
            scenario,
            &selected,
            propensities,
        ),
        None => match pseudo {
            Some(pseudo) => aggregate::apply_to_pseudo(
                model,
                graph,
                survey,
                pseudo,
                &basis,
                scenario,
                &selected,
                propensities,
            ),
            None => apply_to_moments(model, graph, survey, &basis, scenario, &selected),
        },
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

/// A move, the latest wave's cells it is limited to beyond its filter (`None`: no
/// limit), and the slice whose effects it flows through (`None`: its filter's).
type Piece<'a> = (
    Move,
    Option<Vec<bool>>,
    Option<&'a crate::analysis::SliceResult>,
);

/// The scenario's moves as applied. A move for a union of slices (`any_of`) becomes
/// one move per slice of it, on the cells that slice is the smallest of the union
/// to hold (ties by key, as [`crate::actions::attribute`] assigns them): the pieces
/// are disjoint, so each respondent is moved once, through the effects of the
/// most specific slice they are in.
fn pieces<'a>(
    survey: &Survey,
    before: &'a Analysis,
    latest: &Option<String>,
    scenario: &Scenario,
) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    for m in &scenario.moves {
        if m.any_of.is_empty() {
            out.push((m.clone(), None, None));
            continue;
        }
        let mut slices: Vec<(
            &crate::analysis::SliceKey,
            f64,
            Option<&'a crate::analysis::SliceResult>,
        )> = m
            .any_of
            .iter()
            .map(|key| {
                let found = before.latest().find(|s| same_slice(&s.key, key));
                (key, found.map_or(0.0, |s| s.share), found)
            })
            .collect();
        slices.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        let owner: Vec<Option<usize>> = survey
            .cells
            .iter()
            .map(|c| {
                if c.key.wave != *latest {
                    return None;
                }
                slices
                    .iter()
                    .position(|(k, _, _)| k.holds(&survey.segment_columns, &c.key.segments))
            })
            .collect();
        for (j, (key, _, found)) in slices.iter().enumerate() {
            let piece: Vec<bool> = owner.iter().map(|o| *o == Some(j)).collect();
            if piece.iter().any(|&p| p) {
                let mut one = m.clone();
                one.any_of = vec![(*key).clone()];
                out.push((one, Some(piece), *found));
            }
        }
    }
    out
}

/// Whether two keys name the same slice, whatever the order of crossed columns.
fn same_slice(a: &crate::analysis::SliceKey, b: &crate::analysis::SliceKey) -> bool {
    let pairs = |k: &crate::analysis::SliceKey| {
        let mut p: Vec<(String, String)> = k
            .column
            .split(crate::analysis::CROSS)
            .map(str::to_string)
            .zip(k.value.split(crate::analysis::CROSS).map(str::to_string))
            .collect();
        p.sort();
        p
    };
    a.column.is_empty() == b.column.is_empty() && pairs(a) == pairs(b)
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
                suggestion: None,
                values: Vec::new(),
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
            return Err(WhatIfError::NoMatch {
                column: column.clone(),
                value: value.clone(),
                suggestion: suggest(value, seen.iter().copied()),
                values: seen.iter().map(|s| s.to_string()).collect(),
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
