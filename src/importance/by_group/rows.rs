//! Correlations of a group from its respondent rows: listwise over the chosen
//! variables only, or pairwise-complete.

use crate::data::Respondents;
use crate::importance::pairwise::pairwise_correlations;
use crate::importance::{Correlations, ImportanceError, RowData};
use crate::stats::CrossMoments;

/// The respondent rows that fall in `cells` (a group's cells), in file order.
pub(super) fn group_rows(r: &Respondents, cells: &[usize]) -> Vec<usize> {
    (0..r.len())
        .filter(|&i| {
            r.cells
                .get(i)
                .is_some_and(|&c| cells.contains(&(c as usize)))
        })
        .collect()
}

/// The respondent rows as the estimators read them.
pub(super) fn row_data(r: &Respondents) -> RowData<'_> {
    RowData {
        values: &r.values,
        weights: &r.weights,
        stride: r.nodes,
    }
}

/// Pairwise-complete correlations of `x` and `y` over the rows of `cells`, and the
/// fewest rows any pair rests on (reported as the group's `n`).
pub(super) fn pairwise_from_rows(
    r: &Respondents,
    cells: &[usize],
    y: usize,
    x: &[usize],
) -> Result<(Correlations, u64), ImportanceError> {
    let rows = group_rows(r, cells);
    let data = row_data(r);
    let vars: Vec<usize> = x.iter().copied().chain(std::iter::once(y)).collect();
    let (corr, fewest) = pairwise_correlations(&data, &rows, &vars);
    if fewest < 2 {
        return Err(ImportanceError::TooFewRows {
            n: fewest,
            needed: 2,
        });
    }
    let k = vars.len();
    let idx: Vec<usize> = (0..x.len()).collect();
    Correlations::from_covariance(|a, b| corr[a * k + b], k - 1, &idx).map(|c| (c, fewest))
}

/// Correlations over the rows of `cells` complete on `y` and `x` (listwise on these
/// variables only), from respondent rows in f64.
pub(super) fn correlations_from_rows(
    r: &Respondents,
    cells: &[usize],
    y: usize,
    x: &[usize],
) -> Result<(Correlations, u64), ImportanceError> {
    let mut m = CrossMoments::new(x.len() + 1);
    let mut row = vec![0.0; x.len() + 1];
    for i in group_rows(r, cells) {
        let values = r.row(i);
        for (slot, &col) in row.iter_mut().zip(x.iter().chain(std::iter::once(&y))) {
            *slot = values.get(col).map_or(f64::NAN, |&v| f64::from(v));
        }
        m.push(&row, r.weights.get(i).map_or(0.0, |&w| f64::from(w)));
    }
    let k = x.len() + 1;
    if m.n < 2 {
        return Err(ImportanceError::TooFewRows {
            n: m.n as u64,
            needed: 2,
        });
    }
    let cov = |a: usize, b: usize| m.cross(a, b) / m.sw - m.sum[a] * m.sum[b] / (m.sw * m.sw);
    let idx: Vec<usize> = (0..x.len()).collect();
    Correlations::from_covariance(cov, k - 1, &idx).map(|c| (c, m.n as u64))
}
