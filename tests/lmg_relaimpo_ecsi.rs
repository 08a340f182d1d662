//! LMG and its companions on the ECSI data against R relaimpo's `calc.relimp`
//! (`fixtures/ecsi/reference/lmg_relaimpo.R`, which records the R and relaimpo
//! versions): `lmg` against sattrace's exact LMG, `first` against the squared
//! correlation, `last` against dominance's conditional contribution with all other
//! drivers in the model, `betasq` against the squared standardized beta. Closed
//! forms on the same node scores, so they match to 1e-6.

use sattrace::data::IngestOptions;
use sattrace::importance::{estimate, Correlations, EstimateOptions, Importance, Method};
use serde_json::Value;

const TOL: f64 = 1e-6;

#[path = "support/ecsi.rs"]
mod ecsi;
use ecsi::{close, fixture, numbers};

fn run(method: Method, c: &Correlations) -> Importance {
    estimate(method, c, &EstimateOptions::default()).expect("estimate")
}

#[test]
fn relaimpo_calc_relimp_matches() {
    let (model, survey) = ecsi::ingest_ecsi(&IngestOptions::default());
    let total = survey.total();
    let reference: Value =
        serde_json::from_str(&fixture("reference/lmg_relaimpo.json")).expect("json");
    assert!(reference["source"]
        .as_str()
        .is_some_and(|s| s.contains("relaimpo")));
    let cases = reference["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2);
    for case in cases {
        let index = |id: &Value| model.node_index(id.as_str().expect("id")).expect("node");
        let y = index(&case["outcome"]);
        let x: Vec<usize> = case["drivers"]
            .as_array()
            .expect("drivers")
            .iter()
            .map(index)
            .collect();
        let c = Correlations::from_moments(&total.complete, y, &x).expect("correlations");
        assert_eq!(total.complete.n, case["n"].as_u64().expect("n"));
        let lmg = run(Method::Lmg, &c);
        assert!((lmg.r2 - case["r2"].as_f64().expect("r2")).abs() < TOL);
        close("lmg", &lmg.importance, &numbers(&case["lmg"]));
        let squared = |v: &[f64]| v.iter().map(|r| r * r).collect::<Vec<_>>();
        close(
            "first",
            &squared(&run(Method::Corr, &c).importance),
            &numbers(&case["first"]),
        );
        close(
            "betasq",
            &squared(&run(Method::Beta, &c).importance),
            &numbers(&case["betasq"]),
        );
        let dominance = run(Method::Dominance, &c).dominance.expect("dominance");
        let p = x.len();
        let last: Vec<f64> = (0..p)
            .map(|j| dominance.conditional[j * p + p - 1])
            .collect();
        close("last", &last, &numbers(&case["last"]));
    }
}
