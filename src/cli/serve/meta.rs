//! What the page needs to draw its controls: each driver's label, scale and current
//! score per segment, the outcomes with their targets, the segments and waves.

use serde_json::{json, Value};

use super::super::pipeline::Outcome;
use sattrace::model::{Lang, Metric};

pub fn meta(outcome: &Outcome, lang: Lang, generation: u64, scenarios: &[String]) -> Value {
    let model = &outcome.project.model;
    let analysis = &outcome.analysis;
    let latest: Vec<_> = analysis.latest().collect();
    let scores = |node: usize| -> serde_json::Map<String, Value> {
        latest
            .iter()
            .filter_map(|slice| {
                let score = slice.scores.get(node)?.as_ref()?;
                Some((slice.key.name(), json!(score.score)))
            })
            .collect()
    };
    // Per wave, as the wave picker needs them (a slice's scores are its own cells',
    // so they are the same whichever later waves the survey has).
    let by_wave = |node: usize| -> serde_json::Map<String, Value> {
        analysis
            .waves
            .iter()
            .flatten()
            .map(|wave| {
                let scores: serde_json::Map<String, Value> = analysis
                    .slices
                    .iter()
                    .filter(|s| s.wave.as_deref() == Some(wave.as_str()))
                    .filter_map(|slice| {
                        let score = slice.scores.get(node)?.as_ref()?;
                        Some((slice.key.name(), json!(score.score)))
                    })
                    .collect();
                (wave.clone(), Value::Object(scores))
            })
            .collect()
    };
    let nodes: Vec<Value> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(k, node)| {
            let (min, max) = match node.metric {
                Metric::Mean => (node.scale.min, node.scale.max),
                _ => node.index_range(),
            };
            json!({
                "id": node.id,
                "label": node.label.text(lang, &node.id),
                "outcome": node.outcome,
                "metric": node.metric.as_str(),
                "min": min,
                "max": max,
                "target": node.target,
                "due": node.due,
                "scores": scores(k),
                "scores_by_wave": by_wave(k),
            })
        })
        .collect();
    let mut segments: Vec<Value> = Vec::new();
    for column in &model.segments {
        let values: Vec<&str> = latest
            .iter()
            .filter(|s| &s.key.column == column)
            .map(|s| s.key.value.as_str())
            .collect();
        segments.push(json!({"column": column, "values": values}));
    }
    let waves: Vec<&str> = analysis
        .waves
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    json!({
        "generation": generation,
        "lang": match lang { Lang::Zh => "zh", Lang::En => "en" },
        "model": model.name,
        "wave": analysis.latest_wave().cloned().flatten(),
        "waves": waves,
        "nodes": nodes,
        "segments": segments,
        "scenarios": scenarios,
        "aggregate": outcome.survey.respondents.is_none(),
    })
}
