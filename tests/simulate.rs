//! `sattrace::simulate`: determinism, shape, validity and recoverable truth.

use std::collections::BTreeMap;

use sattrace::model::{load_model, Model};
use sattrace::simulate::{load_spec, simulate, SimSpec};
use sattrace::stats::ols;

fn telecom() -> (Model, SimSpec) {
    let model_text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    let model = load_model("fixtures/telecom/model.yaml", &model_text).expect("valid model");
    let spec_text = std::fs::read_to_string("fixtures/telecom/simulate.yaml").expect("spec");
    let spec = load_spec("fixtures/telecom/simulate.yaml", &spec_text, &model).expect("valid spec");
    (model, spec)
}

fn run(model: &Model, spec: &SimSpec, n: usize, seed: u64) -> String {
    let mut out = Vec::new();
    simulate(model, spec, n, seed, &mut out).expect("simulate");
    String::from_utf8(out).expect("utf-8")
}

/// Header and rows split on commas (the simulated values never need quoting).
fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (model, spec) = telecom();
    let a = run(&model, &spec, 300, 7);
    assert_eq!(a, run(&model, &spec, 300, 7));
    assert_ne!(a, run(&model, &spec, 300, 8));
    // Rows do not depend on how many are generated.
    let short = run(&model, &spec, 100, 7);
    assert!(a.starts_with(&short));
}

#[test]
fn header_is_id_segments_wave_weight_items() {
    let (model, spec) = telecom();
    let (header, rows) = table(&run(&model, &spec, 5, 1));
    let expected = [
        "respondent_id",
        "region",
        "wave",
        "weight",
        "q_resp1",
        "q_resp2",
        "q_staff1",
        "q_staff2",
        "q_resol1",
        "q_resol2",
        "q_net1",
        "q_net2",
        "q_net3",
        "q_price1",
        "q_price2",
        "q_brand1",
        "q_brand2",
        "q_service",
        "q_sat1",
        "q_sat2",
        "q_recommend",
        "churned",
    ];
    assert_eq!(header, expected);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[4][0], "5");
}

#[test]
fn values_are_within_their_scales() {
    let (model, spec) = telecom();
    let (header, rows) = table(&run(&model, &spec, 3000, 11));
    let mut missing = 0usize;
    let mut total = 0usize;
    for row in &rows {
        assert_eq!(row.len(), header.len());
        assert!(["华东", "华南"].contains(&row[1].as_str()), "{}", row[1]);
        assert!(
            ["2025H2", "2026H1"].contains(&row[2].as_str()),
            "{}",
            row[2]
        );
        let w: f64 = row[3].parse().expect("weight");
        assert!((0.6..1.6).contains(&w));
        assert_eq!(
            row[3].split('.').nth(1).map(str::len),
            Some(3),
            "3 decimals: {}",
            row[3]
        );
        for (column, value) in header.iter().zip(row).skip(4) {
            total += 1;
            if value == "NA" {
                missing += 1;
                continue;
            }
            assert!(!value.contains('.'), "integers only: {column}={value}");
            let v: f64 = value.parse().expect("number");
            let (lo, hi) = match column.as_str() {
                "q_recommend" => (0.0, 10.0),
                "churned" => (0.0, 1.0),
                _ => (1.0, 5.0),
            };
            assert!(v >= lo && v <= hi, "{column}={v}");
        }
    }
    let rate = missing as f64 / total as f64;
    assert!((0.015..0.025).contains(&rate), "missing rate {rate}");
}

#[test]
fn segment_shares_follow_the_spec() {
    let (model, spec) = telecom();
    let (_, rows) = table(&run(&model, &spec, 20_000, 3));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut waves: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        *counts.entry(row[1].as_str()).or_default() += 1;
        *waves.entry(row[2].as_str()).or_default() += 1;
    }
    let share = |n: usize| n as f64 / rows.len() as f64;
    // Binomial sd at n = 20000 is 0.0035; allow 4 sd.
    assert!((share(counts["华东"]) - 0.55).abs() < 0.014, "{counts:?}");
    assert!((share(counts["华南"]) - 0.45).abs() < 0.014, "{counts:?}");
    assert!((share(waves["2025H2"]) - 0.5).abs() < 0.014, "{waves:?}");
}

#[test]
fn unknown_driver_in_spec_is_located_with_a_suggestion() {
    let (model, _) = telecom();
    let text = std::fs::read_to_string("fixtures/telecom/simulate.yaml")
        .expect("spec")
        .replace("  response_time: 52", "  respons_time: 52");
    let err = load_spec("sim.yaml", &text, &model)
        .expect_err("unknown driver")
        .to_string();
    assert!(
        err.contains("`base` names unknown driver `respons_time`"),
        "{err}"
    );
    assert!(err.starts_with("sim.yaml:"), "{err}");
    assert!(err.contains("did you mean `response_time`?"), "{err}");

    let text = std::fs::read_to_string("fixtures/telecom/simulate.yaml")
        .expect("spec")
        .replace("network: 0.20,", "netwrok: 0.20,");
    let err = load_spec("sim.yaml", &text, &model)
        .expect_err("not an input")
        .to_string();
    assert!(
        err.contains("`netwrok` is not an input of `satisfaction`"),
        "{err}"
    );
    assert!(err.contains("did you mean `network`?"), "{err}");
}

#[test]
fn incomplete_specs_are_errors() {
    let (model, _) = telecom();
    let full = std::fs::read_to_string("fixtures/telecom/simulate.yaml").expect("spec");
    let cases = [
        ("  brand: 74\n", "", "`base` has no level for `brand`"),
        (
            "  churn: {satisfaction: -0.35}",
            "",
            "`effects` has no entry for `churn`",
        ),
        ("share: 0.45", "share: 0.5", "add up to 1.05"),
        (
            "item_noise: 5",
            "item_nosie: 5",
            "unknown field `item_nosie`",
        ),
        (
            "{response_time: -10}",
            "{service: -10}",
            "`shift` names `service`, which has inputs",
        ),
    ];
    for (from, to, message) in cases {
        let text = full.replace(from, to);
        assert_ne!(text, full, "{from}");
        let err = load_spec("sim.yaml", &text, &model)
            .expect_err(message)
            .to_string();
        assert!(err.contains(message), "{err}");
    }
}

/// Per-respondent mean index of `items` (all on `scale_max`-point scales from 0), or
/// `None` if any item is missing.
fn mean_index(row: &[String], columns: &[usize], max: f64) -> Option<f64> {
    let mut sum = 0.0;
    for &c in columns {
        sum += row[c].parse::<f64>().ok()? / max * 100.0;
    }
    Some(sum / columns.len() as f64)
}

#[test]
fn true_effects_are_recovered_up_to_attenuation() {
    let model_text = "\
scale: {min: 0, max: 10}
drivers:
  - id: speed
    items: [s1, s2, s3]
  - id: price
    items: [p1, p2, p3]
  - id: sat
    items: [y1, y2, y3]
    inputs: [speed, price]
    outcome: true
";
    let model = load_model("two.yaml", model_text).expect("model");
    let spec_text = "\
effects:
  sat: {speed: 0.5, price: 0.25}
base: {speed: 50, price: 55}
intercepts: {sat: 15}
noise: {exogenous: 14, endogenous: 8}
item_noise: 9
";
    let spec = load_spec("two-sim.yaml", spec_text, &model).expect("spec");
    let (header, rows) = table(&run(&model, &spec, 20_000, 5));
    let cols = |prefix: &str| -> Vec<usize> {
        (0..header.len())
            .filter(|&i| header[i].starts_with(prefix))
            .collect()
    };
    let (speed, price, sat) = (cols("s"), cols("p"), cols("y"));
    assert_eq!((speed.len(), price.len(), sat.len()), (3, 3, 3));
    let (mut y, mut x1, mut x2) = (Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        y.push(mean_index(row, &sat, 10.0).expect("no missing"));
        x1.push(mean_index(row, &speed, 10.0).expect("no missing"));
        x2.push(mean_index(row, &price, 10.0).expect("no missing"));
    }
    let fit = ols(&y, &[x1, x2], &vec![1.0; y.len()]).expect("ols");
    // Item noise (sd 9) and rounding (sd ≈ 2.9) make each 3-item mean an
    // error-laden measure of its latent driver (reliability ≈ 196 / (196 + 30) ≈ 0.87),
    // so OLS on item means attenuates each effect towards 0 by about that factor.
    // Assert the order of the effects and a plausible attenuation band.
    let truth = [0.5, 0.25];
    println!(
        "estimates {:?} (truth {truth:?}), R² {:.3}",
        fit.coef, fit.r2
    );
    assert!(fit.coef[0] > fit.coef[1], "{:?}", fit.coef);
    for (b, t) in fit.coef.iter().zip(truth) {
        let ratio = b / t;
        assert!(
            (0.6..=1.05).contains(&ratio),
            "estimate {b} for truth {t}: ratio {ratio}"
        );
    }
}

/// The committed example dataset is exactly what the simulator writes for n = 4000,
/// seed 7. Regenerate with `SATTRACE_REGENERATE=1 cargo test --test simulate`.
#[test]
fn committed_telecom_survey_is_reproducible() {
    let (model, spec) = telecom();
    let fresh = run(&model, &spec, 4000, 7);
    let path = "fixtures/telecom/survey.csv";
    if std::env::var_os("SATTRACE_REGENERATE").is_some() {
        std::fs::write(path, &fresh).expect("write survey.csv");
    }
    let committed = std::fs::read_to_string(path).expect("survey.csv");
    assert!(
        committed == fresh,
        "{path} differs from the simulator's output; regenerate it"
    );
}
