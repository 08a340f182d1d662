//! `sattrace importance --method pls` end to end on the ECSI fixture: the JSON
//! sections against seminr's values and a bootstrap independent of threads (the
//! tables and the options it refuses are cases under `cases/`).

use serde_json::Value;

use crate::support::run;

fn reference() -> Value {
    let path = format!(
        "{}/fixtures/ecsi/reference/pls_seminr.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

#[test]
fn pls_json_has_every_section_and_matches_seminr() {
    let (code, out, err) = run(&[
        "importance",
        "fixtures/ecsi",
        "--method",
        "pls",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let want = &reference()["path"];
    assert_eq!(v["schema"], "sattrace.importance/1");
    assert_eq!(v["method"], "pls");
    assert_eq!(v["scheme"], "path");
    assert_eq!(v["outcome"], "satisfaction");
    assert_eq!(v["n"], 250);
    assert_eq!(v["converged"], true);
    assert!((f(&v["r2"]) - 0.681_078_291_389).abs() < 1e-6);
    for section in [
        "paths",
        "outer",
        "total_effects",
        "ipma",
        "reliability",
        "htmt",
    ] {
        assert!(v[section].is_array(), "{section}");
    }
    let paths = v["paths"].as_array().expect("paths");
    for (got, r) in paths.iter().zip(want["paths"].as_array().expect("paths")) {
        assert_eq!((&got["from"], &got["to"]), (&r["from"], &r["to"]));
        assert!((f(&got["coef"]) - f(&r["coef"])).abs() < 1e-6);
    }
    let ipma = v["ipma"].as_array().expect("ipma");
    let want_ipma = want["ipma_satisfaction"].as_array().expect("ipma");
    assert_eq!(ipma.len(), want_ipma.len());
    for (got, r) in ipma.iter().zip(want_ipma) {
        assert_eq!(got["id"], r["id"]);
        assert!((f(&got["importance"]) - f(&r["importance"])).abs() < 1e-6);
        assert!((f(&got["performance"]) - f(&r["performance"])).abs() < 1e-6);
    }
    let drivers = v["drivers"].as_array().expect("drivers");
    let ids: Vec<&str> = drivers.iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(ids, ["image", "expectation", "quality", "value"]);
    assert_eq!(v["outer"].as_array().expect("outer").len(), 24);
    assert_eq!(v["reliability"].as_array().expect("reliability").len(), 7);
    assert_eq!(v["htmt"].as_array().expect("htmt").len(), 21);
}

#[test]
fn pls_bootstrap_is_the_same_for_any_thread_count() {
    let args = |threads: &'static str| {
        [
            "importance",
            "fixtures/ecsi",
            "--method",
            "pls",
            "--format",
            "json",
            "--bootstrap",
            "40",
            "--seed",
            "7",
            "--threads",
            threads,
        ]
    };
    let (code, one, err) = run(&args("1"));
    assert_eq!(code, 0, "{err}");
    let (_, three, _) = run(&args("3"));
    assert_eq!(one, three);
    let v: Value = serde_json::from_str(&one).expect("json");
    assert_eq!(v["bootstrap"]["replicates"], 40);
    for p in v["paths"].as_array().expect("paths") {
        assert!(
            f(&p["ci_low"]) <= f(&p["coef"]) && f(&p["coef"]) <= f(&p["ci_high"]),
            "{p}"
        );
    }
    for d in v["drivers"].as_array().expect("drivers") {
        assert!(d["ci_low"].is_number() && d["ci_high"].is_number(), "{d}");
    }
    // Every other estimate has its interval too, around the estimate.
    let within = |what: &Value, value: &str, ci: &str| {
        let pair = what[ci]
            .as_array()
            .unwrap_or_else(|| panic!("{ci}: {what}"));
        let (lo, hi) = (f(&pair[0]), f(&pair[1]));
        assert!(
            lo <= f(&what[value]) && f(&what[value]) <= hi,
            "{ci}: {what}"
        );
    };
    for c in v["constructs"].as_array().expect("constructs") {
        if c["r2"].is_null() {
            assert!(c["r2_ci"].is_null() && c["adj_r2_ci"].is_null(), "{c}");
        } else {
            within(c, "r2", "r2_ci");
            within(c, "adj_r2", "adj_r2_ci");
        }
    }
    within(&v, "r2", "r2_ci");
    let reliability = v["reliability"].as_array().expect("reliability");
    assert_eq!(reliability.len(), 7);
    for r in reliability {
        within(r, "alpha", "alpha_ci");
        within(r, "rho_c", "rho_c_ci");
        within(r, "ave", "ave_ci");
    }
    let htmt = v["htmt"].as_array().expect("htmt");
    assert_eq!(htmt.len(), 21);
    for h in htmt {
        within(h, "value", "ci");
    }
    let ipma = v["ipma"].as_array().expect("ipma");
    assert_eq!(ipma.len(), 4);
    for p in ipma {
        within(p, "importance", "importance_ci");
        within(p, "performance", "performance_ci");
        assert_eq!(p["importance_ci_includes_zero"], false, "{p}");
    }
    within(
        &v,
        "ipma_outcome_performance",
        "ipma_outcome_performance_ci",
    );
}
