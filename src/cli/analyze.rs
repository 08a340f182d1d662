//! `sattrace analyze`: scores, root causes and ranked actions.

use std::path::PathBuf;

use clap::Args;

use super::output::write_output;
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::report::{render, Format};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Importance method for every estimated node, overriding `weights: {method: …}`
    /// in the model (effects used for root causes and uplift stay OLS).
    #[arg(long, value_enum)]
    pub importance: Option<sattrace::model::Method>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels and action texts.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: &AnalyzeArgs) -> anyhow::Result<Exit> {
    let outcome = pipeline::run_with(&args.project, false, args.importance)?;
    let mut bytes = Vec::new();
    render(&outcome.report(args.lang), args.format, &mut bytes)?;
    write_output(args.output.as_deref(), &bytes, &outcome.project.inputs)?;
    Ok(Exit::Ok)
}
