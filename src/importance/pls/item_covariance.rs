//! The sufficient statistics of a PLS path model: the (weighted) means and
//! covariances of the item columns over the complete rows.
//!
//! The PLS iteration, reliability, HTMT and IPMA use the data only through item
//! means, standard deviations and correlations (`super::on_correlations` explains why
//! for the iteration; the others are functions of correlations, and IPMA's rescaled
//! scores are linear in the items), so one [`ItemCovariance`] is enough to fit the
//! model. It comes from rows (with survey weights or without) or from the `ic` block
//! of a moments table, and both give the same numbers.
//!
//! Covariances are divided by `Σw`, not `Σw − 1`: every estimate is a ratio of
//! covariances, so the divisor cancels, and with integer weights the statistics
//! equal those of the data with each row written out `w` times.

use super::Matrix;
use crate::data::CrossMoments;

/// Weighted means and covariances of `k` item columns.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemCovariance {
    /// Complete rows the statistics rest on (unweighted count).
    pub n: usize,
    /// Σw over those rows (`n` without weights).
    pub sum_w: f64,
    /// Weighted mean of each column.
    pub mean: Vec<f64>,
    /// `k × k` row-major weighted covariances `Σw(x − m)(y − m) / Σw`.
    pub cov: Vec<f64>,
}

impl ItemCovariance {
    /// Number of columns.
    pub fn k(&self) -> usize {
        self.mean.len()
    }

    /// From complete rows with an optional weight per row (`None`: all 1). Two
    /// passes (means, then centred products), so no digits are lost to large means.
    pub fn from_rows(data: &Matrix, weights: Option<&[f64]>) -> Self {
        let k = data.cols;
        let w = |r: usize| weights.and_then(|w| w.get(r).copied()).unwrap_or(1.0);
        let mut sum_w = 0.0;
        let mut mean = vec![0.0; k];
        for r in 0..data.rows {
            let wr = w(r);
            sum_w += wr;
            for (m, v) in mean.iter_mut().zip(data.row(r)) {
                *m += wr * v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= sum_w);
        let mut cov = vec![0.0; k * k];
        let mut d = vec![0.0; k];
        for r in 0..data.rows {
            let wr = w(r);
            for ((di, v), m) in d.iter_mut().zip(data.row(r)).zip(&mean) {
                *di = v - m;
            }
            for a in 0..k {
                let wa = wr * d[a];
                for (o, db) in cov[a * k..=a * k + a].iter_mut().zip(&d) {
                    *o += wa * db;
                }
            }
        }
        finish(&mut cov, k, sum_w);
        Self {
            n: data.rows,
            sum_w,
            mean,
            cov,
        }
    }

    /// From the complete-case block of item moments (the `ic` block of a moments
    /// table): sums and cross-products shifted by `centers[i]` per item.
    pub fn from_moments(m: &CrossMoments, centers: &[f64]) -> Self {
        let k = m.nodes();
        let sw = m.sw;
        let shifted: Vec<f64> = m.sum.iter().map(|s| s / sw).collect();
        let mean = shifted
            .iter()
            .zip(centers)
            .map(|(s, c)| s + c)
            .collect::<Vec<_>>();
        let mut cov = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..=a {
                // Shift-invariant; the shifted means are small, so little cancels.
                let v = m.at(a, b).unwrap_or(f64::NAN) / sw - shifted[a] * shifted[b];
                cov[a * k + b] = v;
                cov[b * k + a] = v;
            }
        }
        Self {
            n: usize::try_from(m.n).unwrap_or(usize::MAX),
            sum_w: sw,
            mean,
            cov,
        }
    }

    /// Standard deviation of column `i`.
    pub fn sd(&self, i: usize) -> f64 {
        self.cov[i * self.k() + i].sqrt()
    }

    /// The correlation matrix (`k × k`, row-major); `Err(column)` for the first
    /// column without variance.
    ///
    /// A variance below `1e-12 · (1 + mean²)` counts as none: a constant column's
    /// variance from shifted sums is a rounding residue of about `1e-16 · mean²`, not
    /// zero, and would otherwise turn into a meaningless correlation.
    pub fn correlations(&self) -> Result<Vec<f64>, usize> {
        self.correlations_of(&vec![true; self.k()])
    }

    /// [`Self::correlations`] over the `used` columns only: an unused column may be
    /// constant, and its correlations with the others are left at 0 (it enters no
    /// construct, so the fit never reads them).
    pub fn correlations_of(&self, used: &[bool]) -> Result<Vec<f64>, usize> {
        let k = self.k();
        let sd: Vec<f64> = (0..k).map(|i| self.sd(i)).collect();
        let constant = |i: usize| {
            let v = self.cov[i * k + i];
            !(v.is_finite() && v > 1e-12 * (1.0 + self.mean[i] * self.mean[i]))
        };
        if let Some(bad) = (0..k).find(|&i| used[i] && constant(i)) {
            return Err(bad);
        }
        let mut r = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                r[a * k + b] = if a == b {
                    1.0
                } else if used[a] && used[b] {
                    self.cov[a * k + b] / (sd[a] * sd[b])
                } else {
                    0.0
                };
            }
        }
        Ok(r)
    }
}

/// Divide the lower triangle by `sum_w` and mirror it.
fn finish(cov: &mut [f64], k: usize, sum_w: f64) {
    for a in 0..k {
        for b in 0..=a {
            let v = cov[a * k + b] / sum_w;
            cov[a * k + b] = v;
            cov[b * k + a] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_weights_equal_rows_written_out_and_moments_equal_rows() {
        let data = Matrix {
            rows: 4,
            cols: 2,
            data: vec![1.0, 2.0, 3.0, 7.0, 4.0, 4.0, 9.0, 1.0],
        };
        let weights = [1.0, 3.0, 2.0, 1.0];
        let weighted = ItemCovariance::from_rows(&data, Some(&weights));
        let mut long = Matrix::zeros(0, 2);
        for (r, &w) in weights.iter().enumerate() {
            for _ in 0..w as usize {
                long.data.extend_from_slice(data.row(r));
                long.rows += 1;
            }
        }
        let repeated = ItemCovariance::from_rows(&long, None);
        assert_eq!(weighted.n, 4);
        assert_eq!(repeated.n, 7);
        assert_eq!(weighted.sum_w, 7.0);
        for (a, b) in weighted.mean.iter().zip(&repeated.mean) {
            assert!((a - b).abs() < 1e-12);
        }
        for (a, b) in weighted.cov.iter().zip(&repeated.cov) {
            assert!((a - b).abs() < 1e-12);
        }
        // Hand-computed: mean of column 0 = (1 + 9 + 8 + 9) / 7.
        assert!((weighted.mean[0] - 27.0 / 7.0).abs() < 1e-12);

        let centers = [5.5, 5.5];
        let mut m = CrossMoments::new(2);
        for (r, &w) in weights.iter().enumerate() {
            let d: Vec<f64> = data
                .row(r)
                .iter()
                .zip(&centers)
                .map(|(v, c)| v - c)
                .collect();
            m.add_shifted(w, &d);
        }
        let from_table = ItemCovariance::from_moments(&m, &centers);
        assert_eq!(from_table.n, 4);
        for (a, b) in from_table.mean.iter().zip(&weighted.mean) {
            assert!((a - b).abs() < 1e-12);
        }
        for (a, b) in from_table.cov.iter().zip(&weighted.cov) {
            assert!((a - b).abs() < 1e-12);
        }
        let r = weighted.correlations().expect("varies");
        assert!((r[1] - weighted.cov[1] / (weighted.sd(0) * weighted.sd(1))).abs() < 1e-15);
    }

    #[test]
    fn a_constant_column_is_named() {
        let data = Matrix {
            rows: 3,
            cols: 2,
            data: vec![1.0, 2.0, 3.0, 2.0, 5.0, 2.0],
        };
        let c = ItemCovariance::from_rows(&data, None);
        assert_eq!(c.correlations(), Err(1));
        // From shifted sums with fractional weights the variance of a constant is
        // rounding, not zero; it is still no variance.
        let centers = [5.5, 5.5];
        let mut m = CrossMoments::new(2);
        for (r, w) in [0.1, 0.7, 0.3].iter().enumerate() {
            let d: Vec<f64> = data
                .row(r)
                .iter()
                .zip(&centers)
                .map(|(v, c)| v - c)
                .collect();
            m.add_shifted(*w, &d);
        }
        let from_table = ItemCovariance::from_moments(&m, &centers);
        assert_eq!(from_table.correlations(), Err(1));
    }
}
