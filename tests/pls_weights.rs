//! Survey weights in PLS path modeling, checked without a reference implementation:
//! with integer weights, the weighted fit must equal the unweighted fit on the data
//! with each row written out `w` times (seminr, which has no weights, matches the
//! unweighted fit in `tests/pls_ecsi.rs`). Library level here; the CLI's weight
//! column in `tests/cli/pls_data.rs`.

use sattrace::data::{IngestOptions, ItemRows};
use sattrace::importance::pls::{
    complete_rows, estimate, estimate_on_moments, htmt, htmt_on_moments, ipma, ipma_on_moments,
    reliability, reliability_on_moments, ItemCovariance, Matrix, PathModel, PlsOptions, Scheme,
};
use sattrace::model::Model;

const TOL: f64 = 1e-10;

#[path = "support/ecsi.rs"]
mod ecsi;

fn load() -> (Model, ItemRows) {
    let options = IngestOptions {
        keep_items: true,
        ..IngestOptions::default()
    };
    let (model, survey) = ecsi::ingest_ecsi(&options);
    (model, survey.items.expect("items kept"))
}

/// 1, 2 or 3 by a fixed pattern: far from uniform, so weighting changes the fit.
fn weights(n: usize) -> Vec<f64> {
    (0..n).map(|i| 1.0 + ((i * 7 + i / 5) % 3) as f64).collect()
}

fn repeated(data: &Matrix, w: &[f64]) -> Matrix {
    let mut long = Matrix::zeros(0, data.cols);
    for (r, &times) in w.iter().enumerate() {
        for _ in 0..times as usize {
            long.data.extend_from_slice(data.row(r));
            long.rows += 1;
        }
    }
    long
}

fn close(label: &str, a: f64, b: f64) {
    assert!((a - b).abs() < TOL, "{label}: {a} vs {b}");
}

#[test]
fn integer_weights_equal_repeated_rows_for_every_estimate() {
    let (model, items) = load();
    let scales: Vec<(f64, f64)> = vec![(1.0, 10.0); items.width()];
    let data = complete_rows(&items);
    let w = weights(data.rows);
    let long = repeated(&data, &w);
    for (scheme, formative) in [
        (Scheme::Path, vec![]),
        (Scheme::Factor, vec![]),
        (Scheme::Centroid, vec!["image".to_string()]),
    ] {
        let name = format!("{scheme:?} {formative:?}");
        let pm = PathModel::from_model(&model, &items, &formative).expect("path model");
        let options = PlsOptions {
            scheme,
            ..PlsOptions::default()
        };
        let cov = ItemCovariance::from_rows(&data, Some(&w));
        let weighted = estimate_on_moments(&pm, &cov, &options).expect("weighted fit");
        let plain = estimate(&pm, &long, &options).expect("fit on repeated rows");
        assert_eq!(weighted.n, 250);
        assert_eq!(plain.n as f64, w.iter().sum::<f64>());
        for (a, b) in weighted.outer.iter().zip(&plain.outer) {
            close(&format!("{name} weight"), a.weight, b.weight);
            close(&format!("{name} loading"), a.loading, b.loading);
        }
        for (a, b) in weighted.paths.iter().zip(&plain.paths) {
            close(&format!("{name} path"), a.coef, b.coef);
        }
        for (a, b) in weighted.r2.iter().zip(&plain.r2) {
            close(
                &format!("{name} r2"),
                a.map_or(0.0, |r| r.0),
                b.map_or(0.0, |r| r.0),
            );
        }
        for (a, b) in weighted.total.data.iter().zip(&plain.total.data) {
            close(&format!("{name} total"), *a, *b);
        }
        for (a, b) in reliability_on_moments(&pm, &cov, &weighted)
            .iter()
            .zip(reliability(&pm, &long, &plain))
        {
            close(&format!("{name} alpha"), a.alpha, b.alpha);
            close(&format!("{name} rho_c"), a.rho_c, b.rho_c);
            close(&format!("{name} ave"), a.ave, b.ave);
        }
        for (a, b) in htmt_on_moments(&pm, &cov).iter().zip(htmt(&pm, &long)) {
            close(&format!("{name} htmt"), a.value, b.value);
        }
        let target = pm.constructs.len() - 1;
        let (wp, wo) = ipma_on_moments(&pm, &cov, &scales, &weighted, target).expect("ipma");
        let (pp, po) = ipma(&pm, &long, &scales, &plain, target).expect("ipma");
        close(&format!("{name} outcome performance"), wo, po);
        assert_eq!(wp.len(), pp.len());
        for (a, b) in wp.iter().zip(&pp) {
            close(&format!("{name} importance"), a.importance, b.importance);
            close(&format!("{name} performance"), a.performance, b.performance);
        }

        // The weights matter: the unweighted fit differs (so the test can fail).
        let unweighted = estimate(&pm, &data, &options).expect("unweighted fit");
        let most = weighted
            .paths
            .iter()
            .zip(&unweighted.paths)
            .map(|(a, b)| (a.coef - b.coef).abs())
            .fold(0.0, f64::max);
        assert!(
            most > 1e-3,
            "{name}: weighting changed paths by only {most}"
        );
    }
}

#[test]
fn moments_fit_without_weights_equals_the_row_fit() {
    let (model, items) = load();
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let data = complete_rows(&items);
    let options = PlsOptions::default();
    let rows = estimate(&pm, &data, &options).expect("fit");
    let moments =
        estimate_on_moments(&pm, &ItemCovariance::from_rows(&data, None), &options).expect("fit");
    assert_eq!(rows.iterations, moments.iterations);
    for (a, b) in rows.paths.iter().zip(&moments.paths) {
        close("path", a.coef, b.coef);
    }
    for (a, b) in rows.r2.iter().zip(&moments.r2) {
        close("adj r2", a.map_or(0.0, |r| r.1), b.map_or(0.0, |r| r.1));
    }
    assert_eq!(moments.scores.rows, 0);
}

/// seminr on the rows written out (`fixtures/ecsi/reference/pls_weighted.R`): an
/// implementation without weights checks the weighted fit. Same algorithm and stop
/// rule, so they agree to 1e-8 (measured: within 1e-9; the JSON has 12 digits).
#[test]
fn weighted_fit_matches_seminr_on_rows_written_out() {
    let path = format!(
        "{}/fixtures/ecsi/reference/pls_weighted_seminr.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let num = |v: &serde_json::Value| v.as_f64().expect("number");
    let near = |label: &str, got: f64, want: f64| {
        assert!((got - want).abs() < 1e-8, "{label}: got {got}, want {want}");
    };
    let (model, items) = load();
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let data = complete_rows(&items);
    let w = weights(data.rows);
    assert_eq!(w.iter().sum::<f64>(), num(&want["rows"]));
    let cov = ItemCovariance::from_rows(&data, Some(&w));
    let fit = estimate_on_moments(&pm, &cov, &PlsOptions::default()).expect("fit");
    let id = |k: usize| pm.constructs[k].id.as_str();
    let outer = want["outer"].as_array().expect("outer");
    assert_eq!(outer.len(), fit.outer.len());
    for (o, r) in fit.outer.iter().zip(outer) {
        assert_eq!(pm.item_names[o.item], r["item"].as_str().expect("item"));
        near("weight", o.weight, num(&r["weight"]));
        near("loading", o.loading, num(&r["loading"]));
    }
    for (p, r) in fit
        .paths
        .iter()
        .zip(want["paths"].as_array().expect("paths"))
    {
        assert_eq!(
            (id(p.from), id(p.to)),
            (
                r["from"].as_str().expect("from"),
                r["to"].as_str().expect("to")
            )
        );
        near("path", p.coef, num(&r["coef"]));
    }
    for r in want["r2"].as_array().expect("r2") {
        let k = pm
            .constructs
            .iter()
            .position(|c| c.id == r["construct"])
            .expect("construct");
        near("r2", fit.r2[k].expect("endogenous").0, num(&r["r2"]));
    }
    for (got, r) in reliability_on_moments(&pm, &cov, &fit)
        .iter()
        .zip(want["reliability"].as_array().expect("reliability"))
    {
        assert_eq!(id(got.construct), r["construct"]);
        near("alpha", got.alpha, num(&r["alpha"]));
        near("rho_c", got.rho_c, num(&r["rho_c"]));
        near("ave", got.ave, num(&r["ave"]));
    }
    let htmt = htmt_on_moments(&pm, &cov);
    for r in want["htmt"].as_array().expect("htmt") {
        let got = htmt
            .iter()
            .find(|h| {
                let pair = [id(h.a), id(h.b)];
                pair.contains(&r["a"].as_str().expect("a"))
                    && pair.contains(&r["b"].as_str().expect("b"))
            })
            .expect("pair");
        near("htmt", got.value, num(&r["value"]));
    }
    let target = pm
        .constructs
        .iter()
        .position(|c| c.id == "satisfaction")
        .expect("satisfaction");
    let scales = vec![(1.0, 10.0); items.width()];
    let (points, performance) = ipma_on_moments(&pm, &cov, &scales, &fit, target).expect("ipma");
    near(
        "outcome performance",
        performance,
        num(&want["ipma_satisfaction_performance"]),
    );
    let ipma_want = want["ipma_satisfaction"].as_array().expect("ipma");
    assert_eq!(points.len(), ipma_want.len());
    for (p, r) in points.iter().zip(ipma_want) {
        assert_eq!(id(p.construct), r["id"]);
        near("importance", p.importance, num(&r["importance"]));
        near("performance", p.performance, num(&r["performance"]));
    }
}
