//! Johnson's (2000) relative weights.
//!
//! The drivers are replaced by their closest orthogonal counterparts
//! `Z = X (X'X)^{-1/2}`; with `R_xx = V Λ V'`, `Λ_xz = V Λ^{1/2} V'` holds the
//! correlations of the drivers with `Z`, the outcome is regressed on `Z`
//! (`β_z = Λ_xz⁻¹ r_xy`), and driver `j` gets `Σ_k Λ_xz[j,k]² β_z[k]²`. The weights
//! sum to R². Matches Python `relativeImp` and R `rwa`.

use super::{linalg, Correlations, ImportanceError};

/// Raw relative weights, one per driver; they sum to R².
pub fn relative_weights(c: &Correlations) -> Result<Vec<f64>, ImportanceError> {
    c.factor()?;
    let p = c.p;
    let (values, v) = linalg::jacobi_eigen(&c.rxx, p);
    // Λ_xz = V Λ^{1/2} V' and its inverse V Λ^{-1/2} V'.
    let mut lambda = vec![0.0; p * p];
    let mut lambda_inv = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            let mut s = 0.0;
            let mut t = 0.0;
            for k in 0..p {
                let e = values[k].max(0.0).sqrt();
                let vv = v[i * p + k] * v[j * p + k];
                s += vv * e;
                if e > 0.0 {
                    t += vv / e;
                }
            }
            lambda[i * p + j] = s;
            lambda_inv[i * p + j] = t;
        }
    }
    let beta_z: Vec<f64> = (0..p)
        .map(|i| (0..p).map(|k| lambda_inv[i * p + k] * c.rxy[k]).sum())
        .collect();
    Ok((0..p)
        .map(|j| {
            (0..p)
                .map(|k| lambda[j * p + k].powi(2) * beta_z[k].powi(2))
                .sum()
        })
        .collect())
}
