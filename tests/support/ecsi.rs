//! The ECSI fixture (`fixtures/ecsi`) as the reference tests read it.

#![allow(dead_code, reason = "each test binary uses a different part")]

use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use serde_json::Value;

/// Closed-form estimates agree with their references to this (absolute).
const CLOSED_FORM: f64 = 1e-6;

/// A file of the fixture, as text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/ecsi/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The ECSI model and its survey, read by sattrace's own ingest with `options`.
pub fn ingest_ecsi(options: &IngestOptions) -> (Model, Survey) {
    let model = load_model("model.yaml", &fixture("model.yaml")).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let survey = ingest(
        &model,
        graph.order(),
        "survey.csv",
        fixture("survey.csv").as_bytes(),
        options,
    )
    .expect("ingest");
    (model, survey)
}

/// A JSON array of numbers.
pub fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// `got` equals `want` element by element to the closed-form tolerance.
pub fn close(label: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{label}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() < CLOSED_FORM,
            "{label}: got {got:?}, want {want:?}"
        );
    }
}
