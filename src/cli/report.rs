//! `sattrace report`: the self-contained HTML report, or Markdown for pull requests.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::write_output;
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::report::{html, render, Format};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One HTML file with inline SVG charts, no scripts, nothing fetched.
    Html,
    /// GitHub-flavoured Markdown with a Mermaid graph.
    Md,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels and action texts.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<Exit> {
    let outcome = pipeline::run(&args.project)?;
    let report = outcome.report(args.lang);
    let mut bytes = Vec::new();
    match args.format {
        ReportFormat::Html => html::render(&report, &mut bytes)?,
        ReportFormat::Md => render(&report, Format::Md, &mut bytes)?,
    }
    write_output(args.output.as_deref(), &bytes, &outcome.project.inputs)?;
    Ok(Exit::Ok)
}
