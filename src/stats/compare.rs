//! Two-sample tests of a change between waves, from each sample's mean, variance
//! and (Kish effective) size. Two-sided; degenerate input gives `None`.

use super::special::{normal_cdf, t_cdf};

/// The result of a two-sample test of `later − earlier`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TestResult {
    /// `later − earlier`.
    pub difference: f64,
    /// The t or z statistic.
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom; `None` for a z-test.
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// One sample's summary: mean, variance with the `n/(n − 1)` correction (for
/// [`welch_t`]) or the population variance (for [`z_test`]), and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub mean: f64,
    pub variance: f64,
    pub n: f64,
}

fn valid(s: &Sample) -> bool {
    s.mean.is_finite() && s.variance.is_finite() && s.variance >= 0.0 && s.n >= 2.0
}

/// Welch's unequal-variance t-test.
pub fn welch_t(earlier: &Sample, later: &Sample) -> Option<TestResult> {
    if !(valid(earlier) && valid(later)) {
        return None;
    }
    let a = later.variance / later.n;
    let b = earlier.variance / earlier.n;
    let difference = later.mean - earlier.mean;
    let se = (a + b).sqrt();
    if se == 0.0 {
        return Some(degenerate(difference, None));
    }
    let df = (a + b).powi(2) / (a * a / (later.n - 1.0) + b * b / (earlier.n - 1.0));
    let statistic = difference / se;
    let p_value = (2.0 * t_cdf(-statistic.abs(), df)?).min(1.0);
    Some(TestResult {
        difference,
        statistic,
        df: Some(df),
        p_value,
    })
}

/// A two-sample z-test with unpooled variances (for NPS on its ±100 coding).
pub fn z_test(earlier: &Sample, later: &Sample) -> Option<TestResult> {
    if !(valid(earlier) && valid(later)) {
        return None;
    }
    let difference = later.mean - earlier.mean;
    let se = (later.variance / later.n + earlier.variance / earlier.n).sqrt();
    z_result(difference, se)
}

/// The two-proportion z-test with the pooled proportion; proportions in percent.
pub fn proportion_z(
    earlier_percent: f64,
    n0: f64,
    later_percent: f64,
    n1: f64,
) -> Option<TestResult> {
    let ok = |p: f64, n: f64| (0.0..=100.0).contains(&p) && n.is_finite() && n >= 2.0;
    if !(ok(earlier_percent, n0) && ok(later_percent, n1)) {
        return None;
    }
    let pooled = (earlier_percent * n0 + later_percent * n1) / (n0 + n1) / 100.0;
    let se = 100.0 * (pooled * (1.0 - pooled) * (1.0 / n0 + 1.0 / n1)).sqrt();
    z_result(later_percent - earlier_percent, se)
}

fn z_result(difference: f64, se: f64) -> Option<TestResult> {
    if !(difference.is_finite() && se.is_finite()) {
        return None;
    }
    if se == 0.0 {
        return Some(degenerate(difference, None));
    }
    let statistic = difference / se;
    Some(TestResult {
        difference,
        statistic,
        df: None,
        p_value: (2.0 * normal_cdf(-statistic.abs())).min(1.0),
    })
}

/// No spread in either sample: any difference is certain, none is no evidence.
fn degenerate(difference: f64, df: Option<f64>) -> TestResult {
    let (statistic, p_value) = if difference == 0.0 {
        (0.0, 1.0)
    } else {
        (difference.signum() * f64::INFINITY, 0.0)
    };
    TestResult {
        difference,
        statistic,
        df,
        p_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_matches_scipy() {
        // scipy.stats.ttest_ind([1,2,3,4,5], [2,4,6,8,10,12], equal_var=False)
        // a: mean 3, var 2.5, n 5; b: mean 7, var 14, n 6
        let a = Sample {
            mean: 3.0,
            variance: 2.5,
            n: 5.0,
        };
        let b = Sample {
            mean: 7.0,
            variance: 14.0,
            n: 6.0,
        };
        let r = welch_t(&a, &b).expect("test");
        // → statistic −2.3763541031440183 (a − b), df 6.972255729794934, p 0.04928433820673053
        assert!((r.statistic - 2.376_354_103_144_018).abs() < 1e-9, "{r:?}");
        let df = r.df.expect("df");
        assert!((df - 6.972_255_729_794_934).abs() < 1e-9, "{df}");
        assert!((r.p_value - 0.049_284_338_206_730_53).abs() < 1e-9, "{r:?}");
    }

    #[test]
    fn proportions_pooled() {
        // 30 % of 200 → 40 % of 200: pooled 35 %, se = √(.35·.65·(2/200)) = 4.77 pp
        let r = proportion_z(30.0, 200.0, 40.0, 200.0).expect("test");
        assert!((r.statistic - 10.0 / (100.0 * (0.35f64 * 0.65 * 0.01).sqrt())).abs() < 1e-12);
        assert!(r.p_value > 0.03 && r.p_value < 0.04, "{r:?}");
        assert!(proportion_z(30.0, 1.0, 40.0, 200.0).is_none());
    }

    #[test]
    fn no_spread_is_certain_or_no_evidence() {
        let s = Sample {
            mean: 50.0,
            variance: 0.0,
            n: 10.0,
        };
        assert_eq!(welch_t(&s, &s).expect("t").p_value, 1.0);
        let later = Sample { mean: 60.0, ..s };
        assert_eq!(z_test(&s, &later).expect("z").p_value, 0.0);
    }
}
