//! The PLS path modeling iteration (Wold; Lohmöller 1989), step for step as seminr's
//! `simplePLS`, which is SmartPLS's standard PLS algorithm.

use super::matrix::{centred_cov, standardize};
use super::{on_correlations, ItemCovariance, Matrix, PathModel, PlsError, Scheme};

/// Estimation settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlsOptions {
    pub scheme: Scheme,
    /// At most this many iterations after the first (seminr: 300).
    pub max_iter: usize,
    /// Stop when the summed absolute change of all outer weights is below this
    /// (seminr's `stopCriterion = 7`: 1e-7).
    pub tolerance: f64,
    /// Consistent PLS (PLSc): paths, R² and mode A loadings corrected for the
    /// measurement error of the scores by each construct's ρA ([`super::consistent`]).
    pub consistent: bool,
}

impl Default for PlsOptions {
    fn default() -> Self {
        Self {
            scheme: Scheme::Path,
            max_iter: 300,
            tolerance: 1e-7,
            consistent: false,
        }
    }
}

/// One item's estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outer {
    pub construct: usize,
    /// Data column.
    pub item: usize,
    /// Standardized outer weight.
    pub weight: f64,
    /// Loading: the correlation of the item with its construct's score; with
    /// [`PlsOptions::consistent`], of a mode A item with its common factor.
    pub loading: f64,
}

/// A structural path's standardized coefficient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Path {
    pub from: usize,
    pub to: usize,
    pub coef: f64,
}

/// A fitted path model.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsFit {
    /// Rows used.
    pub n: usize,
    /// The last iteration's index (seminr's `iterations`).
    pub iterations: usize,
    pub converged: bool,
    /// In construct order, then item order.
    pub outer: Vec<Outer>,
    /// In the model's path order.
    pub paths: Vec<Path>,
    /// `(R², adjusted R²)` per construct; `None` for exogenous ones.
    pub r2: Vec<Option<(f64, f64)>>,
    /// Standardized path coefficients, `constructs × constructs`, `[from][to]`.
    pub coefficients: Matrix,
    /// Total effects, `[from][to]`.
    pub total: Matrix,
    /// Standardized construct scores, `n × constructs`.
    pub scores: Matrix,
    /// Dijkstra's ρA per construct (1 for a single item or mode B); with
    /// [`PlsOptions::consistent`], the paths are corrected by it.
    pub rho_a: Vec<f64>,
}

/// Estimate the model on `data` (complete rows; columns as in `model.item_names`).
///
/// The iteration runs on the item correlation matrix ([`super::on_correlations`]);
/// only the final construct scores need the rows.
pub fn estimate(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
) -> Result<PlsFit, PlsError> {
    let n = data.rows;
    let c = model.constructs.len();
    check_rows(model, n)?;
    let mut z = data.clone();
    standardize(&mut z).map_err(|col| {
        PlsError::ZeroVariance(model.item_names.get(col).cloned().unwrap_or_default())
    })?;
    let k = z.cols;
    let zcols: Vec<Vec<f64>> = (0..k).map(|i| z.column(i)).collect();
    let mut r = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..=a {
            let v = if a == b {
                1.0
            } else {
                centred_cov(&zcols[a], &zcols[b])
            };
            r[a * k + b] = v;
            r[b * k + a] = v;
        }
    }
    let core = on_correlations::fit(model, &r, k, n, options)?;
    let y = scores(model, &z, &core.weights);
    if y.data.iter().any(|v| !v.is_finite()) {
        return Err(PlsError::NotFinite);
    }
    Ok(assemble(model, n, core, y, c))
}

/// Estimate the model from the item means and covariances alone (survey weights
/// applied when they were built; see [`ItemCovariance`]). The same estimates as
/// [`estimate`] on the rows, except `scores`, which needs rows and is left empty
/// (`0 × constructs`). Adjusted R² uses the unweighted row count `cov.n`.
pub fn estimate_on_moments(
    model: &PathModel,
    cov: &ItemCovariance,
    options: &PlsOptions,
) -> Result<PlsFit, PlsError> {
    let c = model.constructs.len();
    check_rows(model, cov.n)?;
    let r = cov.correlations().map_err(|col| {
        PlsError::ZeroVariance(model.item_names.get(col).cloned().unwrap_or_default())
    })?;
    let core = on_correlations::fit(model, &r, cov.k(), cov.n, options)?;
    Ok(assemble(model, cov.n, core, Matrix::zeros(0, c), c))
}

/// The fewest rows the model can be estimated on: two more than the most
/// predecessors of any construct, and at least three.
pub(crate) fn check_rows(model: &PathModel, n: usize) -> Result<(), PlsError> {
    let most = model.predecessors().iter().map(Vec::len).max().unwrap_or(0);
    let needed = (most + 2).max(3);
    if n < needed {
        return Err(PlsError::TooFewRows { n, needed });
    }
    Ok(())
}

/// A [`PlsFit`] from the estimates of the iteration and the scores.
pub(crate) fn assemble(
    model: &PathModel,
    n: usize,
    core: on_correlations::CoreFit,
    scores: Matrix,
    c: usize,
) -> PlsFit {
    let mut outer = Vec::new();
    for (j, construct) in model.constructs.iter().enumerate() {
        for ((&item, &weight), &loading) in construct
            .items
            .iter()
            .zip(&core.weights[j])
            .zip(&core.loadings[j])
        {
            outer.push(Outer {
                construct: j,
                item,
                weight,
                loading,
            });
        }
    }
    let paths = model
        .paths
        .iter()
        .map(|&(from, to)| Path {
            from,
            to,
            coef: core.coefficients.get(from, to),
        })
        .collect();
    debug_assert_eq!(core.total.cols, c);
    PlsFit {
        n,
        iterations: core.iterations,
        converged: core.converged,
        outer,
        paths,
        r2: core.r2,
        coefficients: core.coefficients,
        total: core.total,
        scores,
        rho_a: core.rho_a,
    }
}

/// Construct scores `Z W` (unstandardized).
fn scores(model: &PathModel, z: &Matrix, weights: &[Vec<f64>]) -> Matrix {
    let c = model.constructs.len();
    let mut y = Matrix::zeros(z.rows, c);
    for r in 0..z.rows {
        let row = z.row(r);
        for (j, construct) in model.constructs.iter().enumerate() {
            let v: f64 = construct
                .items
                .iter()
                .zip(&weights[j])
                .map(|(&i, w)| row[i] * w)
                .sum();
            y.set(r, j, v);
        }
    }
    y
}
