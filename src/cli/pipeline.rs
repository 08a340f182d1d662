//! The whole pipeline shared by `analyze`, `report`, `graph`, `whatif`, `plan` and
//! `serve`: load the project and read its survey (the files), then the library's
//! `sattrace::pipeline::run` analyses it and evaluates the rules.

use super::project::{Needs, Project, ProjectArgs};
use sattrace::actions::Recommendations;
use sattrace::analysis::Analysis;
use sattrace::data::Survey;
use sattrace::pipeline::{failure_summary, rule_sources, RunError, RunOptions};
use sattrace::rules::{RuleEngine, RuleSet};

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
    run_full(args, keep_respondents, importance, None)
}

/// [`run_pipeline`] on the survey as it stood at `wave` (its cells of that wave and
/// the earlier ones), so the analysis's latest wave is `wave` (`whatif --wave`).
pub fn run_pipeline_at(
    args: &ProjectArgs,
    keep_respondents: bool,
    wave: Option<&str>,
) -> anyhow::Result<Outcome> {
    run_full(args, keep_respondents, None, wave)
}

fn run_full(
    args: &ProjectArgs,
    keep_respondents: bool,
    importance: Option<sattrace::model::Method>,
    wave: Option<&str>,
) -> anyhow::Result<Outcome> {
    let mut project = args.load()?;
    let data_name = project.data_path.display().to_string();
    let survey = project.read_survey(Needs {
        respondents: keep_respondents,
        // Item moments cost a cross-product of all items per row: only for PLS and
        // the reliabilities of corrected effects.
        item_moments: sattrace::analysis::needs_item_moments(&project.model, importance),
        progress: true,
        ..Needs::default()
    })?;
    let survey = match wave {
        Some(wave) => at_wave(survey, wave)?,
        None => survey,
    };
    let sources = rule_sources(&project.rule_files, args.no_default_rules);
    let options = RunOptions { importance };
    // The stage's own error goes on (not the wrapper), so `cli::lang` finds its type.
    let run = sattrace::pipeline::run(
        &mut project.model,
        &project.graph,
        survey,
        &sources,
        &options,
    )
    .map_err(|e| match e {
        RunError::Analysis(e) => anyhow::Error::from(e),
        RunError::Rules(e) => anyhow::Error::from(*e),
    })?;
    for line in failure_summary(&run.recommendations.failures) {
        tracing::warn!("{line}");
    }
    Ok(Outcome {
        project,
        data_name,
        survey: run.survey,
        analysis: run.analysis,
        rules: run.rules,
        engine: run.engine,
        recommendations: run.recommendations,
    })
}

/// The survey through `wave`, or what the waves are.
fn at_wave(survey: Survey, wave: &str) -> anyhow::Result<Survey> {
    if let Some(cut) = sattrace::data::through_wave(&survey, wave) {
        return Ok(cut);
    }
    let known: Vec<String> = sattrace::data::waves(&survey)
        .into_iter()
        .flatten()
        .collect();
    if known.is_empty() {
        anyhow::bail!(
            "--wave: the survey has no waves\n  help: the model names no `wave:` column; drop --wave"
        );
    }
    let hint = sattrace::diag::did_you_mean(wave, known.iter().map(String::as_str));
    let help = if hint.is_empty() {
        format!("waves: {}", known.join(", "))
    } else {
        hint
    };
    anyhow::bail!("--wave: no wave `{wave}` in the survey\n  help: {help}")
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
