//! The ECSI fixture (`fixtures/ecsi`) as the reference tests read it.

use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};

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
