//! BCa intervals against SciPy's own BCa on fixed replicates and jackknife values
//! (`fixtures/reference/bca.py` → `bca_expected.json`).

use sattrace::importance::interval::{acceleration, bca, bca_levels, percentile};
use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string("fixtures/reference/bca_expected.json").expect("reference");
    serde_json::from_str(&text).expect("json")
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn check(case: &Value, level: f64) {
    let estimate = case["estimate"].as_f64().expect("estimate");
    let replicates = numbers(&case["replicates"]);
    let jack: Vec<Vec<f64>> = case["jackknife"]
        .as_array()
        .expect("jackknife")
        .iter()
        .map(numbers)
        .collect();
    let slices: Vec<&[f64]> = jack.iter().map(Vec::as_slice).collect();
    let a = acceleration(&slices);
    let want_a = case["acceleration"].as_f64().expect("a");
    assert!(
        (a - want_a).abs() < 1e-12,
        "acceleration {a} vs SciPy {want_a}"
    );

    let mut sorted = replicates.clone();
    sorted.sort_by(f64::total_cmp);
    let (l1, l2) = bca_levels(&sorted, estimate, a, level);
    let levels = numbers(&case["levels"]);
    assert!((l1 - levels[0]).abs() < 1e-12 && (l2 - levels[1]).abs() < 1e-12);

    let (lo, hi) = bca(&replicates, estimate, a, level);
    let want = numbers(&case["bca"]);
    assert!((lo - want[0]).abs() < 1e-9, "low {lo} vs SciPy {}", want[0]);
    assert!(
        (hi - want[1]).abs() < 1e-9,
        "high {hi} vs SciPy {}",
        want[1]
    );

    let (plo, phi) = percentile(&replicates, level);
    let want = numbers(&case["percentile"]);
    assert!((plo - want[0]).abs() < 1e-9 && (phi - want[1]).abs() < 1e-9);
    // The reference cases are skewed enough that BCa really moves the interval.
    assert!((lo - plo).abs() > 0.1);
}

#[test]
fn bca_matches_scipy_on_one_sample() {
    let r = reference();
    check(
        &r["one_sample_variance"],
        r["level"].as_f64().expect("level"),
    );
}

#[test]
fn bca_matches_scipy_on_a_two_sample_difference() {
    let r = reference();
    check(
        &r["two_sample_variance_difference"],
        r["level"].as_f64().expect("level"),
    );
}
