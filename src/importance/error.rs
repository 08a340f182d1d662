//! Why importance cannot be estimated. Drivers are named by their index in the
//! order given; the command line turns indices into ids.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportanceError {
    #[error("no drivers")]
    NoDrivers,
    #[error("the outcome has no variance")]
    ZeroVarianceOutcome,
    #[error("driver {driver} has no variance")]
    ZeroVariance { driver: usize },
    #[error("driver {driver} is a linear combination of the drivers before it")]
    Collinear { driver: usize },
    #[error("{n} complete rows: need at least {needed}")]
    TooFewRows { n: u64, needed: u64 },
    #[error("{p} drivers: this method handles at most {max}")]
    TooManyDrivers { p: usize, max: usize },
    #[error("the data give a correlation that is not finite")]
    NotFinite,
    #[error("this method works on items, not on driver scores (see importance::pls)")]
    NeedsItems,
}
