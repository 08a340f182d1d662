//! The run shared by `analyze`, `report`, `graph`, `whatif`, `plan` and `serve`:
//! a read survey (from a CSV pass or a moments table, the caller's choice) is
//! analysed and the rules are evaluated on it. Reading files stays with the caller;
//! this is the one place that decides what follows a read.

use crate::actions::{recommend, Recommendations};
use crate::analysis::{analyze, Analysis, AnalysisError, AnalysisOptions};
use crate::data::Survey;
use crate::graph::DriverGraph;
use crate::model::{Method, Model};
use crate::rules::{default_rules, load_rules, Known, RuleEngine, RuleError, RuleSet, RuleSource};

/// How a run differs from the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Every estimated node's importance method replaced by this (`--importance`).
    pub importance: Option<Method>,
}

/// Everything a run computed, ready for a renderer.
pub struct Run {
    pub survey: Survey,
    pub analysis: Analysis,
    pub rules: RuleSet,
    pub engine: RuleEngine,
    pub recommendations: Recommendations,
}

/// Why a run stopped: the analysis or the rules, each with its own error (which
/// says itself in the reader's language, `diag::Localized`).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Boxed: a rule error carries its text in both languages.
    #[error(transparent)]
    Rules(Box<RuleError>),
}

impl From<RuleError> for RunError {
    fn from(e: RuleError) -> Self {
        RunError::Rules(Box::new(e))
    }
}

/// The rules a project runs: its own files, which replace the built-in pack; with
/// none, the pack unless `no_default_rules` (docs/rules.md, "Which rules are loaded").
pub fn rule_sources(files: &[(String, String)], no_default_rules: bool) -> Vec<RuleSource<'_>> {
    if files.is_empty() && !no_default_rules {
        default_rules()
    } else {
        files
            .iter()
            .map(|(file, text)| RuleSource { file, text })
            .collect()
    }
}

/// Analyse `survey` and evaluate `sources` on it. Question texts the survey carries
/// (an SPSS file's labels) label the nodes `model` leaves unlabelled, so `model` is
/// updated first. Rule failures are collected in the recommendations, not fatal.
pub fn run(
    model: &mut Model,
    graph: &DriverGraph,
    survey: Survey,
    sources: &[RuleSource],
    options: &RunOptions,
) -> Result<Run, RunError> {
    survey.label_nodes(model);
    let analysis_options = AnalysisOptions {
        importance: options.importance,
        ..AnalysisOptions::default()
    };
    let analysis = analyze(model, graph, &survey, &analysis_options)?;
    let engine = RuleEngine::new();
    let rules = load_rules(&engine, sources, &Known::of_model(model))?;
    let recommendations = recommend(model, graph, &analysis, &rules, &engine);
    Ok(Run {
        survey,
        analysis,
        rules,
        engine,
        recommendations,
    })
}

/// Rule failures shown one by one.
const SHOWN_FAILURES: usize = 5;

/// Log lines for rule failures: the first few in full, then one line for the rest,
/// so 5,000 rules at the operation limit are one message, not a megabyte of stderr.
pub fn failure_summary(failures: &[RuleError]) -> Vec<String> {
    let mut lines: Vec<String> = failures
        .iter()
        .take(SHOWN_FAILURES)
        .map(|f| crate::diag::for_terminal(&f.to_string()))
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
                crate::diag::clip_quoted(first)
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
    use crate::diag::Loc;

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

    #[test]
    fn project_rules_replace_the_pack() {
        let files = vec![("r.yaml".to_string(), "rules: []".to_string())];
        let own = rule_sources(&files, false);
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].file, "r.yaml");
        assert!(!rule_sources(&[], false).is_empty());
        assert!(rule_sources(&[], true).is_empty());
    }
}
