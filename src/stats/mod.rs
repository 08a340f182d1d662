//! Pure numerics: special functions, confidence intervals and weighted least
//! squares. No I/O, no randomness, no panics: degenerate input gives `None` or an
//! error. Everything here works from mergeable moments where it can, so it can be
//! fed by one pass over the data (see the design's "Scale" section).

pub mod compare;
pub mod interval;
pub mod ols;
pub(crate) mod rng;
pub mod special;

pub use compare::{proportion_z, welch_t, z_test, Sample, TestResult};
pub use interval::{
    kish_n_eff, mean_ci, mean_ci_centered, nps_ci, proportion_ci, MeanCi, NpsCi, ProportionCi,
};
pub use ols::{ols, ols_from_cross, CrossMoments, OlsError, OlsFit};
pub use special::{inc_beta, ln_beta, ln_gamma, normal_cdf, normal_quantile, t_cdf, t_quantile};
