//! Simulator truth for decisions: per-segment effects and counterfactual
//! re-simulation of the same respondents (`simulate_shifted`).

use sattrace::model::load_model;
use sattrace::simulate::{load_spec, simulate, simulate_shifted, LatentShift};
use sattrace::stats::ols;

const MODEL: &str = "\
scale: {min: 0, max: 10}
segments: [channel]
drivers:
  - id: speed
    items: [s1, s2]
  - id: price
    items: [p1, p2]
  - id: sat
    items: [y1, y2]
    inputs: [speed, price]
    outcome: true
";

/// Speed drives satisfaction in the app, price on the web.
const SPEC: &str = "\
effects:
  sat: {speed: 0.5, price: 0.1}
base: {speed: 50, price: 55}
intercepts: {sat: 15}
noise: {exogenous: 14, endogenous: 4}
item_noise: 0
segments:
  channel:
    app: {share: 0.5}
    web: {share: 0.5, effects: {sat: {speed: 0.1, price: 0.5}}}
";

fn run(shifts: &[LatentShift], n: usize) -> Vec<Vec<String>> {
    let model = load_model("m.yaml", MODEL).expect("model");
    let spec = load_spec("s.yaml", SPEC, &model).expect("spec");
    let mut out = Vec::new();
    simulate_shifted(&model, &spec, n, 3, shifts, &mut out).expect("simulate");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

fn mean2(row: &[String], a: usize) -> f64 {
    (row[a].parse::<f64>().expect("n") + row[a + 1].parse::<f64>().expect("n")) * 5.0
}

#[test]
fn no_shift_is_byte_identical_to_simulate() {
    let model = load_model("m.yaml", MODEL).expect("model");
    let spec = load_spec("s.yaml", SPEC, &model).expect("spec");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    simulate(&model, &spec, 500, 3, &mut a).expect("simulate");
    simulate_shifted(&model, &spec, 500, 3, &[], &mut b).expect("simulate");
    assert_eq!(a, b);
    let zero = LatentShift {
        node: 0,
        delta: 0.0,
        filter: vec![],
    };
    let mut c = Vec::new();
    simulate_shifted(&model, &spec, 500, 3, &[zero], &mut c).expect("simulate");
    assert_eq!(a, c);
}

#[test]
fn segments_have_their_own_true_effects() {
    let rows = run(&[], 20_000);
    for (channel, speed_effect, price_effect) in [("app", 0.5, 0.1), ("web", 0.1, 0.5)] {
        let (mut y, mut x1, mut x2) = (Vec::new(), Vec::new(), Vec::new());
        for row in rows.iter().filter(|r| r[1] == channel) {
            x1.push(mean2(row, 2));
            x2.push(mean2(row, 4));
            y.push(mean2(row, 6));
        }
        let fit = ols(&y, &[x1, x2], &vec![1.0; y.len()]).expect("ols");
        // Rounding to whole items is the only measurement error here.
        assert!(
            (fit.coef[0] - speed_effect).abs() < 0.05,
            "{channel}: {:?}",
            fit.coef
        );
        assert!(
            (fit.coef[1] - price_effect).abs() < 0.05,
            "{channel}: {:?}",
            fit.coef
        );
    }
}

#[test]
fn a_shift_moves_the_same_respondents_and_only_downstream() {
    let base = run(&[], 4000);
    // +10 index points of price, on the web only.
    let shift = LatentShift {
        node: 1,
        delta: 10.0,
        filter: vec![("channel".into(), "web".into())],
    };
    let moved = run(&[shift], 4000);
    let (mut d_price, mut d_sat, mut n) = (0.0, 0.0, 0.0);
    for (a, b) in base.iter().zip(&moved) {
        // Same respondent: id, channel and the unshifted driver are unchanged.
        assert_eq!(a[..4], b[..4]);
        if a[1] == "app" {
            assert_eq!(a, b);
        } else {
            d_price += mean2(b, 4) - mean2(a, 4);
            d_sat += mean2(b, 6) - mean2(a, 6);
            n += 1.0;
        }
    }
    let (d_price, d_sat) = (d_price / n, d_sat / n);
    // Up to rounding and clamping at the scale ends: +10 on price, +0.5 × 10 on sat.
    assert!((d_price - 10.0).abs() < 0.6, "{d_price}");
    assert!((d_sat - 5.0).abs() < 0.6, "{d_sat}");
}

#[test]
fn a_segment_effect_on_a_node_without_inputs_is_an_error() {
    let model = load_model("m.yaml", MODEL).expect("model");
    let bad = SPEC.replace("effects: {sat: {speed: 0.1", "effects: {speed: {sat: 0.1");
    let err = load_spec("s.yaml", &bad, &model).expect_err("no inputs");
    assert!(err.to_string().contains("no inputs"), "{err}");
}
