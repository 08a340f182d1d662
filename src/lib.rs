//! sattrace: trace low customer-satisfaction scores back to the drivers that cause
//! them, and recommend improvement actions ranked by expected effect per cost.
//!
//! The pipeline, one module per stage (dependencies point one way, nothing imports the CLI):
//! `model` (model.yaml) → `graph` (driver graph) → `data` (survey ingest into mergeable
//! statistics) → `analysis` (scores, effects, root causes) → `rules` (sandboxed Rhai)
//! → `actions` (ranked, with a why) → `report` (table, JSON, Markdown).
//! The library never prints and never touches the filesystem except through readers
//! and writers it is handed.

pub mod actions;
pub mod analysis;
pub mod check;
pub mod data;
pub mod diag;
pub mod graph;
pub mod importance;
pub mod model;
pub mod moments;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod rules;
pub mod schema;
pub mod simulate;
pub mod sql;
pub mod stats;
pub mod whatif;
pub mod yaml;
