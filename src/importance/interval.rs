//! Bootstrap confidence intervals from replicates: percentile and BCa (bias-corrected
//! and accelerated; Efron & Tibshirani 1993, ch. 14).
//!
//! BCa moves the percentile interval's endpoints to correct for the bootstrap
//! distribution's median bias (`z0`) and for the standard error changing with the
//! parameter (the acceleration `a`, from a jackknife). The formulas are those of
//! `scipy.stats.bootstrap(method='BCa')`, checked against SciPy on fixed replicates
//! (`fixtures/reference/bca.py`).

use crate::stats::{normal_cdf, normal_quantile};

/// Which bootstrap interval to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IntervalKind {
    /// Quantiles `α/2` and `1 − α/2` of the replicates.
    #[default]
    Percentile,
    /// Bias-corrected and accelerated percentiles (needs a jackknife).
    Bca,
}

impl IntervalKind {
    pub fn name(self) -> &'static str {
        match self {
            IntervalKind::Percentile => "percentile",
            IntervalKind::Bca => "bca",
        }
    }
}

/// The percentile interval of `replicates` at two-sided `level` (e.g. 0.95);
/// `(NaN, NaN)` without replicates.
pub fn percentile(replicates: &[f64], level: f64) -> (f64, f64) {
    let mut v = replicates.to_vec();
    v.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    (quantile(&v, alpha), quantile(&v, 1.0 - alpha))
}

/// The BCa interval of `replicates` around the full-sample `estimate`, with the
/// acceleration `a` from [`acceleration`]. Equals [`percentile`] when `z0 = a = 0`.
pub fn bca(replicates: &[f64], estimate: f64, a: f64, level: f64) -> (f64, f64) {
    let mut v = replicates.to_vec();
    v.sort_by(f64::total_cmp);
    let (lo, hi) = bca_levels(&v, estimate, a, level);
    (quantile(&v, lo), quantile(&v, hi))
}

/// The adjusted quantile levels `(α1, α2)` of a BCa interval over sorted replicates.
pub fn bca_levels(sorted: &[f64], estimate: f64, a: f64, level: f64) -> (f64, f64) {
    let alpha = (1.0 - level) / 2.0;
    let z0 = bias_correction(sorted, estimate);
    let adjust = |q: f64| {
        let Some(z) = normal_quantile(q) else {
            return q;
        };
        let s = z0 + z;
        normal_cdf(z0 + s / (1.0 - a * s))
    };
    (adjust(alpha), adjust(1.0 - alpha))
}

/// `z0 = Φ⁻¹(share of replicates below the estimate)`, ties counted half (SciPy's
/// `percentileofscore` mean of strict and weak). The share is kept within
/// `[1/(2B), 1 − 1/(2B)]` so that an estimate outside every replicate gives the most
/// extreme finite correction instead of an infinite one.
pub fn bias_correction(sorted: &[f64], estimate: f64) -> f64 {
    let b = sorted.len() as f64;
    if sorted.is_empty() {
        return 0.0;
    }
    let below = sorted.partition_point(|&x| x < estimate) as f64;
    let at_or_below = sorted.partition_point(|&x| x <= estimate) as f64;
    let share = ((below + at_or_below) / (2.0 * b)).clamp(0.5 / b, 1.0 - 0.5 / b);
    normal_quantile(share).unwrap_or(0.0)
}

/// The acceleration from jackknife values of one or more independent samples (each
/// slice holds the leave-one-out (or leave-one-group-out) estimates of one sample):
/// `a = Σ_j Σ_i U³ / n_j³ / (6 (Σ_j Σ_i U² / n_j²)^{3/2})`, `U = (n_j − 1)(θ̄_j − θ_(i))`
/// (Efron & Tibshirani 1993, eq. 14.15; its two-sample form as in SciPy). Zero when
/// the jackknife values do not vary.
pub fn acceleration(samples: &[&[f64]]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for jack in samples {
        if jack.is_empty() {
            continue;
        }
        let n = jack.len() as f64;
        let mean = jack.iter().sum::<f64>() / n;
        let (mut s2, mut s3) = (0.0, 0.0);
        for &t in *jack {
            let u = (n - 1.0) * (mean - t);
            s2 += u * u;
            s3 += u * u * u;
        }
        num += s3 / (n * n * n);
        den += s2 / (n * n);
    }
    if den > 0.0 && den.is_finite() && num.is_finite() {
        num / (6.0 * den.powf(1.5))
    } else {
        0.0
    }
}

/// The jackknife groups of `n` units: `min(n, MAX_JACKKNIFE_GROUPS)`. Unit `i` is in
/// group `i mod groups`, so with more units than groups each group drops every
/// `groups`-th unit (a delete-d jackknife, spread over the whole row order).
pub fn jackknife_groups(n: usize) -> usize {
    n.min(MAX_JACKKNIFE_GROUPS)
}

/// The most jackknife re-estimates BCa makes; above this many units they are grouped.
pub const MAX_JACKKNIFE_GROUPS: usize = 1000;

/// Quantile of sorted values by linear interpolation (Hyndman & Fan type 7, the
/// default of R and NumPy); NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    let q = q.clamp(0.0, 1.0);
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let (a, b) = (sorted[lo], sorted[hi]);
    a + (h - lo as f64) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skewed(n: usize) -> Vec<f64> {
        // Deterministic, right-skewed values: squares of a low-discrepancy sequence.
        (0..n)
            .map(|i| {
                let u = ((i as f64 + 0.5) * 0.618_033_988_749_895).fract();
                3.0 * u * u
            })
            .collect()
    }

    #[test]
    fn bca_equals_percentile_when_unbiased_and_unaccelerated() {
        let v = skewed(999);
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        // The median of an odd count has exactly half below and is counted half:
        // share 0.5, z0 = 0.
        let median = sorted[499];
        assert_eq!(bias_correction(&sorted, median), 0.0);
        let p = percentile(&v, 0.95);
        let b = bca(&v, median, 0.0, 0.95);
        assert!((p.0 - b.0).abs() < 1e-12 && (p.1 - b.1).abs() < 1e-12);
    }

    #[test]
    fn bias_and_acceleration_move_the_interval() {
        let v = skewed(1000);
        let p = percentile(&v, 0.95);
        // An estimate above most replicates shifts the interval up.
        let up = bca(&v, 2.5, 0.0, 0.95);
        assert!(up.0 > p.0 && up.1 > p.1);
        // A positive acceleration stretches the upper end.
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let mid = quantile(&sorted, 0.5);
        let a = bca(&v, mid, 0.1, 0.95);
        let z = bca(&v, mid, 0.0, 0.95);
        assert!(a.1 > z.1 && a.0 > z.0);
    }

    #[test]
    fn acceleration_of_symmetric_jackknife_is_zero_and_sign_follows_skew() {
        assert_eq!(acceleration(&[&[1.0, 2.0, 3.0]]), 0.0);
        assert_eq!(acceleration(&[&[2.0, 2.0]]), 0.0);
        // One low leave-one-out value: the estimate leans on that unit; U > 0 for it.
        assert!(acceleration(&[&[0.0, 1.0, 1.0, 1.0]]) > 0.0);
        // Single sample: a = Σd³ / (6 (Σd²)^{3/2}) with d = θ̄ − θ_(i).
        let j = [0.0, 1.0, 1.0, 1.0];
        let d: Vec<f64> = j.iter().map(|t| 0.75 - t).collect();
        let want = d.iter().map(|x| x * x * x).sum::<f64>()
            / (6.0 * d.iter().map(|x| x * x).sum::<f64>().powf(1.5));
        assert!((acceleration(&[&j]) - want).abs() < 1e-15);
    }

    #[test]
    fn extreme_estimate_gives_finite_interval() {
        let v = skewed(200);
        let (lo, hi) = bca(&v, 100.0, 0.0, 0.95);
        assert!(lo.is_finite() && hi.is_finite() && lo <= hi);
    }

    #[test]
    fn type_7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
    }
}
