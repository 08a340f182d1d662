//! `sattrace report`: the self-contained HTML report, or Markdown for pull requests.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::write_output;
use super::project::read_text;
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::plan::PlanRequest;
use sattrace::report::plan::{plan_section, PlanReport};
use sattrace::report::whatif::{self, whatif_section, WhatIfReport};
use sattrace::report::{html, md_escape, render, Format};
use sattrace::whatif::{parse_scenario, Scenario};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One HTML file with inline SVG charts, no scripts, nothing fetched.
    Html,
    /// GitHub-flavoured Markdown with a Mermaid graph.
    Md,
    /// A workbook: the analysis sheets of `analyze --format xlsx`, plus what-if and
    /// plan sheets (needs `-o`).
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Importance method for every estimated node, overriding `weights: {method: …}`
    /// in the model (effects used for root causes and uplift stay OLS).
    #[arg(long, value_enum)]
    pub importance: Option<sattrace::model::Method>,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels and action texts.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// Add a what-if section for this scenario file (repeatable).
    #[arg(long)]
    pub scenario: Vec<PathBuf>,
    /// Add a plan section with this target: `--target satisfaction=4.2` (repeatable;
    /// any plan flag adds the section, default targets from the model).
    #[arg(long, value_name = "OUTCOME=VALUE", allow_hyphen_values = true)]
    pub target: Vec<String>,
    /// Due date of every plan target, YYYY-MM-DD.
    #[arg(long)]
    pub due: Option<String>,
    /// The most the plan may cost.
    #[arg(long)]
    pub budget: Option<f64>,
    /// Today's date for the plan, YYYY-MM-DD (default: the system date).
    #[arg(long)]
    pub today: Option<String>,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<Exit> {
    if args.format == ReportFormat::Xlsx {
        super::output::refuse_binary_on_stdout(args.output.as_deref(), args.lang)?;
    }
    let wants_plan = !args.target.is_empty()
        || args.due.is_some()
        || args.budget.is_some()
        || args.today.is_some();
    let request = wants_plan
        .then(|| {
            super::plan::request(
                &args.target,
                args.due.as_deref(),
                args.budget,
                args.today.as_deref(),
            )
        })
        .transpose()?;
    // Rows for what-if sections and for the plan's exact evaluation (none from a
    // moments table: both then run on cell means).
    let rows = (!args.scenario.is_empty() || wants_plan) && args.project.moments.is_none();
    let outcome = pipeline::run_with(&args.project, rows, args.importance)?;
    let model = &outcome.project.model;
    let mut inputs = outcome.project.inputs.clone();
    let mut scenarios = Vec::new();
    for path in &args.scenario {
        inputs.push(path.clone());
        let name = path.display().to_string();
        scenarios
            .push(parse_scenario(model, &name, &read_text(path)?).map_err(anyhow::Error::msg)?);
    }
    let bytes = render_report(
        &outcome,
        args.format,
        args.lang,
        &scenarios,
        request.as_ref(),
    )?;
    write_output(args.output.as_deref(), &bytes, &inputs)?;
    Ok(Exit::Ok)
}

/// The report of `outcome` with a what-if section per scenario and a plan section
/// when `request` is given: what `sattrace report` prints (also the export of
/// `sattrace serve`).
pub fn render_report(
    outcome: &pipeline::Outcome,
    format: ReportFormat,
    lang: Lang,
    scenarios: &[Scenario],
    request: Option<&PlanRequest>,
) -> anyhow::Result<Vec<u8>> {
    if format == ReportFormat::Xlsx {
        return workbook(outcome, lang, scenarios, request);
    }
    let model = &outcome.project.model;
    let report = outcome.report(lang);
    let wave = outcome.analysis.latest_wave().cloned().flatten();
    // Finished sections: (HTML, Markdown).
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    for (k, scenario) in scenarios.iter().enumerate() {
        let (moved_rows, basis, compared) = super::whatif::compare(outcome, scenario)?;
        let mut scenario = scenario.clone();
        if format == ReportFormat::Md {
            scenario.name = md_escape(&scenario.name);
        }
        let whatif = WhatIfReport {
            model,
            scenario: &scenario,
            diff: &compared,
            moved_rows,
            basis: &basis,
            wave: wave.as_deref(),
            lang,
            intervals: None,
            intervals_unavailable: false,
        };
        extra.push(section(
            format,
            || whatif_section(&whatif, k),
            |out| whatif::render(&whatif, Format::Md, out),
        )?);
    }
    if let Some(request) = request {
        let result = super::plan::evaluated_plan(outcome, request, &|_| {})
            .map_err(|e| super::plan::smart_error(&e))?;
        let report = PlanReport {
            model,
            result: &result,
            today: request.today,
            lang,
        };
        extra.push(section(
            format,
            || plan_section(&report),
            |out| sattrace::report::plan::render(&report, Format::Md, out),
        )?);
    }
    let mut bytes = Vec::new();
    match format {
        ReportFormat::Html => {
            let html: Vec<String> = extra.into_iter().map(|(h, _)| h).collect();
            html::render_with(&report, &html, &mut bytes)?
        }
        // A workbook returned above; only the text formats get here.
        ReportFormat::Md | ReportFormat::Xlsx => {
            render(&report, Format::Md, &mut bytes)?;
            for (_, md) in extra {
                bytes.push(b'\n');
                bytes.extend(md);
            }
        }
    }
    Ok(bytes)
}

/// One extra section in the chosen format; Markdown headings go one level down so
/// they nest under the report's title.
fn section(
    format: ReportFormat,
    html: impl FnOnce() -> String,
    markdown: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<(String, Vec<u8>)> {
    Ok(match format {
        ReportFormat::Html => (html(), Vec::new()),
        ReportFormat::Md | ReportFormat::Xlsx => {
            let mut raw = Vec::new();
            markdown(&mut raw)?;
            let text = String::from_utf8(raw)?;
            let mut md = String::new();
            for line in text.lines() {
                if line.starts_with('#') {
                    md.push('#');
                }
                md.push_str(line);
                md.push('\n');
            }
            (String::new(), md.into_bytes())
        }
    })
}

/// The report as a workbook: the analysis sheets, then what-if sheets for the
/// scenarios and plan sheets for `request`, each from its JSON document.
fn workbook(
    outcome: &pipeline::Outcome,
    lang: Lang,
    scenarios: &[Scenario],
    request: Option<&PlanRequest>,
) -> anyhow::Result<Vec<u8>> {
    use sattrace::report::{analysis_json, extra_sheets, sheets, xlsx};
    let model = &outcome.project.model;
    let report = outcome.report(lang);
    let doc = analysis_json(&report);
    let mut tables = sheets::sheets(&doc, lang);
    if !scenarios.is_empty() {
        let mut docs = Vec::new();
        for scenario in scenarios {
            let raw = super::whatif::render_scenario(outcome, scenario, Format::Json, lang)?;
            docs.push(serde_json::from_slice(&raw)?);
        }
        tables.extend(extra_sheets::whatif_sheets(&docs));
    }
    if let Some(request) = request {
        let (raw, _) = super::plan::render_plan(outcome, request, Format::Json, lang, &|_| {})?;
        tables.extend(extra_sheets::plan_sheets(&serde_json::from_slice(&raw)?));
    }
    Ok(xlsx::workbook(&tables, lang, &model.name)?)
}
