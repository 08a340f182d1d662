//! What the page sends: a scenario (the same moves as `whatif --set/--shift/--where`)
//! and a plan request (the same as `plan --target/--due/--budget/--today`), parsed
//! strictly, and scenario files written in the format `whatif --scenario` reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use sattrace::model::Model;
use sattrace::plan::PlanRequest;
use sattrace::whatif::{scenario_from_flags, MoveKind, Scenario};

/// Longest scenario name, in characters.
pub const MAX_NAME: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub set: BTreeMap<String, f64>,
    #[serde(default)]
    pub shift: BTreeMap<String, f64>,
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, String>,
    /// The wave to run on (`whatif --wave`; absent: the latest). Not part of a
    /// saved scenario (the scenario format has no wave).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// Outcome id → target in the outcome's unit; empty means the model's targets.
    #[serde(default)]
    pub targets: BTreeMap<String, f64>,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub budget: Option<f64>,
    #[serde(default)]
    pub today: Option<String>,
    /// The wave to plan on (`plan --wave`; absent: the latest).
    #[serde(default)]
    pub wave: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportBody {
    #[serde(default)]
    pub scenario: Option<ScenarioBody>,
    #[serde(default)]
    pub plan: Option<PlanBody>,
}

/// Parse a JSON body, or a 400 saying why not.
pub fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "malformed_json",
            "请求体不是有效的 JSON，或含有未知字段",
            "the request body is not valid JSON, or has unknown fields",
        )
        .with_detail(e)
    })
}

impl ScenarioBody {
    /// Whether the scenario moves anything.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.shift.is_empty()
    }

    /// The scenario, through the same flag parser as `sattrace whatif`: the same
    /// moves give the same scenario (and the same default name) as the flags
    /// `--set id=v --shift id=d --where column=value`.
    pub fn to_scenario(&self, model: &Model) -> Result<Scenario, ApiError> {
        if self.is_empty() {
            return Err(ApiError::bad_request(
                "nothing_to_change",
                "场景没有移动任何驱动因素",
                "the scenario moves no driver",
            ));
        }
        let set: Vec<String> = self.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let shift: Vec<String> = self.shift.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let filter: Vec<String> = self
            .filter
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut scenario =
            scenario_from_flags(model, None, &set, &shift, &filter).map_err(|e| {
                ApiError::bad_request(
                    "invalid_scenario",
                    "场景无效（未知的驱动因素、超出量表或未知的细分列）",
                    "invalid scenario (unknown driver, outside the scale, or unknown segment column)",
                )
                .with_detail(e)
            })?;
        if let Some(name) = self.name.as_deref().filter(|n| !n.trim().is_empty()) {
            scenario.name = name.to_string();
        }
        Ok(scenario)
    }

    /// The body of a scenario read from a file.
    pub fn from_scenario(model: &Model, scenario: &Scenario) -> Self {
        let mut body = ScenarioBody {
            name: Some(scenario.name.clone()),
            ..ScenarioBody::default()
        };
        for m in &scenario.moves {
            let id = model.nodes[m.node].id.clone();
            match m.kind {
                MoveKind::Set(v) => body.set.insert(id, v),
                MoveKind::Shift(v) => body.shift.insert(id, v),
            };
        }
        for (column, value) in &scenario.filter {
            body.filter.insert(column.clone(), value.clone());
        }
        body
    }

    /// The scenario file (`name`, `set`, `shift`, `where`); every key and text is a
    /// JSON string, which YAML reads as a double-quoted scalar.
    pub fn to_yaml(&self, name: &str) -> String {
        let quote = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        let mut text = String::from(
            "# Saved by `sattrace serve`; run it with `sattrace whatif --scenario`.\n",
        );
        text.push_str(&format!(
            "name: {}\n",
            quote(self.name.as_deref().unwrap_or(name))
        ));
        for (key, moves) in [("set", &self.set), ("shift", &self.shift)] {
            if !moves.is_empty() {
                text.push_str(&format!("{key}:\n"));
                for (id, v) in moves {
                    text.push_str(&format!("  {}: {v:?}\n", quote(id)));
                }
            }
        }
        if !self.filter.is_empty() {
            text.push_str("where:\n");
            for (column, value) in &self.filter {
                text.push_str(&format!("  {}: {}\n", quote(column), quote(value)));
            }
        }
        text
    }
}

impl PlanBody {
    /// The request, through the same parser as `sattrace plan`'s flags.
    pub fn to_request(&self) -> Result<PlanRequest, ApiError> {
        let targets: Vec<String> = self
            .targets
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        crate_request(
            &targets,
            self.due.as_deref(),
            self.budget,
            self.today.as_deref(),
        )
    }
}

fn crate_request(
    targets: &[String],
    due: Option<&str>,
    budget: Option<f64>,
    today: Option<&str>,
) -> Result<PlanRequest, ApiError> {
    let due = due.filter(|d| !d.trim().is_empty());
    let today = today.filter(|d| !d.trim().is_empty());
    super::super::plan::request(targets, due, budget, today).map_err(|e| {
        ApiError::bad_request(
            "invalid_plan",
            "计划请求无效（目标、日期或预算）",
            "invalid plan request (targets, dates or budget)",
        )
        .with_detail(e)
    })
}

/// A scenario name is a file stem: letters (any script), digits, `-` and `_`, so it
/// can never name a path outside `scenarios/`.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let count = name.chars().count();
    let ok = (1..=MAX_NAME).contains(&count)
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_name",
            "场景名只能含字母、数字、- 和 _（1–64 个字符），不能是路径",
            "a scenario name has only letters, digits, - and _ (1–64 characters) and is never a path",
        )
        .with_detail(format!("name `{}`", name.escape_debug())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_leave_the_folder() {
        for bad in [
            "", "../x", "a/b", "a\\b", "..", ".x", "x.yaml", "-x", "a b", "a\0b",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["peak", "华东_高峰-2", "A1"] {
            assert!(check_name(good).is_ok(), "{good:?} refused");
        }
        assert!(check_name(&"x".repeat(MAX_NAME + 1)).is_err());
    }
}
