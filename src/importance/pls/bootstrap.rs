//! Seeded bootstrap of the PLS path model: rows drawn with replacement, the model
//! re-estimated, percentile or BCa intervals for paths, total effects, outer weights
//! and loadings (BCa's acceleration from a jackknife over row groups). Replicate `r`
//! draws from `Rng::new(seed, r)` and is stored at index `r`, so results are
//! identical for a seed whatever the number of threads.

use super::matrix::standardize;
use super::{
    estimate_on_moments, on_correlations, ItemCovariance, Matrix, PathModel, PlsError, PlsOptions,
};
use crate::importance::interval::{acceleration, bca, jackknife_groups, percentile, IntervalKind};
use crate::importance::lmg::below;
use crate::importance::{BootstrapExtras, BootstrapOptions};
use crate::simulate::rng::Rng;

/// Percentile intervals, `(low, high)`, in the order of the fit's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsIntervals {
    pub replicates: usize,
    /// Replicates where estimation failed (left out).
    pub failed: usize,
    pub kind: IntervalKind,
    /// Per path, in model path order.
    pub paths: Vec<(f64, f64)>,
    /// Total effects, row-major `constructs × constructs` (`[from][to]`).
    pub total: Vec<(f64, f64)>,
    /// Per item, in the fit's `outer` order.
    pub weights: Vec<(f64, f64)>,
    pub loadings: Vec<(f64, f64)>,
    /// The full-sample estimates as one vector: paths, total effects (row-major),
    /// outer weights, loadings (the layout of every vector below).
    pub estimate: Vec<f64>,
    /// Replicate `r`'s estimates at index `r`; `None` where it failed. Kept by index
    /// so two groups' replicates pair up for differences (changes between waves).
    pub samples: Vec<Option<Vec<f64>>>,
    /// Leave-one-group-out estimates (BCa only; empty otherwise).
    pub jackknife: Vec<Vec<f64>>,
}

/// Bootstrap the model on `data` (complete rows); percentile intervals.
pub fn bootstrap(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
    boot: &BootstrapOptions,
) -> Result<PlsIntervals, PlsError> {
    bootstrap_with(model, data, options, boot, &BootstrapExtras::default())
}

/// [`bootstrap`] with an interval kind and a progress callback (see
/// [`BootstrapExtras`]).
///
/// A replicate is its row counts (`n` draws with replacement), the resample's item
/// correlation matrix from one pass over the rows drawn, and the PLS iteration on
/// that matrix ([`super::on_correlations`]); the buffers live per thread.
pub fn bootstrap_with(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
    boot: &BootstrapOptions,
    extras: &BootstrapExtras<'_>,
) -> Result<PlsIntervals, PlsError> {
    bootstrap_weighted(model, data, None, options, boot, extras)
}

/// [`bootstrap_with`] with a survey weight per row of `data` (`None`: all 1):
/// respondents are drawn with equal probability, as in the unweighted bootstrap, and
/// each draw carries its respondent's weight into the resample's weighted
/// correlations (so a replicate estimates what the weighted fit estimates).
pub fn bootstrap_weighted(
    model: &PathModel,
    data: &Matrix,
    weights: Option<&[f64]>,
    options: &PlsOptions,
    boot: &BootstrapOptions,
    extras: &BootstrapExtras<'_>,
) -> Result<PlsIntervals, PlsError> {
    let fit = estimate_on_moments(model, &ItemCovariance::from_rows(data, weights), options)?;
    let (p, c, k) = (fit.paths.len(), fit.total.cols, fit.outer.len());
    let n = data.rows;
    let cols = data.cols;
    // Standardized once, so the resample's sums of products lose no precision.
    let mut z = data.clone();
    standardize(&mut z).map_err(|col| {
        PlsError::ZeroVariance(model.item_names.get(col).cloned().unwrap_or_default())
    })?;
    let replicates = boot.replicates.max(1);
    let threads = boot.threads.clamp(1, replicates);
    let per = replicates.div_ceil(threads);
    let run = |r: usize, ws: &mut Workspace| -> Option<Vec<f64>> {
        let mut rng = Rng::new(boot.seed, r as u64);
        ws.counts.fill(0);
        for _ in 0..n {
            let i = below(&mut rng, n as u64) as usize;
            ws.counts[i] += 1;
        }
        resample_correlations(&z, &ws.counts, weights, &mut ws.mean, &mut ws.r)?;
        let f = on_correlations::fit(model, &ws.r, cols, n, options).ok()?;
        let mut v = Vec::with_capacity(p + c * c + 2 * k);
        v.extend(model.paths.iter().map(|&(a, b)| f.coefficients.get(a, b)));
        v.extend_from_slice(&f.total.data);
        v.extend(f.weights.iter().flatten());
        v.extend(f.loadings.iter().flatten());
        Some(v)
    };
    let run = |r: usize, ws: &mut Workspace| -> Option<Vec<f64>> {
        let out = run(r, ws);
        if let Some(progress) = extras.progress {
            progress(1);
        }
        out
    };
    let mut results: Vec<Option<Vec<f64>>> = vec![None; replicates];
    std::thread::scope(|scope| {
        for (t, slots) in results.chunks_mut(per).enumerate() {
            let run = &run;
            scope.spawn(move || {
                let mut ws = Workspace {
                    counts: vec![0; n],
                    mean: vec![0.0; cols],
                    r: vec![0.0; cols * cols],
                };
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = run(t * per + i, &mut ws);
                }
            });
        }
    });
    let ok: Vec<Vec<f64>> = results.iter().flatten().cloned().collect();
    let jackknife = match extras.kind {
        IntervalKind::Percentile => Vec::new(),
        IntervalKind::Bca => jackknife(model, data, weights, options, boot.threads),
    };
    let full = flatten(&fit);
    let level = f64::from(boot.level_percent.min(99)) / 100.0;
    let interval = |j: usize| {
        let v: Vec<f64> = ok.iter().map(|s| s[j]).collect();
        match extras.kind {
            IntervalKind::Percentile => percentile(&v, level),
            IntervalKind::Bca => {
                let jack: Vec<f64> = jackknife.iter().map(|s| s[j]).collect();
                bca(&v, full[j], acceleration(&[&jack]), level)
            }
        }
    };
    let range = |from: usize, len: usize| (from..from + len).map(interval).collect();
    Ok(PlsIntervals {
        replicates,
        failed: replicates - ok.len(),
        kind: extras.kind,
        paths: range(0, p),
        total: range(p, c * c),
        weights: range(p + c * c, k),
        loadings: range(p + c * c + k, k),
        estimate: full,
        samples: results,
        jackknife,
    })
}

/// Paths, total effects, outer weights and loadings of a fit as one vector.
fn flatten(f: &super::PlsFit) -> Vec<f64> {
    let mut v = Vec::with_capacity(f.paths.len() + f.total.data.len() + 2 * f.outer.len());
    v.extend(f.paths.iter().map(|x| x.coef));
    v.extend_from_slice(&f.total.data);
    v.extend(f.outer.iter().map(|o| o.weight));
    v.extend(f.outer.iter().map(|o| o.loading));
    v
}

/// Leave-one-group-out fits for BCa's acceleration: row `i` in group `i mod G`,
/// `G = jackknife_groups(rows)`; groups whose fit fails are left out. In group order
/// whatever the thread count.
fn jackknife(
    model: &PathModel,
    data: &Matrix,
    weights: Option<&[f64]>,
    options: &PlsOptions,
    threads: usize,
) -> Vec<Vec<f64>> {
    let groups = jackknife_groups(data.rows);
    let run = |g: usize| -> Option<Vec<f64>> {
        let mut sample = Matrix {
            rows: 0,
            cols: data.cols,
            data: Vec::with_capacity(data.rows * data.cols),
        };
        let mut kept = Vec::with_capacity(data.rows);
        for i in (0..data.rows).filter(|i| i % groups != g) {
            sample.data.extend_from_slice(data.row(i));
            sample.rows += 1;
            kept.push(weights.and_then(|w| w.get(i).copied()).unwrap_or(1.0));
        }
        let cov = ItemCovariance::from_rows(&sample, Some(&kept));
        estimate_on_moments(model, &cov, options)
            .ok()
            .map(|f| flatten(&f))
    };
    let threads = threads.clamp(1, groups.max(1));
    let per = groups.div_ceil(threads).max(1);
    let mut results: Vec<Option<Vec<f64>>> = vec![None; groups];
    std::thread::scope(|scope| {
        for (t, slots) in results.chunks_mut(per).enumerate() {
            let run = &run;
            scope.spawn(move || {
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = run(t * per + i);
                }
            });
        }
    });
    results.into_iter().flatten().collect()
}

/// One thread's buffers.
struct Workspace {
    counts: Vec<u32>,
    mean: Vec<f64>,
    r: Vec<f64>,
}

/// The correlation matrix of the columns of `z` over the rows drawn (`counts[i]`
/// copies of row `i`, each with the row's weight): two passes (means, then centred
/// products, lower triangle). `None` when an item is constant in the resample (the
/// fit would fail on it).
fn resample_correlations(
    z: &Matrix,
    counts: &[u32],
    weights: Option<&[f64]>,
    mean: &mut [f64],
    r: &mut [f64],
) -> Option<()> {
    let k = z.cols;
    let factor = |i: usize, cnt: u32| {
        f64::from(cnt) * weights.and_then(|w| w.get(i).copied()).unwrap_or(1.0)
    };
    mean.fill(0.0);
    let mut total = 0.0;
    for (i, (row, &cnt)) in z.data.chunks_exact(k).zip(counts).enumerate() {
        if cnt == 0 {
            continue;
        }
        let f = factor(i, cnt);
        total += f;
        for (m, v) in mean.iter_mut().zip(row) {
            *m += f * v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= total);
    r.fill(0.0);
    let mut d = vec![0.0; k];
    for (i, (row, &cnt)) in z.data.chunks_exact(k).zip(counts).enumerate() {
        if cnt == 0 {
            continue;
        }
        let f = factor(i, cnt);
        for ((di, v), m) in d.iter_mut().zip(row).zip(mean.iter()) {
            *di = v - m;
        }
        for a in 0..k {
            let fa = f * d[a];
            let out = &mut r[a * k..a * k + a + 1];
            for (o, db) in out.iter_mut().zip(&d[..=a]) {
                *o += fa * db;
            }
        }
    }
    // Items were standardized on the whole sample, so a resample variance this small
    // means a (numerically) constant item.
    for a in 0..k {
        if r[a * k + a].is_nan() || r[a * k + a] <= 1e-12 * total {
            return None;
        }
    }
    for a in 0..k {
        for b in 0..a {
            let v = r[a * k + b] / (r[a * k + a] * r[b * k + b]).sqrt();
            r[a * k + b] = v;
            r[b * k + a] = v;
        }
    }
    for a in 0..k {
        r[a * k + a] = 1.0;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importance::pls::matrix::centred_cov;

    #[test]
    fn resample_correlations_equal_those_of_the_rows_written_out_with_and_without_weights() {
        let mut rng = Rng::new(3, 0);
        let (n, k) = (40, 4);
        let mut data = Matrix::zeros(n, k);
        for r in 0..n {
            let common = rng.normal();
            for c in 0..k {
                data.set(r, c, common + rng.normal() * (c + 1) as f64);
            }
        }
        let mut z = data.clone();
        standardize(&mut z).expect("varies");
        let counts: Vec<u32> = (0..n).map(|i| (i * 7 % 5) as u32).collect();
        let (mut mean, mut r) = (vec![0.0; k], vec![0.0; k * k]);
        resample_correlations(&z, &counts, None, &mut mean, &mut r).expect("varies");
        let mut rows = Matrix::zeros(0, k);
        for (i, &cnt) in counts.iter().enumerate() {
            for _ in 0..cnt {
                rows.data.extend_from_slice(data.row(i));
                rows.rows += 1;
            }
        }
        standardize(&mut rows).expect("varies");
        for a in 0..k {
            for b in 0..k {
                let want = centred_cov(&rows.column(a), &rows.column(b));
                assert!((r[a * k + b] - want).abs() < 1e-12, "{a},{b}");
            }
        }
        // With weights: row `i` counts `counts[i] · w[i]` times (integer weights,
        // so the rows can be written out).
        let w: Vec<f64> = (0..n).map(|i| (1 + i % 3) as f64).collect();
        resample_correlations(&z, &counts, Some(&w), &mut mean, &mut r).expect("varies");
        let mut rows = Matrix::zeros(0, k);
        for (i, &cnt) in counts.iter().enumerate() {
            for _ in 0..cnt as usize * w[i] as usize {
                rows.data.extend_from_slice(data.row(i));
                rows.rows += 1;
            }
        }
        standardize(&mut rows).expect("varies");
        let mut differs = false;
        let (mut mean0, mut r0) = (vec![0.0; k], vec![0.0; k * k]);
        resample_correlations(&z, &counts, None, &mut mean0, &mut r0).expect("varies");
        for a in 0..k {
            for b in 0..k {
                let want = centred_cov(&rows.column(a), &rows.column(b));
                assert!((r[a * k + b] - want).abs() < 1e-12, "weighted {a},{b}");
                differs |= (r[a * k + b] - r0[a * k + b]).abs() > 1e-6;
            }
        }
        assert!(differs, "the weights changed nothing");
        let mut constant = vec![0u32; n];
        constant[3] = n as u32;
        assert!(resample_correlations(&z, &constant, None, &mut mean, &mut r).is_none());
    }
}
