//! `sattrace test`: run rule tests and scenario files, with coverage.
//!
//! Each PATH is tested on its own: a project directory (with `model.yaml`: its
//! `rules/` or else the built-in pack unless `--no-default-rules`, plus its
//! `tests/*.yaml` scenarios), a rule
//! directory (`*.yaml` and `lib/*.rhai`), or one rule file.

use super::lang::Said;
use sattrace::diag::Localized;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::output::write_output;
use super::project::{files_in, read_text, rule_files_in, ProjectArgs};
use super::Exit;
use sattrace::actions::recommend;
use sattrace::analysis::{analyze, AnalysisOptions};
use sattrace::data::{Encoding, IngestOptions, OnInvalid};
use sattrace::rules::testing::{
    check_scenario, coverage, parse_scenario, render_human, render_json, render_junit,
    run_rule_tests, ActualAction, TestReport,
};
use sattrace::rules::{check_rules, default_rules, Known, RuleEngine, RuleSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Project directories, rule directories or rule files (default: `.`).
    pub paths: Vec<PathBuf>,
    /// Also write a JUnit XML report to this file.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub format: TestFormat,
    /// Fail (exit 1) when fewer than this percent of rules are seen both firing and silent.
    #[arg(long, value_name = "PCT")]
    pub min_coverage: Option<f64>,
    /// Never use the built-in rule pack for a project directory without `rules/`.
    #[arg(long)]
    pub no_default_rules: bool,
}

pub fn run(args: &TestArgs) -> anyhow::Result<Exit> {
    let engine = RuleEngine::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut report = TestReport::default();
    for path in &paths {
        test_path(&engine, path, args.no_default_rules, &mut report)?;
    }
    let mut bytes = Vec::new();
    match args.format {
        TestFormat::Human => render_human(&report, &mut bytes)?,
        TestFormat::Json => render_json(&report, &mut bytes)?,
    }
    let mut inputs = paths.clone();
    if let Some(junit) = &args.junit {
        let mut xml = Vec::new();
        render_junit(&report, &mut xml)?;
        super::writer::write_file(junit, &xml, &inputs, "--junit")?;
        inputs.push(junit.clone());
    }
    write_output(None, &bytes, &inputs)?;
    let below = args
        .min_coverage
        .is_some_and(|min| report.coverage_percent() < min);
    Ok(if report.failed() + report.errors() > 0 || below {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

fn test_path(
    engine: &RuleEngine,
    path: &Path,
    no_default_rules: bool,
    report: &mut TestReport,
) -> anyhow::Result<()> {
    if path.is_dir() && path.join("model.yaml").is_file() {
        return test_project(engine, path, no_default_rules, report);
    }
    let files = if path.is_dir() {
        rule_files_in(path)?
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(super::project::no_rules_at(path));
    };
    if files.is_empty() {
        return Err(Said::error(
            format!(
                "no rule files in `{}`\n  help: rule files are `*.yaml` in the directory",
                path.display()
            ),
            format!(
                "`{}` 中没有规则文件\n  提示：规则文件是该目录下的 `*.yaml`",
                path.display()
            ),
        ));
    }
    let texts = read_all(&files)?;
    let sources: Vec<RuleSource> = texts
        .iter()
        .map(|(file, text)| RuleSource { file, text })
        .collect();
    run_rules(engine, &sources, &Known::default(), report, &[])
}

fn read_all(files: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    files
        .iter()
        .map(|f| Ok((f.display().to_string(), read_text(f)?)))
        .collect()
}

fn run_rules(
    engine: &RuleEngine,
    sources: &[RuleSource],
    known: &Known,
    report: &mut TestReport,
    scenario_fired: &[(String, String)],
) -> anyhow::Result<()> {
    // `test` has no --lang: errors follow SATTRACE_LANG, as printed by `cli::run`.
    let lang = super::lang::from_env();
    let rules = check_rules(engine, sources, known).map_err(|errors| {
        let all: Vec<String> = errors.iter().map(|e| Localized::message(e, lang)).collect();
        anyhow::anyhow!("{}", all.join("\n"))
    })?;
    let cases = run_rule_tests(engine, &rules);
    report
        .coverage
        .extend(coverage(&rules, &cases, scenario_fired));
    report.cases.extend(cases);
    Ok(())
}

fn test_project(
    engine: &RuleEngine,
    dir: &Path,
    no_default_rules: bool,
    report: &mut TestReport,
) -> anyhow::Result<()> {
    let project = ProjectArgs {
        dir: dir.to_path_buf(),
        model: None,
        data: None,
        rules: Vec::new(),
        no_default_rules,
        encoding: Encoding::Auto,
        on_invalid: OnInvalid::Error,
        moments: None,
    }
    .load()?;
    let model = &project.model;
    let known = Known::of_model(model);
    let rules_dir = dir.join("rules");
    let texts = if rules_dir.is_dir() {
        read_all(&rule_files_in(&rules_dir)?)?
    } else {
        Vec::new()
    };
    let sources: Vec<RuleSource> = if texts.is_empty() && !no_default_rules {
        default_rules()
    } else {
        texts
            .iter()
            .map(|(file, text)| RuleSource { file, text })
            .collect()
    };

    // Scenarios: the whole pipeline once, compared with each file's expectations.
    let tests_dir = dir.join("tests");
    let scenario_files = if tests_dir.is_dir() {
        files_in(&tests_dir, &["yaml", "yml"])?
    } else {
        Vec::new()
    };
    let mut fired = Vec::new();
    let mut scenario_cases = Vec::new();
    if !scenario_files.is_empty() {
        let lang = super::lang::from_env();
        let rules = check_rules(engine, &sources, &known).map_err(|errors| {
            let all: Vec<String> = errors.iter().map(|e| Localized::message(e, lang)).collect();
            anyhow::anyhow!("{}", all.join("\n"))
        })?;
        let options = IngestOptions {
            encoding: Encoding::Auto,
            on_invalid: OnInvalid::Error,
            keep_respondents: false,
            keep_items: false,
            // The analysis needs item moments for PLS and for corrected effects.
            item_moments: sattrace::analysis::needs_item_moments(model, None),
        };
        let survey = super::project::ingest_file(&project, &options, false)?;
        // Typed errors, so they are printed in the run's language.
        let analysis = analyze(model, &project.graph, &survey, &AnalysisOptions::default())?;
        let mut recommendations = recommend(model, &project.graph, &analysis, &rules, engine);
        if !recommendations.failures.is_empty() {
            return Err(recommendations.failures.swap_remove(0).into());
        }
        let actual: Vec<ActualAction> = recommendations
            .actions
            .iter()
            .map(|a| ActualAction {
                rule: a.rule.clone(),
                driver: model.nodes[a.driver].id.clone(),
                segment: a.segment.name(),
            })
            .collect();
        for path in &scenario_files {
            let name = path.display().to_string();
            let scenario = parse_scenario(&name, &read_text(path)?)?;
            let case = check_scenario(&name, &scenario, &actual);
            for a in &actual {
                fired.push((a.rule.clone(), case.name.clone()));
            }
            scenario_cases.push(case);
        }
        fired.sort();
        fired.dedup();
    }
    run_rules(engine, &sources, &known, report, &fired)?;
    report.cases.extend(scenario_cases);
    Ok(())
}
