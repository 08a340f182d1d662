//! `sattrace schema model|rules|scenario`: print a file kind's JSON Schema.

use clap::{Args, ValueEnum};

use super::exit::Exit;
use sattrace::schema::{schema, Kind};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// `model.yaml`.
    Model,
    /// `rules/*.yaml`.
    Rules,
    /// `scenarios/*.yaml`.
    Scenario,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind.
    pub kind: SchemaKind,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<Exit> {
    let kind = match args.kind {
        SchemaKind::Model => Kind::Model,
        SchemaKind::Rules => Kind::Rules,
        SchemaKind::Scenario => Kind::Scenario,
    };
    println!("{}", serde_json::to_string_pretty(&schema(kind))?);
    Ok(Exit::Ok)
}
