//! The small dense linear algebra the estimators need: Cholesky with a collinearity
//! check, the inverse of a symmetric positive definite matrix, and a cyclic Jacobi
//! eigen-decomposition. Matrices are row-major `p × p` slices; `p` is small (drivers).

/// Relative pivot below which a variable counts as a linear combination of the
/// variables before it: `1 − R²_j ≤ 1e-10` on a correlation matrix (VIF above 1e10).
pub(crate) const COLLINEAR_TOL: f64 = 1e-10;

/// Lower Cholesky factor `L` (row-major) of a symmetric positive definite `a`, or the
/// index of the first variable whose pivot is at most `COLLINEAR_TOL` times its
/// diagonal (a linear combination of the variables before it).
pub(crate) fn cholesky(a: &[f64], p: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= l[j * p + k] * l[j * p + k];
        }
        if d.is_nan() || d <= COLLINEAR_TOL * a[j * p + j] || !d.is_finite() {
            return Err(j);
        }
        let d = d.sqrt();
        l[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / d;
        }
    }
    Ok(l)
}

/// Solve `L L' x = b` for the factor from [`cholesky`].
pub(crate) fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut x = b.to_vec();
    for i in 0..p {
        let mut s = x[i];
        for k in 0..i {
            s -= l[i * p + k] * x[k];
        }
        x[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = x[i];
        for k in i + 1..p {
            s -= l[k * p + i] * x[k];
        }
        x[i] = s / l[i * p + i];
    }
    x
}

/// The inverse of a symmetric positive definite matrix from its Cholesky factor.
pub(crate) fn cholesky_inverse(l: &[f64], p: usize) -> Vec<f64> {
    let mut inv = vec![0.0; p * p];
    let mut e = vec![0.0; p];
    for j in 0..p {
        e.iter_mut().for_each(|v| *v = 0.0);
        e[j] = 1.0;
        let col = cholesky_solve(l, p, &e);
        for i in 0..p {
            inv[i * p + j] = col[i];
        }
    }
    inv
}

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations
/// (Golub & Van Loan, §8.5): `(values, vectors)` with eigenvector `k` in column `k`
/// of the row-major `vectors`. Accurate to a few ulps for the small, well-conditioned
/// correlation matrices of key driver analysis; at most 100 sweeps.
pub(crate) fn jacobi_eigen(a: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * p + j] * m[i * p + j])
            .sum();
        let scale: f64 = (0..p).map(|i| m[i * p + i] * m[i * p + i]).sum();
        if off <= 1e-30 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for q in 1..p {
            for r in 0..q {
                let apq = m[r * p + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (m[q * p + q] - m[r * p + r]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..p {
                    let mkr = m[k * p + r];
                    let mkq = m[k * p + q];
                    m[k * p + r] = c * mkr - s * mkq;
                    m[k * p + q] = s * mkr + c * mkq;
                }
                for k in 0..p {
                    let mrk = m[r * p + k];
                    let mqk = m[q * p + k];
                    m[r * p + k] = c * mrk - s * mqk;
                    m[q * p + k] = s * mrk + c * mqk;
                }
                for k in 0..p {
                    let vkr = v[k * p + r];
                    let vkq = v[k * p + q];
                    v[k * p + r] = c * vkr - s * vkq;
                    v[k * p + q] = s * vkr + c * vkq;
                }
            }
        }
    }
    ((0..p).map(|i| m[i * p + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_reconstructs_the_matrix() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let (values, v) = jacobi_eigen(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3)
                    .map(|k| v[i * 3 + k] * values[k] * v[j * 3 + k])
                    .sum();
                assert!((r - a[i * 3 + j]).abs() < 1e-12, "{i},{j}: {r}");
            }
        }
    }

    #[test]
    fn cholesky_inverse_and_collinearity() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&a, 2).expect("positive definite");
        let inv = cholesky_inverse(&l, 2);
        let expected = [3.0 / 8.0, -2.0 / 8.0, -2.0 / 8.0, 4.0 / 8.0];
        for (x, e) in inv.iter().zip(expected) {
            assert!((x - e).abs() < 1e-15);
        }
        let singular = [1.0, 1.0, 1.0, 1.0];
        assert_eq!(cholesky(&singular, 2), Err(1));
    }
}
