//! Consistent PLS (PLSc) on the ECSI mobile phone data against R seminr's `PLSc()`
//! and `rho_A()` (`fixtures/ecsi/reference/plsc.R` → `plsc_seminr.json`), to 1e-6:
//! both run the same iteration with the same stopping rule, so only rounding differs.
//! Checked: ρA, outer weights and corrected loadings, corrected paths (and the plain
//! PLS paths they replace), R², adjusted R² and total effects; for path and factor
//! weighting, with Image formative (mode B: ρA = 1, loadings not corrected), and with
//! survey weights (seminr on the rows written out `w` times).

use sattrace::data::{IngestOptions, ItemRows};
use sattrace::importance::interval::percentile;
use sattrace::importance::pls::{
    bootstrap_weighted, complete_rows, estimate, estimate_on_moments, reliability_on_moments,
    resample_counts, ItemCovariance, Matrix, PathModel, PlsFit, PlsOptions, Scheme,
};
use sattrace::importance::{BootstrapExtras, BootstrapOptions, IntervalKind};
use sattrace::model::Model;
use serde_json::Value;

const TOL: f64 = 1e-6;

#[path = "support/ecsi.rs"]
mod ecsi;
use ecsi::fixture;

fn load() -> (Model, ItemRows) {
    let options = IngestOptions {
        keep_items: true,
        ..IngestOptions::default()
    };
    let (model, survey) = ecsi::ingest_ecsi(&options);
    (model, survey.items.expect("items kept"))
}

fn reference() -> Value {
    serde_json::from_str(&fixture("reference/plsc_seminr.json")).expect("reference json")
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn near(label: &str, got: f64, want: f64) {
    assert!((got - want).abs() < TOL, "{label}: got {got}, want {want}");
}

fn options(scheme: Scheme, consistent: bool) -> PlsOptions {
    PlsOptions {
        scheme,
        consistent,
        ..PlsOptions::default()
    }
}

/// The construct named `name`.
fn construct(pm: &PathModel, name: &Value) -> usize {
    pm.constructs
        .iter()
        .position(|c| c.id == *name)
        .unwrap_or_else(|| panic!("construct {name}"))
}

/// Compare `fit` (consistent) and `plain` (the same model without the correction)
/// with one variant of the reference. `adjusted`: whether adjusted R² is compared.
fn check(name: &str, pm: &PathModel, fit: &PlsFit, plain: &PlsFit, r: &Value, adjusted: bool) {
    assert!(fit.converged, "{name}");
    assert_eq!(
        fit.iterations as u64,
        r["iterations"].as_u64().expect("iterations"),
        "{name} iterations"
    );
    let rho = r["rho_a"].as_array().expect("rho_a");
    assert_eq!(rho.len(), pm.constructs.len());
    for x in rho {
        let k = construct(pm, &x["construct"]);
        near(&format!("{name} rho_a {x}"), fit.rho_a[k], num(&x["rho_a"]));
        // ρA is the same with or without the correction (it needs only the weights).
        near(
            &format!("{name} plain rho_a {x}"),
            plain.rho_a[k],
            num(&x["rho_a"]),
        );
    }
    let outer = r["outer"].as_array().expect("outer");
    assert_eq!(outer.len(), fit.outer.len());
    for (o, x) in fit.outer.iter().zip(outer) {
        assert_eq!(pm.constructs[o.construct].id, x["construct"]);
        assert_eq!(pm.item_names[o.item], x["item"].as_str().expect("item"));
        near(&format!("{name} weight {x}"), o.weight, num(&x["weight"]));
        near(
            &format!("{name} loading {x}"),
            o.loading,
            num(&x["loading"]),
        );
    }
    let paths = r["paths"].as_array().expect("paths");
    assert_eq!(paths.len(), fit.paths.len());
    for x in paths {
        let (f, t) = (construct(pm, &x["from"]), construct(pm, &x["to"]));
        let at = |fit: &PlsFit| {
            fit.paths
                .iter()
                .find(|p| p.from == f && p.to == t)
                .map(|p| p.coef)
                .expect("path")
        };
        near(&format!("{name} path {x}"), at(fit), num(&x["coef"]));
        near(
            &format!("{name} plain path {x}"),
            at(plain),
            num(&x["plain"]),
        );
    }
    for x in r["r2"].as_array().expect("r2") {
        let k = construct(pm, &x["construct"]);
        let (r2, adj) = fit.r2[k].expect("endogenous");
        near(&format!("{name} r2 {x}"), r2, num(&x["r2"]));
        if adjusted {
            near(&format!("{name} adj r2 {x}"), adj, num(&x["adj_r2"]));
        }
    }
    let total = r["total_effects"].as_array().expect("total");
    let nonzero = fit.total.data.iter().filter(|&&v| v != 0.0).count();
    assert_eq!(nonzero, total.len(), "{name} total effects");
    for x in total {
        let (f, t) = (construct(pm, &x["from"]), construct(pm, &x["to"]));
        near(
            &format!("{name} total {x}"),
            fit.total.get(f, t),
            num(&x["effect"]),
        );
    }
}

#[test]
fn plsc_matches_seminr_on_rows() {
    let (model, items) = load();
    let reference = reference();
    let data: Matrix = complete_rows(&items);
    for (variant, scheme, formative) in [
        ("path", Scheme::Path, vec![]),
        ("factor", Scheme::Factor, vec![]),
        (
            "path_image_formative",
            Scheme::Path,
            vec!["image".to_string()],
        ),
    ] {
        let pm = PathModel::from_model(&model, &items, &formative).expect("path model");
        let fit = estimate(&pm, &data, &options(scheme, true)).expect("plsc fit");
        let plain = estimate(&pm, &data, &options(scheme, false)).expect("pls fit");
        check(variant, &pm, &fit, &plain, &reference[variant], true);
        // The moments route (what `importance` runs) gives the same numbers.
        let cov = ItemCovariance::from_rows(&data, None);
        let moments = estimate_on_moments(&pm, &cov, &options(scheme, true)).expect("moments");
        check(
            &format!("{variant} moments"),
            &pm,
            &moments,
            &plain,
            &reference[variant],
            true,
        );
        // ρA is reported with the other reliability figures.
        let rel = reliability_on_moments(&pm, &cov, &moments);
        for (x, k) in rel.iter().zip(0..) {
            assert_eq!(x.construct, k);
            assert!((x.rho_a - moments.rho_a[k]).abs() < 1e-15);
        }
    }
}

#[test]
fn weighted_plsc_matches_seminr_on_repeated_rows() {
    let (model, items) = load();
    let reference = reference();
    let data = complete_rows(&items);
    let w: Vec<f64> = (0..data.rows)
        .map(|i| 1.0 + ((i * 7 + i / 5) % 3) as f64)
        .collect();
    assert_eq!(
        w.iter().sum::<f64>() as u64,
        reference["weighted"]["rows"].as_u64().expect("rows")
    );
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let cov = ItemCovariance::from_rows(&data, Some(&w));
    let fit = estimate_on_moments(&pm, &cov, &options(Scheme::Path, true)).expect("plsc");
    let plain = estimate_on_moments(&pm, &cov, &options(Scheme::Path, false)).expect("pls");
    check("weighted", &pm, &fit, &plain, &reference["weighted"], false);
}

#[test]
fn the_correction_moves_paths_away_from_zero_where_reliability_is_low() {
    // Expectation has ρA ≈ 0.46: its path from Image must grow by about
    // 1 / sqrt(ρA_image ρA_expectation) (a single predecessor: r / sqrt(ρA ρA)).
    let (model, items) = load();
    let data = complete_rows(&items);
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let fit = estimate(&pm, &data, &options(Scheme::Path, true)).expect("plsc");
    let plain = estimate(&pm, &data, &options(Scheme::Path, false)).expect("pls");
    let (i, e) = (
        pm.constructs
            .iter()
            .position(|c| c.id == "image")
            .expect("image"),
        pm.constructs
            .iter()
            .position(|c| c.id == "expectation")
            .expect("expectation"),
    );
    let want = plain.coefficients.get(i, e) / (fit.rho_a[i] * fit.rho_a[e]).sqrt();
    assert!((fit.coefficients.get(i, e) - want).abs() < 1e-12);
    assert!(fit.coefficients.get(i, e) > 1.5 * plain.coefficients.get(i, e));
    // Weights and scores are those of PLS: PLSc changes only what follows them.
    for (a, b) in fit.outer.iter().zip(&plain.outer) {
        assert_eq!(a.weight, b.weight);
    }
    assert_eq!(fit.scores, plain.scores);
}

#[test]
fn consistent_bootstrap_refits_each_resample_with_its_own_rho_a() {
    // Every replicate is corrected by its own ρA: the percentile intervals of paths
    // and ρA must equal those of PLSc refitted on each resample's rows written out,
    // leaving out the same replicates (those whose corrected correlations are not
    // positive definite fail on both sides).
    let (model, items) = load();
    let data = complete_rows(&items);
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let options = options(Scheme::Path, true);
    let replicates = 60;
    let boot = BootstrapOptions {
        replicates,
        seed: 5,
        threads: 2,
        level_percent: 95,
    };
    let extras = BootstrapExtras {
        kind: IntervalKind::Percentile,
        progress: None,
    };
    let iv =
        bootstrap_weighted(&pm, &data, None, None, &options, &boot, &extras).expect("bootstrap");
    let mut paths: Vec<Vec<f64>> = vec![Vec::new(); pm.paths.len()];
    let mut rho: Vec<Vec<f64>> = vec![Vec::new(); pm.constructs.len()];
    let mut failed = 0;
    for r in 0..replicates {
        let counts = resample_counts(5, r, data.rows);
        let mut rows = Matrix::zeros(0, data.cols);
        for (i, &cnt) in counts.iter().enumerate() {
            for _ in 0..cnt {
                rows.data.extend_from_slice(data.row(i));
                rows.rows += 1;
            }
        }
        let Ok(fit) = estimate(&pm, &rows, &options) else {
            failed += 1;
            continue;
        };
        for (v, p) in paths.iter_mut().zip(&fit.paths) {
            v.push(p.coef);
        }
        for (v, &x) in rho.iter_mut().zip(&fit.rho_a) {
            v.push(x);
        }
    }
    assert_eq!(iv.failed, failed);
    assert!(failed < replicates / 2, "{failed} of {replicates} failed");
    for (k, v) in paths.iter().enumerate() {
        let want = percentile(v, 0.95);
        let got = iv.paths[k];
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "path {k}: bootstrap {got:?}, refitted {want:?}"
        );
    }
    for (k, v) in rho.iter().enumerate() {
        let want = percentile(v, 0.95);
        let got = iv.rho_a[k];
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "rho_a {k}: bootstrap {got:?}, refitted {want:?}"
        );
    }
}
