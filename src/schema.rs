//! JSON Schemas of the YAML file kinds, derived from the strict raw types the
//! loaders read, so an editor can validate and complete them
//! (`# yaml-language-server: $schema=…`).

/// A YAML file kind with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `model.yaml`.
    Model,
    /// `rules/*.yaml`.
    Rules,
    /// `scenarios/*.yaml`.
    Scenario,
}

/// The JSON Schema (draft 2020-12) of one file kind.
pub fn schema(kind: Kind) -> serde_json::Value {
    match kind {
        Kind::Model => crate::model::json_schema(),
        Kind::Rules => crate::rules::json_schema(),
        Kind::Scenario => {
            serde_json::to_value(schemars::schema_for!(crate::check::scenario::RawScenario))
                .unwrap_or_default()
        }
    }
}
