//! Seeded nonparametric bootstrap of any importance method: respondents are drawn
//! with replacement (with their survey weights), the correlations recomputed and the
//! method re-run; percentile intervals (Efron & Tibshirani 1993, §13.3).
//!
//! Replicate `r` draws from its own generator, seeded from `(seed, r)` through
//! SplitMix64 (`Rng::new(seed, r)`), and its result is stored at index `r`, so the
//! output is identical for a seed whatever the number of threads.

use super::{estimate, Correlations, EstimateOptions, ImportanceError, Method};
use crate::simulate::rng::Rng;

/// Respondent rows: `values` row-major with `stride` columns, NaN = missing.
#[derive(Debug, Clone, Copy)]
pub struct RowData<'a> {
    pub values: &'a [f32],
    pub weights: &'a [f32],
    pub stride: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapOptions {
    pub replicates: usize,
    pub seed: u64,
    /// Worker threads (at least 1); does not change the result.
    pub threads: usize,
    /// Two-sided level of the intervals in percent, e.g. 95.
    pub level_percent: u32,
}

/// Percentile intervals of a bootstrap.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Intervals {
    pub replicates: usize,
    /// Replicates where the method failed (a resample with a constant or collinear
    /// driver); they are left out of the intervals.
    pub failed: usize,
    /// `(low, high)` per driver.
    pub drivers: Vec<(f64, f64)>,
    pub r2: (f64, f64),
    /// Each successful replicate's importances (replicate order), for differences.
    #[serde(skip)]
    pub samples: Vec<Vec<f64>>,
}

/// Bootstrap `method` for outcome column `y` on driver columns `x` over `rows`
/// (indices into `data`; rows with a missing value among `y`, `x` are dropped first:
/// listwise deletion).
pub fn bootstrap(
    data: RowData<'_>,
    rows: &[usize],
    y: usize,
    x: &[usize],
    method: Method,
    options: &BootstrapOptions,
) -> Result<Intervals, ImportanceError> {
    let cols: Vec<usize> = x.iter().copied().chain(std::iter::once(y)).collect();
    let k = cols.len();
    let mut table: Vec<f64> = Vec::with_capacity(rows.len() * k);
    let mut weights: Vec<f64> = Vec::with_capacity(rows.len());
    for &r in rows {
        let start = r * data.stride;
        let Some(row) = data.values.get(start..start + data.stride) else {
            continue;
        };
        let values: Vec<f64> = cols
            .iter()
            .map(|&c| row.get(c).map_or(f64::NAN, |&v| f64::from(v)))
            .collect();
        let w = data.weights.get(r).map_or(0.0, |&w| f64::from(w));
        if values.iter().all(|v| v.is_finite()) && w > 0.0 {
            table.extend(values);
            weights.push(w);
        }
    }
    let n = weights.len();
    if n < x.len() + 2 {
        return Err(ImportanceError::TooFewRows {
            n: n as u64,
            needed: x.len() as u64 + 2,
        });
    }
    let replicates = options.replicates.max(1);
    let threads = options.threads.clamp(1, replicates);
    let per = replicates.div_ceil(threads);
    let estimate_options = EstimateOptions::default();
    let run = |r: usize| -> Option<(f64, Vec<f64>)> {
        let mut rng = Rng::new(options.seed, r as u64);
        let mut counts = vec![0u32; n];
        for _ in 0..n {
            let i = super::lmg::below(&mut rng, n as u64) as usize;
            counts[i] += 1;
        }
        let cov = weighted_covariance(&table, &weights, &counts, k)?;
        let idx: Vec<usize> = (0..x.len()).collect();
        let c = Correlations::from_covariance(|a, b| cov[a * k + b], k - 1, &idx).ok()?;
        let est = estimate(method, &c, &estimate_options).ok()?;
        Some((est.r2, est.importance))
    };
    let mut results: Vec<Option<(f64, Vec<f64>)>> = vec![None; replicates];
    std::thread::scope(|scope| {
        for chunk in results.chunks_mut(per).enumerate() {
            let (t, slots) = chunk;
            let run = &run;
            scope.spawn(move || {
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = run(t * per + i);
                }
            });
        }
    });
    let ok: Vec<(f64, Vec<f64>)> = results.into_iter().flatten().collect();
    let failed = replicates - ok.len();
    let alpha = (100.0 - f64::from(options.level_percent.min(99))) / 200.0;
    let interval = |mut v: Vec<f64>| -> (f64, f64) {
        v.sort_by(f64::total_cmp);
        (quantile(&v, alpha), quantile(&v, 1.0 - alpha))
    };
    let drivers = (0..x.len())
        .map(|j| interval(ok.iter().map(|(_, imp)| imp[j]).collect()))
        .collect();
    let r2 = interval(ok.iter().map(|(r2, _)| *r2).collect());
    Ok(Intervals {
        replicates,
        failed,
        drivers,
        r2,
        samples: ok.into_iter().map(|(_, imp)| imp).collect(),
    })
}

/// Weighted covariance (divisor Σw) of the `k` columns of `table`, each row counted
/// `counts[i]` times; two passes (means, then centred products). `None` without weight.
fn weighted_covariance(table: &[f64], w: &[f64], counts: &[u32], k: usize) -> Option<Vec<f64>> {
    let mut sw = 0.0;
    let mut mean = vec![0.0; k];
    for ((row, &wi), &c) in table.chunks_exact(k).zip(w).zip(counts) {
        if c == 0 {
            continue;
        }
        let f = wi * f64::from(c);
        sw += f;
        for (m, v) in mean.iter_mut().zip(row) {
            *m += f * v;
        }
    }
    if sw <= 0.0 {
        return None;
    }
    mean.iter_mut().for_each(|m| *m /= sw);
    let mut cov = vec![0.0; k * k];
    let mut d = vec![0.0; k];
    for ((row, &wi), &c) in table.chunks_exact(k).zip(w).zip(counts) {
        if c == 0 {
            continue;
        }
        let f = wi * f64::from(c);
        for ((di, v), m) in d.iter_mut().zip(row).zip(&mean) {
            *di = v - m;
        }
        for a in 0..k {
            let fa = f * d[a];
            for b in 0..=a {
                cov[a * k + b] += fa * d[b];
            }
        }
    }
    for a in 0..k {
        for b in 0..=a {
            let v = cov[a * k + b] / sw;
            cov[a * k + b] = v;
            cov[b * k + a] = v;
        }
    }
    Some(cov)
}

/// Quantile of sorted values by linear interpolation (Hyndman & Fan type 7, the
/// default of R and NumPy); NaN when empty.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let (a, b) = (sorted[lo], sorted[hi]);
    a + (h - lo as f64) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize) -> (Vec<f32>, Vec<f32>) {
        let mut rng = Rng::new(11, 0);
        let mut values = Vec::new();
        for _ in 0..n {
            let a = rng.normal();
            let b = 0.5 * a + rng.normal();
            let y = a + 0.5 * b + rng.normal();
            values.extend([a as f32, b as f32, y as f32]);
        }
        (values, vec![1.0; n])
    }

    #[test]
    fn same_seed_same_intervals_for_any_thread_count() {
        let (values, weights) = data(300);
        let rows: Vec<usize> = (0..300).collect();
        let d = RowData {
            values: &values,
            weights: &weights,
            stride: 3,
        };
        let run = |threads| {
            let options = BootstrapOptions {
                replicates: 200,
                seed: 7,
                threads,
                level_percent: 95,
            };
            bootstrap(d, &rows, 2, &[0, 1], Method::Lmg, &options).expect("ok")
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_eq!(one, run(8));
        assert_eq!(one.failed, 0);
        for (lo, hi) in &one.drivers {
            assert!(lo < hi);
        }
    }

    #[test]
    fn type_7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
    }
}
