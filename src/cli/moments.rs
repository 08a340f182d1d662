//! `sattrace moments`: the moments table of a project's survey by sattrace's own
//! pass, and `sattrace moments merge` to add tables. Loading a table for
//! `--moments FILE` on the analysis commands is the project's job (`project.rs`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::output::write_output;
use super::project::{read_table, ProjectArgs};
use super::Exit;
use sattrace::data::{IngestOptions, OnInvalid};
use sattrace::moments::{Layout, MomentsTable};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MomentsArgs {
    #[command(subcommand)]
    pub command: Option<MomentsCommand>,
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Write the table to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MomentsCommand {
    /// Add moments tables of the same model (cells with equal keys are summed).
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The tables to merge.
    #[arg(required = true, num_args = 1..)]
    pub tables: Vec<PathBuf>,
    /// Project directory holding model.yaml (the tables' columns come from it).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The model file (default: PROJECT/model.yaml).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Write the merged table to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &MomentsArgs) -> anyhow::Result<Exit> {
    match &args.command {
        Some(MomentsCommand::Merge(merge)) => run_merge(merge),
        None => run_table(args),
    }
}

fn run_table(args: &MomentsArgs) -> anyhow::Result<Exit> {
    if args.project.moments.is_some() {
        return Err(super::lang::Said::error(
            "`sattrace moments` reads the survey, not a table\n  help: to add tables, use `sattrace moments merge A B -o FILE`",
            "`sattrace moments` 读取的是问卷数据，不是矩表\n  提示：要合并矩表，请用 `sattrace moments merge A B -o FILE`",
        ));
    }
    let project = args.project.load()?;
    let layout = Layout::new(&project.model).map_err(anyhow::Error::from)?;
    let options = IngestOptions {
        encoding: args.project.encoding,
        on_invalid: args.project.on_invalid,
        keep_respondents: false,
        keep_items: false,
        item_moments: true,
    };
    let survey = super::project::ingest_file(&project, &options, true);
    let survey = survey?;
    let table = MomentsTable::from_survey(&layout, &survey).map_err(anyhow::Error::from)?;
    let mut bytes = Vec::new();
    table.to_csv(&layout, &mut bytes)?;
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

fn run_merge(args: &MergeArgs) -> anyhow::Result<Exit> {
    let model_path = args
        .model
        .clone()
        .unwrap_or_else(|| args.project.join("model.yaml"));
    let project = ProjectArgs {
        dir: args.project.clone(),
        model: Some(model_path.clone()),
        data: Some(PathBuf::from("-")),
        rules: Vec::new(),
        encoding: Default::default(),
        on_invalid: OnInvalid::Error,
        moments: None,
        no_default_rules: true,
    }
    .load()?;
    let layout = Layout::new(&project.model).map_err(anyhow::Error::from)?;
    let mut inputs = vec![model_path];
    let mut merged: Option<(MomentsTable, String)> = None;
    for path in &args.tables {
        let table = read_table(&layout, path)?;
        inputs.push(path.clone());
        let name = path.display().to_string();
        merged = Some(match merged {
            None => (table, name),
            Some((mut all, first)) => {
                all.merge(&table, (&first, &name))
                    .map_err(anyhow::Error::from)?;
                (all, first)
            }
        });
    }
    let Some((table, _)) = merged else {
        return Err(super::lang::Said::error(
            "no tables to merge\n  help: sattrace moments merge A.csv B.csv -o all.csv",
            "没有要合并的矩表\n  提示：sattrace moments merge A.csv B.csv -o all.csv",
        ));
    };
    let mut bytes = Vec::new();
    table.to_csv(&layout, &mut bytes)?;
    write_output(args.output.as_deref(), &bytes, &inputs)?;
    Ok(Exit::Ok)
}
