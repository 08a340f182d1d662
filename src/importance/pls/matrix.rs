//! Column statistics and small regressions on row-major `n × k` data.

use crate::importance::linalg::{cholesky, cholesky_solve};

/// A row-major `rows × cols` matrix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }

    pub fn set(&mut self, r: usize, c: usize, v: f64) {
        self.data[r * self.cols + c] = v;
    }

    /// Row `r`.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    /// Column `c`, copied.
    pub fn column(&self, c: usize) -> Vec<f64> {
        (0..self.rows).map(|r| self.get(r, c)).collect()
    }
}

pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample covariance (divisor `n − 1`), as R's `cov`.
pub(crate) fn cov(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let s: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    s / (x.len() as f64 - 1.0)
}

/// Sample covariance of two columns already centred (mean 0): `Σ x y / (n − 1)`,
/// one pass instead of three.
pub(crate) fn centred_cov(x: &[f64], y: &[f64]) -> f64 {
    let s: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
    s / (x.len() as f64 - 1.0)
}

/// Sample standard deviation (divisor `n − 1`), as R's `sd`.
pub(crate) fn sd(x: &[f64]) -> f64 {
    cov(x, x).sqrt()
}

/// Centre every column and divide it by its sample sd, as R's `scale(x, TRUE, TRUE)`;
/// `Err(column)` for a column without variance.
pub(crate) fn standardize(m: &mut Matrix) -> Result<(), usize> {
    for c in 0..m.cols {
        let col = m.column(c);
        let (mu, s) = (mean(&col), sd(&col));
        if !(s > 0.0 && s.is_finite()) {
            return Err(c);
        }
        for (r, v) in col.iter().enumerate() {
            m.set(r, c, (v - mu) / s);
        }
    }
    Ok(())
}

/// Total effects `B + B² + …` of a recursive (acyclic) path matrix `b` (`b[from][to]`).
pub(crate) fn total_effects(b: &Matrix) -> Matrix {
    let c = b.cols;
    let mut total = b.clone();
    let mut power = b.clone();
    for _ in 1..c {
        let mut next = Matrix::zeros(c, c);
        for i in 0..c {
            for k in 0..c {
                let p = power.get(i, k);
                if p != 0.0 {
                    for j in 0..c {
                        next.data[i * c + j] += p * b.get(k, j);
                    }
                }
            }
        }
        if next.data.iter().all(|&v| v == 0.0) {
            break;
        }
        for (t, n) in total.data.iter_mut().zip(&next.data) {
            *t += n;
        }
        power = next;
    }
    total
}

/// OLS slopes of variable `y` on the variables `xs` from their covariance matrix
/// `cov` (`c × c`, row-major). `None` when the predictors are collinear.
pub(crate) fn ols_from_cov(cov: &[f64], c: usize, xs: &[usize], y: usize) -> Option<Vec<f64>> {
    let p = xs.len();
    let mut a = vec![0.0; p * p];
    for (i, &xi) in xs.iter().enumerate() {
        for (j, &xj) in xs.iter().enumerate() {
            a[i * p + j] = cov[xi * c + xj];
        }
    }
    let b: Vec<f64> = xs.iter().map(|&x| cov[x * c + y]).collect();
    let l = cholesky(&a, p).ok()?;
    Some(cholesky_solve(&l, p, &b))
}
