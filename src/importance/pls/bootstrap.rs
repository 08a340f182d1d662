//! Seeded bootstrap of the PLS path model: rows drawn with replacement, the model
//! re-estimated, percentile or BCa intervals for paths, total effects, outer weights
//! and loadings (BCa's acceleration from a jackknife over row groups). Replicate `r` draws from `Rng::new(seed, r)` and is stored at index `r`,
//! so results are identical for a seed whatever the number of threads.

use super::{estimate, Matrix, PathModel, PlsError, PlsOptions};
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
pub fn bootstrap_with(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
    boot: &BootstrapOptions,
    extras: &BootstrapExtras<'_>,
) -> Result<PlsIntervals, PlsError> {
    let fit = estimate(model, data, options)?;
    let (p, c, k) = (fit.paths.len(), fit.total.cols, fit.outer.len());
    let n = data.rows;
    let replicates = boot.replicates.max(1);
    let threads = boot.threads.clamp(1, replicates);
    let per = replicates.div_ceil(threads);
    let run = |r: usize| -> Option<Vec<f64>> {
        let mut rng = Rng::new(boot.seed, r as u64);
        let mut sample = Matrix {
            rows: n,
            cols: data.cols,
            data: Vec::with_capacity(n * data.cols),
        };
        for _ in 0..n {
            let i = below(&mut rng, n as u64) as usize;
            sample.data.extend_from_slice(data.row(i));
        }
        let out = estimate(model, &sample, options).ok().map(|f| flatten(&f));
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
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = run(t * per + i);
                }
            });
        }
    });
    let ok: Vec<Vec<f64>> = results.into_iter().flatten().collect();
    let jackknife = match extras.kind {
        IntervalKind::Percentile => Vec::new(),
        IntervalKind::Bca => jackknife(model, data, options, boot.threads),
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
        for i in (0..data.rows).filter(|i| i % groups != g) {
            sample.data.extend_from_slice(data.row(i));
            sample.rows += 1;
        }
        estimate(model, &sample, options).ok().map(|f| flatten(&f))
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
