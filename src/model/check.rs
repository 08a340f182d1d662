//! Every problem of a model in one run, as diagnostics.
//!
//! `load_model` stops at the first error, which suits `analyze`; `check` wants all of
//! them, so these checks walk the raw YAML shape and push each finding. When they find
//! no error the model is loaded with `load_model`, so both paths accept the same files.

use std::collections::{BTreeMap, BTreeSet};

use serde_saphyr::Spanned;

use super::error::ModelErrorKind;
use super::graph_check::check_graph;
use super::load::{load_model, parse_date, scale_problem, DEFAULT_SCALE};
use super::raw::{RawModel, RawNode, RawWeights};
use super::types::{Metric, Model, Scale};
use super::Lang;
use crate::diag::{did_you_mean, Code, Diagnostic, Loc, TextLines};
use crate::yaml::parse_yaml;

/// A calendar day `(year, month, day)`, compared with due dates.
pub type Day = (i32, u32, u32);

/// Check a model: the model when it has no errors (warnings allowed), and every
/// finding, sorted. `today` turns on the due-date-in-the-past check.
pub fn check_model(file: &str, text: &str, today: Option<Day>) -> (Option<Model>, Vec<Diagnostic>) {
    let raw: RawModel = match parse_yaml(file, text) {
        Ok(raw) => raw,
        Err(e) => {
            let mut d = e.to_diagnostic();
            d.fill_end(&TextLines::new(text));
            return (None, vec![d]);
        }
    };
    let mut out = Vec::new();
    Checker {
        file,
        out: &mut out,
        today,
    }
    .model(&raw);
    check_graph(file, &raw, &mut out);
    if out
        .iter()
        .any(|d| d.message.contains("names unknown input"))
    {
        // An input misspelt cuts its driver off: "reaches no outcome" would only echo it.
        out.retain(|d| d.code != Code::ReachesNoOutcome);
    }
    let model = if out.iter().any(Diagnostic::is_error) {
        None
    } else {
        match load_model(file, text) {
            Ok(model) => Some(model),
            Err(e) => {
                // A check the loader has and this walk lacks: report it rather than pass.
                out.push(Diagnostic::error(
                    Code::InvalidValue,
                    e.loc(),
                    first_line(&e),
                ));
                None
            }
        }
    };
    let lines = TextLines::new(text);
    for d in &mut out {
        d.fill_end(&lines);
    }
    crate::diag::sort_diagnostics(&mut out);
    (model, out)
}

fn first_line(e: &super::ModelError) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    let prefix = format!("{}: ", e.loc());
    line.strip_prefix(&prefix).unwrap_or(line).to_string()
}

struct Checker<'a> {
    file: &'a str,
    out: &'a mut Vec<Diagnostic>,
    today: Option<Day>,
}

impl Checker<'_> {
    fn at<T>(&self, s: &Spanned<T>) -> Loc {
        Loc::from_yaml(self.file, s.referenced)
    }

    fn push(&mut self, code: Code, loc: &Loc, message: String, help: impl Into<String>) {
        self.out
            .push(Diagnostic::error(code, loc, message).with_help(help));
    }

    /// A finding of a kind the loader also reports, in the loader's words and code.
    fn push_kind(&mut self, loc: &Loc, kind: &ModelErrorKind) {
        self.push(
            kind.code(),
            loc,
            kind.message(Lang::En),
            kind.help(Lang::En),
        );
    }

    fn model(&mut self, raw: &RawModel) {
        let default_scale = match &raw.scale {
            Some(s) => match scale_problem(&s.value) {
                Some(kind) => {
                    self.push_kind(&self.at(s), &kind);
                    // The default stands in, so targets are not all reported again
                    // as outside a scale that is itself the mistake.
                    DEFAULT_SCALE
                }
                None => s.value,
            },
            None => DEFAULT_SCALE,
        };
        if raw.drivers.is_empty() {
            self.push(
                Code::InvalidValue,
                &Loc::new(self.file, 1, 1),
                "the model has no drivers".into(),
                "add a `drivers:` list with at least one driver and one outcome",
            );
            return;
        }
        let ids: Vec<&str> = raw.drivers.iter().map(|n| n.id.value.as_str()).collect();
        let mut first_at: BTreeMap<&str, Loc> = BTreeMap::new();
        for node in &raw.drivers {
            let id = node.id.value.as_str();
            if !is_identifier(id) {
                self.push(
                    Code::InvalidValue,
                    &self.at(&node.id),
                    format!("driver id `{id}` is not an identifier"),
                    "use letters, digits and `_`, starting with a letter (rules refer to ids by name); put display text in `label`",
                );
            }
            match first_at.get(id) {
                Some(first) => {
                    let d = Diagnostic::error(
                        Code::DuplicateId,
                        &self.at(&node.id),
                        format!("duplicate driver id `{id}`"),
                    )
                    .with_help(format!(
                        "`{id}` is already defined at {first}; ids must be unique"
                    ))
                    .with_related(first, "first defined here");
                    self.out.push(d);
                }
                None => {
                    first_at.insert(id, self.at(&node.id));
                }
            }
        }
        let mut item_owner: BTreeMap<&str, (&str, Loc)> = BTreeMap::new();
        for node in &raw.drivers {
            self.node(node, &ids, default_scale, &mut item_owner);
        }
        self.outcomes(raw, &ids);
        for p in super::crossed::problems(raw) {
            let loc = Loc::from_yaml(self.file, p.at);
            self.push_kind(&loc, &p.kind);
        }
        for column in raw
            .segments
            .iter()
            .chain(raw.wave.iter())
            .chain(raw.weight.iter())
        {
            if let Some((owner, _)) = item_owner.get(column.value.as_str()) {
                self.push(
                    Code::InvalidValue,
                    &self.at(column),
                    format!("column `{}` is an item of `{owner}`", column.value),
                    "segment, wave and weight columns cannot also be survey items",
                );
            }
        }
    }

    fn outcomes(&mut self, raw: &RawModel, ids: &[&str]) {
        let outcomes: Vec<&str> = raw
            .drivers
            .iter()
            .filter(|n| n.outcome)
            .map(|n| n.id.value.as_str())
            .collect();
        if let Some(p) = &raw.primary_outcome {
            if !outcomes.contains(&p.value.as_str()) {
                let help = match did_you_mean(&p.value, outcomes.iter().copied()) {
                    s if s.is_empty() && ids.contains(&p.value.as_str()) => {
                        format!("mark `{}` with `outcome: true`", p.value)
                    }
                    s if s.is_empty() => "mark the node with `outcome: true`".to_string(),
                    s => s,
                };
                self.push(
                    Code::UnknownReference,
                    &self.at(p),
                    format!(
                        "`primary_outcome` names `{}`, which is not an outcome",
                        p.value
                    ),
                    help,
                );
            }
        } else if outcomes.is_empty() {
            self.push(
                Code::InvalidValue,
                &Loc::new(self.file, 1, 1),
                "the model has no outcome".into(),
                "mark at least one node with `outcome: true` (e.g. satisfaction)",
            );
        }
    }

    fn node<'r>(
        &mut self,
        node: &'r RawNode,
        ids: &[&str],
        default_scale: Scale,
        item_owner: &mut BTreeMap<&'r str, (&'r str, Loc)>,
    ) {
        let id = node.id.value.as_str();
        let here = self.at(&node.id);
        let metric = node.metric.unwrap_or_default();
        let scale = match &node.scale {
            Some(s) => match scale_problem(&s.value) {
                Some(kind) => {
                    self.push_kind(&self.at(s), &kind);
                    // No follow-on findings against a scale that is the mistake.
                    DEFAULT_SCALE
                }
                None => s.value,
            },
            None => match metric {
                Metric::Nps => Scale {
                    min: 0.0,
                    max: 10.0,
                },
                Metric::Rate => Scale { min: 0.0, max: 1.0 },
                _ => default_scale,
            },
        };
        for input in &node.inputs {
            if !ids.contains(&input.value.as_str()) {
                self.push(
                    Code::UnknownReference,
                    &self.at(input),
                    format!("`{id}` names unknown input `{}`", input.value),
                    did_you_mean(&input.value, ids.iter().copied()),
                );
            }
        }
        let mut own = BTreeSet::new();
        for item in &node.items {
            if !own.insert(item.value.as_str()) {
                self.push(
                    Code::ItemTwice,
                    &self.at(item),
                    format!("item `{}` is listed twice under `{id}`", item.value),
                    "list each survey column once",
                );
                continue;
            }
            match item_owner.get(item.value.as_str()) {
                Some((owner, first)) => {
                    let d = Diagnostic::error(
                        Code::ItemTwice,
                        &self.at(item),
                        format!("item `{}` is used by both `{owner}` and `{id}`", item.value),
                    )
                    .with_help("each survey column belongs to one driver")
                    .with_related(first, format!("also an item of `{owner}` here"));
                    self.out.push(d);
                }
                None => {
                    item_owner.insert(item.value.as_str(), (id, self.at(item)));
                }
            }
        }
        for rev in &node.reverse {
            if !own.contains(rev.value.as_str()) {
                self.push(
                    Code::UnknownReference,
                    &self.at(rev),
                    format!("reverse item `{}` is not one of `{id}`'s items", rev.value),
                    did_you_mean(&rev.value, own.iter().copied()),
                );
            }
        }
        self.metric(node, metric, &scale, &here);
        let declared = self.weights(node, ids);
        // `items: []` is pointed at; a node without `items` at its id.
        let items_at = node
            .items
            .at
            .map_or_else(|| here.clone(), |l| Loc::from_yaml(&here.file, l));
        if node.items.is_empty() && node.inputs.is_empty() {
            self.push(
                Code::InvalidValue,
                &items_at,
                format!("`{id}` has neither `items` nor `inputs`"),
                "give it the survey columns that measure it, or the drivers that feed it",
            );
        } else if node.items.is_empty() && !declared {
            self.push(
                Code::InvalidValue,
                &items_at,
                format!("`{id}` has no items, so its effects cannot be estimated from data"),
                "declare its input weights (`weights: {input: 0.4, …}`) or give it items",
            );
        }
        self.target(node, metric, &scale);
        if let Some(r) = &node.reliability {
            if let Some(kind) = super::load::reliability_problem(id, r.value, node.items.len()) {
                self.push_kind(&self.at(r), &kind);
            }
        }
    }

    fn metric(&mut self, node: &RawNode, metric: Metric, scale: &Scale, here: &Loc) {
        let id = &node.id.value;
        match metric {
            Metric::Nps | Metric::Rate if node.items.len() != 1 => self.push(
                Code::InvalidValue,
                here,
                format!(
                    "`{id}` uses metric `{}` but has {} items",
                    metric_name(metric),
                    node.items.len()
                ),
                "NPS and rates are computed from exactly one survey column",
            ),
            Metric::Nps if (scale.min, scale.max) != (0.0, 10.0) => self.push(
                Code::InvalidValue,
                here,
                format!(
                    "`{id}` uses metric `nps` on a {}–{} scale",
                    scale.min, scale.max
                ),
                "NPS needs a 0–10 likelihood-to-recommend item: `scale: {min: 0, max: 10}`",
            ),
            _ => {}
        }
    }

    /// Whether the node declares its weights; pushes any problem with them.
    fn weights(&mut self, node: &RawNode, ids: &[&str]) -> bool {
        let Some(spanned) = &node.weights else {
            return false;
        };
        let loc = self.at(spanned);
        let map = match &spanned.value {
            RawWeights::Declared(map) => map,
            RawWeights::Method { method } => {
                if crate::model::Method::parse(&method.value).is_none() {
                    self.push(
                        Code::InvalidValue,
                        &loc,
                        format!("unknown method `{}`", method.value),
                        crate::model::Method::hint(&method.value),
                    );
                }
                return false;
            }
        };
        let id = &node.id.value;
        for (input, weight) in map {
            if !node.inputs.iter().any(|i| &i.value == input) {
                let hint = did_you_mean(input, node.inputs.iter().map(|i| i.value.as_str()));
                let hint = if hint.is_empty() && ids.contains(&input.as_str()) {
                    format!("add `{input}` to `inputs` first")
                } else {
                    hint
                };
                self.push(
                    Code::UnknownReference,
                    &loc,
                    format!("weight for `{input}`, which is not an input of `{id}`"),
                    hint,
                );
            } else if !weight.is_finite() {
                self.push(
                    Code::InvalidValue,
                    &loc,
                    format!("weight for `{input}` is not a number"),
                    "",
                );
            }
        }
        for input in &node.inputs {
            if !map.contains_key(&input.value) {
                self.push(
                    Code::InvalidValue,
                    &loc,
                    format!("declared weights of `{id}` miss input `{}`", input.value),
                    "declare a weight for every input, or use `weights: {method: ols}`",
                );
            }
        }
        true
    }

    fn target(&mut self, node: &RawNode, metric: Metric, scale: &Scale) {
        let id = &node.id.value;
        if let Some(target) = &node.target {
            let value = target.value;
            let loc = self.at(target);
            let (low, high, unit) = match metric {
                Metric::Mean => (scale.min, scale.max, "the driver's scale"),
                Metric::Nps => (-100.0, 100.0, "the NPS range"),
                Metric::Rate | Metric::Top2box => (0.0, 100.0, "a percentage"),
            };
            if !(value.is_finite() && value >= low && value <= high) {
                self.push(
                    Code::TargetOutsideScale,
                    &loc,
                    format!("target {value} of `{id}` is outside {unit} ({low}–{high})"),
                    "targets are in the node's own unit: scale points for means, points for NPS, % for rates",
                );
            } else if matches!(metric, Metric::Rate | Metric::Top2box) && value > 0.0 && value < 1.0
            {
                self.push(
                    Code::TargetNotMeasurable,
                    &loc,
                    format!(
                        "target {value} of `{id}` reads as {value} %, below what a `{}` can tell apart",
                        metric_name(metric)
                    ),
                    format!("rates are written in %: did you mean `{}`?", value * 100.0),
                );
            } else if metric == Metric::Nps && value.fract() != 0.0 {
                self.push(
                    Code::TargetNotMeasurable,
                    &loc,
                    format!("target {value} of `{id}` is not a whole number of NPS points"),
                    format!(
                        "NPS targets are written in points from −100 to 100; did you mean `{}`?",
                        value.round()
                    ),
                );
            }
            if node.due.is_none() {
                self.out.push(
                    Diagnostic::warning(
                        Code::TargetWithoutDue,
                        &loc,
                        format!("target of `{id}` has no due date"),
                    )
                    .with_help("SMART targets are time-bound: add `due: YYYY-MM-DD` to the driver"),
                );
            }
        }
        if let Some(due) = &node.due {
            let loc = self.at(due);
            match parse_date(&due.value) {
                None => self.push(
                    Code::InvalidValue,
                    &loc,
                    format!("`{}` is not a date", due.value),
                    "write due dates as YYYY-MM-DD, e.g. 2027-06-30",
                ),
                Some(day) if self.today.is_some_and(|today| day < today) => {
                    let (y, m, d) = self.today.unwrap_or(day);
                    let diag = Diagnostic::warning(
                        Code::DueInPast,
                        &loc,
                        format!(
                            "due date {} of `{id}` has passed (today is {y:04}-{m:02}-{d:02})",
                            due.value
                        ),
                    )
                    .with_help(
                        "move the due date forward, or drop the target if it is no longer pursued",
                    );
                    self.out.push(diag);
                }
                Some(_) => {}
            }
        }
    }
}

fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Mean => "mean",
        Metric::Nps => "nps",
        Metric::Rate => "rate",
        Metric::Top2box => "top2box",
    }
}
