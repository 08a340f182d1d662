//! Small synthetic checks; the reference comparison is `tests/pls_ecsi.rs`.

use super::matrix::total_effects;
use super::*;
use crate::data::ItemRows;

/// `n` rows of 6 items: x1..x3 measure a, y1..y2 measure b (b = 0.6 a + noise), z
/// alone measures c (c = 0.5 b + noise); a fixed linear congruential generator.
fn data(n: usize) -> Matrix {
    let mut state = 12345u64;
    let mut noise = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut m = Matrix::zeros(n, 6);
    for r in 0..n {
        let a = noise() * 2.0;
        let b = 0.6 * a + noise();
        let c = 0.5 * b + noise();
        let row = [
            a + noise(),
            a + noise(),
            a + noise(),
            b + noise(),
            b + noise(),
            c,
        ];
        for (k, v) in row.iter().enumerate() {
            m.set(r, k, *v);
        }
    }
    m
}

fn chain() -> PathModel {
    let block = |id: &str, items: Vec<usize>| Construct {
        id: id.to_string(),
        items,
        mode: Mode::A,
    };
    PathModel {
        constructs: vec![
            block("a", vec![0, 1, 2]),
            block("b", vec![3, 4]),
            block("c", vec![5]),
        ],
        item_names: ["x1", "x2", "x3", "y1", "y2", "z"]
            .map(String::from)
            .to_vec(),
        paths: vec![(0, 1), (1, 2)],
    }
}

#[test]
fn total_effects_multiply_along_a_chain() {
    let mut b = Matrix::zeros(3, 3);
    b.set(0, 1, 0.5);
    b.set(1, 2, 0.4);
    b.set(0, 2, 0.1);
    let t = total_effects(&b);
    assert!((t.get(0, 2) - (0.1 + 0.5 * 0.4)).abs() < 1e-15);
    assert_eq!(t.get(2, 0), 0.0);
}

#[test]
fn chain_fit_is_sane_and_repeatable() {
    let (pm, d) = (chain(), data(500));
    for scheme in [Scheme::Path, Scheme::Centroid, Scheme::Factor] {
        let options = PlsOptions {
            scheme,
            ..PlsOptions::default()
        };
        let fit = estimate(&pm, &d, &options).expect("fit");
        assert!(fit.converged);
        assert_eq!(fit, estimate(&pm, &d, &options).expect("fit"));
        // single-item construct: weight and loading 1
        let z = fit.outer.iter().find(|o| o.item == 5).expect("z");
        assert!((z.weight - 1.0).abs() < 1e-12 && (z.loading - 1.0).abs() < 1e-12);
        // with one predecessor, the path coefficient is the score correlation and R² its square
        let (r2, _) = fit.r2[1].expect("endogenous");
        assert!((fit.paths[0].coef.powi(2) - r2).abs() < 1e-12);
        assert!(fit.paths.iter().all(|p| p.coef > 0.3));
        let rel = reliability(&pm, &d, &fit);
        assert_eq!((rel[2].alpha, rel[2].rho_c, rel[2].ave), (1.0, 1.0, 1.0));
        assert!(rel[0].alpha > 0.5 && rel[0].rho_c > rel[0].alpha);
    }
}

#[test]
fn ipma_on_a_rescaled_copy_is_unchanged_in_importance() {
    let (pm, d) = (chain(), data(300));
    let fit = estimate(&pm, &d, &PlsOptions::default()).expect("fit");
    let scales = vec![(-3.0, 3.0); 6];
    let (points, perf) = ipma(&pm, &d, &scales, &fit, 2).expect("ipma");
    assert_eq!(points.len(), 2);
    // a → c only through b: total effect = product of the unstandardized paths
    assert!(points.iter().all(|p| p.importance > 0.0));
    assert!(points.iter().all(|p| (40.0..60.0).contains(&p.performance)));
    assert!((40.0..60.0).contains(&perf));
}

#[test]
fn errors_name_the_culprit() {
    let pm = chain();
    let mut d = data(50);
    for r in 0..d.rows {
        d.set(r, 3, 7.0);
    }
    assert_eq!(
        estimate(&pm, &d, &PlsOptions::default()),
        Err(PlsError::ZeroVariance("y1".into()))
    );
    let mut d = data(50);
    for r in 0..d.rows {
        let v = d.get(r, 0);
        d.set(r, 1, 2.0 * v);
    }
    let mut formative = chain();
    formative.constructs[0].mode = Mode::B;
    assert_eq!(
        estimate(&formative, &d, &PlsOptions::default()),
        Err(PlsError::CollinearItems("a".into()))
    );
    assert_eq!(
        estimate(&pm, &data(2), &PlsOptions::default()),
        Err(PlsError::TooFewRows { n: 2, needed: 3 })
    );
}

#[test]
fn complete_rows_drops_rows_with_a_missing_item() {
    let items = ItemRows {
        names: vec!["a".into(), "b".into()],
        node_of: vec![0, 0],
        values: vec![1.0, 2.0, f32::NAN, 3.0, 4.0, 5.0],
        weights: vec![1.0; 3],
    };
    let m = complete_rows(&items);
    assert_eq!((m.rows, m.data.clone()), (2, vec![1.0, 2.0, 4.0, 5.0]));
}

#[test]
fn bootstrap_is_the_same_for_any_thread_count() {
    let (pm, d) = (chain(), data(200));
    let boot = |threads| {
        let options = crate::importance::BootstrapOptions {
            replicates: 60,
            seed: 9,
            threads,
            level_percent: 95,
        };
        super::bootstrap(&pm, &d, &PlsOptions::default(), &options).expect("bootstrap")
    };
    let one = boot(1);
    assert_eq!(one, boot(4));
    assert_eq!(one.failed, 0);
    let fit = estimate(&pm, &d, &PlsOptions::default()).expect("fit");
    for (p, (lo, hi)) in fit.paths.iter().zip(&one.paths) {
        assert!(lo < &p.coef && &p.coef < hi, "{lo} {} {hi}", p.coef);
    }
    assert_eq!(one.total.len(), 9);
    assert_eq!(one.weights.len(), 6);
}

#[test]
fn bca_bootstrap_is_deterministic_counts_progress_and_moves_the_interval() {
    use crate::importance::{BootstrapExtras, IntervalKind};
    use std::sync::atomic::{AtomicU64, Ordering};
    let (pm, d) = (chain(), data(200));
    let done = AtomicU64::new(0);
    let tick = |k: u64| {
        done.fetch_add(k, Ordering::Relaxed);
    };
    let boot = |threads, kind| {
        let options = crate::importance::BootstrapOptions {
            replicates: 60,
            seed: 9,
            threads,
            level_percent: 95,
        };
        let extras = BootstrapExtras {
            kind,
            progress: Some(&tick),
        };
        super::bootstrap_with(&pm, &d, &PlsOptions::default(), &options, &extras)
            .expect("bootstrap")
    };
    let one = boot(1, IntervalKind::Bca);
    assert_eq!(one, boot(3, IntervalKind::Bca));
    assert_eq!(done.load(Ordering::Relaxed), 120);
    let pct = boot(2, IntervalKind::Percentile);
    assert_eq!(pct.kind, IntervalKind::Percentile);
    assert_ne!(one.paths, pct.paths);
    let fit = estimate(&pm, &d, &PlsOptions::default()).expect("fit");
    for (p, (lo, hi)) in fit.paths.iter().zip(&one.paths) {
        assert!(lo < &p.coef && &p.coef < hi, "{lo} {} {hi}", p.coef);
    }
}
