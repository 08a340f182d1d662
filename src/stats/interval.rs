//! Confidence intervals from survey-weighted moments.
//!
//! Every function takes the mergeable sufficient statistics of one cell (segment ×
//! wave): `sw = Σw`, `sw2 = Σw²`, `swx = Σw·x`, `swx2 = Σw·x²`. The effective sample
//! size is Kish's `n_eff = (Σw)² / Σw²`, which equals `n` for unit weights. `level`
//! is the confidence level, e.g. `0.95`. Each returns `None` for degenerate input
//! (no data, `n_eff < 2`, a level outside (0, 1), non-finite moments).

use super::special::{normal_quantile, t_quantile};

/// A t interval for a (weighted) mean.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MeanCi {
    pub mean: f64,
    /// Standard deviation with the `n_eff / (n_eff − 1)` correction.
    pub sd: f64,
    /// Standard error of the mean, `sd / √n_eff`.
    pub se: f64,
    /// Kish effective sample size.
    pub n_eff: f64,
    /// Degrees of freedom of the t quantile, `n_eff − 1`.
    pub df: f64,
    pub low: f64,
    pub high: f64,
}

/// A normal interval for a net promoter score (−100..100).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct NpsCi {
    pub nps: f64,
    pub se: f64,
    pub n_eff: f64,
    pub low: f64,
    pub high: f64,
}

/// A Wilson score interval for a proportion, in percent.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ProportionCi {
    pub p: f64,
    pub n_eff: f64,
    pub low: f64,
    pub high: f64,
}

/// Kish's effective sample size `(Σw)² / Σw²`.
pub fn kish_n_eff(sw: f64, sw2: f64) -> Option<f64> {
    (sw.is_finite() && sw2.is_finite() && sw > 0.0 && sw2 > 0.0).then(|| sw * sw / sw2)
}

/// The two-sided critical value `z` with `P(|Z| ≤ z) = level`.
fn z_crit(level: f64) -> Option<f64> {
    valid_level(level)?;
    normal_quantile(0.5 + 0.5 * level)
}

fn valid_level(level: f64) -> Option<()> {
    (level > 0.0 && level < 1.0).then_some(())
}

/// t interval of a weighted mean from raw moments.
///
/// `mean = swx/sw`; `variance = (swx2/sw − mean²) · n_eff/(n_eff − 1)`;
/// `se = √(variance / n_eff)`; the interval is `mean ± t(1 − α/2, n_eff − 1) · se`.
/// With unit weights this is exactly the textbook interval (scipy's
/// `stats.t.interval(level, n − 1, loc=mean, scale=sem)`).
///
/// Numerical note: the centred sum of squares is recovered as `swx2 − swx·mean`,
/// which cancels when the spread is tiny relative to the mean (relative error about
/// `1e-16 · mean² / variance`). For survey indices bounded to 0–100 or ±100 that is
/// below 1e-10 for any spread that matters, so raw moments (which merge exactly
/// across threads and partitions) are fine. When centred sums are at hand, use
/// [`mean_ci_centered`], which has no cancellation. A tiny negative result from
/// rounding is clamped to 0.
pub fn mean_ci(sw: f64, sw2: f64, swx: f64, swx2: f64, level: f64) -> Option<MeanCi> {
    if !(swx.is_finite() && swx2.is_finite()) {
        return None;
    }
    kish_n_eff(sw, sw2)?;
    let mean = swx / sw;
    let m2 = (swx2 - swx * mean).max(0.0);
    mean_ci_centered(sw, sw2, mean, m2, level)
}

/// As [`mean_ci`], from the weighted mean and the centred sum of squares
/// `m2 = Σw·(x − mean)²` (e.g. from a Welford/West accumulator).
pub fn mean_ci_centered(sw: f64, sw2: f64, mean: f64, m2: f64, level: f64) -> Option<MeanCi> {
    let n_eff = kish_n_eff(sw, sw2)?;
    if n_eff < 2.0 || !(mean.is_finite() && m2.is_finite() && m2 >= 0.0) {
        return None;
    }
    valid_level(level)?;
    let variance = m2 / sw * n_eff / (n_eff - 1.0);
    let sd = variance.sqrt();
    let se = (variance / n_eff).sqrt();
    let df = n_eff - 1.0;
    let t = t_quantile(0.5 + 0.5 * level, df)?;
    Some(MeanCi {
        mean,
        sd,
        se,
        n_eff,
        df,
        low: mean - t * se,
        high: mean + t * se,
    })
}

/// Normal interval of a net promoter score from the moments of its respondent
/// values coded +100 (promoter), 0 (passive), −100 (detractor).
///
/// With `p` the promoter and `d` the detractor share: `p − d = mean/100` and
/// `p + d = (swx2/sw)/10000`, so `se = 100·√((p + d − (p − d)²)/n_eff)`. The interval
/// `nps ± z·se` is clipped to −100..100.
pub fn nps_ci(sw: f64, sw2: f64, swx: f64, swx2: f64, level: f64) -> Option<NpsCi> {
    let n_eff = kish_n_eff(sw, sw2)?;
    if n_eff < 2.0 || !(swx.is_finite() && swx2.is_finite()) {
        return None;
    }
    let z = z_crit(level)?;
    let nps = swx / sw;
    let diff = nps / 100.0;
    let sum = swx2 / sw / 10_000.0;
    let se = 100.0 * ((sum - diff * diff).max(0.0) / n_eff).sqrt();
    Some(NpsCi {
        nps,
        se,
        n_eff,
        low: (nps - z * se).max(-100.0),
        high: (nps + z * se).min(100.0),
    })
}

/// Wilson score interval for a proportion given in percent (0–100) with effective
/// sample size `n_eff` (the same as statsmodels' `proportion_confint(method="wilson")`
/// for integer counts).
pub fn proportion_ci(p_percent: f64, n_eff: f64, level: f64) -> Option<ProportionCi> {
    if !(n_eff.is_finite() && n_eff > 0.0 && (0.0..=100.0).contains(&p_percent)) {
        return None;
    }
    let z = z_crit(level)?;
    let p = p_percent / 100.0;
    let z2n = z * z / n_eff;
    let denom = 1.0 + z2n;
    let center = (p + 0.5 * z2n) / denom;
    let half = z * (p * (1.0 - p) / n_eff + 0.25 * z2n / n_eff).sqrt() / denom;
    Some(ProportionCi {
        p: p_percent,
        n_eff,
        low: 100.0 * (center - half).max(0.0),
        high: 100.0 * (center + half).min(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(x: &[f64], w: &[f64]) -> (f64, f64, f64, f64) {
        let mut m = (0.0, 0.0, 0.0, 0.0);
        for (&x, &w) in x.iter().zip(w) {
            m.0 += w;
            m.1 += w * w;
            m.2 += w * x;
            m.3 += w * x * x;
        }
        m
    }

    #[test]
    fn unit_weight_mean_ci_is_the_textbook_t_interval() {
        let x = [3.0, 4.0, 5.0, 4.0, 2.0];
        let (sw, sw2, swx, swx2) = moments(&x, &[1.0; 5]);
        let ci = mean_ci(sw, sw2, swx, swx2, 0.95).expect("ci");
        // scipy: stats.t.interval(0.95, 4, loc=3.6, scale=stats.sem(x))
        assert!((ci.mean - 3.6).abs() < 1e-14);
        assert!((ci.sd - 1.140_175_425_099_138).abs() < 1e-14);
        assert!((ci.low - 2.184_285_223_017_728).abs() < 1e-12, "{ci:?}");
        assert!((ci.high - 5.015_714_776_982_272).abs() < 1e-12, "{ci:?}");
    }

    #[test]
    fn scaling_weights_changes_nothing() {
        let x = [10.0, 55.0, 70.0, 42.0, 90.0, 61.0];
        let w = [0.7, 1.2, 1.5, 0.9, 1.1, 0.6];
        let a = moments(&x, &w);
        let w3: Vec<f64> = w.iter().map(|w| w * 3.0).collect();
        let b = moments(&x, &w3);
        let ca = mean_ci(a.0, a.1, a.2, a.3, 0.95).expect("a");
        let cb = mean_ci(b.0, b.1, b.2, b.3, 0.95).expect("b");
        assert!((ca.low - cb.low).abs() < 1e-10 && (ca.high - cb.high).abs() < 1e-10);
        assert!(ca.n_eff < 6.0 && ca.n_eff > 5.0);
    }

    #[test]
    fn degenerate_mean_inputs() {
        assert!(mean_ci(1.0, 1.0, 3.0, 9.0, 0.95).is_none()); // n = 1
        assert!(mean_ci(0.0, 0.0, 0.0, 0.0, 0.95).is_none());
        assert!(mean_ci(5.0, 5.0, 10.0, 30.0, 1.0).is_none());
        assert!(mean_ci(5.0, 5.0, f64::NAN, 30.0, 0.95).is_none());
        // Zero spread: a zero-width interval, not NaN.
        let ci = mean_ci(4.0, 4.0, 20.0, 100.0, 0.95).expect("ci");
        assert_eq!((ci.low, ci.high), (5.0, 5.0));
    }

    #[test]
    fn nps_interval() {
        // 50 promoters, 30 passives, 20 detractors: NPS 30.
        let mut x = vec![100.0; 50];
        x.extend([0.0; 30]);
        x.extend([-100.0; 20]);
        let (sw, sw2, swx, swx2) = moments(&x, &vec![1.0; 100]);
        let ci = nps_ci(sw, sw2, swx, swx2, 0.95).expect("ci");
        assert!((ci.nps - 30.0).abs() < 1e-12);
        let se = 100.0 * ((0.7 - 0.09) / 100.0f64).sqrt();
        assert!((ci.se - se).abs() < 1e-12);
        assert!((ci.low - (30.0 - 1.959_963_984_540_054 * se)).abs() < 1e-10);
        // All promoters: clipped at 100 and zero width.
        let all = nps_ci(10.0, 10.0, 1000.0, 100_000.0, 0.95).expect("ci");
        assert_eq!((all.low, all.high), (100.0, 100.0));
    }

    #[test]
    fn wilson_interval() {
        // statsmodels proportion_confint(37, 120, method="wilson")
        let ci = proportion_ci(37.0 / 120.0 * 100.0, 120.0, 0.95).expect("ci");
        assert!((ci.low - 23.272_736_988_916_3).abs() < 1e-8, "{ci:?}");
        assert!((ci.high - 39.582_997_723_800_68).abs() < 1e-8, "{ci:?}");
        let zero = proportion_ci(0.0, 50.0, 0.95).expect("ci");
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0);
        assert!(proportion_ci(101.0, 50.0, 0.95).is_none());
        assert!(proportion_ci(50.0, 0.0, 0.95).is_none());
    }
}
