//! `sattrace analyze`: scores, root causes and ranked actions.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::{refuse_binary_on_stdout, write_output};
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::report::sheets::TableId;
use sattrace::report::{csv_table, render, xlsx, Format};

/// Output formats of `analyze`: the report formats, plus spreadsheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalyzeFormat {
    /// An aligned report for a terminal.
    Table,
    /// The `sattrace.analysis/1` document.
    Json,
    /// GitHub-flavoured Markdown.
    Md,
    /// A workbook with one sheet per section (needs `-o`).
    Xlsx,
    /// One table as CSV, chosen with `--table` (default: scores).
    Csv,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Importance method for every estimated node, overriding `weights: {method: …}`
    /// in the model (effects used for root causes and uplift stay OLS).
    #[arg(long, value_parser = super::values::parser::<sattrace::model::Method>())]
    pub importance: Option<sattrace::model::Method>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: AnalyzeFormat,
    /// The table `--format csv` writes.
    #[arg(long, value_parser = super::values::parser::<TableId>())]
    pub table: Option<TableId>,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel reads Chinese text right.
    #[arg(long)]
    pub bom: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels and action texts.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: &AnalyzeArgs) -> anyhow::Result<Exit> {
    check_flags(args)?;
    let outcome = pipeline::run_with(&args.project, false, args.importance)?;
    let report = outcome.report(args.lang);
    let mut bytes = Vec::new();
    match args.format {
        AnalyzeFormat::Table => render(&report, Format::Table, &mut bytes)?,
        AnalyzeFormat::Json => render(&report, Format::Json, &mut bytes)?,
        AnalyzeFormat::Md => render(&report, Format::Md, &mut bytes)?,
        AnalyzeFormat::Xlsx => bytes = xlsx::analysis_xlsx(&report)?,
        AnalyzeFormat::Csv => csv_table::analysis_csv(
            &report,
            args.table.unwrap_or_default(),
            args.bom,
            &mut bytes,
        )?,
    }
    write_output(args.output.as_deref(), &bytes, &outcome.project.inputs)?;
    Ok(Exit::Ok)
}

/// Flags that cannot work together, refused before the survey is read.
fn check_flags(args: &AnalyzeArgs) -> anyhow::Result<()> {
    if args.format == AnalyzeFormat::Xlsx {
        refuse_binary_on_stdout(args.output.as_deref(), args.lang)?;
    }
    super::output::refuse_csv_flags_without_csv(
        args.format == AnalyzeFormat::Csv,
        args.table.is_some(),
        args.bom,
        args.lang,
    )?;
    Ok(())
}
