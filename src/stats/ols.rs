//! Weighted least squares with an intercept, for key driver analysis.
//!
//! Two entry points give the same fit:
//! - [`ols`] from respondent-level columns (two passes: weighted means, then centred
//!   cross-products, so no cancellation);
//! - [`ols_from_cross`] from mergeable moments `Σw`, `Σw·v`, `Σw·v·v'` over complete
//!   cases (see [`CrossMoments`]), so partial sums from threads, files or a warehouse
//!   query can be merged first and fitted once.
//!
//! Both solve the normal equations on the centred (weighted) cross-product matrix of
//! the predictors with a hand-written Cholesky decomposition: with p ≤ 25 predictors
//! this is exact enough and faster than any library call. Results match statsmodels
//! `WLS(y, add_constant(X), weights=w)` (and `OLS` for unit weights): classical
//! standard errors `√(σ² · (X'WX)⁻¹)` with `σ² = Σw·e² / (n − p − 1)`, weighted R²
//! (`1 − SSR / Σw(y − ȳ_w)²`), and adjusted R² `1 − (n − 1)/(n − p − 1)·(1 − R²)`.
//! Scaling all weights by a constant changes nothing.

/// A fitted weighted regression `y = intercept + Σ coef_j · x_j`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OlsFit {
    /// Rows (respondents) used: rows with a positive weight.
    pub n: usize,
    /// Sum of the weights used.
    pub sum_w: f64,
    pub intercept: f64,
    pub intercept_se: f64,
    /// Unstandardized slopes, one per predictor in the order given.
    pub coef: Vec<f64>,
    /// Classical standard errors of `coef`.
    pub se: Vec<f64>,
    /// Standardized betas `coef_j · sd(x_j) / sd(y)` with weighted standard deviations.
    pub std_beta: Vec<f64>,
    /// Variance inflation factors `1 / (1 − R²_j)` of each predictor on the others
    /// (weighted). 1 when there is a single predictor.
    pub vif: Vec<f64>,
    pub r2: f64,
    pub adj_r2: f64,
    /// Residual degrees of freedom `n − p − 1`.
    pub df_resid: f64,
    /// Residual variance `Σw·e² / df_resid` (statsmodels' `scale`).
    pub sigma2: f64,
    /// Weighted means of `y` and of each predictor.
    pub mean_y: f64,
    pub mean_x: Vec<f64>,
    /// Weighted standard deviations (divisor `Σw`) of `y` and of each predictor.
    pub sd_y: f64,
    pub sd_x: Vec<f64>,
}

/// Why a regression cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OlsError {
    #[error("no predictors")]
    NoPredictors,
    #[error("{n} usable rows for {p} predictors and an intercept: need more than {}", p + 1)]
    TooFewRows { n: usize, p: usize },
    #[error("the outcome has no variance")]
    ZeroVarianceY,
    #[error("predictor {predictor} is constant")]
    ConstantPredictor { predictor: usize },
    #[error("predictor {predictor} is a linear combination of the predictors before it")]
    Collinear { predictor: usize },
    #[error("column lengths differ: expected {expected}, column {column} has {found}")]
    LengthMismatch {
        /// 0 = y, 1.. = predictors, `p + 1` = weights.
        column: usize,
        expected: usize,
        found: usize,
    },
    #[error("row {row} has a missing or infinite value")]
    NonFinite { row: usize },
    #[error("row {row} has a negative or non-finite weight")]
    InvalidWeight { row: usize },
    #[error("variable index {index} is out of range (there are {count} variables)")]
    BadIndex { index: usize, count: usize },
    #[error("the moments are not finite or the sum of weights is not positive")]
    InvalidMoments,
}

/// Relative pivot below which a predictor counts as collinear: `1 − R²_j ≤ 1e-10`,
/// i.e. a VIF above 1e10.
const COLLINEAR_TOL: f64 = 1e-10;
/// A variable whose variance is at most this share of its squared mean is constant
/// (well above the rounding noise of centring raw moments, about 1e-16 · mean²).
const CONSTANT_TOL: f64 = 1e-14;

/// Weighted least squares of `y` on the columns of `x` (column-major: `x[j][i]` is
/// predictor `j` of row `i`) with weights `w`, plus an intercept.
///
/// Rows with zero weight are skipped and not counted in `n` (statsmodels would count
/// them in its degrees of freedom). All values must be finite: drop incomplete rows
/// before calling.
pub fn ols<C: AsRef<[f64]>>(y: &[f64], x: &[C], w: &[f64]) -> Result<OlsFit, OlsError> {
    let rows = y.len();
    let p = x.len();
    if p == 0 {
        return Err(OlsError::NoPredictors);
    }
    for (j, col) in x.iter().enumerate() {
        if col.as_ref().len() != rows {
            return Err(OlsError::LengthMismatch {
                column: j + 1,
                expected: rows,
                found: col.as_ref().len(),
            });
        }
    }
    if w.len() != rows {
        return Err(OlsError::LengthMismatch {
            column: p + 1,
            expected: rows,
            found: w.len(),
        });
    }
    let mut n = 0usize;
    let mut sw = 0.0;
    let mut sy = 0.0;
    let mut sx = vec![0.0; p];
    for i in 0..rows {
        if !(w[i].is_finite() && w[i] >= 0.0) {
            return Err(OlsError::InvalidWeight { row: i });
        }
        if !y[i].is_finite() || x.iter().any(|c| !c.as_ref()[i].is_finite()) {
            return Err(OlsError::NonFinite { row: i });
        }
        if w[i] == 0.0 {
            continue;
        }
        n += 1;
        sw += w[i];
        sy += w[i] * y[i];
        for (s, c) in sx.iter_mut().zip(x) {
            *s += w[i] * c.as_ref()[i];
        }
    }
    if n <= p + 1 {
        return Err(OlsError::TooFewRows { n, p });
    }
    let mean_y = sy / sw;
    let mean_x: Vec<f64> = sx.iter().map(|s| s / sw).collect();
    let mut syy = 0.0;
    let mut sxy = vec![0.0; p];
    let mut sxx = vec![0.0; p * p];
    let mut dx = vec![0.0; p];
    for i in 0..rows {
        let wi = w[i];
        if wi == 0.0 {
            continue;
        }
        let dy = y[i] - mean_y;
        for (d, (c, m)) in dx.iter_mut().zip(x.iter().zip(&mean_x)) {
            *d = c.as_ref()[i] - m;
        }
        syy += wi * dy * dy;
        for a in 0..p {
            let wa = wi * dx[a];
            sxy[a] += wa * dy;
            for b in 0..=a {
                sxx[a * p + b] += wa * dx[b];
            }
        }
    }
    symmetrize(&mut sxx, p);
    let centered = Centered {
        n,
        sw,
        mean_y,
        mean_x,
        syy,
        sxy,
        sxx,
    };
    fit(centered, |fit| {
        let mut ssr = 0.0;
        for i in 0..rows {
            if w[i] == 0.0 {
                continue;
            }
            let mut e = y[i] - fit.intercept;
            for (b, c) in fit.coef.iter().zip(x) {
                e -= b * c.as_ref()[i];
            }
            ssr += w[i] * e * e;
        }
        ssr
    })
}

/// Weighted least squares from cross-product moments of `k` variables over the
/// complete cases: `n` rows, `sw = Σw`, `sum[a] = Σw·v_a`, and
/// `cross(a, b) = Σw·v_a·v_b` (only `a ≥ b` is asked for). Regresses variable `y` on
/// variables `x` (indices into `sum`).
///
/// The centred cross-products are recovered as `cross(a, b) − sum[a]·sum[b]/sw`;
/// the relative rounding error of that is about `1e-16 · mean²/variance`, negligible
/// for survey indices on 0–100. The residual sum of squares is `S_yy − b'S_xy`
/// (clamped at 0). With a full `k × k` row-major matrix `m`, pass `|a, b| m[a * k + b]`.
pub fn ols_from_cross(
    n: usize,
    sw: f64,
    sum: &[f64],
    cross: impl Fn(usize, usize) -> f64,
    y: usize,
    x: &[usize],
) -> Result<OlsFit, OlsError> {
    let k = sum.len();
    for &index in std::iter::once(&y).chain(x) {
        if index >= k {
            return Err(OlsError::BadIndex { index, count: k });
        }
    }
    let p = x.len();
    if p == 0 {
        return Err(OlsError::NoPredictors);
    }
    if !(sw.is_finite() && sw > 0.0) {
        return Err(OlsError::InvalidMoments);
    }
    if n <= p + 1 {
        return Err(OlsError::TooFewRows { n, p });
    }
    let centred = |a: usize, b: usize| {
        let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
        cross(hi, lo) - sum[a] * sum[b] / sw
    };
    let syy = centred(y, y);
    let sxy: Vec<f64> = x.iter().map(|&a| centred(a, y)).collect();
    let mut sxx = vec![0.0; p * p];
    for (ia, &a) in x.iter().enumerate() {
        for (ib, &b) in x.iter().enumerate().take(ia + 1) {
            sxx[ia * p + ib] = centred(a, b);
        }
    }
    symmetrize(&mut sxx, p);
    let all_finite =
        syy.is_finite() && sxy.iter().all(|v| v.is_finite()) && sxx.iter().all(|v| v.is_finite());
    if !all_finite {
        return Err(OlsError::InvalidMoments);
    }
    let centered = Centered {
        n,
        sw,
        mean_y: sum[y] / sw,
        mean_x: x.iter().map(|&a| sum[a] / sw).collect(),
        syy,
        sxy,
        sxx,
    };
    fit(centered, |fit| {
        let explained: f64 = fit.coef.iter().zip(fit.sxy).map(|(b, s)| b * s).sum();
        (fit.syy - explained).max(0.0)
    })
}

/// Mergeable weighted moments of `k` variables: `n`, `Σw`, `Σw·v` and the full
/// `k × k` matrix `Σw·v·v'` (row-major). Feed complete cases only.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CrossMoments {
    pub n: usize,
    pub sw: f64,
    pub sum: Vec<f64>,
    pub cross: Vec<f64>,
}

impl CrossMoments {
    pub fn new(k: usize) -> Self {
        Self {
            n: 0,
            sw: 0.0,
            sum: vec![0.0; k],
            cross: vec![0.0; k * k],
        }
    }

    /// Number of variables.
    pub fn k(&self) -> usize {
        self.sum.len()
    }

    /// Adds one row with weight `w`. Rows of the wrong length, with a non-finite
    /// value, or with a weight that is not positive are ignored and `false` returned.
    pub fn push(&mut self, row: &[f64], w: f64) -> bool {
        let k = self.k();
        if row.len() != k || !(w.is_finite() && w > 0.0) || row.iter().any(|v| !v.is_finite()) {
            return false;
        }
        self.n += 1;
        self.sw += w;
        for (a, &va) in row.iter().enumerate() {
            let wa = w * va;
            self.sum[a] += wa;
            for (c, &vb) in self.cross[a * k..=a * k + a].iter_mut().zip(row) {
                *c += wa * vb;
            }
        }
        true
    }

    /// Adds another partial over the same variables; `false` (and no change) if the
    /// variable counts differ.
    pub fn merge(&mut self, other: &CrossMoments) -> bool {
        if other.k() != self.k() {
            return false;
        }
        self.n += other.n;
        self.sw += other.sw;
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
        for (a, b) in self.cross.iter_mut().zip(&other.cross) {
            *a += b;
        }
        true
    }

    /// `Σw·v_a·v_b` (symmetric; only the lower triangle is accumulated).
    pub fn cross(&self, a: usize, b: usize) -> f64 {
        let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
        self.cross[hi * self.k() + lo]
    }

    /// [`ols_from_cross`] on these moments.
    pub fn ols(&self, y: usize, x: &[usize]) -> Result<OlsFit, OlsError> {
        ols_from_cross(self.n, self.sw, &self.sum, |a, b| self.cross(a, b), y, x)
    }
}

/// Copies the lower triangle of a `p × p` row-major matrix onto the upper one.
fn symmetrize(m: &mut [f64], p: usize) {
    for a in 0..p {
        for b in 0..a {
            m[b * p + a] = m[a * p + b];
        }
    }
}

/// The centred weighted problem.
struct Centered {
    n: usize,
    sw: f64,
    mean_y: f64,
    mean_x: Vec<f64>,
    syy: f64,
    sxy: Vec<f64>,
    /// `p × p` row-major, symmetric.
    sxx: Vec<f64>,
}

/// What the SSR callback sees.
struct Partial<'a> {
    intercept: f64,
    coef: &'a [f64],
    syy: f64,
    sxy: &'a [f64],
}

fn is_constant(centred_ss: f64, sw: f64, mean: f64) -> bool {
    let var = centred_ss / sw;
    var.is_nan() || var <= 0.0 || var <= CONSTANT_TOL * mean * mean
}

fn fit(c: Centered, ssr: impl FnOnce(&Partial<'_>) -> f64) -> Result<OlsFit, OlsError> {
    let p = c.mean_x.len();
    if is_constant(c.syy, c.sw, c.mean_y) {
        return Err(OlsError::ZeroVarianceY);
    }
    for j in 0..p {
        if is_constant(c.sxx[j * p + j], c.sw, c.mean_x[j]) {
            return Err(OlsError::ConstantPredictor { predictor: j });
        }
    }
    let l = cholesky(&c.sxx, p)?;
    let inv = inverse_from_cholesky(&l, p);
    let coef: Vec<f64> = (0..p)
        .map(|a| (0..p).map(|b| inv[a * p + b] * c.sxy[b]).sum())
        .collect();
    let intercept = c.mean_y - coef.iter().zip(&c.mean_x).map(|(b, m)| b * m).sum::<f64>();
    let ssr = ssr(&Partial {
        intercept,
        coef: &coef,
        syy: c.syy,
        sxy: &c.sxy,
    });
    let df_resid = (c.n - p - 1) as f64;
    let sigma2 = ssr / df_resid;
    let se: Vec<f64> = (0..p).map(|j| (sigma2 * inv[j * p + j]).sqrt()).collect();
    let quad: f64 = (0..p)
        .map(|a| {
            (0..p)
                .map(|b| c.mean_x[a] * inv[a * p + b] * c.mean_x[b])
                .sum::<f64>()
        })
        .sum();
    let intercept_se = (sigma2 * (1.0 / c.sw + quad)).sqrt();
    let r2 = 1.0 - ssr / c.syy;
    let adj_r2 = 1.0 - (c.n as f64 - 1.0) / df_resid * (1.0 - r2);
    let sd_y = (c.syy / c.sw).sqrt();
    let sd_x: Vec<f64> = (0..p).map(|j| (c.sxx[j * p + j] / c.sw).sqrt()).collect();
    let std_beta = coef.iter().zip(&sd_x).map(|(b, s)| b * s / sd_y).collect();
    let vif = (0..p).map(|j| inv[j * p + j] * c.sxx[j * p + j]).collect();
    Ok(OlsFit {
        n: c.n,
        sum_w: c.sw,
        intercept,
        intercept_se,
        coef,
        se,
        std_beta,
        vif,
        r2,
        adj_r2,
        df_resid,
        sigma2,
        mean_y: c.mean_y,
        mean_x: c.mean_x,
        sd_y,
        sd_x,
    })
}

/// Lower-triangular `L` with `L·L' = a` (`p × p`, row-major). A pivot that is a tiny
/// share of its diagonal element (`1 − R²` of that predictor on the ones before it)
/// means perfect collinearity.
fn cholesky(a: &[f64], p: usize) -> Result<Vec<f64>, OlsError> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let diag = a[j * p + j];
        let pivot = diag - (0..j).map(|k| l[j * p + k] * l[j * p + k]).sum::<f64>();
        if pivot.is_nan() || pivot <= COLLINEAR_TOL * diag {
            return Err(OlsError::Collinear { predictor: j });
        }
        let root = pivot.sqrt();
        l[j * p + j] = root;
        for i in j + 1..p {
            let s = a[i * p + j] - (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum::<f64>();
            l[i * p + j] = s / root;
        }
    }
    Ok(l)
}

/// `(L·L')⁻¹` from the Cholesky factor.
fn inverse_from_cholesky(l: &[f64], p: usize) -> Vec<f64> {
    // M = L⁻¹ (lower triangular) by forward substitution, then (L L')⁻¹ = M' M.
    let mut m = vec![0.0; p * p];
    for col in 0..p {
        for i in col..p {
            let rhs = if i == col { 1.0 } else { 0.0 };
            let s = rhs - (col..i).map(|k| l[i * p + k] * m[k * p + col]).sum::<f64>();
            m[i * p + col] = s / l[i * p + i];
        }
    }
    let mut inv = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..=a {
            let s: f64 = (a..p).map(|k| m[k * p + a] * m[k * p + b]).sum();
            inv[a * p + b] = s;
            inv[b * p + a] = s;
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered() {
        let x1 = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let x2 = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0];
        let y: Vec<f64> = x1
            .iter()
            .zip(&x2)
            .enumerate()
            .map(|(i, (a, b))| 1.0 + 2.0 * a - 0.5 * b + [0.1, -0.2, 0.0, 0.15, -0.05, 0.0][i])
            .collect();
        let fit = ols(&y, &[x1.to_vec(), x2.to_vec()], &[1.0; 6]).expect("fit");
        assert_eq!(fit.n, 6);
        assert!((fit.coef[0] - 2.0).abs() < 0.2);
        assert!((fit.coef[1] + 0.5).abs() < 0.2);
        assert!(fit.r2 > 0.99 && fit.r2 < 1.0);
    }

    #[test]
    fn errors() {
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let y = vec![2.0, 1.0, 4.0, 3.0, 6.0];
        let w = vec![1.0; 5];
        let doubled: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
        assert_eq!(
            ols(&y, &[x.clone(), doubled], &w),
            Err(OlsError::Collinear { predictor: 1 })
        );
        assert_eq!(
            ols(&y, &[vec![3.0; 5]], &w),
            Err(OlsError::ConstantPredictor { predictor: 0 })
        );
        assert_eq!(
            ols(&[7.0; 5], std::slice::from_ref(&x), &w),
            Err(OlsError::ZeroVarianceY)
        );
        assert_eq!(
            ols(&y[..3], &[x[..3].to_vec(), y[..3].to_vec()], &w[..3]),
            Err(OlsError::TooFewRows { n: 3, p: 2 })
        );
        let mut bad = y.clone();
        bad[2] = f64::NAN;
        assert_eq!(
            ols(&bad, std::slice::from_ref(&x), &w),
            Err(OlsError::NonFinite { row: 2 })
        );
        assert_eq!(
            ols(&y, std::slice::from_ref(&x), &[1.0, -1.0, 1.0, 1.0, 1.0]),
            Err(OlsError::InvalidWeight { row: 1 })
        );
        assert!(matches!(
            ols(&y, &[x[..4].to_vec()], &w),
            Err(OlsError::LengthMismatch { .. })
        ));
        let none: [Vec<f64>; 0] = [];
        assert_eq!(ols(&y, &none, &w), Err(OlsError::NoPredictors));
    }

    #[test]
    fn zero_weight_rows_are_skipped() {
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0, 100.0];
        let y = vec![2.0, 1.0, 4.0, 3.0, 6.0, -50.0];
        let a = ols(
            &y,
            std::slice::from_ref(&x),
            &[1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
        )
        .expect("a");
        let b = ols(&y[..5], &[x[..5].to_vec()], &[1.0; 5]).expect("b");
        assert_eq!(a.n, 5);
        assert!((a.coef[0] - b.coef[0]).abs() < 1e-12);
        assert!((a.se[0] - b.se[0]).abs() < 1e-12);
    }

    #[test]
    fn moments_merge_and_match() {
        let rows: Vec<[f64; 3]> = (0..40)
            .map(|i| {
                let a = (i as f64 * 0.37).sin() * 20.0 + 50.0;
                let b = (i as f64 * 0.91).cos() * 15.0 + 60.0;
                [a, b, 5.0 + 0.4 * a + 0.3 * b + (i as f64 * 1.3).sin() * 4.0]
            })
            .collect();
        let w: Vec<f64> = (0..40).map(|i| 0.5 + (i % 7) as f64 * 0.2).collect();
        let mut first = CrossMoments::new(3);
        let mut second = CrossMoments::new(3);
        for (i, (r, wi)) in rows.iter().zip(&w).enumerate() {
            let part = if i < 15 { &mut first } else { &mut second };
            assert!(part.push(r, *wi));
        }
        assert!(first.merge(&second));
        let from_moments = first.ols(2, &[0, 1]).expect("moments");
        let cols: Vec<Vec<f64>> = (0..2)
            .map(|j| rows.iter().map(|r| r[j]).collect())
            .collect();
        let y: Vec<f64> = rows.iter().map(|r| r[2]).collect();
        let direct = ols(&y, &cols, &w).expect("direct");
        let pairs = [
            (from_moments.intercept, direct.intercept),
            (from_moments.intercept_se, direct.intercept_se),
            (from_moments.r2, direct.r2),
            (from_moments.adj_r2, direct.adj_r2),
        ];
        for (a, b) in pairs.into_iter().chain(
            from_moments
                .coef
                .iter()
                .chain(&from_moments.se)
                .chain(&from_moments.std_beta)
                .chain(&from_moments.vif)
                .copied()
                .zip(
                    direct
                        .coef
                        .iter()
                        .chain(&direct.se)
                        .chain(&direct.std_beta)
                        .chain(&direct.vif)
                        .copied(),
                ),
        ) {
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
        }
        assert!(matches!(
            first.ols(3, &[0]),
            Err(OlsError::BadIndex { index: 3, count: 3 })
        ));
    }
}
