//! Why a PLS path model cannot be estimated.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlsError {
    #[error("the structural model has no paths")]
    NoPaths,
    #[error("construct `{0}` has no items (PLS needs items for every construct)")]
    NoItems(String),
    #[error("construct `{0}` is not connected to any other construct")]
    Unconnected(String),
    #[error("path `{from}` → `{to}` names an unknown construct")]
    UnknownConstruct { from: String, to: String },
    #[error("the structural model has a cycle through `{0}`")]
    Cycle(String),
    #[error("item `{0}` is not in the data")]
    MissingItem(String),
    #[error("item `{0}` has no variance")]
    ZeroVariance(String),
    #[error("the predecessors of `{0}` are perfectly collinear")]
    Collinear(String),
    #[error("the items of formative construct `{0}` are perfectly collinear")]
    CollinearItems(String),
    #[error("{n} complete rows: need at least {needed}")]
    TooFewRows { n: usize, needed: usize },
    #[error("did not converge in {0} iterations")]
    NotConverged(usize),
    #[error("consistent PLS: ρA of construct `{0}` is not positive (its items do not measure one common factor; estimate it in mode B or without --consistent)")]
    RhoA(String),
    #[error("consistent PLS: the corrected correlations of the predecessors of `{0}` are singular (a corrected correlation of 1)")]
    Inadmissible(String),
    #[error("the estimates are not finite")]
    NotFinite,
}
