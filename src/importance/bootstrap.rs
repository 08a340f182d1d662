//! Seeded nonparametric bootstrap of any importance method: respondents are drawn
//! with replacement (with their survey weights), the correlations recomputed and the
//! method re-run; percentile (Efron & Tibshirani 1993, §13.3) or BCa intervals
//! (ch. 14, [`super::interval`]), and intervals of the change between two groups.
//!
//! Replicate `r` draws from its own generator, seeded from `(seed, r)` through
//! SplitMix64 (`Rng::new(seed, r)`), and its result is stored at index `r`, so the
//! output is identical for a seed whatever the number of threads.

use super::interval::{acceleration, bca, jackknife_groups, percentile, IntervalKind};
use super::{estimate, Correlations, EstimateOptions, ImportanceError, Method};
use crate::stats::rng::Rng;

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

/// Intervals of a bootstrap, with what they were computed from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Intervals {
    pub replicates: usize,
    /// Replicates where the method failed (a resample with a constant or collinear
    /// driver); they are left out of the intervals.
    pub failed: usize,
    pub kind: IntervalKind,
    /// `(low, high)` per driver.
    pub drivers: Vec<(f64, f64)>,
    pub r2: (f64, f64),
    /// The estimate on the rows the bootstrap resampled: `(r2, importances)`.
    #[serde(skip)]
    pub estimate: (f64, Vec<f64>),
    /// Replicate `r`'s `(r2, importances)` at index `r`; `None` where it failed. Kept
    /// by index so that two groups' replicates pair up for differences.
    #[serde(skip)]
    pub samples: Vec<Option<(f64, Vec<f64>)>>,
    /// Leave-one-group-out estimates `(r2, importances)` (BCa only; empty otherwise).
    #[serde(skip)]
    pub jackknife: Vec<(f64, Vec<f64>)>,
}

/// What a bootstrap reports beyond [`BootstrapOptions`]: the interval kind, and a
/// progress callback called (from any worker thread) with the number of replicates
/// just finished. Neither changes the replicates.
#[derive(Clone, Copy, Default)]
pub struct BootstrapExtras<'a> {
    pub kind: IntervalKind,
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Bootstrap `method` for outcome column `y` on driver columns `x` over `rows`
/// (indices into `data`; rows with a missing value among `y`, `x` are dropped first:
/// listwise deletion). Percentile intervals.
pub fn bootstrap(
    data: RowData<'_>,
    rows: &[usize],
    y: usize,
    x: &[usize],
    method: Method,
    options: &BootstrapOptions,
) -> Result<Intervals, ImportanceError> {
    bootstrap_with(
        data,
        rows,
        y,
        x,
        method,
        options,
        &BootstrapExtras::default(),
    )
}

/// [`bootstrap`] with an interval kind and progress reporting. For BCa, the
/// acceleration comes from a jackknife over [`jackknife_groups`] groups of rows.
pub fn bootstrap_with(
    data: RowData<'_>,
    rows: &[usize],
    y: usize,
    x: &[usize],
    method: Method,
    options: &BootstrapOptions,
    extras: &BootstrapExtras<'_>,
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
    let estimate_options = EstimateOptions::default();
    let idx: Vec<usize> = (0..x.len()).collect();
    let fit = |cov: &[f64]| -> Result<(f64, Vec<f64>), ImportanceError> {
        let c = Correlations::from_covariance(|a, b| cov[a * k + b], k - 1, &idx)?;
        let est = estimate(method, &c, &estimate_options)?;
        Ok((est.r2, est.importance))
    };
    let everyone = vec![1u32; n];
    let full_cov =
        weighted_covariance(&table, &weights, &everyone, k).ok_or(ImportanceError::TooFewRows {
            n: 0,
            needed: x.len() as u64 + 2,
        })?;
    let full = fit(&full_cov)?;

    let replicates = options.replicates.max(1);
    let run = |r: usize| -> Option<(f64, Vec<f64>)> {
        let mut rng = Rng::new(options.seed, r as u64);
        let mut counts = vec![0u32; n];
        for _ in 0..n {
            let i = super::lmg::below(&mut rng, n as u64) as usize;
            counts[i] += 1;
        }
        let out = weighted_covariance(&table, &weights, &counts, k).and_then(|cov| fit(&cov).ok());
        if let Some(progress) = extras.progress {
            progress(1);
        }
        out
    };
    let samples = parallel_map(replicates, options.threads, run);
    let jackknife: Vec<(f64, Vec<f64>)> = match extras.kind {
        IntervalKind::Percentile => Vec::new(),
        IntervalKind::Bca => {
            let groups = jackknife_groups(n);
            let left_out = leave_group_out_covariances(&table, &weights, k, groups);
            parallel_map(groups, options.threads, |g| {
                left_out
                    .get(g)
                    .and_then(|cov| cov.as_ref())
                    .and_then(|cov| fit(cov).ok())
            })
            .into_iter()
            .flatten()
            .collect()
        }
    };
    let level = f64::from(options.level_percent.min(99)) / 100.0;
    let ok: Vec<&(f64, Vec<f64>)> = samples.iter().flatten().collect();
    let interval = |values: Vec<f64>, estimate: f64, jack: Vec<f64>| match extras.kind {
        IntervalKind::Percentile => percentile(&values, level),
        IntervalKind::Bca => bca(&values, estimate, acceleration(&[&jack]), level),
    };
    let drivers = (0..x.len())
        .map(|j| {
            interval(
                ok.iter().map(|(_, imp)| imp[j]).collect(),
                full.1[j],
                jackknife.iter().map(|(_, imp)| imp[j]).collect(),
            )
        })
        .collect();
    let r2 = interval(
        ok.iter().map(|(r2, _)| *r2).collect(),
        full.0,
        jackknife.iter().map(|(r2, _)| *r2).collect(),
    );
    Ok(Intervals {
        replicates,
        failed: replicates - ok.len(),
        kind: extras.kind,
        drivers,
        r2,
        estimate: full,
        samples,
        jackknife,
    })
}

/// Intervals of the change `later − earlier` of each driver's importance between two
/// independently resampled groups (e.g. consecutive waves): replicate `r` of one minus
/// replicate `r` of the other (replicates failed in either are left out), with the
/// kind of `later`. For BCa the acceleration uses both groups' jackknives (the
/// two-sample form). `None` per driver when no replicate pair succeeded.
pub fn change_intervals(earlier: &Intervals, later: &Intervals, level: f64) -> Vec<(f64, f64)> {
    let p = later.estimate.1.len().min(earlier.estimate.1.len());
    (0..p)
        .map(|j| {
            let diffs: Vec<f64> = later
                .samples
                .iter()
                .zip(&earlier.samples)
                .filter_map(|(a, b)| Some(a.as_ref()?.1[j] - b.as_ref()?.1[j]))
                .collect();
            match later.kind {
                IntervalKind::Percentile => percentile(&diffs, level),
                IntervalKind::Bca => {
                    let estimate = later.estimate.1[j] - earlier.estimate.1[j];
                    // A group's jackknife values enter the change with its sign; a
                    // constant offset (the other group's estimate) cancels in U.
                    let late: Vec<f64> = later.jackknife.iter().map(|(_, v)| v[j]).collect();
                    let early: Vec<f64> = earlier.jackknife.iter().map(|(_, v)| -v[j]).collect();
                    bca(&diffs, estimate, acceleration(&[&late, &early]), level)
                }
            }
        })
        .collect()
}

/// The bootstrap seed of one group (segment value or wave) of a run seeded `seed`:
/// `seed` XOR SplitMix64 of the FNV-1a hash of its name. Groups then draw independent
/// resamples (two waves of equal size would otherwise pick the same row positions in
/// every replicate, which couples them when the file is sorted), and a group's
/// intervals do not depend on which other groups exist.
pub fn group_seed(seed: u64, group: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in group.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    seed ^ crate::stats::rng::splitmix64(&mut h)
}

/// `f(0..count)` on up to `threads` scoped threads, results in index order (so the
/// output does not depend on the thread count).
fn parallel_map<T: Send>(
    count: usize,
    threads: usize,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Vec<Option<T>> {
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    if count == 0 {
        return results;
    }
    let threads = threads.clamp(1, count);
    let per = count.div_ceil(threads);
    std::thread::scope(|scope| {
        for (t, slots) in results.chunks_mut(per).enumerate() {
            let f = &f;
            scope.spawn(move || {
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = f(t * per + i);
                }
            });
        }
    });
    results
}

/// The weighted covariance (divisor Σw) of the rows outside each of `groups` groups
/// (row `i` in group `i mod groups`), by subtracting each group's centred sums from
/// the total: one pass over the rows, not one per group. `None` for a group that
/// leaves no weight.
fn leave_group_out_covariances(
    table: &[f64],
    w: &[f64],
    k: usize,
    groups: usize,
) -> Vec<Option<Vec<f64>>> {
    // Centre at the full weighted mean first so the subtraction loses no precision.
    let sw_all: f64 = w.iter().sum();
    let mut centre = vec![0.0; k];
    for (row, &wi) in table.chunks_exact(k).zip(w) {
        for (c, v) in centre.iter_mut().zip(row) {
            *c += wi * v;
        }
    }
    centre.iter_mut().for_each(|c| *c /= sw_all);
    // Per group: Σw, Σw·d, Σw·d·dᵀ (lower triangle), d = row − centre.
    let width = 1 + k + k * k;
    let mut sums = vec![0.0; groups * width];
    let mut d = vec![0.0; k];
    for (i, (row, &wi)) in table.chunks_exact(k).zip(w).enumerate() {
        let s = &mut sums[(i % groups) * width..][..width];
        for ((di, v), c) in d.iter_mut().zip(row).zip(&centre) {
            *di = v - c;
        }
        s[0] += wi;
        for a in 0..k {
            s[1 + a] += wi * d[a];
            for b in 0..=a {
                s[1 + k + a * k + b] += wi * d[a] * d[b];
            }
        }
    }
    let mut total = vec![0.0; width];
    for s in sums.chunks_exact(width) {
        for (t, v) in total.iter_mut().zip(s) {
            *t += v;
        }
    }
    sums.chunks_exact(width)
        .map(|s| {
            let sw = total[0] - s[0];
            if sw <= 0.0 {
                return None;
            }
            let mean: Vec<f64> = (0..k).map(|a| (total[1 + a] - s[1 + a]) / sw).collect();
            let mut cov = vec![0.0; k * k];
            for a in 0..k {
                for b in 0..=a {
                    let at = 1 + k + a * k + b;
                    let v = (total[at] - s[at]) / sw - mean[a] * mean[b];
                    cov[a * k + b] = v;
                    cov[b * k + a] = v;
                }
            }
            Some(cov)
        })
        .collect()
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
    fn leave_group_out_equals_recomputing_without_the_group() {
        let (values, weights) = data(57);
        let table: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        let w: Vec<f64> = (0..57).map(|i| 0.5 + (i % 4) as f64 * 0.3).collect();
        let _ = weights;
        let groups = 10;
        let fast = leave_group_out_covariances(&table, &w, 3, groups);
        for (g, cov) in fast.iter().enumerate() {
            let counts: Vec<u32> = (0..57).map(|i| u32::from(i % groups != g)).collect();
            let slow = weighted_covariance(&table, &w, &counts, 3).expect("weight");
            let cov = cov.as_ref().expect("weight");
            for (a, b) in cov.iter().zip(&slow) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn bca_is_deterministic_and_differs_from_percentile() {
        let (values, weights) = data(300);
        let rows: Vec<usize> = (0..300).collect();
        let d = RowData {
            values: &values,
            weights: &weights,
            stride: 3,
        };
        let run = |threads, kind| {
            let options = BootstrapOptions {
                replicates: 300,
                seed: 3,
                threads,
                level_percent: 95,
            };
            let extras = BootstrapExtras {
                kind,
                progress: None,
            };
            bootstrap_with(d, &rows, 2, &[0, 1], Method::Relweights, &options, &extras).expect("ok")
        };
        let bca1 = run(1, IntervalKind::Bca);
        assert_eq!(bca1, run(4, IntervalKind::Bca));
        assert_eq!(bca1.jackknife.len(), 300);
        let pct = run(2, IntervalKind::Percentile);
        assert_eq!(pct.samples, bca1.samples);
        assert!(pct.jackknife.is_empty());
        assert_ne!(pct.drivers, bca1.drivers);
        for ((lo, hi), est) in bca1.drivers.iter().zip(&bca1.estimate.1) {
            assert!(lo < est && est < hi);
        }
    }

    #[test]
    fn progress_counts_every_replicate_once() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let (values, weights) = data(100);
        let rows: Vec<usize> = (0..100).collect();
        let d = RowData {
            values: &values,
            weights: &weights,
            stride: 3,
        };
        let done = AtomicU64::new(0);
        let tick = |k: u64| {
            done.fetch_add(k, Ordering::Relaxed);
        };
        let options = BootstrapOptions {
            replicates: 77,
            seed: 1,
            threads: 3,
            level_percent: 95,
        };
        let extras = BootstrapExtras {
            kind: IntervalKind::Percentile,
            progress: Some(&tick),
        };
        let with =
            bootstrap_with(d, &rows, 2, &[0, 1], Method::Lmg, &options, &extras).expect("ok");
        assert_eq!(done.load(Ordering::Relaxed), 77);
        let without = bootstrap(d, &rows, 2, &[0, 1], Method::Lmg, &options).expect("ok");
        assert_eq!(with, without);
    }

    #[test]
    fn change_of_a_group_with_itself_is_zero_and_of_shifted_groups_excludes_zero() {
        let (values, weights) = data(400);
        let d = RowData {
            values: &values,
            weights: &weights,
            stride: 3,
        };
        let options = BootstrapOptions {
            replicates: 200,
            seed: 5,
            threads: 2,
            level_percent: 95,
        };
        let first: Vec<usize> = (0..200).collect();
        let a = bootstrap(d, &first, 2, &[0, 1], Method::Corr, &options).expect("ok");
        for (lo, hi) in change_intervals(&a, &a, 0.95) {
            assert_eq!((lo, hi), (0.0, 0.0));
        }
        // Outcome = driver 0 exactly in the second group: corr(x0, y) = 1 there,
        // well above the first group's ≈ 0.7.
        let mut shifted = values.clone();
        for r in 200..400 {
            shifted[r * 3 + 2] = shifted[r * 3];
        }
        let d2 = RowData {
            values: &shifted,
            weights: &weights,
            stride: 3,
        };
        let second: Vec<usize> = (200..400).collect();
        for kind in [IntervalKind::Percentile, IntervalKind::Bca] {
            let extras = BootstrapExtras {
                kind,
                progress: None,
            };
            let a = bootstrap_with(d2, &first, 2, &[0, 1], Method::Corr, &options, &extras)
                .expect("ok");
            let b = bootstrap_with(d2, &second, 2, &[0, 1], Method::Corr, &options, &extras)
                .expect("ok");
            let change = change_intervals(&a, &b, 0.95);
            assert!(change[0].0 > 0.0, "{kind:?}: {change:?}");
        }
    }
}
