//! The driver model (`model.yaml`): its types, loading and semantic checks.
//!
//! The model knows nothing of petgraph or CSV: it is the user's declaration of
//! drivers, outcomes, scales and targets, validated and located.

mod check;
mod crossed;
mod error;
mod graph_check;
mod label;
mod load;
mod raw;
mod types;

pub use check::{check_model, Day};
pub use error::{ModelError, ModelErrorKind, TargetUnit};
pub use label::{Label, Lang};
pub use load::{load_model, parse_date};
pub use types::{BlockMode, Direction, EffectsMode, Method, Metric, Model, Node, Scale, Weights};

/// The JSON Schema of `model.yaml` (`sattrace schema model`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(raw::RawModel)).unwrap_or_default()
}
