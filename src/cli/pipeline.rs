//! The whole pipeline shared by `analyze`, `report`, `graph`, `whatif` and `plan`:
//! load the project, ingest the survey, analyse it and evaluate the rules.

use super::project::{Project, ProjectArgs};
use sattrace::actions::{recommend, Recommendations};
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{IngestOptions, Survey};
use sattrace::rules::{default_rules, load_rules, Known, RuleEngine, RuleSet, RuleSource};

/// Everything a run computed, ready for a renderer.
pub struct Outcome {
    pub project: Project,
    pub data_name: String,
    pub survey: Survey,
    pub analysis: Analysis,
    pub rules: RuleSet,
    pub engine: RuleEngine,
    pub recommendations: Recommendations,
}

/// Run the pipeline for a project; rule failures are logged, not fatal.
pub fn run(args: &ProjectArgs) -> anyhow::Result<Outcome> {
    run_pipeline(args, false)
}

/// The same, keeping respondent rows when `keep_respondents` (for a what-if).
pub fn run_pipeline(args: &ProjectArgs, keep_respondents: bool) -> anyhow::Result<Outcome> {
    run_with(args, keep_respondents, None)
}

/// The same, with every estimated node's importance method replaced by `importance`
/// (`--importance`).
pub fn run_with(
    args: &ProjectArgs,
    keep_respondents: bool,
    importance: Option<sattrace::model::Method>,
) -> anyhow::Result<Outcome> {
    let project = args.load()?;
    let model = &project.model;
    let data_name = project.data_path.display().to_string();
    // A moments table has no respondent rows even when asked for: a what-if on it
    // runs in aggregate mode (see `whatif::compare`).
    let survey = match &args.moments {
        Some(path) => super::moments::survey_from_table(&project, path, args.on_invalid)?,
        None => {
            // Item moments cost a cross-product of all items per row: only for PLS.
            let item_moments = !sattrace::analysis::pls_nodes(model, importance).is_empty();
            read_survey(&project, args, keep_respondents, item_moments)?
        }
    };
    let options = AnalysisOptions {
        importance,
        ..AnalysisOptions::default()
    };
    let analysis = analyze(model, &project.graph, &survey, &options).map_err(anyhow::Error::msg)?;

    let engine = RuleEngine::new();
    // The project's rules replace the built-in pack; without any, the pack is used
    // unless `--no-default-rules` (docs/rules.md, "Which rules are loaded").
    let sources: Vec<RuleSource> = if project.rule_files.is_empty() && !args.no_default_rules {
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
    Ok(Outcome {
        project,
        data_name,
        survey,
        analysis,
        rules,
        engine,
        recommendations,
    })
}

/// One pass over the project's survey file.
fn read_survey(
    project: &Project,
    args: &ProjectArgs,
    keep_respondents: bool,
    item_moments: bool,
) -> anyhow::Result<Survey> {
    let options = IngestOptions {
        encoding: args.encoding,
        on_invalid: args.on_invalid,
        keep_respondents,
        keep_items: false,
        item_moments,
    };
    super::project::ingest_file(project, &options, true)
}

impl Outcome {
    /// The report view of this run in `lang`.
    pub fn report(&self, lang: sattrace::model::Lang) -> sattrace::report::Report<'_> {
        sattrace::report::Report {
            model: &self.project.model,
            graph: &self.project.graph,
            survey: &self.survey,
            analysis: &self.analysis,
            recommendations: &self.recommendations,
            data_name: &self.data_name,
            lang,
        }
    }
}
