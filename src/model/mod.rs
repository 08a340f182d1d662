//! The driver model (`model.yaml`): its types, loading and semantic checks.
//!
//! The model knows nothing of petgraph or CSV: it is the user's declaration of
//! drivers, outcomes, scales and targets, validated and located.

mod label;
mod load;
mod types;

pub use label::{Label, Lang};
pub use load::{load_model, ModelError};
pub use types::{Direction, Method, Metric, Model, Node, Scale, Weights};
