//! Scenarios: which drivers move (set to a score, or shifted by a delta) and for
//! whom (a segment filter), from a YAML file or from command-line flags, checked
//! against the model's drivers and scales.

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use crate::analysis::SliceKey;
use crate::diag::{did_you_mean_in, help_line, suggest, Both, Loc, Localized};
use crate::model::{Metric, Model, Node};
use crate::yaml::parse_yaml;

/// A scenario that could not be read or does not fit the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{loc}: {message}{}", if help.is_empty() { String::new() } else { format!("\n  help: {help}") })]
pub struct ScenarioError {
    pub loc: Loc,
    /// English; `Display` shows it.
    pub message: String,
    pub help: String,
    /// The same (message, help) in Chinese (see [`Localized`]); boxed to keep
    /// every `Result` small.
    pub zh: Box<(String, String)>,
}

impl ScenarioError {
    fn new(loc: Loc, message: Both, help: Both) -> Self {
        Self {
            loc,
            message: message.en,
            help: help.en,
            zh: Box::new((message.zh, help.zh)),
        }
    }
}

impl Localized for ScenarioError {
    fn message(&self, lang: crate::model::Lang) -> String {
        match lang {
            crate::model::Lang::En => self.to_string(),
            crate::model::Lang::Zh => {
                format!("{}: {}{}", self.loc, self.zh.0, help_line(lang, &self.zh.1))
            }
        }
    }
}

/// "did you mean `x`?" in both languages, or empty without a near name.
fn did_you_mean_both<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Both {
    let suggestion = suggest(name, candidates);
    Both::new(
        did_you_mean_in(crate::model::Lang::En, suggestion.as_deref()),
        did_you_mean_in(crate::model::Lang::Zh, suggestion.as_deref()),
    )
}

/// How one driver moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MoveKind {
    /// To this score, in the driver's score unit (4.2 on a 1–5 scale).
    Set(f64),
    /// By this many score units (+0.3 on a 1–5 scale).
    Shift(f64),
}

/// One driver's move.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// Index into `model.nodes`.
    pub node: usize,
    pub kind: MoveKind,
    /// This move's own slice: (segment column, value), on top of the scenario's
    /// filter; empty = the scenario's respondents. Its changes flow through this
    /// slice's effects (see docs/whatif.md).
    pub filter: Vec<(String, String)>,
    /// The slices of the latest wave (what `plan` writes for an action that fired
    /// in several): the move is for the respondents in **any** of them, each moved
    /// once, on top of `filter`; each respondent's change flows through the
    /// effects of the smallest of these slices holding them (as the action's
    /// uplift is computed, see `actions::attribute`). Empty: `filter` alone.
    pub any_of: Vec<SliceKey>,
}

impl Move {
    /// The moved value of one respondent, in index units, clamped to the node's range.
    pub fn apply(&self, node: &Node, index: f64) -> f64 {
        let (low, high) = node.index_range();
        let moved = match self.kind {
            MoveKind::Set(score) => score_to_index(node, score),
            MoveKind::Shift(delta) => index + delta_to_index(node, delta),
        };
        moved.clamp(low, high)
    }
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    pub name: String,
    /// In model order of the moved nodes; at most one move per node and slice.
    pub moves: Vec<Move>,
    /// Segment filter: (segment column, value); all must match. Empty = everyone.
    pub filter: Vec<(String, String)>,
}

/// A score in the node's unit → its index.
pub fn score_to_index(node: &Node, score: f64) -> f64 {
    match node.metric {
        Metric::Mean => node.scale.to_index(score),
        _ => score,
    }
}

/// A change in the node's score unit → index points.
pub fn delta_to_index(node: &Node, delta: f64) -> f64 {
    match node.metric {
        Metric::Mean => delta / (node.scale.max - node.scale.min) * 100.0,
        _ => delta,
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    set: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    shift: BTreeMap<String, Spanned<f64>>,
    #[serde(default, rename = "where")]
    filter: BTreeMap<String, Spanned<String>>,
    /// Moves each with its own slice (what `plan --scenario-out` writes).
    #[serde(default)]
    moves: Vec<RawMove>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMove {
    driver: Spanned<String>,
    #[serde(default)]
    set: Option<Spanned<f64>>,
    #[serde(default)]
    shift: Option<Spanned<f64>>,
    #[serde(default, rename = "where")]
    filter: BTreeMap<String, Spanned<String>>,
    /// Slices whose union the move is for: `[{region: 华北}, {channel: app}]` (a map
    /// of several columns is a crossed slice).
    #[serde(default)]
    any_of: Vec<BTreeMap<String, Spanned<String>>>,
}

/// Read a scenario file (`name`, `set`, `shift`, `where`).
pub fn parse_scenario(model: &Model, file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let raw: RawScenario = parse_yaml(file, text).map_err(|e| {
        // The YAML error says itself in Chinese, location first: keep its words.
        let zh = e.message(crate::model::Lang::Zh);
        let prefix = format!("{}: ", e.loc);
        let zh = zh.strip_prefix(&prefix).unwrap_or(&zh).to_string();
        ScenarioError {
            loc: e.loc.clone(),
            message: e.message,
            help: e.help,
            zh: Box::new((zh, String::new())),
        }
    })?;
    let _ = raw.description;
    let mut builder = Builder::new(model);
    let at = |l: serde_saphyr::Location| Loc::from_yaml(file, l);
    for (id, value) in &raw.set {
        builder.add(id, MoveKind::Set(value.value), at(value.referenced))?;
    }
    for (id, value) in &raw.shift {
        builder.add(id, MoveKind::Shift(value.value), at(value.referenced))?;
    }
    for (column, value) in &raw.filter {
        builder.filter(column, &value.value, at(value.referenced))?;
    }
    for raw_move in &raw.moves {
        let loc = at(raw_move.driver.referenced);
        let kind = match (&raw_move.set, &raw_move.shift) {
            (Some(v), None) => MoveKind::Set(v.value),
            (None, Some(d)) => MoveKind::Shift(d.value),
            _ => {
                return Err(ScenarioError::new(
                    loc,
                    Both::new(
                        format!(
                            "move of `{}` needs exactly one of `set` or `shift`",
                            raw_move.driver.value
                        ),
                        format!(
                            "`{}` 的移动必须且只能写 `set` 或 `shift` 之一",
                            raw_move.driver.value
                        ),
                    ),
                    Both::new(
                        "e.g. `- {driver: response_time, shift: 0.4, where: {region: 华东}}`",
                        "例如 `- {driver: response_time, shift: 0.4, where: {region: 华东}}`",
                    ),
                ))
            }
        };
        let mut filter = Vec::new();
        for (column, value) in &raw_move.filter {
            builder.check_column(column, at(value.referenced))?;
            filter.push((column.clone(), value.value.clone()));
        }
        let mut any_of = Vec::new();
        for slice in &raw_move.any_of {
            let mut columns = Vec::new();
            let mut values = Vec::new();
            for (column, value) in slice {
                builder.check_column(column, at(value.referenced))?;
                columns.push(column.clone());
                values.push(value.value.as_str());
            }
            if !columns.is_empty() {
                any_of.push(SliceKey::crossed(&columns, &values));
            }
        }
        any_of.sort();
        any_of.dedup();
        builder.add_in(&raw_move.driver.value, kind, filter, any_of, loc)?;
    }
    let name = raw.name.unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Ok(builder.finish(name))
}

/// A scenario from `--set id=v`, `--shift id=±d` and `--where column=value` flags,
/// added to `base` (a scenario file's moves, which flags override driver by driver).
pub fn scenario_from_flags(
    model: &Model,
    base: Option<Scenario>,
    set: &[String],
    shift: &[String],
    filter: &[String],
) -> Result<Scenario, ScenarioError> {
    let mut builder = Builder::new(model);
    let name = match base {
        Some(base) => {
            builder.moves = base.moves;
            builder.filter = base.filter;
            base.name
        }
        None => String::new(),
    };
    let flag_loc = |flag: &str| Loc::new(flag, 0, 0);
    for text in set {
        let (id, value) = split_number("--set", text)?;
        builder.replace(id, MoveKind::Set(value), flag_loc("--set"))?;
    }
    for text in shift {
        let (id, value) = split_number("--shift", text)?;
        builder.replace(id, MoveKind::Shift(value), flag_loc("--shift"))?;
    }
    for text in filter {
        let Some((column, value)) = text.split_once('=') else {
            return Err(ScenarioError::new(
                flag_loc("--where"),
                Both::new(
                    format!("expected `column=value`, found `{text}`"),
                    format!("应写成 `column=value`，实际是 `{text}`"),
                ),
                Both::new(
                    "for example `--where region=华东`",
                    "例如 `--where region=华东`",
                ),
            ));
        };
        builder.filter(column.trim(), value.trim(), flag_loc("--where"))?;
    }
    let name = if name.is_empty() {
        flags_name(set, shift, filter)
    } else {
        name
    };
    Ok(builder.finish(name))
}

fn flags_name(set: &[String], shift: &[String], filter: &[String]) -> String {
    let mut parts: Vec<String> = set.iter().map(|s| format!("set {s}")).collect();
    parts.extend(shift.iter().map(|s| format!("shift {s}")));
    parts.extend(filter.iter().map(|s| format!("where {s}")));
    parts.join(", ")
}

fn split_number<'a>(flag: &str, text: &'a str) -> Result<(&'a str, f64), ScenarioError> {
    let loc = Loc::new(flag, 0, 0);
    let Some((id, value)) = text.split_once('=') else {
        return Err(ScenarioError::new(
            loc,
            Both::new(
                format!("expected `driver=value`, found `{text}`"),
                format!("应写成 `driver=value`，实际是 `{text}`"),
            ),
            Both::new(
                format!("for example `{flag} response_time=4.2`"),
                format!("例如 `{flag} response_time=4.2`"),
            ),
        ));
    };
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((id.trim(), v)),
        _ => Err(ScenarioError::new(
            loc,
            Both::new(
                format!("`{}` is not a number in `{text}`", value.trim()),
                format!("`{text}` 中的 `{}` 不是数字", value.trim()),
            ),
            Both::default(),
        )),
    }
}

struct Builder<'m> {
    model: &'m Model,
    moves: Vec<Move>,
    filter: Vec<(String, String)>,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model) -> Self {
        Self {
            model,
            moves: Vec::new(),
            filter: Vec::new(),
        }
    }

    fn check(&self, id: &str, kind: MoveKind, loc: &Loc) -> Result<usize, ScenarioError> {
        let model = self.model;
        let Some(index) = model.node_index(id) else {
            return Err(ScenarioError::new(
                loc.clone(),
                Both::new(
                    format!("unknown driver `{id}`"),
                    format!("未知的驱动因素 `{id}`"),
                ),
                did_you_mean_both(id, model.node_ids()),
            ));
        };
        let node = &model.nodes[index];
        if node.outcome {
            return Err(ScenarioError::new(
                loc.clone(),
                Both::new(
                    format!("`{id}` is an outcome, not a driver"),
                    format!("`{id}` 是结果指标，不是驱动因素"),
                ),
                Both::new(
                    "a scenario moves drivers; outcomes follow from them",
                    "情景只移动驱动因素；结果指标随之变化",
                ),
            ));
        }
        let (low, high) = match node.metric {
            Metric::Mean => (node.scale.min, node.scale.max),
            _ => node.index_range(),
        };
        match kind {
            MoveKind::Set(v) if !(low..=high).contains(&v) => Err(ScenarioError::new(
                loc.clone(),
                Both::new(
                    format!("{v} is outside the scale of `{id}` ({low}–{high})"),
                    format!("{v} 超出了 `{id}` 的量表范围（{low}–{high}）"),
                ),
                Both::new(
                    "set a score on the driver's own scale",
                    "请按该驱动因素自己的量表设定分数",
                ),
            )),
            MoveKind::Shift(d) if d.abs() > high - low => Err(ScenarioError::new(
                loc.clone(),
                Both::new(
                    format!(
                        "a shift of {d} is larger than the whole scale of `{id}` ({low}–{high})"
                    ),
                    format!("变动 {d} 比 `{id}` 的整个量表（{low}–{high}）还大"),
                ),
                Both::new(
                    "shift by score points on the driver's own scale, e.g. +0.3",
                    "请按该驱动因素自己量表上的分数变动，例如 +0.3",
                ),
            )),
            _ => Ok(index),
        }
    }

    fn add(&mut self, id: &str, kind: MoveKind, loc: Loc) -> Result<(), ScenarioError> {
        self.add_in(id, kind, Vec::new(), Vec::new(), loc)
    }

    fn add_in(
        &mut self,
        id: &str,
        kind: MoveKind,
        mut filter: Vec<(String, String)>,
        any_of: Vec<SliceKey>,
        loc: Loc,
    ) -> Result<(), ScenarioError> {
        let node = self.check(id, kind, &loc)?;
        filter.sort();
        if self
            .moves
            .iter()
            .any(|m| m.node == node && m.filter == filter && m.any_of == any_of)
        {
            return Err(ScenarioError::new(
                loc,
                Both::new(
                    format!("`{id}` is moved twice"),
                    format!("`{id}` 被移动了两次"),
                ),
                Both::new(
                    "give each driver either `set` or `shift`, not both (once per slice)",
                    "每个驱动因素只写 `set` 或 `shift` 之一，不要两者都写（每个切片一次）",
                ),
            ));
        }
        self.moves.push(Move {
            node,
            kind,
            filter,
            any_of,
        });
        Ok(())
    }

    fn replace(&mut self, id: &str, kind: MoveKind, loc: Loc) -> Result<(), ScenarioError> {
        let node = self.check(id, kind, &loc)?;
        self.moves.retain(|m| m.node != node);
        self.moves.push(Move {
            node,
            kind,
            filter: Vec::new(),
            any_of: Vec::new(),
        });
        Ok(())
    }

    fn filter(&mut self, column: &str, value: &str, loc: Loc) -> Result<(), ScenarioError> {
        self.check_column(column, loc)?;
        self.filter.retain(|(c, _)| c != column);
        self.filter.push((column.to_string(), value.to_string()));
        Ok(())
    }

    fn check_column(&self, column: &str, loc: Loc) -> Result<(), ScenarioError> {
        let segments = &self.model.segments;
        if !segments.iter().any(|s| s == column) {
            let help = match did_you_mean_both(column, segments.iter().map(String::as_str)) {
                hint if hint.is_empty() => Both::new(
                    format!("segment columns: {}", segments.join(", ")),
                    format!("细分列：{}", segments.join(", ")),
                ),
                hint => hint,
            };
            return Err(ScenarioError::new(
                loc,
                Both::new(
                    format!("`{column}` is not a segment column of the model"),
                    format!("`{column}` 不是模型的细分列"),
                ),
                help,
            ));
        }
        Ok(())
    }

    fn finish(mut self, name: String) -> Scenario {
        self.moves.sort_by(|a, b| {
            a.node
                .cmp(&b.node)
                .then_with(|| a.filter.cmp(&b.filter))
                .then_with(|| a.any_of.cmp(&b.any_of))
        });
        self.filter.sort();
        Scenario {
            name,
            moves: self.moves,
            filter: self.filter,
        }
    }
}
