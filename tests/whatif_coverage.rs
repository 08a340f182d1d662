//! Do the what-if intervals cover the truth? On data simulated from a known latent
//! model, for many seeds: the 90 % bootstrap interval of a what-if change against
//! the true counterfactual change (the same respondents re-simulated with the
//! driver's latent moved, `simulate --shift`). Intervals far too narrow cover
//! rarely and fail the test; intervals far too wide fail the width check. The
//! figures are printed (`--nocapture`) and recorded in docs/whatif.md.

mod support;

use support::read_simulated;

use sattrace::analysis::{Analysis, AnalysisOptions, SliceKey};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;
use sattrace::simulate::{load_spec, simulate_shifted, LatentShift, SimSpec};
use sattrace::whatif::{change_intervals, scenario_from_flags, Bootstrap, ChangeIntervals};

/// Three items per node (α ≈ 0.8), two channels whose effects differ.
const MODEL: &str = "scale: {min: 0, max: 10}
segments: [channel]
drivers:
  - {id: speed, items: [s1, s2, s3]}
  - {id: price, items: [p1, p2, p3]}
  - {id: service, items: [v1, v2, v3], inputs: [speed]}
  - {id: sat, items: [y1, y2, y3], inputs: [service, price], outcome: true}
  - {id: nps, items: [rec], metric: nps, inputs: [sat], outcome: true}
";

const SPEC: &str = "effects:
  service: {speed: 0.7}
  sat: {service: 0.5, price: 0.2}
  nps: {sat: 1.2}
base: {speed: 50, price: 55}
intercepts: {service: 15, sat: 10, nps: 5}
noise: {exogenous: 14, endogenous: 6}
item_noise: 11.5
segments:
  channel:
    app: {share: 0.5}
    web: {share: 0.5, effects: {sat: {service: 0.3, price: 0.45}}}
";

const SEEDS: u64 = 50;
const ROWS: usize = 1000;
const REPLICATES: usize = 60;
const LEVEL: f64 = 0.9;

fn score(analysis: &Analysis, segment: &SliceKey, node: usize) -> f64 {
    analysis
        .latest()
        .find(|s| s.key == *segment)
        .and_then(|s| s.scores[node].as_ref())
        .expect("score")
        .score
}

/// A scenario and mode: driver, channel, from the moments only.
type Scenario = (&'static str, Option<&'static str>, bool);

struct Case {
    driver: &'static str,
    channel: Option<&'static str>,
    outcome: &'static str,
    /// From the cells' moments only (`--moments`: parametric bootstrap).
    moments: bool,
    covered: u64,
    width: f64,
    truth: f64,
}

#[test]
fn whatif_intervals_cover_the_true_change_near_the_nominal_rate() {
    let model = load_model("m.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let spec: SimSpec = load_spec("s.yaml", SPEC, &model).expect("spec");
    let mut cases = vec![
        ("speed", None, "sat", false),
        ("speed", None, "nps", false),
        ("price", Some("web"), "sat", false),
        ("speed", None, "sat", true),
        ("speed", None, "nps", true),
    ]
    .into_iter()
    .map(|(driver, channel, outcome, moments)| Case {
        driver,
        channel,
        outcome,
        moments,
        covered: 0,
        width: 0.0,
        truth: 0.0,
    })
    .collect::<Vec<_>>();
    for seed in 1..=SEEDS {
        let mut base = Vec::new();
        simulate_shifted(&model, &spec, ROWS, seed, &[], &mut base).expect("simulate");
        let (survey, analysis) = read_simulated(&model, &graph, &base);
        let mut table = survey.clone();
        table.respondents = None;
        // One bootstrap per scenario and mode, shared by its outcomes.
        let mut done: Vec<(Scenario, ChangeIntervals)> = Vec::new();
        for case in &mut cases {
            let node = model.node_index(case.driver).expect("driver");
            let filter: Vec<(String, String)> = case
                .channel
                .map(|c| vec![("channel".to_string(), c.to_string())])
                .unwrap_or_default();
            let shift = LatentShift {
                node,
                delta: 10.0,
                filter: filter.clone(),
            };
            let mut moved = Vec::new();
            simulate_shifted(&model, &spec, ROWS, seed, &[shift], &mut moved).expect("simulate");
            let (_, truth) = read_simulated(&model, &graph, &moved);
            let key = match case.channel {
                Some(c) => SliceKey {
                    column: "channel".into(),
                    value: c.into(),
                },
                None => SliceKey::all(),
            };
            let o = model.node_index(case.outcome).expect("outcome");
            let true_change = score(&truth, &key, o) - score(&analysis, &key, o);
            let id = (case.driver, case.channel, case.moments);
            if let Some((_, intervals)) = done.iter().find(|(k, _)| *k == id) {
                let (low, high) = intervals.of(&key, o).expect("interval");
                if low <= true_change && true_change <= high {
                    case.covered += 1;
                }
                case.width += high - low;
                case.truth += true_change;
                continue;
            }
            let wheres: Vec<String> = filter.iter().map(|(c, v)| format!("{c}={v}")).collect();
            let scenario = scenario_from_flags(
                &model,
                None,
                &[],
                &[format!("{}=+1.0", case.driver)],
                &wheres,
            )
            .expect("scenario");
            let boot = Bootstrap {
                replicates: REPLICATES,
                seed: 1000 + seed,
                level: LEVEL,
            };
            let intervals = change_intervals(
                &model,
                &graph,
                if case.moments { &table } else { &survey },
                &AnalysisOptions::default(),
                &scenario,
                &boot,
            )
            .expect("intervals");
            assert_eq!(intervals.parametric, case.moments);
            let (low, high) = intervals.of(&key, o).expect("interval");
            if low <= true_change && true_change <= high {
                case.covered += 1;
            }
            case.width += high - low;
            case.truth += true_change;
            done.push((id, intervals));
        }
    }
    for case in &cases {
        let rate = case.covered as f64 / SEEDS as f64;
        let width = case.width / SEEDS as f64;
        let truth = case.truth / SEEDS as f64;
        println!(
            "{} +1{}{}: {} — {:.0} % of {SEEDS} {:.0} % intervals cover the true change (mean true change {truth:+.3}, mean width {width:.3})",
            case.driver,
            case.channel.map(|c| format!(" on {c}")).unwrap_or_default(),
            if case.moments { " (moments)" } else { "" },
            case.outcome,
            rate * 100.0,
            LEVEL * 100.0
        );
        assert!(
            rate >= 0.8,
            "{} → {} (moments: {}): coverage {rate} of nominal {LEVEL}",
            case.driver,
            case.outcome,
            case.moments
        );
        // Not trivially wide: the interval is narrower than the change itself.
        assert!(
            width < truth.abs(),
            "{} → {}: mean width {width} against a change of {truth}",
            case.driver,
            case.outcome
        );
    }
}

/// The same seed gives the same intervals (each replicate has its own random
/// stream, whatever the threads do); another seed gives other ones.
#[test]
fn intervals_are_deterministic_by_seed() {
    let model = load_model("m.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let spec: SimSpec = load_spec("s.yaml", SPEC, &model).expect("spec");
    let mut csv = Vec::new();
    simulate_shifted(&model, &spec, 400, 7, &[], &mut csv).expect("simulate");
    let (survey, _) = read_simulated(&model, &graph, &csv);
    let scenario =
        scenario_from_flags(&model, None, &[], &["speed=+1".to_string()], &[]).expect("scenario");
    let run = |seed: u64| {
        let boot = Bootstrap {
            replicates: 20,
            seed,
            level: LEVEL,
        };
        change_intervals(
            &model,
            &graph,
            &survey,
            &AnalysisOptions::default(),
            &scenario,
            &boot,
        )
        .expect("intervals")
    };
    let (a, b, c) = (run(5), run(5), run(6));
    assert_eq!(a, b);
    assert_ne!(a.segments, c.segments);
    let sat = model.node_index("sat").expect("sat");
    let (low, high) = a.of(&SliceKey::all(), sat).expect("interval");
    assert!(low < high, "{low} {high}");
}
