//! `sattrace::stats` against numpy / scipy / statsmodels.
//!
//! The expected values are committed in `fixtures/reference/ols_expected.json`,
//! written by `scripts/reference_stats.py` from `fixtures/reference/ols_input.csv`;
//! these tests never run Python. Tolerance: 1e-8 relative (1e-13 absolute near 0).

use serde_json::Value;

use sattrace::stats::{
    inc_beta, ln_gamma, mean_ci, normal_cdf, normal_quantile, ols, proportion_ci, t_cdf,
    t_quantile, CrossMoments, OlsFit,
};

const REL: f64 = 1e-8;
const ABS_NEAR_ZERO: f64 = 1e-13;

/// Collects comparisons and reports every miss at once, with the largest differences.
#[derive(Default)]
struct Check {
    failures: Vec<String>,
    max_abs: f64,
    max_rel: f64,
    count: usize,
}

impl Check {
    fn close(&mut self, what: &str, got: f64, want: f64) {
        self.count += 1;
        let abs = (got - want).abs();
        let rel = if want == 0.0 { abs } else { abs / want.abs() };
        if got == want {
            return;
        }
        self.max_abs = self.max_abs.max(abs);
        self.max_rel = self.max_rel.max(rel);
        if !(abs <= REL * want.abs() || abs <= ABS_NEAR_ZERO) {
            self.failures
                .push(format!("{what}: got {got:e}, want {want:e} (rel {rel:e})"));
        }
    }

    fn finish(self, name: &str) {
        println!(
            "{name}: {} values, max abs diff {:e}, max rel diff {:e}",
            self.count, self.max_abs, self.max_rel
        );
        assert!(
            self.failures.is_empty(),
            "{name}:\n{}",
            self.failures.join("\n")
        );
    }
}

fn expected() -> Value {
    let text =
        std::fs::read_to_string("fixtures/reference/ols_expected.json").expect("expected json");
    serde_json::from_str(&text).expect("json")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number in {v}"))
}

fn nums(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not an array"))
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// (y, predictor columns, weights) from the input CSV.
fn input() -> (Vec<f64>, Vec<Vec<f64>>, Vec<f64>) {
    let mut reader = csv::Reader::from_path("fixtures/reference/ols_input.csv").expect("input csv");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header, ["y", "x1", "x2", "x3", "x4", "w"]);
    let (mut y, mut x, mut w) = (Vec::new(), vec![Vec::new(); 4], Vec::new());
    for record in reader.records() {
        let record = record.expect("record");
        let v: Vec<f64> = record.iter().map(|s| s.parse().expect("number")).collect();
        y.push(v[0]);
        for j in 0..4 {
            x[j].push(v[1 + j]);
        }
        w.push(v[5]);
    }
    (y, x, w)
}

fn compare_fit(check: &mut Check, name: &str, fit: &OlsFit, want: &Value) {
    let params = nums(want, "params");
    let bse = nums(want, "bse");
    check.close(&format!("{name} intercept"), fit.intercept, params[0]);
    check.close(&format!("{name} intercept se"), fit.intercept_se, bse[0]);
    for j in 0..4 {
        check.close(&format!("{name} coef {j}"), fit.coef[j], params[j + 1]);
        check.close(&format!("{name} se {j}"), fit.se[j], bse[j + 1]);
    }
    for (j, want) in nums(want, "std_beta").into_iter().enumerate() {
        check.close(&format!("{name} std_beta {j}"), fit.std_beta[j], want);
    }
    for (j, want) in nums(want, "vif").into_iter().enumerate() {
        check.close(&format!("{name} vif {j}"), fit.vif[j], want);
    }
    check.close(&format!("{name} r2"), fit.r2, num(want, "rsquared"));
    check.close(
        &format!("{name} adj r2"),
        fit.adj_r2,
        num(want, "rsquared_adj"),
    );
    assert_eq!(fit.n as f64, num(want, "nobs"));
}

#[test]
fn ols_and_wls_match_statsmodels() {
    let want = expected();
    let (y, x, w) = input();
    let mut check = Check::default();
    let unit = vec![1.0; y.len()];
    let fit = ols(&y, &x, &unit).expect("ols");
    compare_fit(&mut check, "ols", &fit, &want["ols"]);
    let fit = ols(&y, &x, &w).expect("wls");
    compare_fit(&mut check, "wls", &fit, &want["wls"]);

    // The same fit from moments merged out of three partials (variables y, x1..x4).
    let mut parts = [
        CrossMoments::new(5),
        CrossMoments::new(5),
        CrossMoments::new(5),
    ];
    for i in 0..y.len() {
        let row = [y[i], x[0][i], x[1][i], x[2][i], x[3][i]];
        assert!(parts[i % 3].push(&row, w[i]));
    }
    let [mut all, second, third] = parts;
    assert!(all.merge(&second) && all.merge(&third));
    let from_moments = all.ols(0, &[1, 2, 3, 4]).expect("moments");
    compare_fit(&mut check, "wls from moments", &from_moments, &want["wls"]);
    // And the two Rust paths agree far more tightly than the reference tolerance.
    for (a, b) in from_moments
        .coef
        .iter()
        .zip(&fit.coef)
        .chain(from_moments.se.iter().zip(&fit.se))
    {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }
    check.finish("ols/wls");
}

#[test]
fn distributions_match_scipy() {
    let want = expected();
    let mut check = Check::default();
    for case in want["t_quantile"].as_array().expect("t_quantile") {
        let (p, df) = (num(case, "p"), num(case, "df"));
        let got = t_quantile(p, df).expect("t quantile");
        check.close(&format!("t_quantile({p}, {df})"), got, num(case, "q"));
    }
    for case in want["t_cdf"].as_array().expect("t_cdf") {
        let (t, df) = (num(case, "t"), num(case, "df"));
        let got = t_cdf(t, df).expect("t cdf");
        check.close(&format!("t_cdf({t}, {df})"), got, num(case, "p"));
    }
    for case in want["normal_quantile"].as_array().expect("normal_quantile") {
        let p = num(case, "p");
        check.close(
            &format!("normal_quantile({p})"),
            normal_quantile(p).expect("z"),
            num(case, "z"),
        );
    }
    for case in want["normal_cdf"].as_array().expect("normal_cdf") {
        let x = num(case, "x");
        check.close(&format!("normal_cdf({x})"), normal_cdf(x), num(case, "p"));
    }
    for case in want["ln_gamma"].as_array().expect("ln_gamma") {
        let x = num(case, "x");
        check.close(
            &format!("ln_gamma({x})"),
            ln_gamma(x).expect("lgamma"),
            num(case, "value"),
        );
    }
    for case in want["inc_beta"].as_array().expect("inc_beta") {
        let (a, b, x) = (num(case, "a"), num(case, "b"), num(case, "x"));
        let got = inc_beta(a, b, x).expect("inc beta");
        check.close(&format!("inc_beta({a}, {b}, {x})"), got, num(case, "value"));
    }
    check.finish("distributions");
}

#[test]
fn intervals_match_scipy_and_statsmodels() {
    let want = expected();
    let (_, x, w) = input();
    let mut check = Check::default();
    let col = &x[0];
    let moments = |w: &dyn Fn(usize) -> f64| {
        let mut m = (0.0, 0.0, 0.0, 0.0);
        for (i, &v) in col.iter().enumerate() {
            let wi = w(i);
            m.0 += wi;
            m.1 += wi * wi;
            m.2 += wi * v;
            m.3 += wi * v * v;
        }
        m
    };
    let (sw, sw2, swx, swx2) = moments(&|_| 1.0);
    let ci = mean_ci(sw, sw2, swx, swx2, 0.95).expect("mean ci");
    let t = &want["mean_ci"];
    check.close("mean", ci.mean, num(t, "mean"));
    check.close("mean ci low", ci.low, num(t, "low"));
    check.close("mean ci high", ci.high, num(t, "high"));

    let (sw, sw2, swx, swx2) = moments(&|i| w[i]);
    let ci = mean_ci(sw, sw2, swx, swx2, 0.95).expect("weighted mean ci");
    let t = &want["weighted_mean_ci"];
    check.close("weighted mean", ci.mean, num(t, "mean"));
    check.close("n_eff", ci.n_eff, num(t, "n_eff"));
    check.close("weighted se", ci.se, num(t, "se"));
    check.close("weighted low", ci.low, num(t, "low"));
    check.close("weighted high", ci.high, num(t, "high"));

    for case in want["wilson"].as_array().expect("wilson") {
        let (count, nobs) = (num(case, "count"), num(case, "nobs"));
        let ci = proportion_ci(count / nobs * 100.0, nobs, 0.95).expect("wilson");
        check.close(
            &format!("wilson low {count}/{nobs}"),
            ci.low,
            num(case, "low"),
        );
        check.close(
            &format!("wilson high {count}/{nobs}"),
            ci.high,
            num(case, "high"),
        );
    }
    check.finish("intervals");
}
