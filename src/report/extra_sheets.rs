//! Sheets for the report's optional sections (what-if, plan), built from their
//! own JSON documents (`sattrace.whatif/1`, `sattrace.plan/1`) so a workbook shows
//! the same values as `whatif --format json` and `plan --format json`.

use serde_json::{Map, Value};

use super::sheets::{from_records, Sheet};

type Record = Map<String, Value>;

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `record` with `(key, value)` pairs put in front.
fn prefixed(front: &[(&str, Value)], record: &Value) -> Record {
    let mut out: Record = front
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    if let Some(fields) = record.as_object() {
        for (k, v) in fields {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Two sheets for any number of what-if documents: every node's before and after
/// by scenario and segment, and every action's change of rank and uplift.
pub fn whatif_sheets(docs: &[Value]) -> Vec<Sheet> {
    let mut nodes = Vec::new();
    let mut actions = Vec::new();
    for doc in docs {
        let scenario = doc
            .pointer("/scenario/name")
            .cloned()
            .unwrap_or(Value::Null);
        for segment in array(doc, "segments") {
            let name = segment.get("segment").cloned().unwrap_or(Value::Null);
            for node in array(segment, "nodes") {
                nodes.push(prefixed(
                    &[("scenario", scenario.clone()), ("segment", name.clone())],
                    node,
                ));
            }
        }
        for action in array(doc, "actions") {
            actions.push(prefixed(&[("scenario", scenario.clone())], action));
        }
    }
    vec![
        from_records(
            "假设分析",
            "What-if",
            &[
                "scenario",
                "segment",
                "id",
                "outcome",
                "before",
                "after",
                "change",
                "index_change",
            ],
            &nodes,
        ),
        from_records(
            "假设分析行动",
            "What-if actions",
            &[
                "scenario",
                "status",
                "rule",
                "driver",
                "segment",
                "rank_before",
                "rank_after",
                "uplift_before",
                "uplift_after",
            ],
            &actions,
        ),
    ]
}

/// Two sheets for a plan document: its targets, and each plan's actions.
pub fn plan_sheets(doc: &Value) -> Vec<Sheet> {
    let status = doc.get("status").cloned().unwrap_or(Value::Null);
    let targets: Vec<Record> = array(doc, "targets")
        .iter()
        .map(|t| prefixed(&[("status", status.clone())], t))
        .collect();
    let mut actions = Vec::new();
    for (k, plan) in array(doc, "plans").iter().enumerate() {
        let cost = plan.get("cost").cloned().unwrap_or(Value::Null);
        for action in array(plan, "actions") {
            actions.push(prefixed(
                &[("plan", Value::from(k + 1)), ("plan_cost", cost.clone())],
                action,
            ));
        }
    }
    vec![
        from_records(
            "计划目标",
            "Plan targets",
            &["status", "outcome", "current", "target", "reachable"],
            &targets,
        ),
        from_records(
            "计划行动",
            "Plan actions",
            &[
                "plan",
                "plan_cost",
                "rule",
                "driver",
                "segment",
                "where",
                "delta",
                "cost",
            ],
            &actions,
        ),
    ]
}
