//! PLS path modeling (PLS-SEM) on items, with reliability figures and IPMA.
//!
//! - [`ItemCovariance`]: the weighted item means and covariances everything is
//!   estimated from (from rows, or from a moments table's `ic` block);
//! - [`spec`]: the path model (constructs as blocks of items, structural paths) from
//!   a sattrace model, and the complete item rows it is estimated on;
//! - [`estimate`]: the iteration (modes A and B; path, centroid and factor inner
//!   weighting), outer weights and loadings, path coefficients, R², total effects and
//!   construct scores, matching R seminr's `simplePLS` (SmartPLS's algorithm);
//! - `consistent`: consistent PLS (PLSc): ρA per construct and the paths, R² and
//!   loadings corrected by it, as seminr's `PLSc()`;
//! - [`reliability`]: Cronbach's α, ρc, ρA, AVE and HTMT;
//! - [`for_analysis`]: the same fit from a slice's item moments, for `analyze`;
//! - [`ipma`]: importance–performance map analysis as in SmartPLS;
//! - [`bootstrap`]: seeded percentile or BCa intervals of every estimate (the vector
//!   layout in `statistics`), identical for any thread count.
//!
//! Formulas and references are in `docs/methods.md`.

pub mod bootstrap;
mod consistent;
mod error;
pub mod estimate;
pub mod for_analysis;
pub mod ipma;
mod item_covariance;
mod matrix;
mod on_correlations;
pub mod reliability;
pub mod spec;
mod statistics;

pub use bootstrap::{bootstrap, bootstrap_weighted, bootstrap_with, resample_counts, PlsIntervals};
pub use error::PlsError;
pub use estimate::{estimate, estimate_on_moments, Outer, Path, PlsFit, PlsOptions};
pub use for_analysis::{estimate_from_moments, item_layout, PlsPaths};
pub use ipma::{ipma, ipma_on_moments, IpmaPoint};
pub use item_covariance::ItemCovariance;
pub use matrix::Matrix;
pub use reliability::{
    htmt, htmt_on_moments, reliability, reliability_on_moments, Htmt, Reliability,
};
pub use spec::{complete_rows, Construct, Mode, PathModel, Scheme};
pub use statistics::IpmaTarget;

#[cfg(test)]
mod tests;
