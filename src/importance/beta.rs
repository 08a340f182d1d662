//! Standardized OLS coefficients `β = R_xx⁻¹ r_xy` and variance inflation factors
//! `VIF_j = (R_xx⁻¹)_jj`, from the correlation matrix. Identical to the
//! standardized betas of an OLS fit (statsmodels on z-scored columns).

use super::{linalg, Correlations, ImportanceError};

/// Standardized coefficients and VIFs, one per driver.
#[derive(Debug, Clone, PartialEq)]
pub struct BetaFit {
    pub beta: Vec<f64>,
    pub vif: Vec<f64>,
}

pub fn beta(c: &Correlations) -> Result<BetaFit, ImportanceError> {
    let l = c.factor()?;
    let beta = linalg::cholesky_solve(&l, c.p, &c.rxy);
    let inv = linalg::cholesky_inverse(&l, c.p);
    let vif = (0..c.p).map(|j| inv[j * c.p + j]).collect();
    Ok(BetaFit { beta, vif })
}
