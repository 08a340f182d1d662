//! Pairwise deletion: each correlation over the rows where both of its variables
//! are present, for the correlation-based methods (`--missing pairwise`).
//!
//! Listwise deletion (the default) drops a respondent who skipped any one driver;
//! with many drivers and scattered gaps that can lose most of the sample. Pairwise
//! keeps every answered pair, at a price: the matrix mixes different subsamples and
//! need not be positive definite, so methods that invert it (beta, relative weights,
//! LMG, dominance) can fail where listwise would not, and there is no single `n`
//! (the smallest pairwise count is reported).

use super::bootstrap::RowData;

/// Weighted correlations of the columns `vars` of `data` over `rows`, each pair over
/// the rows where both values are present (not NaN): a `k × k` row-major matrix
/// (`k = vars.len()`, 1 on the diagonal, NaN for a pair without variance), and the
/// smallest number of rows any pair rests on.
pub fn pairwise_correlations(data: &RowData, rows: &[usize], vars: &[usize]) -> (Vec<f64>, u64) {
    let k = vars.len();
    let mut r = vec![f64::NAN; k * k];
    let mut fewest = u64::MAX;
    for a in 0..k {
        r[a * k + a] = 1.0;
        for b in 0..a {
            let (value, n) = pair(data, rows, vars[a], vars[b]);
            r[a * k + b] = value;
            r[b * k + a] = value;
            fewest = fewest.min(n);
        }
    }
    (r, if k < 2 { 0 } else { fewest })
}

/// One weighted correlation over the rows where both columns are present. Sums are
/// taken around the first such row's values, so the cross-products do not cancel.
fn pair(data: &RowData, rows: &[usize], a: usize, b: usize) -> (f64, u64) {
    let mut shift: Option<(f64, f64)> = None;
    let (mut n, mut sw, mut sa, mut sb, mut saa, mut sbb, mut sab) =
        (0u64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for &i in rows {
        let row = i * data.stride;
        let (Some(&va), Some(&vb)) = (data.values.get(row + a), data.values.get(row + b)) else {
            continue;
        };
        if va.is_nan() || vb.is_nan() {
            continue;
        }
        let w = data.weights.get(i).map_or(0.0, |&w| f64::from(w));
        let (ca, cb) = *shift.get_or_insert((f64::from(va), f64::from(vb)));
        let (x, y) = (f64::from(va) - ca, f64::from(vb) - cb);
        n += 1;
        sw += w;
        sa += w * x;
        sb += w * y;
        saa += w * x * x;
        sbb += w * y * y;
        sab += w * x * y;
    }
    if n < 2 || sw <= 0.0 {
        return (f64::NAN, n);
    }
    let (ma, mb) = (sa / sw, sb / sw);
    let cov = sab / sw - ma * mb;
    let va = saa / sw - ma * ma;
    let vb = sbb / sw - mb * mb;
    let value = cov / (va * vb).sqrt();
    (
        if value.is_finite() {
            value.clamp(-1.0, 1.0)
        } else {
            f64::NAN
        },
        n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_uses_the_rows_where_both_are_present() {
        let nan = f32::NAN;
        // Columns: x, y, z. Row 3 lacks y, row 4 lacks z.
        let values = [
            1.0, 2.0, 1.0, //
            2.0, 4.5, 0.0, //
            3.0, 5.5, 2.0, //
            4.0, nan, 1.0, //
            5.0, 9.0, nan, //
        ];
        let data = RowData {
            values: &values,
            weights: &[1.0; 5],
            stride: 3,
        };
        let (r, n) = pairwise_correlations(&data, &[0, 1, 2, 3, 4], &[0, 1, 2]);
        // x–y over rows 0, 1, 2, 4; x–z over rows 0–3; y–z over rows 0–2.
        let pearson = |a: &[f64], b: &[f64]| {
            let m = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let (ma, mb) = (m(a), m(b));
            let c: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
            let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
            let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
            c / (va * vb).sqrt()
        };
        let xy = pearson(&[1.0, 2.0, 3.0, 5.0], &[2.0, 4.5, 5.5, 9.0]);
        let xz = pearson(&[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 2.0, 1.0]);
        let yz = pearson(&[2.0, 4.5, 5.5], &[1.0, 0.0, 2.0]);
        assert!((r[1] - xy).abs() < 1e-12 && (r[3] - xy).abs() < 1e-12);
        assert!((r[2] - xz).abs() < 1e-12);
        assert!((r[5] - yz).abs() < 1e-12);
        assert_eq!(n, 3);
    }
}
