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
    let model = &project.model;
    let data_name = project.data_path.display().to_string();
    // A moments table has no respondent rows even when asked for: a what-if on it
    // runs in aggregate mode (see `whatif::compare`).
    let survey = match &args.moments {
        Some(path) => super::moments::survey_from_table(&project, path, args.on_invalid)?,
        None => {
            // Item moments cost a cross-product of all items per row: only for PLS
            // and the reliabilities of corrected effects.
            let item_moments = sattrace::analysis::needs_item_moments(model, importance);
            read_survey(&project, args, keep_respondents, item_moments)?
        }
    };
    let survey = match wave {
        Some(wave) => at_wave(survey, wave)?,
        None => survey,
    };
    // Question texts of an SPSS file label the nodes the model leaves unlabelled.
    survey.label_nodes(&mut project.model);
    let model = &project.model;
    let options = AnalysisOptions {
        importance,
        ..AnalysisOptions::default()
    };
    let analysis = analyze(model, &project.graph, &survey, &options)?;

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
    let rules = load_rules(&engine, &sources, &known)?;
    let recommendations = recommend(model, &project.graph, &analysis, &rules, &engine);
    for line in failure_summary(&recommendations.failures) {
        tracing::warn!("{line}");
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

/// Rule failures shown one by one.
const SHOWN_FAILURES: usize = 5;

/// The first few failures in full, then one line for the rest: 5,000 rules at the
/// operation limit are one message, not a megabyte of stderr.
fn failure_summary(failures: &[sattrace::rules::RuleError]) -> Vec<String> {
    use sattrace::rules::RuleError;
    let mut lines: Vec<String> = failures
        .iter()
        .take(SHOWN_FAILURES)
        .map(|f| sattrace::diag::for_terminal(&f.to_string()))
        .collect();
    if failures.len() > SHOWN_FAILURES {
        let limited: Vec<&str> = failures
            .iter()
            .filter(|f| matches!(f, RuleError::Limit { .. }))
            .filter_map(RuleError::rule)
            .collect();
        let mut line = format!(
            "{} rules failed in all ({} more not shown)",
            failures.len(),
            failures.len() - SHOWN_FAILURES
        );
        if let Some(first) = limited.first() {
            line.push_str(&format!(
                "; {} stopped at the operation limit: first `{}`",
                limited.len(),
                sattrace::diag::clip_quoted(first)
            ));
        }
        line.push_str(
            "\n  help: rule expressions must be short; run `sattrace check` on the rules",
        );
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use sattrace::diag::Loc;
    use sattrace::rules::RuleError;

    #[test]
    fn many_failures_are_summarised_in_one_line() {
        let failures: Vec<RuleError> = (0..412)
            .map(|i| RuleError::Limit {
                rule: format!("r{i}"),
                loc: Loc::new("rules.yaml", i + 1, 5),
                message: format!("rule `r{i}` stopped: `when` exceeded 10000 operations"),
                help: String::new(),
                zh: None,
            })
            .collect();
        let lines = failure_summary(&failures);
        assert_eq!(lines.len(), SHOWN_FAILURES + 1);
        assert!(
            lines[SHOWN_FAILURES].starts_with("412 rules failed in all (407 more not shown); 412 stopped at the operation limit: first `r0`"),
            "{}",
            lines[SHOWN_FAILURES]
        );
        assert_eq!(failure_summary(&failures[..2]).len(), 2);
    }
}
