//! The analyze pipeline as one call for the subcommands built on it (`whatif`,
//! `plan`): load the project, ingest the survey, analyze, load rules, recommend.

use anyhow::Context;

use super::project::{Project, ProjectArgs};
use sattrace::actions::{recommend, Recommendations};
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::rules::{default_rules, load_rules, Known, RuleEngine, RuleSet, RuleSource};

/// Everything the analyze pipeline produces, kept for a second look.
pub struct Pipeline {
    pub project: Project,
    pub survey: Survey,
    pub analysis: Analysis,
    pub rules: RuleSet,
    pub engine: RuleEngine,
    pub recommendations: Recommendations,
}

/// Run the pipeline; `keep_respondents` keeps respondent rows for a what-if.
pub fn run_pipeline(args: &ProjectArgs, keep_respondents: bool) -> anyhow::Result<Pipeline> {
    let project = args.load()?;
    let model = &project.model;
    let data_name = project.data_path.display().to_string();
    let file = std::fs::File::open(&project.data_path)
        .with_context(|| format!("cannot read `{data_name}`"))?;
    let options = IngestOptions {
        encoding: args.encoding,
        on_invalid: args.on_invalid,
        keep_respondents,
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
    Ok(Pipeline {
        project,
        survey,
        analysis,
        rules,
        engine,
        recommendations,
    })
}
