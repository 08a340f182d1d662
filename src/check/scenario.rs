//! Checking `scenarios/*.yaml` (what-if) against the model.
//!
//! The what-if loader is being built separately (issue 6); this small validator
//! follows the format in the design (`name`, `set`, `shift`, `where`) so `check`
//! covers scenario files now. Values are in the node's own unit, like targets.
//! When the what-if loader lands, its raw type should replace [`RawScenario`].

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{did_you_mean, Code, Diagnostic, Loc, TextLines};
use crate::model::{Metric, Model, Node};
use crate::yaml::parse_yaml;

/// The YAML shape of a scenario file.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// What the scenario is called in reports.
    pub name: String,
    /// Driver id → the score it is set to, in the driver's own unit.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub set: BTreeMap<String, Spanned<f64>>,
    /// Driver id → a change of its score (`+0.3`, `-0.2`), in the driver's own unit.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub shift: BTreeMap<String, Spanned<f64>>,
    /// Segment column → value: apply the scenario to that segment only.
    #[serde(default, rename = "where")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub segment: BTreeMap<String, Spanned<String>>,
}

/// Every finding of one scenario file. Without a model only its shape is checked.
pub fn check_scenario(file: &str, text: &str, model: Option<&Model>) -> Vec<Diagnostic> {
    let raw: RawScenario = match parse_yaml(file, text) {
        Ok(raw) => raw,
        Err(e) => {
            let mut d = e.to_diagnostic();
            d.fill_end(&TextLines::new(text));
            return vec![d];
        }
    };
    let mut out = Vec::new();
    if raw.set.is_empty() && raw.shift.is_empty() {
        out.push(
            Diagnostic::error(
                Code::InvalidValue,
                &Loc::new(file, 1, 1),
                format!("scenario `{}` changes nothing", raw.name),
            )
            .with_help("add `set: {driver: value}` or `shift: {driver: +delta}`"),
        );
    }
    let Some(model) = model else {
        return out;
    };
    let key_at = |key: &str, value: serde_saphyr::Location| key_loc(file, text, key, value);
    for (key, changes) in [("set", &raw.set), ("shift", &raw.shift)] {
        for (id, value) in changes {
            let loc = key_at(id, value.referenced);
            let Some(node) = model.node(id) else {
                out.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        &loc,
                        format!("`{key}` names unknown driver `{id}`"),
                    )
                    .with_help(match did_you_mean(id, model.node_ids()) {
                        h if h.is_empty() => format!(
                            "drivers: {}",
                            model.node_ids().collect::<Vec<_>>().join(", ")
                        ),
                        h => h,
                    }),
                );
                continue;
            };
            let value_loc = Loc::from_yaml(file, value.referenced);
            if let Some(d) = out_of_range(key, node, value.value, &value_loc) {
                out.push(d);
            }
            if key == "shift" && raw.set.contains_key(id) {
                out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        &loc,
                        format!("`{id}` is both set and shifted"),
                    )
                    .with_help(
                        "keep one of the two: `set` gives the new score, `shift` the change",
                    ),
                );
            }
        }
    }
    for (column, value) in &raw.segment {
        if !model.segments.contains(column) {
            let loc = key_at(column, value.referenced);
            out.push(
                Diagnostic::error(
                    Code::UnknownReference,
                    &loc,
                    format!("`where` names unknown segment column `{column}`"),
                )
                .with_help(
                    match did_you_mean(column, model.segments.iter().map(String::as_str)) {
                        h if h.is_empty() && model.segments.is_empty() => {
                            "the model has no `segments:`".to_string()
                        }
                        h if h.is_empty() => {
                            format!("segment columns: {}", model.segments.join(", "))
                        }
                        h => h,
                    },
                ),
            );
        }
    }
    let lines = TextLines::new(text);
    for d in &mut out {
        d.fill_end(&lines);
    }
    out
}

fn out_of_range(key: &str, node: &Node, value: f64, loc: &Loc) -> Option<Diagnostic> {
    let (low, high, unit) = match node.metric {
        Metric::Mean => (node.scale.min, node.scale.max, "the driver's scale"),
        Metric::Nps => (-100.0, 100.0, "the NPS range"),
        Metric::Rate | Metric::Top2box => (0.0, 100.0, "a percentage"),
    };
    let id = &node.id;
    let bad = if key == "set" {
        !(value.is_finite() && value >= low && value <= high)
    } else {
        !(value.is_finite() && value.abs() <= high - low)
    };
    bad.then(|| {
        let message = if key == "set" {
            format!("`set` puts `{id}` at {value}, outside {unit} ({low}–{high})")
        } else {
            format!("`shift` moves `{id}` by {value}, more than {unit} spans ({low}–{high})")
        };
        Diagnostic::error(Code::ScenarioOutOfScale, loc, message)
            .with_help("scenario values are in the driver's own unit, like its target")
    })
}

/// Where `key` is written: on the value's line, before the value (`{a: 1}` or
/// `a: 1`); the value's location when the key is not found there.
fn key_loc(file: &str, text: &str, key: &str, value: serde_saphyr::Location) -> Loc {
    let value_loc = Loc::from_yaml(file, value);
    let Some(line) = text
        .lines()
        .nth(usize::try_from(value.line().saturating_sub(1)).unwrap_or(usize::MAX))
    else {
        return value_loc;
    };
    let before: String = line
        .chars()
        .take(usize::try_from(value.column().saturating_sub(1)).unwrap_or(0))
        .collect();
    match before.rfind(key) {
        Some(byte) => Loc::new(
            file,
            value.line(),
            before[..byte].chars().count() as u64 + 1,
        ),
        None => value_loc,
    }
}
