//! `sattrace whatif`: move drivers for the respondents of a segment and compare
//! scores and actions before and after.

use std::path::PathBuf;

use clap::Args;

use super::output::write_output;
use super::pipeline::{run_pipeline_at, Outcome};
use super::project::{read_text, ProjectArgs};
use super::uncertainty::{replicates, UncertaintyArgs};
use super::Exit;
use sattrace::actions::recommend;
use sattrace::analysis::AnalysisOptions;
use sattrace::model::Lang;
use sattrace::report::whatif::{render, WhatIfReport, AGGREGATE_NOTE};
use sattrace::report::Format;
use sattrace::whatif::{
    change_intervals_in, diff, parse_scenario, scenario_from_flags, what_if, what_if_aggregate,
    Bootstrap, Replicates, Scenario, WhatIfDiff,
};

#[derive(Debug, Args)]
pub struct WhatIfArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// A scenario file (`name`, `set`, `shift`, `where`); flags add to it.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Set a driver to a score on its scale: `--set response_time=4.2`.
    #[arg(long, value_name = "DRIVER=SCORE")]
    pub set: Vec<String>,
    /// Shift a driver by score points: `--shift network=+0.3`.
    #[arg(long, value_name = "DRIVER=DELTA", allow_hyphen_values = true)]
    pub shift: Vec<String>,
    /// Only respondents of this segment: `--where region=华东`.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filter: Vec<String>,
    /// Run on the survey as it stood at this wave (that wave and the earlier
    /// ones; default: the latest).
    #[arg(long, value_name = "WAVE")]
    pub wave: Option<String>,
    /// Output format.
    #[arg(long, value_parser = super::values::parser::<Format>(), default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Language of labels.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
}

pub fn run(args: &WhatIfArgs) -> anyhow::Result<Exit> {
    // A moments table has no respondent rows: the what-if then runs on cell means.
    let pipeline = run_pipeline_at(
        &args.project,
        args.project.moments.is_none(),
        args.wave.as_deref(),
    )?;
    let model = &pipeline.project.model;
    let mut inputs = pipeline.project.inputs.clone();
    let base = match &args.scenario {
        Some(path) => {
            inputs.push(path.clone());
            let name = path.display().to_string();
            Some(parse_scenario(model, &name, &read_text(path)?)?)
        }
        None => None,
    };
    if base.is_none() && args.set.is_empty() && args.shift.is_empty() {
        return Err(super::lang::Said::error(
            "nothing to change\n  help: pass --scenario FILE, or --set driver=score / --shift driver=±delta",
            "没有要改变的内容\n  提示：请使用 --scenario FILE，或 --set driver=score / --shift driver=±delta",
        ));
    }
    let scenario = scenario_from_flags(model, base, &args.set, &args.shift, &args.filter)?;
    let boot = args.uncertainty.bootstrap()?;
    let bytes = render_scenario_with(
        &pipeline,
        &scenario,
        args.format,
        args.lang,
        boot.as_ref(),
        None,
    )?;
    write_output(args.output.as_deref(), &bytes, &inputs)?;
    Ok(Exit::Ok)
}

/// The what-if of `scenario` rendered in `format`, without bootstrap intervals:
/// what `sattrace whatif --bootstrap 0` prints (also served by `sattrace serve`,
/// which answers at slider speed, so both stay byte-identical).
pub fn render_scenario(
    pipeline: &Outcome,
    scenario: &Scenario,
    format: Format,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    render_scenario_with(pipeline, scenario, format, lang, None, None)
}

/// [`render_scenario`] with the bootstrap of the intervals (`None`: no intervals),
/// on `kept` replicates when they match `boot` (`serve`), else on replicates made now.
pub fn render_scenario_with(
    pipeline: &Outcome,
    scenario: &Scenario,
    format: Format,
    lang: Lang,
    boot: Option<&Bootstrap>,
    kept: Option<&Replicates>,
) -> anyhow::Result<Vec<u8>> {
    let (moved_rows, basis, compared) = compare(pipeline, scenario)?;
    let intervals = match boot {
        Some(boot) => Some(
            change_intervals_in(
                &pipeline.project.model,
                &pipeline.project.graph,
                &pipeline.survey,
                &*replicates(pipeline, boot, kept)?,
                scenario,
                boot.level,
            )
            .map_err(anyhow::Error::msg)?,
        ),
        _ => None,
    };
    let wave = pipeline.analysis.latest_wave().cloned().flatten();
    let report = WhatIfReport {
        model: &pipeline.project.model,
        scenario,
        diff: &compared,
        moved_rows,
        basis: &basis,
        wave: wave.as_deref(),
        lang,
        intervals: intervals.as_ref(),
        intervals_unavailable: false,
    };
    let mut bytes = Vec::new();
    render(&report, format, &mut bytes)?;
    Ok(bytes)
}

/// Run `scenario` on a pipeline read with respondents kept: respondents moved, the
/// effects' basis, and the before/after comparison.
pub fn compare(
    pipeline: &Outcome,
    scenario: &Scenario,
) -> anyhow::Result<(u64, String, WhatIfDiff)> {
    let model = &pipeline.project.model;
    let level = AnalysisOptions::default().level;
    let aggregate = pipeline.survey.respondents.is_none();
    let run = if aggregate {
        what_if_aggregate
    } else {
        what_if
    };
    let mut run = run(
        model,
        &pipeline.project.graph,
        &pipeline.survey,
        &pipeline.analysis,
        scenario,
        level,
    )
    .map_err(anyhow::Error::from)?;
    if aggregate {
        run.basis.push_str("; ");
        run.basis.push_str(AGGREGATE_NOTE);
    }
    let after = recommend(
        model,
        &pipeline.project.graph,
        &run.after,
        &pipeline.rules,
        &pipeline.engine,
    );
    let compared = diff(
        model,
        &pipeline.analysis,
        &run.after,
        &pipeline.recommendations.actions,
        &after.actions,
    );
    Ok((run.moved_rows, run.basis, compared))
}
