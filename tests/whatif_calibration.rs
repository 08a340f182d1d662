//! The latent response of NPS and rates, and the clamped response of a mean node
//! with respondents at its top, are calibrated over the respondents they are
//! applied to: a small shift moves the outcome by exactly the linear effect, and a
//! scenario that moves nothing changes nothing (docs/whatif.md).

use proptest::prelude::*;
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use sattrace::whatif::{diff, scenario_from_flags, what_if};

const MODEL: &str = "\
name: latent
scale: {min: 0, max: 100}
segments: [region]
drivers:
  - {id: x, items: [a]}
  - {id: rec, items: [r], metric: nps, scale: {min: 0, max: 10}, inputs: [x], outcome: true}
  - {id: stay, items: [s], metric: rate, scale: {min: 0, max: 1}, inputs: [x], outcome: true}
  - {id: y, items: [m], inputs: [x], outcome: true}
";

/// A deterministic pseudo-random stream (splitmix64), so the data need no crate.
fn next(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// x spread over 10–90; the recommend item, the 0/1 rate and the 0–100 mean item
/// follow x with noise (the mean item is clamped at 100, where about a quarter of
/// the respondents sit).
fn setup(seed: u64, rows: usize) -> (Model, DriverGraph, Survey, Analysis) {
    let mut state = seed;
    let mut text = String::from("region,a,r,s,m\n");
    for i in 0..rows {
        let x = 10.0 + (80.0 * next(&mut state)).round();
        let r = ((x / 10.0) + 3.0 * (next(&mut state) - 0.5) * 2.0)
            .round()
            .clamp(0.0, 10.0);
        let p = (0.1 + 0.8 * x / 100.0).clamp(0.0, 1.0);
        let s = u8::from(next(&mut state) < p);
        let m = (x + 25.0 + 40.0 * (next(&mut state) - 0.5))
            .round()
            .clamp(0.0, 100.0);
        let region = if i % 3 == 0 { "south" } else { "north" };
        text.push_str(&format!("{region},{x},{r},{s},{m}\n"));
    }
    let model = load_model("m.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let survey = ingest(
        &model,
        graph.order(),
        "d.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    (model, graph, survey, analysis)
}

fn change(
    (model, graph, survey, analysis): &(Model, DriverGraph, Survey, Analysis),
    shift: &str,
    filter: &[String],
    segment: &str,
    id: &str,
) -> f64 {
    let scenario =
        scenario_from_flags(model, None, &[], &[shift.to_string()], filter).expect("scenario");
    let run = what_if(model, graph, survey, analysis, &scenario, 0.95).expect("run");
    let d = diff(model, analysis, &run.after, &[], &[]);
    let node = model.node_index(id).expect("node");
    d.segments
        .iter()
        .find(|s| s.key.name() == segment)
        .expect("segment")
        .nodes[node]
        .index_change
}

fn effect(analysis: &Analysis, segment: &str, model: &Model, id: &str) -> f64 {
    let slice = analysis
        .latest()
        .find(|s| s.key.name() == segment)
        .expect("slice");
    slice.effect(0, model.node_index(id).expect("node"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// d(outcome)/d(shift) at 0 is the slice's linear effect, for NPS, a rate and a
    /// mean node with respondents at its top, on the whole sample and on a segment
    /// (with its own effects).
    #[test]
    fn small_shift_equals_the_linear_effect(seed in 0u64..1000) {
        let data = setup(seed, 300);
        // One-sided, so the curvature (second order) stays below 1e-6 relative.
        let delta = 1e-5;
        for id in ["rec", "stay", "y"] {
            let whole = change(&data, &format!("x=+{delta}"), &[], "all", id);
            let linear = effect(&data.3, "all", &data.0, id) * delta;
            prop_assert!(((whole - linear) / linear).abs() < 1e-6, "{id}: {whole} vs {linear}");
            let south = change(&data, &format!("x=+{delta}"), &["region=south".into()], "region=south", id);
            let linear = effect(&data.3, "region=south", &data.0, id) * delta;
            prop_assert!(((south - linear) / linear).abs() < 1e-6, "{id} south: {south} vs {linear}");
        }
    }

    #[test]
    fn zero_scenario_is_zero_change(seed in 0u64..1000) {
        let data = setup(seed, 120);
        for id in ["rec", "stay", "x"] {
            prop_assert_eq!(change(&data, "x=0", &[], "all", id), 0.0);
            prop_assert_eq!(change(&data, "x=-0", &["region=north".into()], "region=north", id), 0.0);
        }
    }
}

/// Larger shifts curve: sure promoters and sure stayers cannot gain, so the
/// response to a large shift is less than linear, never more.
#[test]
fn large_shifts_bend_below_the_linear_effect() {
    let data = setup(5, 400);
    let linear = effect(&data.3, "all", &data.0, "stay") * 40.0;
    let moved = change(&data, "x=+40", &[], "all", "stay");
    assert!(moved > 0.0 && moved < linear, "{moved} vs {linear}");
}
