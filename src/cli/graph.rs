//! `sattrace graph`: the driver graph as DOT or Mermaid, each edge with its effect.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::write_output;
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::report::graph_export;

/// Graph formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: GraphFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: &GraphArgs) -> anyhow::Result<Exit> {
    // Estimated effects need the analysis; the whole sample of the latest wave is
    // the slice the other reports lead with.
    let outcome = pipeline::run(&args.project)?;
    let effects = outcome.analysis.latest().next().map(|s| &s.effects);
    let model = &outcome.project.model;
    let graph = &outcome.project.graph;
    let text = match args.format {
        GraphFormat::Dot => graph_export::dot(model, graph, effects, args.lang),
        GraphFormat::Mermaid => graph_export::mermaid(model, graph, effects, args.lang),
    };
    write_output(
        args.output.as_deref(),
        text.as_bytes(),
        &outcome.project.inputs,
    )?;
    Ok(Exit::Ok)
}
