//! What sattrace promises must come true: `whatif` against the true counterfactual
//! (the same simulated respondents re-simulated with the driver's latent moved), for
//! a mean outcome, NPS and a rate, on the whole sample and per segment, at item
//! reliability α ≈ 0.7, 0.8 and 0.9 with 2–4 items per node. Figures are printed
//! (`--nocapture`) and recorded in docs/whatif.md.

use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use sattrace::simulate::{load_spec, simulate_shifted, LatentShift};
use sattrace::whatif::{diff, scenario_from_flags, what_if};

/// Two channels whose true root causes differ (price matters more on the web).
fn model(items: usize) -> String {
    let list = |p: &str| {
        (1..=items)
            .map(|i| format!("{p}{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "scale: {{min: 0, max: 10}}
segments: [channel]
drivers:
  - {{id: speed, items: [{}]}}
  - {{id: price, items: [{}]}}
  - {{id: service, items: [{}], inputs: [speed]}}
  - {{id: sat, items: [{}], inputs: [service, price], outcome: true}}
  - {{id: nps, items: [rec], metric: nps, inputs: [sat], outcome: true}}
  - {{id: stay, items: [kept], metric: rate, scale: {{min: 0, max: 1}}, inputs: [sat], outcome: true}}
",
        list("s"),
        list("p"),
        list("v"),
        list("y")
    )
}

/// Item noise for a target α of a `k`-item mean of a latent with sd 14 (0–10 items
/// round to whole points: ≈ 2.9 index points of rounding noise, counted in).
fn item_noise(alpha: f64, k: usize) -> f64 {
    let k = k as f64;
    let per_item = alpha / (k - (k - 1.0) * alpha);
    let error = 196.0 * (1.0 - per_item) / per_item - 8.3;
    error.max(0.0).sqrt()
}

fn spec(noise: f64) -> String {
    format!(
        "effects:
  service: {{speed: 0.7}}
  sat: {{service: 0.5, price: 0.2}}
  nps: {{sat: 1.2}}
  stay: {{sat: 0.8}}
base: {{speed: 50, price: 55}}
intercepts: {{service: 15, sat: 10, nps: 5, stay: 20}}
noise: {{exogenous: 14, endogenous: 6}}
item_noise: {noise}
segments:
  channel:
    app: {{share: 0.5}}
    web: {{share: 0.5, effects: {{sat: {{service: 0.3, price: 0.45}}}}}}
"
    )
}

struct Setup {
    model: Model,
    graph: DriverGraph,
}

fn read(setup: &Setup, csv: &[u8]) -> (Survey, Analysis) {
    let options = IngestOptions {
        keep_respondents: true,
        item_moments: true,
        ..IngestOptions::default()
    };
    let survey =
        ingest(&setup.model, setup.graph.order(), "sim.csv", csv, &options).expect("ingest");
    let analysis = analyze(
        &setup.model,
        &setup.graph,
        &survey,
        &AnalysisOptions::default(),
    )
    .expect("analysis");
    (survey, analysis)
}

fn score(analysis: &Analysis, segment: &str, node: usize) -> f64 {
    analysis
        .latest()
        .find(|s| s.key.name() == segment)
        .and_then(|s| s.scores[node].as_ref())
        .expect("score")
        .index
}

#[test]
fn whatif_is_within_10_percent_of_the_true_counterfactual() {
    // Worst relative error of a mean outcome / NPS, and of the rate.
    let mut worst: f64 = 0.0;
    let mut worst_rate: f64 = 0.0;
    for (alpha, items) in [(0.7, 4), (0.8, 3), (0.9, 2)] {
        let model = load_model("m.yaml", &model(items)).expect("model");
        let graph = DriverGraph::build(&model).expect("graph");
        let spec = load_spec("s.yaml", &spec(item_noise(alpha, items)), &model).expect("spec");
        let setup = Setup { model, graph };
        // Rates are 0/1 per respondent: both the estimated effect and the true
        // counterfactual carry binomial noise (±7 % at 8,000 rows), hence 30,000.
        let n = 30_000;
        let mut base = Vec::new();
        simulate_shifted(&setup.model, &spec, n, 11, &[], &mut base).expect("simulate");
        let (survey, analysis) = read(&setup, &base);
        for (driver, filter, segment) in [
            ("speed", None, "all"),
            ("price", None, "all"),
            ("price", Some("web"), "channel=web"),
            ("speed", Some("app"), "channel=app"),
        ] {
            let node = setup.model.node_index(driver).expect("driver");
            let shift = LatentShift {
                node,
                delta: 10.0,
                filter: filter
                    .map(|v| vec![("channel".to_string(), v.to_string())])
                    .unwrap_or_default(),
            };
            let mut moved = Vec::new();
            simulate_shifted(&setup.model, &spec, n, 11, &[shift], &mut moved).expect("simulate");
            let (_, truth) = read(&setup, &moved);
            let wheres: Vec<String> = filter.map(|v| format!("channel={v}")).into_iter().collect();
            let scenario = scenario_from_flags(
                &setup.model,
                None,
                &[],
                &[format!("{driver}=+1.0")],
                &wheres,
            )
            .expect("scenario");
            let run = what_if(
                &setup.model,
                &setup.graph,
                &survey,
                &analysis,
                &scenario,
                0.95,
            )
            .expect("whatif");
            let d = diff(&setup.model, &analysis, &run.after, &[], &[]);
            for outcome in ["sat", "nps", "stay"] {
                let o = setup.model.node_index(outcome).expect("outcome");
                let true_change = score(&truth, segment, o) - score(&analysis, segment, o);
                let predicted = d
                    .segments
                    .iter()
                    .find(|s| s.key.name() == segment)
                    .expect("segment")
                    .nodes[o]
                    .index_change;
                let error = (predicted - true_change) / true_change;
                println!(
                    "alpha {alpha} items {items}: {driver} +1 in {segment}: {outcome} predicted {predicted:+.3}, true {true_change:+.3}, error {:+.1}%",
                    error * 100.0
                );
                if outcome == "stay" {
                    worst_rate = worst_rate.max(error.abs());
                } else {
                    worst = worst.max(error.abs());
                }
            }
        }
    }
    println!(
        "worst relative error: mean and NPS {:.1}%, rate {:.1}%",
        worst * 100.0,
        worst_rate * 100.0
    );
    assert!(worst < 0.10, "worst relative error {worst}");
    // The generator's rate is a linear probability (clamped), what-if's a logistic
    // latent: at α 0.7 the what-if is 8–14 % short for a 1-point shift (see
    // docs/whatif.md); the bound says so rather than hide it.
    assert!(
        worst_rate < 0.15,
        "worst relative error of the rate {worst_rate}"
    );
}
