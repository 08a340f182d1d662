//! `sattrace analyze`: scores, root causes and ranked actions.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::output::write_output;
use super::project::ProjectArgs;
use super::Exit;
use sattrace::actions::recommend;
use sattrace::analysis::{analyze, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::model::Lang;
use sattrace::report::{render, Format, Report};
use sattrace::rules::{default_rules, load_rules, Known, RuleEngine, RuleSource};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
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
    let project = args.project.load()?;
    let model = &project.model;
    let data_name = project.data_path.display().to_string();
    let file = std::fs::File::open(&project.data_path)
        .with_context(|| format!("cannot read `{data_name}`"))?;
    let options = IngestOptions {
        encoding: args.project.encoding,
        on_invalid: args.project.on_invalid,
        keep_respondents: false,
        keep_items: false,
    };
    let survey = ingest(
        model,
        project.graph.order(),
        &data_name,
        std::io::BufReader::new(file),
        &options,
    )
    .map_err(anyhow::Error::msg)?;
    let analysis = analyze(model, &project.graph, &survey, &AnalysisOptions::default())
        .map_err(anyhow::Error::msg)?;

    let engine = RuleEngine::new();
    let sources: Vec<RuleSource> = if project.rule_files.is_empty() {
        default_rules()
    } else {
        project
            .rule_files
            .iter()
            .map(|(file, text)| RuleSource { file, text })
            .collect()
    };
    let mut tags: Vec<String> = model
        .nodes
        .iter()
        .flat_map(|n| n.tags.iter().cloned())
        .collect();
    tags.sort();
    tags.dedup();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags,
        segment_columns: model.segments.clone(),
    };
    let rules = load_rules(&engine, &sources, &known).map_err(anyhow::Error::msg)?;
    let recommendations = recommend(model, &project.graph, &analysis, &rules, &engine);
    for failure in &recommendations.failures {
        tracing::warn!("{failure}");
    }

    let report = Report {
        model,
        graph: &project.graph,
        survey: &survey,
        analysis: &analysis,
        recommendations: &recommendations,
        data_name: &data_name,
        lang: args.lang,
    };
    let mut bytes = Vec::new();
    render(&report, args.format, &mut bytes)?;
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}
