//! Seeded bootstrap of the PLS path model: rows drawn with replacement, the model
//! re-estimated, percentile intervals for paths, total effects, outer weights and
//! loadings. Replicate `r` draws from `Rng::new(seed, r)` and is stored at index `r`,
//! so results are identical for a seed whatever the number of threads.

use super::{estimate, Matrix, PathModel, PlsError, PlsOptions};
use crate::importance::bootstrap::quantile;
use crate::importance::lmg::below;
use crate::importance::BootstrapOptions;
use crate::simulate::rng::Rng;

/// Percentile intervals, `(low, high)`, in the order of the fit's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsIntervals {
    pub replicates: usize,
    /// Replicates where estimation failed (left out).
    pub failed: usize,
    /// Per path, in model path order.
    pub paths: Vec<(f64, f64)>,
    /// Total effects, row-major `constructs × constructs` (`[from][to]`).
    pub total: Vec<(f64, f64)>,
    /// Per item, in the fit's `outer` order.
    pub weights: Vec<(f64, f64)>,
    pub loadings: Vec<(f64, f64)>,
}

/// Bootstrap the model on `data` (complete rows).
pub fn bootstrap(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
    boot: &BootstrapOptions,
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
        let f = estimate(model, &sample, options).ok()?;
        let mut v = Vec::with_capacity(p + c * c + 2 * k);
        v.extend(f.paths.iter().map(|x| x.coef));
        v.extend_from_slice(&f.total.data);
        v.extend(f.outer.iter().map(|o| o.weight));
        v.extend(f.outer.iter().map(|o| o.loading));
        Some(v)
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
    let alpha = (100.0 - f64::from(boot.level_percent.min(99))) / 200.0;
    let interval = |j: usize| {
        let mut v: Vec<f64> = ok.iter().map(|s| s[j]).collect();
        v.sort_by(f64::total_cmp);
        (quantile(&v, alpha), quantile(&v, 1.0 - alpha))
    };
    let range = |from: usize, len: usize| (from..from + len).map(interval).collect();
    Ok(PlsIntervals {
        replicates,
        failed: replicates - ok.len(),
        paths: range(0, p),
        total: range(p, c * c),
        weights: range(p + c * c, k),
        loadings: range(p + c * c + k, k),
    })
}
