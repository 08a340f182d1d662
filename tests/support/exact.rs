//! Data with an exactly known answer, shared by the analysis and what-if tests: a
//! linear model on 0–100 scales, so OLS recovers the true effects to rounding error.

#![allow(dead_code, reason = "each test binary uses a different part")]

use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};

pub const MODEL: &str = "\
name: exact
scale: {min: 0, max: 100}
segments: [region]
wave: wave
drivers:
  - {id: x1, items: [a], target: 80}
  - {id: x2, items: [b], target: 50}
  - {id: y, items: [c], inputs: [x1, x2]}
  - {id: z, items: [d], inputs: [y], outcome: true, target: 90}
";

/// y = 10 + 0.5·x1 + 0.3·x2 and z = 5 + 0.8·y exactly; x1, x2 spread over 20–80.
pub fn csv() -> String {
    let mut text = String::from("region,wave,a,b,c,d\n");
    for i in 0..400u32 {
        let x1 = 20.0 + f64::from((i * 37) % 61);
        let x2 = 20.0 + f64::from((i * 53) % 59);
        let y = 10.0 + 0.5 * x1 + 0.3 * x2;
        let z = 5.0 + 0.8 * y;
        let region = if i % 4 == 0 { "south" } else { "north" };
        let wave = if i < 200 { "W1" } else { "W2" };
        text.push_str(&format!("{region},{wave},{x1},{x2},{y},{z}\n"));
    }
    text
}

/// The model, its graph, the ingested survey and the default analysis.
pub fn setup() -> (Model, DriverGraph, Survey, Analysis) {
    let model = load_model("model.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        csv().as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    (model, graph, survey, analysis)
}
