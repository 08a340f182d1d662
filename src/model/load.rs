//! Reading `model.yaml`: strict YAML (unknown keys, duplicate keys and hostile
//! documents are errors), then semantic checks, each error located.

use std::collections::{BTreeMap, BTreeSet};

use serde_saphyr::Spanned;

use super::error::{ModelError, ModelErrorKind as K, TargetUnit};
use super::raw::{RawModel, RawNode, RawWeights};
use super::types::{Method, Metric, Model, Node, Scale, Weights};
use super::Label;
use crate::diag::{suggest, Loc};
use crate::yaml::parse_yaml;

/// The item scale when a model names none.
pub(crate) const DEFAULT_SCALE: Scale = Scale { min: 1.0, max: 5.0 };

/// The default missing-value tokens when a model names none.
pub const DEFAULT_MISSING: [&str; 4] = ["", "NA", "N/A", "-"];

/// Parse and validate a model. `file` is the name used in messages.
pub fn load_model(file: &str, text: &str) -> Result<Model, ModelError> {
    let raw: RawModel = parse_yaml(file, text)?;
    let at = |s: &Spanned<String>| Loc::from_yaml(file, s.referenced);
    let default_scale = match &raw.scale {
        Some(s) => {
            check_scale(&s.value, Loc::from_yaml(file, s.referenced))?;
            s.value
        }
        None => Scale { min: 1.0, max: 5.0 },
    };

    if raw.drivers.is_empty() {
        return Err(ModelError::invalid(Loc::new(file, 1, 1), K::NoDrivers));
    }

    let mut seen_ids: BTreeMap<&str, Loc> = BTreeMap::new();
    for raw_node in &raw.drivers {
        let id = raw_node.id.value.as_str();
        check_identifier(id, at(&raw_node.id))?;
        if let Some(first) = seen_ids.get(id) {
            return Err(ModelError::invalid(
                at(&raw_node.id),
                K::DuplicateId {
                    id: id.to_string(),
                    first: first.clone(),
                },
            ));
        }
        seen_ids.insert(id, at(&raw_node.id));
    }
    let all_ids: Vec<&str> = raw.drivers.iter().map(|n| n.id.value.as_str()).collect();

    let mut item_owner: BTreeMap<&str, &str> = BTreeMap::new();
    let mut nodes = Vec::with_capacity(raw.drivers.len());
    for raw_node in &raw.drivers {
        let id = raw_node.id.value.clone();
        let metric = raw_node.metric.unwrap_or_default();
        let scale = match &raw_node.scale {
            Some(s) => {
                check_scale(&s.value, Loc::from_yaml(file, s.referenced))?;
                s.value
            }
            None => match metric {
                Metric::Nps => Scale {
                    min: 0.0,
                    max: 10.0,
                },
                Metric::Rate => Scale { min: 0.0, max: 1.0 },
                _ => default_scale,
            },
        };
        for input in &raw_node.inputs {
            if !all_ids.contains(&input.value.as_str()) {
                return Err(ModelError::invalid(
                    at(input),
                    K::UnknownInput {
                        node: id,
                        input: input.value.clone(),
                        suggestion: suggest(&input.value, all_ids.iter().copied()),
                    },
                ));
            }
            if input.value == id {
                return Err(ModelError::invalid(at(input), K::SelfInput { node: id }));
            }
        }
        let mut own_items = BTreeSet::new();
        for item in &raw_node.items {
            if !own_items.insert(item.value.as_str()) {
                return Err(ModelError::invalid(
                    at(item),
                    K::ItemTwice {
                        node: id,
                        item: item.value.clone(),
                    },
                ));
            }
            if let Some(owner) = item_owner.insert(item.value.as_str(), raw_node.id.value.as_str())
            {
                return Err(ModelError::invalid(
                    at(item),
                    K::ItemShared {
                        item: item.value.clone(),
                        owner: owner.to_string(),
                        node: id,
                    },
                ));
            }
        }
        for rev in &raw_node.reverse {
            if !own_items.contains(rev.value.as_str()) {
                return Err(ModelError::invalid(
                    at(rev),
                    K::UnknownReverse {
                        node: id,
                        item: rev.value.clone(),
                        suggestion: suggest(&rev.value, own_items.iter().copied()),
                    },
                ));
            }
        }
        check_metric(file, raw_node, metric, &scale)?;
        let weights = node_weights(file, raw_node, &all_ids)?;
        // `items: []` is pointed at; a node without `items` at its id.
        let items_at = raw_node
            .items
            .at
            .map_or_else(|| at(&raw_node.id), |l| Loc::from_yaml(file, l));
        if raw_node.items.is_empty() && raw_node.inputs.is_empty() {
            return Err(ModelError::invalid(
                items_at.clone(),
                K::NoItemsNorInputs { node: id },
            ));
        }
        if raw_node.items.is_empty() && !matches!(weights, Weights::Declared(_)) {
            return Err(ModelError::invalid(
                items_at,
                K::NoItemsUndeclared { node: id },
            ));
        }
        if let Some(r) = &raw_node.reliability {
            if let Some(kind) = reliability_problem(&id, r.value, raw_node.items.len()) {
                return Err(ModelError::invalid(
                    Loc::from_yaml(file, r.referenced),
                    kind,
                ));
            }
        }
        let target = match &raw_node.target {
            Some(t) => Some(check_target(file, &id, t, metric, &scale)?),
            None => None,
        };
        let due = match &raw_node.due {
            Some(d) => {
                check_date(&d.value, Loc::from_yaml(file, d.referenced))?;
                Some(d.value.clone())
            }
            None => None,
        };
        nodes.push(Node {
            label: raw_node
                .label
                .clone()
                .unwrap_or_else(|| Label::Plain(id.clone())),
            items: raw_node.items.iter().map(|s| s.value.clone()).collect(),
            reverse: raw_node.reverse.iter().map(|s| s.value.clone()).collect(),
            scale,
            inputs: raw_node.inputs.iter().map(|s| s.value.clone()).collect(),
            outcome: raw_node.outcome,
            metric,
            direction: raw_node.direction.unwrap_or_default(),
            target,
            due,
            tags: raw_node.tags.clone(),
            weights,
            mode: raw_node.mode.unwrap_or_default(),
            reliability: raw_node.reliability.as_ref().map(|r| r.value),
            loc: at(&raw_node.id),
            input_locs: raw_node.inputs.iter().map(at).collect(),
            item_locs: raw_node.items.iter().map(at).collect(),
            id,
        });
    }

    let outcomes: Vec<&str> = nodes
        .iter()
        .filter(|n| n.outcome)
        .map(|n| n.id.as_str())
        .collect();
    let primary_outcome = match &raw.primary_outcome {
        Some(p) => {
            if !outcomes.contains(&p.value.as_str()) {
                return Err(ModelError::invalid(
                    at(p),
                    K::PrimaryNotOutcome {
                        name: p.value.clone(),
                        suggestion: suggest(&p.value, outcomes.iter().copied()),
                    },
                ));
            }
            p.value.clone()
        }
        None => match outcomes.first() {
            Some(first) => (*first).to_string(),
            None => return Err(ModelError::invalid(Loc::new(file, 1, 1), K::NoOutcome)),
        },
    };

    for column in raw
        .segments
        .iter()
        .chain(raw.wave.iter())
        .chain(raw.weight.iter())
        .chain(raw.respondent_id.iter())
    {
        if let Some(owner) = item_owner.get(column.value.as_str()) {
            return Err(ModelError::invalid(
                at(column),
                K::ColumnIsItem {
                    column: column.value.clone(),
                    owner: owner.to_string(),
                },
            ));
        }
    }

    if let Some(p) = super::crossed::problems(&raw).into_iter().next() {
        return Err(ModelError::invalid(Loc::from_yaml(file, p.at), p.kind));
    }
    let crossed = raw
        .crossed
        .into_iter()
        .map(|g| g.value.into_iter().map(|c| c.value).collect())
        .collect();
    if let Some(row) = raw.header_row.as_ref().filter(|r| r.value == 0) {
        return Err(ModelError::invalid(
            Loc::from_yaml(file, row.referenced),
            K::HeaderRowZero,
        ));
    }

    Ok(Model {
        crossed,
        name: raw.name.unwrap_or_else(|| "model".to_string()),
        file: file.to_string(),
        data: raw.data,
        sheet: raw.sheet,
        header_row: raw.header_row.map(|r| r.value),
        scale: default_scale,
        segments: raw.segments.into_iter().map(|s| s.value).collect(),
        wave: raw.wave.map(|s| s.value),
        weight: raw.weight.map(|s| s.value),
        respondent_id: raw.respondent_id.map(|s| s.value),
        missing: raw
            .missing
            .unwrap_or_else(|| DEFAULT_MISSING.iter().map(|s| s.to_string()).collect()),
        primary_outcome,
        nodes,
        effects: raw.effects.unwrap_or_default(),
    })
}

/// What is wrong with a node's declared `reliability:`, if anything.
pub(crate) fn reliability_problem(id: &str, r: f64, items: usize) -> Option<K> {
    if !(r > 0.0 && r <= 1.0) {
        return Some(K::ReliabilityRange {
            node: id.to_string(),
            value: r,
        });
    }
    if items == 0 {
        return Some(K::ReliabilityWithoutItems {
            node: id.to_string(),
        });
    }
    None
}

fn check_identifier(id: &str, loc: Loc) -> Result<(), ModelError> {
    let mut chars = id.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ModelError::invalid(
            loc,
            K::NotIdentifier { id: id.to_string() },
        ))
    }
}

/// Scale ends beyond this size would overflow the sums of squares (Σw·v²) that
/// every score and interval is computed from: `max: 1e308` wrote ±inf moments.
pub(crate) const MAX_SCALE_ABS: f64 = 1e9;

/// What is wrong with a scale, or `None`. One verdict for the loader and `check`.
pub(crate) fn scale_problem(scale: &Scale) -> Option<K> {
    let (min, max) = (scale.min, scale.max);
    if !(min.is_finite() && max.is_finite() && min < max) {
        return Some(K::ScaleEmpty { min, max });
    }
    if min.abs() > MAX_SCALE_ABS || max.abs() > MAX_SCALE_ABS {
        return Some(K::ScaleTooWide { min, max });
    }
    None
}

fn check_scale(scale: &Scale, loc: Loc) -> Result<(), ModelError> {
    match scale_problem(scale) {
        None => Ok(()),
        Some(kind) => Err(ModelError::invalid(loc, kind)),
    }
}

fn check_metric(
    file: &str,
    node: &RawNode,
    metric: Metric,
    scale: &Scale,
) -> Result<(), ModelError> {
    let loc = Loc::from_yaml(file, node.id.referenced);
    let id = &node.id.value;
    match metric {
        Metric::Nps | Metric::Rate if node.items.len() != 1 => Err(ModelError::invalid(
            loc,
            K::MetricItems {
                node: id.clone(),
                metric: metric.as_str(),
                items: node.items.len(),
            },
        )),
        Metric::Nps if (scale.min, scale.max) != (0.0, 10.0) => Err(ModelError::invalid(
            loc,
            K::NpsScale {
                node: id.clone(),
                min: scale.min,
                max: scale.max,
            },
        )),
        _ => Ok(()),
    }
}

fn node_weights(file: &str, node: &RawNode, all_ids: &[&str]) -> Result<Weights, ModelError> {
    let Some(spanned) = &node.weights else {
        return Ok(Weights::default());
    };
    let loc = Loc::from_yaml(file, spanned.referenced);
    match &spanned.value {
        RawWeights::Method { method } => match Method::parse(&method.value) {
            Some(m) => Ok(Weights::Estimated(m)),
            None => Err(ModelError::invalid(
                // The untagged enum buffers its content, so the inner span is lost:
                // point at the `weights:` value.
                loc,
                K::UnknownMethod {
                    method: method.value.clone(),
                    suggestion: suggest(&method.value, Method::ALL.iter().map(|m| m.as_str())),
                    methods: Method::ALL.iter().map(|m| m.as_str()).collect(),
                },
            )),
        },
        RawWeights::Declared(map) => {
            for (input, weight) in map {
                if !node.inputs.iter().any(|i| &i.value == input) {
                    return Err(ModelError::invalid(
                        loc,
                        K::WeightNotInput {
                            node: node.id.value.clone(),
                            input: input.clone(),
                            suggestion: suggest(
                                input,
                                node.inputs.iter().map(|i| i.value.as_str()),
                            ),
                            is_node: all_ids.contains(&input.as_str()),
                        },
                    ));
                }
                if !weight.is_finite() {
                    return Err(ModelError::invalid(
                        loc,
                        K::WeightNotNumber {
                            input: input.clone(),
                        },
                    ));
                }
            }
            for input in &node.inputs {
                if !map.contains_key(&input.value) {
                    return Err(ModelError::invalid(
                        loc,
                        K::WeightsMissInput {
                            node: node.id.value.clone(),
                            input: input.value.clone(),
                        },
                    ));
                }
            }
            Ok(Weights::Declared(map.clone()))
        }
    }
}

fn check_target(
    file: &str,
    id: &str,
    target: &Spanned<f64>,
    metric: Metric,
    scale: &Scale,
) -> Result<f64, ModelError> {
    let value = target.value;
    let (low, high, unit) = match metric {
        Metric::Mean => (scale.min, scale.max, TargetUnit::Scale),
        Metric::Nps => (-100.0, 100.0, TargetUnit::Nps),
        Metric::Rate | Metric::Top2box => (0.0, 100.0, TargetUnit::Percent),
    };
    if value.is_finite() && value >= low && value <= high {
        Ok(value)
    } else {
        Err(ModelError::invalid(
            Loc::from_yaml(file, target.referenced),
            K::TargetOutside {
                node: id.to_string(),
                value,
                low,
                high,
                unit,
            },
        ))
    }
}

/// Accepts `YYYY-MM-DD` with a real calendar day.
pub(crate) fn check_date(text: &str, loc: Loc) -> Result<(), ModelError> {
    if parse_date(text).is_some() {
        Ok(())
    } else {
        Err(ModelError::invalid(
            loc,
            K::NotADate {
                text: text.to_string(),
            },
        ))
    }
}

/// `(year, month, day)` of a `YYYY-MM-DD` date, if it is a real calendar day.
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (day >= 1 && day <= days).then_some((year, month, day))
}
