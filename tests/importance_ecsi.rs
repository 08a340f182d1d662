//! Importance on the ECSI mobile phone data against independent implementations:
//! statsmodels (R², betas, VIF), relativeImp (relative weights), dominance-analysis
//! (dominance), base R lm() over all subsets (LMG). The reference JSON files are
//! produced by the scripts in `fixtures/ecsi/reference/`; closed forms match to 1e-6.

use sattrace::data::IngestOptions;
use sattrace::importance::{estimate, Correlations, EstimateOptions, Method};
use serde_json::Value;

const TOL: f64 = 1e-6;

#[path = "support/ecsi.rs"]
mod ecsi;
use ecsi::{close, fixture, numbers};

/// The correlations of each reference case, from sattrace's own ingest.
fn cases(reference: &str) -> Vec<(Value, Correlations)> {
    let options = IngestOptions {
        keep_respondents: false,
        ..IngestOptions::default()
    };
    let (model, survey) = ecsi::ingest_ecsi(&options);
    let total = survey.total();
    let json: Value = serde_json::from_str(&fixture(reference)).expect("json");
    json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let index = |id: &Value| model.node_index(id.as_str().expect("id")).expect("node");
            let y = index(&case["outcome"]);
            let x: Vec<usize> = case["drivers"]
                .as_array()
                .expect("drivers")
                .iter()
                .map(index)
                .collect();
            let c = Correlations::from_moments(&total.complete, y, &x).expect("correlations");
            (case.clone(), c)
        })
        .collect()
}

fn run(method: Method, c: &Correlations) -> sattrace::importance::Importance {
    estimate(method, c, &EstimateOptions::default()).expect("estimate")
}

#[test]
fn python_references() {
    let all = cases("reference/importance_python.json");
    assert_eq!(all.len(), 2);
    for (case, c) in &all {
        let corr = run(Method::Corr, c);
        assert!((corr.r2 - case["r2"].as_f64().expect("r2")).abs() < TOL);
        close("corr", &corr.importance, &numbers(&case["corr"]));
        let beta = run(Method::Beta, c);
        close("beta", &beta.importance, &numbers(&case["beta"]));
        close("vif", &beta.vif.expect("vif"), &numbers(&case["vif"]));
        let rw = run(Method::Relweights, c);
        close("relweights", &rw.importance, &numbers(&case["relweights"]));
        let dom = run(Method::Dominance, c);
        close(
            "general",
            &dom.importance,
            &numbers(&case["dominance_general"]),
        );
        let d = dom.dominance.expect("dominance");
        let p = c.p;
        let at = |s: usize| -> Vec<f64> { (0..p).map(|j| d.conditional[j * p + s]).collect() };
        close(
            "individual",
            &at(0),
            &numbers(&case["dominance_individual"]),
        );
        close(
            "interactional",
            &at(p - 1),
            &numbers(&case["dominance_interactional"]),
        );
        let partial: Vec<f64> = (0..p)
            .map(|j| (1..p - 1).map(|s| d.conditional[j * p + s]).sum::<f64>() / (p - 2) as f64)
            .collect();
        close(
            "average partial",
            &partial,
            &numbers(&case["dominance_average_partial"]),
        );
    }
}

#[test]
fn r_lmg_reference() {
    for (case, c) in cases("reference/lmg_r.json") {
        let lmg = run(Method::Lmg, &c);
        assert!((lmg.r2 - case["r2"].as_f64().expect("r2")).abs() < TOL);
        close("lmg", &lmg.importance, &numbers(&case["lmg"]));
        let sum: f64 = lmg.importance.iter().sum();
        assert!((sum - lmg.r2).abs() < 1e-12);
    }
}
