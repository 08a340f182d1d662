//! Key driver importance: how much each driver matters for an outcome.
//!
//! Every estimator works from the correlation matrix of the drivers and the outcome
//! ([`Correlations`]), so it can be fed from mergeable moments (one pass over the
//! data, any number of cells merged first) as well as from respondent rows (the
//! bootstrap). One file per method:
//! - [`correlation`]: Pearson correlation of each driver with the outcome;
//! - [`beta`]: standardized OLS coefficients with variance inflation factors;
//! - [`relweights`]: Johnson's (2000) relative weights;
//! - [`lmg`]: the Shapley value / LMG decomposition of R², exact by subset
//!   enumeration for up to [`MAX_EXACT`] drivers, by permutation sampling above;
//! - [`dominance`]: dominance analysis (complete, conditional, general), from the
//!   same subset enumeration.
//!
//! [`bootstrap`] resamples respondent rows for percentile or BCa ([`interval`])
//! intervals, deterministic per seed for any thread count. Formulas and references are in `docs/methods.md`.

pub mod beta;
pub mod bootstrap;
pub mod by_group;
pub mod correlation;
pub mod dominance;
mod error;
pub mod interval;
mod linalg;
pub mod lmg;
pub mod pairwise;
pub mod pls;
pub mod relweights;
mod subset_sums;
mod subsets;

pub use bootstrap::{
    bootstrap, bootstrap_with, change_intervals, group_seed, BootstrapExtras, BootstrapOptions,
    Intervals, RowData,
};
pub use error::ImportanceError;
pub use interval::IntervalKind;

/// The most drivers for which [`lmg`] enumerates all `2^p` subsets.
pub const MAX_EXACT: usize = 25;
/// The most drivers for complete dominance, which keeps the R² of every subset.
pub const MAX_COMPLETE_DOMINANCE: usize = 20;

/// An importance method; [`Method::about`] says what each is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Corr,
    Beta,
    Relweights,
    Lmg,
    Dominance,
    Pls,
}

impl Method {
    /// Every method, in the order they are listed to users.
    pub const ALL: [Method; 6] = [
        Method::Corr,
        Method::Beta,
        Method::Relweights,
        Method::Lmg,
        Method::Dominance,
        Method::Pls,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Corr => "corr",
            Method::Beta => "beta",
            Method::Relweights => "relweights",
            Method::Lmg => "lmg",
            Method::Dominance => "dominance",
            Method::Pls => "pls",
        }
    }

    /// What the method computes, in a line (the command line's help lists these).
    pub fn about(self) -> &'static str {
        match self {
            Method::Corr => "Pearson correlation of each driver with the outcome",
            Method::Beta => "Standardized OLS coefficient (with VIF)",
            Method::Relweights => "Johnson's relative weights (R² shares)",
            Method::Lmg => "Shapley value / LMG decomposition of R²",
            Method::Dominance => "Dominance analysis; its general dominance equals LMG",
            Method::Pls => "PLS path model on items; importance = total effect on the outcome",
        }
    }

    /// Whether importances are shares of R² (they sum to R²).
    pub fn decomposes_r2(self) -> bool {
        matches!(self, Method::Relweights | Method::Lmg | Method::Dominance)
    }
}

/// The correlations of `p` drivers and one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlations {
    /// Number of drivers.
    pub p: usize,
    /// Driver intercorrelations, row-major `p × p`.
    pub rxx: Vec<f64>,
    /// Correlation of each driver with the outcome.
    pub rxy: Vec<f64>,
}

impl Correlations {
    /// From a covariance (or cross-product) function over variables: `cov(a, b)` for
    /// the outcome `y` and the drivers `x`. A variable with no variance is an error
    /// naming it (index into `x`, or the outcome); so is a driver that is a linear
    /// combination of the drivers before it.
    pub fn from_covariance(
        cov: impl Fn(usize, usize) -> f64,
        y: usize,
        x: &[usize],
    ) -> Result<Self, ImportanceError> {
        let p = x.len();
        if p == 0 {
            return Err(ImportanceError::NoDrivers);
        }
        let vy = cov(y, y);
        if !vy.is_finite() {
            return Err(ImportanceError::NotFinite);
        }
        if vy <= 0.0 {
            return Err(ImportanceError::ZeroVarianceOutcome);
        }
        let mut sd = Vec::with_capacity(p);
        for (j, &a) in x.iter().enumerate() {
            let v = cov(a, a);
            if !v.is_finite() {
                return Err(ImportanceError::NotFinite);
            }
            // Relative to the outcome's scale: drivers and outcome share index units.
            if v <= 1e-14 * vy {
                return Err(ImportanceError::ZeroVariance { driver: j });
            }
            sd.push(v.sqrt());
        }
        let sy = vy.sqrt();
        let mut rxx = vec![0.0; p * p];
        for (i, &a) in x.iter().enumerate() {
            for (j, &b) in x.iter().enumerate() {
                rxx[i * p + j] = if i == j {
                    1.0
                } else {
                    cov(a, b) / (sd[i] * sd[j])
                };
            }
        }
        let rxy: Vec<f64> = x
            .iter()
            .zip(&sd)
            .map(|(&a, s)| cov(a, y) / (s * sy))
            .collect();
        if rxx.iter().chain(&rxy).any(|v| !v.is_finite()) {
            return Err(ImportanceError::NotFinite);
        }
        let c = Self { p, rxx, rxy };
        c.factor()?;
        Ok(c)
    }

    /// From node moments over complete cases (listwise deletion).
    pub fn from_moments(
        moments: &crate::data::CrossMoments,
        y: usize,
        x: &[usize],
    ) -> Result<Self, ImportanceError> {
        if moments.n < 2 || moments.sw <= 0.0 {
            return Err(ImportanceError::TooFewRows {
                n: moments.n,
                needed: 2,
            });
        }
        Self::from_covariance(|a, b| moments.covariance(a, b).unwrap_or(f64::NAN), y, x)
    }

    /// Cholesky factor of `rxx`; a collinear driver is an error naming it.
    pub(crate) fn factor(&self) -> Result<Vec<f64>, ImportanceError> {
        linalg::cholesky(&self.rxx, self.p).map_err(|driver| ImportanceError::Collinear { driver })
    }

    /// R² of the outcome on all drivers.
    pub fn r2(&self) -> Result<f64, ImportanceError> {
        let l = self.factor()?;
        let beta = linalg::cholesky_solve(&l, self.p, &self.rxy);
        Ok(beta.iter().zip(&self.rxy).map(|(b, r)| b * r).sum())
    }
}

/// The importance of each driver by one method.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Importance {
    pub method: Method,
    /// R² of the outcome on all drivers.
    pub r2: f64,
    /// One per driver, in the order given.
    pub importance: Vec<f64>,
    /// Variance inflation factors (method `beta`).
    pub vif: Option<Vec<f64>>,
    /// Standard errors of a sampled LMG (more than [`MAX_EXACT`] drivers).
    pub sampling: Option<lmg::Sampling>,
    /// Method `dominance`.
    pub dominance: Option<dominance::Dominance>,
}

/// Options of [`estimate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EstimateOptions {
    /// Permutations for LMG above [`MAX_EXACT`] drivers.
    pub permutations: usize,
    /// Seed of the permutation sampling.
    pub seed: u64,
    /// Threads for exact LMG (at least 1); never changes the result.
    pub threads: usize,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        Self {
            permutations: 20_000,
            seed: 1,
            threads: 1,
        }
    }
}

/// Importance of each driver by `method`.
pub fn estimate(
    method: Method,
    c: &Correlations,
    options: &EstimateOptions,
) -> Result<Importance, ImportanceError> {
    let r2 = c.r2()?;
    let mut out = Importance {
        method,
        r2,
        importance: Vec::new(),
        vif: None,
        sampling: None,
        dominance: None,
    };
    match method {
        Method::Corr => out.importance = correlation::correlation(c),
        Method::Beta => {
            let fit = beta::beta(c)?;
            out.importance = fit.beta;
            out.vif = Some(fit.vif);
        }
        Method::Relweights => out.importance = relweights::relative_weights(c)?,
        Method::Lmg => {
            if c.p <= MAX_EXACT {
                out.importance = lmg::lmg_threads(c, options.threads)?;
            } else {
                let s = lmg::lmg_sampled(c, options.permutations, options.seed)?;
                out.importance = s.lmg.clone();
                out.sampling = Some(s);
            }
        }
        Method::Dominance => {
            let d = dominance::dominance(c)?;
            out.importance = d.general.clone();
            out.dominance = Some(d);
        }
        Method::Pls => return Err(ImportanceError::NeedsItems),
    }
    Ok(out)
}
