//! Bootstrap intervals of R², adjusted R², α, ρc, AVE, HTMT and IPMA on the ECSI data.
//!
//! The bootstrap computes these from each replicate's item moments (weighted counts
//! of standardized rows). The check here refits every replicate the plain way: the
//! rows it drew (same seed → same `resample_counts`) written out one by one, then the
//! row-based `estimate`, `reliability`, `htmt` and `ipma`, and percentile intervals
//! of what they give; both must agree to 1e-9.

use sattrace::data::{IngestOptions, ItemRows};
use sattrace::importance::interval::percentile;
use sattrace::importance::pls::{
    bootstrap_weighted, complete_rows, estimate, htmt, ipma, reliability, resample_counts,
    IpmaTarget, Matrix, PathModel, PlsIntervals, PlsOptions,
};
use sattrace::importance::{BootstrapExtras, BootstrapOptions, IntervalKind};

#[path = "support/ecsi.rs"]
mod ecsi;

struct Ecsi {
    pm: PathModel,
    data: Matrix,
    scales: Vec<(f64, f64)>,
    target: usize,
}

fn load() -> Ecsi {
    let options = IngestOptions {
        keep_respondents: false,
        keep_items: true,
        ..IngestOptions::default()
    };
    let (model, survey) = ecsi::ingest_ecsi(&options);
    let items: ItemRows = survey.items.expect("items kept");
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let scales = items
        .node_of
        .iter()
        .map(|&i| (model.nodes[i].scale.min, model.nodes[i].scale.max))
        .collect();
    let target = pm
        .constructs
        .iter()
        .position(|c| c.id == model.primary_outcome)
        .expect("outcome is a construct");
    Ecsi {
        data: complete_rows(&items),
        pm,
        scales,
        target,
    }
}

fn run(e: &Ecsi, replicates: usize, threads: usize, kind: IntervalKind) -> PlsIntervals {
    let boot = BootstrapOptions {
        replicates,
        seed: 11,
        threads,
        level_percent: 95,
    };
    let extras = BootstrapExtras {
        kind,
        progress: None,
    };
    let target = IpmaTarget {
        scales: &e.scales,
        target: e.target,
    };
    bootstrap_weighted(
        &e.pm,
        &e.data,
        None,
        Some(target),
        &PlsOptions::default(),
        &boot,
        &extras,
    )
    .expect("bootstrap")
}

/// The new statistics of a row-based fit of `data`, named, in a fixed order:
/// `(name, value)`.
fn statistics(e: &Ecsi, data: &Matrix) -> Vec<(String, f64)> {
    let fit = estimate(&e.pm, data, &PlsOptions::default()).expect("fit");
    let id = |k: usize| e.pm.constructs[k].id.clone();
    let mut out = Vec::new();
    for (k, r2) in fit.r2.iter().enumerate() {
        if let Some((r2, adj)) = r2 {
            out.push((format!("r2 {}", id(k)), *r2));
            out.push((format!("adj_r2 {}", id(k)), *adj));
        }
    }
    for r in reliability(&e.pm, data, &fit) {
        out.push((format!("alpha {}", id(r.construct)), r.alpha));
        out.push((format!("rho_c {}", id(r.construct)), r.rho_c));
        out.push((format!("ave {}", id(r.construct)), r.ave));
    }
    for h in htmt(&e.pm, data) {
        out.push((format!("htmt {} {}", id(h.a), id(h.b)), h.value));
    }
    let (points, own) = ipma(&e.pm, data, &e.scales, &fit, e.target).expect("ipma");
    for p in points {
        out.push((format!("importance {}", id(p.construct)), p.importance));
        out.push((format!("performance {}", id(p.construct)), p.performance));
    }
    out.push((format!("performance {}", id(e.target)), own));
    out
}

/// The interval the bootstrap gave the statistic `name` (as named by [`statistics`]).
fn interval(iv: &PlsIntervals, e: &Ecsi, name: &str) -> (f64, f64) {
    let parts: Vec<&str> = name.split(' ').collect();
    let k = |s: &str| {
        e.pm.constructs
            .iter()
            .position(|c| c.id == s)
            .expect("construct")
    };
    match parts[..] {
        ["r2", c] => iv.r2[k(c)].expect("endogenous"),
        ["adj_r2", c] => iv.adj_r2[k(c)].expect("endogenous"),
        ["alpha", c] => iv.alpha[k(c)],
        ["rho_c", c] => iv.rho_c[k(c)],
        ["ave", c] => iv.ave[k(c)],
        ["importance", c] => iv.ipma_importance[k(c)],
        ["performance", c] => iv.ipma_performance[k(c)],
        ["htmt", a, b] => {
            let (a, b) = (k(a), k(b));
            let c = e.pm.constructs.len();
            // Pairs a < b in row order: (0,1), (0,2), …, (1,2), …
            let index = (0..a).map(|x| c - 1 - x).sum::<usize>() + (b - a - 1);
            iv.htmt[index]
        }
        _ => panic!("unknown statistic {name}"),
    }
}

#[test]
fn replicate_intervals_equal_those_of_each_resample_refitted_from_its_rows() {
    let e = load();
    let replicates = 200;
    let iv = run(&e, replicates, 2, IntervalKind::Percentile);
    assert_eq!(iv.failed, 0);
    let names: Vec<String> = statistics(&e, &e.data).into_iter().map(|s| s.0).collect();
    // 6 × (R², adjusted R²), 7 × (α, ρc, AVE), 21 HTMT pairs, and IPMA for
    // satisfaction: its 4 predecessors × (importance, performance) and its own.
    assert_eq!(names.len(), 12 + 21 + 21 + 9, "{names:?}");
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for r in 0..replicates {
        let counts = resample_counts(11, r, e.data.rows);
        let mut rows = Matrix::zeros(0, e.data.cols);
        for (i, &cnt) in counts.iter().enumerate() {
            for _ in 0..cnt {
                rows.data.extend_from_slice(e.data.row(i));
                rows.rows += 1;
            }
        }
        assert_eq!(rows.rows, e.data.rows);
        for (j, (name, v)) in statistics(&e, &rows).into_iter().enumerate() {
            assert_eq!(name, names[j]);
            values[j].push(v);
        }
    }
    for (name, v) in names.iter().zip(&values) {
        let want = percentile(v, 0.95);
        let got = interval(&iv, &e, name);
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "{name}: bootstrap {got:?}, refitted rows {want:?}"
        );
    }
}

#[test]
fn every_new_interval_contains_its_estimate_and_threads_change_nothing() {
    let e = load();
    let full = statistics(&e, &e.data);
    for kind in [IntervalKind::Percentile, IntervalKind::Bca] {
        let one = run(&e, 500, 1, kind);
        assert_eq!(one, run(&e, 500, 2, kind), "{kind:?}");
        assert_eq!(one.failed, 0);
        for (name, v) in &full {
            let (lo, hi) = interval(&one, &e, name);
            assert!(
                lo <= *v && *v <= hi,
                "{kind:?} {name}: {v} not in {lo} – {hi}"
            );
            // Single-item constructs have α = ρc = AVE = 1 in every replicate.
            if lo == hi {
                assert!(
                    *v == 1.0 && !name.starts_with("r2"),
                    "{name}: empty interval"
                );
            }
        }
    }
}
