//! Seeded bootstrap of the PLS path model: rows drawn with replacement, the model
//! re-estimated, percentile or BCa intervals for paths, total effects, outer weights,
//! loadings, R², reliability, HTMT and IPMA (BCa's acceleration from a jackknife over
//! row groups). Replicate `r` draws from `Rng::new(seed, r)` and is stored at index
//! `r`, so results are identical for a seed whatever the number of threads.

use super::estimate::assemble;
use super::matrix::{mean, sd, standardize};
use super::statistics::{statistics, IpmaTarget, Layout, Section};
use super::{
    estimate_on_moments, on_correlations, ItemCovariance, Matrix, PathModel, PlsError, PlsOptions,
};
use crate::importance::interval::{acceleration, bca, jackknife_groups, percentile, IntervalKind};
use crate::importance::lmg::below;
use crate::importance::{BootstrapExtras, BootstrapOptions};
use crate::stats::rng::Rng;

/// Percentile or BCa intervals, `(low, high)`, in the order of the fit's fields.
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
    /// R² and adjusted R² per construct; `None` for exogenous ones.
    pub r2: Vec<Option<(f64, f64)>>,
    pub adj_r2: Vec<Option<(f64, f64)>>,
    /// Cronbach's α, ρc and AVE per construct.
    pub alpha: Vec<(f64, f64)>,
    pub rho_c: Vec<(f64, f64)>,
    pub ave: Vec<(f64, f64)>,
    /// ρA per construct.
    pub rho_a: Vec<(f64, f64)>,
    /// Per construct pair, in [`super::htmt_on_moments`] order.
    pub htmt: Vec<(f64, f64)>,
    /// IPMA importance (rescaled total effect on the target) and performance per
    /// construct; empty without an [`IpmaTarget`]. The target's own importance is 0.
    pub ipma_importance: Vec<(f64, f64)>,
    pub ipma_performance: Vec<(f64, f64)>,
    /// The full-sample estimates as one vector: paths, total effects (row-major),
    /// outer weights, loadings, then R², reliability, HTMT and IPMA (the layout of
    /// `super::statistics`, and of every vector below).
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
    bootstrap_weighted(model, data, None, None, options, boot, extras)
}

/// [`bootstrap_with`] with a survey weight per row of `data` (`None`: all 1):
/// respondents are drawn with equal probability, as in the unweighted bootstrap, and
/// each draw carries its respondent's weight into the resample's weighted
/// correlations (so a replicate estimates what the weighted fit estimates). With
/// `ipma`, IPMA importance and performance get intervals too.
pub fn bootstrap_weighted(
    model: &PathModel,
    data: &Matrix,
    weights: Option<&[f64]>,
    ipma: Option<IpmaTarget<'_>>,
    options: &PlsOptions,
    boot: &BootstrapOptions,
    extras: &BootstrapExtras<'_>,
) -> Result<PlsIntervals, PlsError> {
    let layout = Layout::new(model, ipma.is_some());
    let full = {
        let cov = ItemCovariance::from_rows(data, weights);
        let fit = estimate_on_moments(model, &cov, options)?;
        statistics(model, &layout, &cov, &fit, ipma)?
    };
    let n = data.rows;
    let cols = data.cols;
    let c = model.constructs.len();
    // Each column's mean and sd, to take a resample's moments of the standardized
    // items back to the items' own units (IPMA needs means and sds).
    let units: Vec<(f64, f64)> = (0..cols)
        .map(|i| {
            let col = data.column(i);
            (mean(&col), sd(&col))
        })
        .collect();
    // Standardized once, so the resample's sums of products lose no precision.
    let mut z = data.clone();
    standardize(&mut z).map_err(|col| {
        PlsError::ZeroVariance(model.item_names.get(col).cloned().unwrap_or_default())
    })?;
    let replicates = boot.replicates.max(1);
    let threads = boot.threads.clamp(1, replicates);
    let per = replicates.div_ceil(threads);
    let run = |r: usize, ws: &mut Workspace| -> Option<Vec<f64>> {
        draw(boot.seed, r, &mut ws.counts);
        let sum_w = resample_correlations(
            &z,
            &ws.counts,
            weights,
            &mut ws.mean,
            &mut ws.var,
            &mut ws.r,
        )?;
        let core = on_correlations::fit(model, &ws.r, cols, n, options).ok()?;
        let fit = assemble(model, n, core, Matrix::zeros(0, c), c);
        let cov = resample_moments(&units, ws, n, sum_w);
        statistics(model, &layout, &cov, &fit, ipma).ok()
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
                    var: vec![0.0; cols],
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
        IntervalKind::Bca => jackknife(model, &layout, data, weights, ipma, options, boot.threads),
    };
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
    let section = |s: Section| -> Vec<(f64, f64)> { layout.range(s).map(interval).collect() };
    // R² intervals back at their constructs' positions.
    let per_construct = |s: Section| {
        let mut out = vec![None; c];
        for (&j, iv) in layout.endogenous.iter().zip(section(s)) {
            out[j] = Some(iv);
        }
        out
    };
    Ok(PlsIntervals {
        replicates,
        failed: replicates - ok.len(),
        kind: extras.kind,
        paths: section(Section::Paths),
        total: section(Section::Total),
        weights: section(Section::Weights),
        loadings: section(Section::Loadings),
        r2: per_construct(Section::R2),
        adj_r2: per_construct(Section::AdjR2),
        alpha: section(Section::Alpha),
        rho_c: section(Section::RhoC),
        ave: section(Section::Ave),
        rho_a: section(Section::RhoA),
        htmt: section(Section::Htmt),
        ipma_importance: section(Section::IpmaImportance),
        ipma_performance: section(Section::IpmaPerformance),
        estimate: full,
        samples: results,
        jackknife,
    })
}

/// The row counts of replicate `replicate` of a bootstrap seeded with `seed` over
/// `n` rows: how many times each row was drawn (`n` draws with replacement). What
/// [`bootstrap_weighted`] resamples, so a check can refit the same resamples.
pub fn resample_counts(seed: u64, replicate: usize, n: usize) -> Vec<u32> {
    let mut counts = vec![0; n];
    draw(seed, replicate, &mut counts);
    counts
}

/// Fill `counts` with replicate `r`'s draws.
fn draw(seed: u64, r: usize, counts: &mut [u32]) {
    let n = counts.len();
    let mut rng = Rng::new(seed, r as u64);
    counts.fill(0);
    for _ in 0..n {
        let i = below(&mut rng, n as u64) as usize;
        counts[i] += 1;
    }
}

/// A resample's item means and covariances in the items' units, from the moments of
/// the standardized items in `ws` (`x = m + s·z`, so means map linearly and
/// covariances scale by `s_a s_b`; the correlations are `ws.r` itself).
fn resample_moments(units: &[(f64, f64)], ws: &Workspace, n: usize, sum_w: f64) -> ItemCovariance {
    let k = units.len();
    let sd: Vec<f64> = units
        .iter()
        .zip(&ws.var)
        .map(|(&(_, s), v)| s * v.sqrt())
        .collect();
    let mut cov = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            cov[a * k + b] = ws.r[a * k + b] * sd[a] * sd[b];
        }
    }
    ItemCovariance {
        n,
        sum_w,
        mean: units
            .iter()
            .zip(&ws.mean)
            .map(|(&(m, s), z)| m + s * z)
            .collect(),
        cov,
    }
}

/// Leave-one-group-out fits for BCa's acceleration: row `i` in group `i mod G`,
/// `G = jackknife_groups(rows)`; groups whose fit fails are left out. In group order
/// whatever the thread count.
fn jackknife(
    model: &PathModel,
    layout: &Layout,
    data: &Matrix,
    weights: Option<&[f64]>,
    ipma: Option<IpmaTarget<'_>>,
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
        let fit = estimate_on_moments(model, &cov, options).ok()?;
        statistics(model, layout, &cov, &fit, ipma).ok()
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
    /// Means and variances (divisor Σw) of the standardized items in the resample.
    mean: Vec<f64>,
    var: Vec<f64>,
    /// Their correlations, `k × k`.
    r: Vec<f64>,
}

/// The correlation matrix of the columns of `z` over the rows drawn (`counts[i]`
/// copies of row `i`, each with the row's weight): two passes (means, then centred
/// products, lower triangle); also each column's mean and variance (divisor Σw).
/// Returns Σw over the draws; `None` when an item is constant in the resample (the
/// fit would fail on it).
fn resample_correlations(
    z: &Matrix,
    counts: &[u32],
    weights: Option<&[f64]>,
    mean: &mut [f64],
    var: &mut [f64],
    r: &mut [f64],
) -> Option<f64> {
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
    for (a, v) in var.iter_mut().enumerate() {
        *v = r[a * k + a] / total;
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
    Some(total)
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
        let (mut mean, mut var, mut r) = (vec![0.0; k], vec![0.0; k], vec![0.0; k * k]);
        resample_correlations(&z, &counts, None, &mut mean, &mut var, &mut r).expect("varies");
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
        resample_correlations(&z, &counts, Some(&w), &mut mean, &mut var, &mut r).expect("varies");
        let mut rows = Matrix::zeros(0, k);
        for (i, &cnt) in counts.iter().enumerate() {
            for _ in 0..cnt as usize * w[i] as usize {
                rows.data.extend_from_slice(data.row(i));
                rows.rows += 1;
            }
        }
        standardize(&mut rows).expect("varies");
        let mut differs = false;
        let (mut mean0, mut var0, mut r0) = (vec![0.0; k], vec![0.0; k], vec![0.0; k * k]);
        resample_correlations(&z, &counts, None, &mut mean0, &mut var0, &mut r0).expect("varies");
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
        assert!(resample_correlations(&z, &constant, None, &mut mean, &mut var, &mut r).is_none());
    }
}
