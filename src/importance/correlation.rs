//! Pearson correlation of each driver with the outcome: the zero-order importance.
//! It ignores the other drivers, so correlated drivers share (and double-count) the
//! outcome's variance; use it as a first look, never as a decomposition.

use super::Correlations;

/// `r(x_j, y)` for each driver.
pub fn correlation(c: &Correlations) -> Vec<f64> {
    c.rxy.clone()
}
