//! `sattrace plan`: the cheapest set of fired actions that reaches SMART targets
//! by their due dates.

use super::lang::Said;
use std::path::PathBuf;

use clap::Args;

use super::output::write_output;
use super::pipeline::{run_pipeline_at, Outcome};
use super::progress;
use super::project::ProjectArgs;
use super::uncertainty::{replicates, UncertaintyArgs};
use super::Exit;
use sattrace::analysis::AnalysisOptions;
use sattrace::model::{Lang, Model};
use sattrace::plan::{
    plan_evaluated, reach_probabilities_in, scenario_of, whatif_evaluator, Date, PlanRequest,
    PlanResult, SmartError, Status,
};
use sattrace::report::plan::{render, PlanReport};
use sattrace::report::Format;
use sattrace::whatif::{score_to_index, Bootstrap, MoveKind, Replicates, Scenario};

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// A target in the outcome's unit: `--target satisfaction=4.2`, `--target nps=30`
    /// (default: every outcome's `target:` in the model).
    #[arg(long, value_name = "OUTCOME=VALUE", allow_hyphen_values = true)]
    pub target: Vec<String>,
    /// Due date of every target, YYYY-MM-DD (default: each outcome's `due:`).
    #[arg(long)]
    pub due: Option<String>,
    /// The most the plan may cost, in the rules' cost units.
    #[arg(long)]
    pub budget: Option<f64>,
    /// Today's date, YYYY-MM-DD (default: the system date); actions count only if
    /// today + their duration is on or before the due date.
    #[arg(long)]
    pub today: Option<String>,
    /// Plan on the survey as it stood at this wave (that wave and the earlier
    /// ones; default: the latest), as `whatif --wave` runs on it.
    #[arg(long, value_name = "WAVE")]
    pub wave: Option<String>,
    /// Output format.
    #[arg(long, value_parser = super::values::parser::<Format>(), default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write the chosen plan as a scenario file that `whatif --scenario` reads
    /// (atomically; never over an input).
    #[arg(long, value_name = "FILE")]
    pub scenario_out: Option<PathBuf>,
    /// Language of labels.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Plan so that every target is reached with at least this bootstrap
    /// probability (0 < P < 1); without it the probability is only reported.
    #[arg(long, value_name = "P")]
    pub min_probability: Option<f64>,
}

/// How often the targets are raised by the bootstrap shortfall under
/// `--min-probability` before giving up.
const MARGIN_ROUNDS: usize = 6;

fn date(flag: &str, text: &str) -> anyhow::Result<Date> {
    match Date::parse(text) {
        Some(d) => Ok(d),
        None => Err(Said::error(
            format!("{flag}: `{text}` is not a date\n  help: write dates as YYYY-MM-DD, e.g. 2027-06-30"),
            format!("{flag}：`{text}` 不是日期\n  提示：日期请写成 YYYY-MM-DD，例如 2027-06-30"),
        )),
    }
}

fn system_today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days((seconds / 86_400) as i64)
}

/// The plan for `request` rendered in `format`, and whether it reaches the targets:
/// what `sattrace plan --bootstrap 0` prints (also served by `sattrace serve`, byte-identical).
pub fn render_plan(
    pipeline: &Outcome,
    request: &PlanRequest,
    format: Format,
    lang: Lang,
    progress: &dyn Fn(u64),
) -> anyhow::Result<(Vec<u8>, PlanResult)> {
    render_plan_with(pipeline, request, format, lang, progress, None, None)
}

/// [`render_plan`] with the bootstrap of the reach probabilities (`None`: none;
/// with the replicates `serve` keeps, when they match) and `--min-probability`.
pub fn render_plan_with(
    pipeline: &Outcome,
    request: &PlanRequest,
    format: Format,
    lang: Lang,
    progress: &dyn Fn(u64),
    boot: Option<(&Bootstrap, Option<&Replicates>)>,
    min_probability: Option<f64>,
) -> anyhow::Result<(Vec<u8>, PlanResult)> {
    let model = &pipeline.project.model;
    let result = match boot {
        Some((boot, kept)) => {
            probable_plan(pipeline, request, progress, boot, min_probability, kept)?
        }
        _ => evaluated_plan(pipeline, request, progress).map_err(|e| smart_error(&e))?,
    };
    let report = PlanReport {
        model,
        result: &result,
        today: request.today,
        lang,
    };
    let mut bytes = Vec::new();
    render(&report, format, &mut bytes)?;
    Ok((bytes, result))
}

/// The plan with each kept plan's bootstrap probability of reaching each target.
/// With `min_probability`, while the best plan reaches some target with a lower
/// probability, that target is raised by the plan's shortfall at the
/// `1 − min_probability` quantile of its replicates and the plan searched again
/// (at most [`MARGIN_ROUNDS`] times); the result shows the original targets.
fn probable_plan(
    pipeline: &Outcome,
    request: &PlanRequest,
    progress: &dyn Fn(u64),
    boot: &Bootstrap,
    min_probability: Option<f64>,
    kept: Option<&Replicates>,
) -> anyhow::Result<PlanResult> {
    let model = &pipeline.project.model;
    let graph = &pipeline.project.graph;
    // Made once (or kept by `serve`), however many margin rounds there are.
    let replicates = replicates(pipeline, boot, kept)?;
    let probabilities = |result: &PlanResult| {
        reach_probabilities_in(
            model,
            graph,
            &pipeline.survey,
            &replicates,
            result,
            boot.level,
        )
        .map_err(anyhow::Error::from)
    };
    let mut result = evaluated_plan(pipeline, request, progress).map_err(|e| smart_error(&e))?;
    result.probabilities = Some(probabilities(&result)?);
    let Some(p) = min_probability else {
        return Ok(result);
    };
    let original = result.targets.clone();
    let mut raised = request.clone();
    for _ in 0..MARGIN_ROUNDS {
        let Some(probs) = result.probabilities.as_ref() else {
            break;
        };
        if result.status != Status::Reached || result.plans.is_empty() || probs.min_of(0) >= p {
            break;
        }
        // Raise each short target by its shortfall (at least a little, so the
        // search moves on), in score units.
        raised.targets = result
            .targets
            .iter()
            .enumerate()
            .map(|(t, target)| {
                let node = &model.nodes[target.node];
                let sign = node.direction.sign();
                let short = if probs.plans[0].get(t).copied().unwrap_or(1.0) < p {
                    probs.shortfall(model, &result, 0, t, p).max(0.01)
                } else {
                    0.0
                };
                let (low, high) = node.index_range();
                let index = (score_to_index(node, target.value) + sign * short).clamp(low, high);
                (node.id.clone(), node.score_from_index(index))
            })
            .collect();
        let Ok(mut next) = evaluated_plan(pipeline, &raised, progress) else {
            break;
        };
        if next.status != Status::Reached {
            break;
        }
        // Shown and judged against the targets asked for.
        for (target, first) in next.targets.iter_mut().zip(&original) {
            *target = first.clone();
        }
        next.probabilities = Some(probabilities(&next)?);
        result = next;
    }
    result.min_probability = Some(p);
    Ok(result)
}

/// The plan request from the flags (`--target`, `--due`, `--budget`, `--today`).
pub fn request(
    target: &[String],
    due: Option<&str>,
    budget: Option<f64>,
    today: Option<&str>,
) -> anyhow::Result<PlanRequest> {
    let today = match today {
        Some(text) => date("--today", text)?,
        None => system_today(),
    };
    let due = due.map(|d| date("--due", d)).transpose()?;
    let mut targets = Vec::new();
    let mut percent = Vec::new();
    for text in target {
        let Some((id, value)) = text.split_once('=') else {
            return Err(Said::error(
                format!("--target: expected `outcome=value`, found `{text}`\n  help: for example `--target satisfaction=4.2`"),
                format!("--target：应写成 `outcome=value`，实际是 `{text}`\n  提示：例如 `--target satisfaction=4.2`"),
            ));
        };
        // `churn=0.5%`: a percentage written as one, so a value under 1 is meant.
        let (value, with_percent) = match value.trim().strip_suffix('%') {
            Some(v) => (v.trim(), true),
            None => (value.trim(), false),
        };
        let Ok(value) = value.parse::<f64>() else {
            return Err(Said::error(
                format!("--target: `{value}` is not a number in `{text}`"),
                format!("--target：`{text}` 中的 `{value}` 不是数字"),
            ));
        };
        if with_percent {
            percent.push(id.trim().to_string());
        }
        targets.push((id.trim().to_string(), value));
    }
    if let Some(budget) = budget {
        if !(budget.is_finite() && budget >= 0.0) {
            return Err(Said::error(
                format!("--budget: `{budget}` is not a cost; give a number from 0 up"),
                format!("--budget：`{budget}` 不是有效的成本；请给出不小于 0 的数"),
            ));
        }
    }
    Ok(PlanRequest {
        targets,
        percent,
        due,
        today,
        budget,
    })
}

/// The plan of `request` on a pipeline, every kept plan evaluated by the what-if
/// engine (respondent rows when the pipeline kept them, cell means otherwise), so
/// its projection is what `whatif` of its actions gives.
pub fn evaluated_plan(
    pipeline: &Outcome,
    request: &PlanRequest,
    progress: &dyn Fn(u64),
) -> Result<PlanResult, SmartError> {
    let model = &pipeline.project.model;
    let graph = &pipeline.project.graph;
    let level = AnalysisOptions::default().level;
    let evaluate = whatif_evaluator(model, graph, &pipeline.survey, &pipeline.analysis, level);
    plan_evaluated(
        model,
        graph,
        &pipeline.analysis,
        &pipeline.recommendations.actions,
        request,
        Some(&evaluate),
        progress,
    )
}

/// A scenario as YAML `whatif --scenario` reads: every move with its own slice.
/// Strings are written as JSON strings, which YAML reads as they are.
pub fn scenario_yaml(model: &Model, scenario: &Scenario) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut text = format!(
        "# The chosen plan as a scenario: `sattrace whatif --scenario FILE`.\nname: {}\nmoves:\n",
        quote(&scenario.name)
    );
    for m in &scenario.moves {
        let (key, value) = match m.kind {
            MoveKind::Set(v) => ("set", v),
            MoveKind::Shift(d) => ("shift", d),
        };
        let filter: Vec<String> = m
            .filter
            .iter()
            .map(|(c, v)| format!("{}: {}", quote(c), quote(v)))
            .collect();
        let mut filter = if filter.is_empty() {
            String::new()
        } else {
            format!(", where: {{{}}}", filter.join(", "))
        };
        if !m.any_of.is_empty() {
            // The union of an action's slices; a crossed slice is a map of its pairs.
            let slices: Vec<String> = m
                .any_of
                .iter()
                .map(|k| {
                    let pairs: Vec<String> = k
                        .column
                        .split(sattrace::analysis::CROSS)
                        .zip(k.value.split(sattrace::analysis::CROSS))
                        .map(|(c, v)| format!("{}: {}", quote(c), quote(v)))
                        .collect();
                    format!("{{{}}}", pairs.join(", "))
                })
                .collect();
            filter.push_str(&format!(", any_of: [{}]", slices.join(", ")));
        }
        text.push_str(&format!(
            "  - {{driver: {}, {key}: {value}{filter}}}\n",
            quote(&model.nodes[m.node].id)
        ));
    }
    text
}

pub fn run(args: &PlanArgs) -> anyhow::Result<Exit> {
    let request = request(
        &args.target,
        args.due.as_deref(),
        args.budget,
        args.today.as_deref(),
    )?;
    // Respondent rows for the exact (what-if) evaluation; a moments table has none,
    // and its plans are evaluated on cell means.
    let pipeline = run_pipeline_at(
        &args.project,
        args.project.moments.is_none(),
        args.wave.as_deref(),
    )?;
    let model = &pipeline.project.model;
    // The search reports now and then; the spinner shows it on a terminal only, so
    // stdout and piped stderr stay byte-identical.
    let spinner = progress::spinner("searching plans");
    let boot = args.uncertainty.bootstrap()?;
    if let Some(p) = args.min_probability {
        if !(p > 0.0 && p < 1.0) {
            return Err(Said::error(
                format!("--min-probability: `{p}` is not a probability\n  help: give a number between 0 and 1, e.g. 0.8"),
                format!("--min-probability：`{p}` 不是概率\n  提示：请给出 0 到 1 之间的数，例如 0.8"),
            ));
        }
        if boot.is_none() {
            return Err(Said::error(
                "--min-probability needs the bootstrap\n  help: drop `--bootstrap 0`",
                "--min-probability 需要自助法（bootstrap）\n  提示：去掉 `--bootstrap 0`",
            ));
        }
    }
    let result = render_plan_with(
        &pipeline,
        &request,
        args.format,
        args.lang,
        &|nodes| spinner.set_message(format!("searching plans: {nodes} combinations tried")),
        boot.as_ref().map(|b| (b, None)),
        args.min_probability,
    );
    spinner.finish_and_clear();
    let (bytes, result) = result?;
    if let (Some(path), Some(best)) = (&args.scenario_out, result.plans.first()) {
        let scenario = scenario_of(
            model,
            &result.candidates,
            &result.problem,
            &best.chosen,
            None,
        );
        let mut inputs = pipeline.project.inputs.clone();
        inputs.extend(args.output.clone());
        write_output(
            Some(path),
            scenario_yaml(model, &scenario).as_bytes(),
            &inputs,
        )?;
    }
    let status = result.status;
    write_output(args.output.as_deref(), &bytes, &pipeline.project.inputs)?;
    if let Status::Unreachable { shortfalls } = &status {
        for issue in shortfalls {
            eprintln!("error: {}", issue.text(args.lang));
        }
        return Ok(Exit::Unusable);
    }
    Ok(Exit::Ok)
}

/// A SMART error, said in both languages (the run's language is chosen when printed).
pub fn smart_error(e: &sattrace::plan::SmartError) -> anyhow::Error {
    Said::error(e.text(Lang::En), e.text(Lang::Zh))
}
