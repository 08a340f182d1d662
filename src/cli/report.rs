//! `sattrace report`: the self-contained HTML report, Markdown for pull requests, a
//! workbook, or one of its tables as CSV.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::write_output;
use super::project::read_text;
use super::project::ProjectArgs;
use super::{pipeline, Exit};
use sattrace::model::Lang;
use sattrace::plan::PlanRequest;
use sattrace::report::plan::{plan_section, PlanReport};
use sattrace::report::sheets::{Sheet, TableId};
use sattrace::report::whatif::{self, whatif_section, WhatIfReport};
use sattrace::report::{csv_table, extra_sheets, html, md_escape, render, Format};
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
    /// One table of the workbook as CSV, chosen with `--table` (default: scores).
    Csv,
}

/// The table `report --format csv` writes: an analysis table (as `analyze --table`)
/// or a table of the what-if (`--scenario`) or plan section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportTable {
    /// Run facts: model, data, rows, skipped values, waves, notes.
    Summary,
    /// Every driver's score by segment × wave.
    #[default]
    Scores,
    /// Root causes of the primary outcome's gap.
    Roots,
    /// Ranked actions with their why and evidence.
    Actions,
    /// Importance and effect of each driver on the primary outcome.
    Importance,
    /// Wave-on-wave changes with their tests.
    Changes,
    /// Every node's before and after per scenario and segment (needs `--scenario`).
    Whatif,
    /// Every action's change of rank and uplift per scenario (needs `--scenario`).
    WhatifActions,
    /// The plan's targets (plan flags optional: the model's targets by default).
    PlanTargets,
    /// Each plan's actions (plan flags optional: the model's targets by default).
    PlanActions,
}

impl ReportTable {
    fn analysis(self) -> Option<TableId> {
        Some(match self {
            ReportTable::Summary => TableId::Summary,
            ReportTable::Scores => TableId::Scores,
            ReportTable::Roots => TableId::Roots,
            ReportTable::Actions => TableId::Actions,
            ReportTable::Importance => TableId::Importance,
            ReportTable::Changes => TableId::Changes,
            _ => return None,
        })
    }

    fn is_plan(self) -> bool {
        matches!(self, ReportTable::PlanTargets | ReportTable::PlanActions)
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Importance method for every estimated node, overriding `weights: {method: …}`
    /// in the model (effects used for root causes and uplift stay OLS).
    #[arg(long, value_parser = super::values::parser::<sattrace::model::Method>())]
    pub importance: Option<sattrace::model::Method>,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// The table `--format csv` writes.
    #[arg(long, value_enum)]
    pub table: Option<ReportTable>,
    /// Start CSV output with a UTF-8 byte-order mark, so Excel reads Chinese text right.
    #[arg(long)]
    pub bom: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels and action texts.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
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
    check_flags(args)?;
    let table = args.table.unwrap_or_default();
    let wants_plan = !args.target.is_empty()
        || args.due.is_some()
        || args.budget.is_some()
        || args.today.is_some()
        || (args.format == ReportFormat::Csv && table.is_plan());
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
        scenarios.push(parse_scenario(model, &name, &read_text(path)?)?);
    }
    let bytes = if args.format == ReportFormat::Csv {
        render_csv(
            &outcome,
            args.lang,
            &scenarios,
            request.as_ref(),
            table,
            args.bom,
        )?
    } else {
        render_report(
            &outcome,
            args.format,
            args.lang,
            &scenarios,
            request.as_ref(),
        )?
    };
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
    match format {
        ReportFormat::Xlsx => return workbook(outcome, lang, scenarios, request),
        ReportFormat::Csv => {
            return render_csv(
                outcome,
                lang,
                scenarios,
                request,
                ReportTable::default(),
                false,
            )
        }
        ReportFormat::Html | ReportFormat::Md => {}
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
        // A workbook or CSV returned above; only the text formats get here.
        ReportFormat::Md | ReportFormat::Xlsx | ReportFormat::Csv => {
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
        ReportFormat::Md | ReportFormat::Xlsx | ReportFormat::Csv => {
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
    use sattrace::report::{analysis_json, sheets, xlsx};
    let report = outcome.report(lang);
    let mut tables = sheets::sheets(&analysis_json(&report), lang);
    tables.extend(whatif_tables(outcome, lang, scenarios)?);
    if let Some(request) = request {
        tables.extend(plan_tables(outcome, lang, request)?);
    }
    Ok(xlsx::workbook(&tables, lang, &outcome.project.model.name)?)
}

/// The what-if sheets of `scenarios` (none without one).
fn whatif_tables(
    outcome: &pipeline::Outcome,
    lang: Lang,
    scenarios: &[Scenario],
) -> anyhow::Result<Vec<Sheet>> {
    if scenarios.is_empty() {
        return Ok(Vec::new());
    }
    let mut docs = Vec::new();
    for scenario in scenarios {
        let raw = super::whatif::render_scenario(outcome, scenario, Format::Json, lang)?;
        docs.push(serde_json::from_slice(&raw)?);
    }
    Ok(extra_sheets::whatif_sheets(&docs))
}

/// The plan sheets (targets, actions) for `request`.
fn plan_tables(
    outcome: &pipeline::Outcome,
    lang: Lang,
    request: &PlanRequest,
) -> anyhow::Result<Vec<Sheet>> {
    let (raw, _) = super::plan::render_plan(outcome, request, Format::Json, lang, &|_| {})?;
    Ok(extra_sheets::plan_sheets(&serde_json::from_slice(&raw)?))
}

/// One table of the report's workbook as CSV (`--format csv --table …`).
fn render_csv(
    outcome: &pipeline::Outcome,
    lang: Lang,
    scenarios: &[Scenario],
    request: Option<&PlanRequest>,
    table: ReportTable,
    bom: bool,
) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(id) = table.analysis() {
        csv_table::analysis_csv(&outcome.report(lang), id, bom, &mut bytes)?;
        return Ok(bytes);
    }
    // Workbook order: what-if nodes, what-if actions; plan targets, plan actions.
    let (tables, index) = match (table, request) {
        (ReportTable::Whatif, _) => (whatif_tables(outcome, lang, scenarios)?, 0),
        (ReportTable::WhatifActions, _) => (whatif_tables(outcome, lang, scenarios)?, 1),
        (ReportTable::PlanTargets, Some(request)) => (plan_tables(outcome, lang, request)?, 0),
        (ReportTable::PlanActions, Some(request)) => (plan_tables(outcome, lang, request)?, 1),
        _ => (Vec::new(), 0),
    };
    let sheet = tables
        .get(index)
        .ok_or_else(|| missing_section(table, lang))?;
    csv_table::render(sheet, bom, &mut bytes)?;
    Ok(bytes)
}

/// A what-if table asked for without a scenario (or a plan table without a plan).
fn missing_section(table: ReportTable, lang: Lang) -> anyhow::Error {
    let name = table
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    anyhow::anyhow!(match lang {
        Lang::Zh => format!("--table {name} 需要假设情景\n  help: 加上 --scenario FILE（可重复）"),
        Lang::En => format!(
            "--table {name} needs a what-if scenario\n  help: add --scenario FILE (repeatable)"
        ),
    })
}

/// Flags that cannot work together, refused before the survey is read.
fn check_flags(args: &ReportArgs) -> anyhow::Result<()> {
    if args.format == ReportFormat::Xlsx {
        super::output::refuse_binary_on_stdout(args.output.as_deref(), args.lang)?;
    }
    super::output::refuse_csv_flags_without_csv(
        args.format == ReportFormat::Csv,
        args.table.is_some(),
        args.bom,
        args.lang,
    )?;
    let table = args.table.unwrap_or_default();
    if matches!(table, ReportTable::Whatif | ReportTable::WhatifActions) && args.scenario.is_empty()
    {
        return Err(missing_section(table, args.lang));
    }
    Ok(())
}
