//! A plan as a table, JSON (`sattrace.plan/1`), Markdown or an HTML section. The
//! plan itself is computed by `crate::plan`; each of its tables is built once here as
//! a [`Grid`] and every format renders that grid.

mod html;
mod json;

pub use html::plan_section;

use std::io::Write;

use crate::model::{Lang, Metric, Model};
use crate::plan::{contributions, format_score, projected, start_by, Plan, PlanResult, Target};
use crate::report::grid::{render_page, Grid, Page};
use crate::report::{t, Format};

/// Everything a plan report shows.
pub struct PlanReport<'a> {
    pub model: &'a Model,
    pub result: &'a PlanResult,
    pub today: crate::plan::Date,
    pub lang: Lang,
}

/// Render in `format`.
pub fn render(report: &PlanReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    render_page(
        format,
        out,
        || json::json(report),
        |page| text(report, page),
    )
}

/// The label of every target's outcome, in the order of `result.targets`.
fn target_labels(report: &PlanReport) -> Vec<String> {
    let model = report.model;
    report
        .result
        .targets
        .iter()
        .map(|tg| {
            let node = &model.nodes[tg.node];
            node.label.text(report.lang, &node.id).to_string()
        })
        .collect()
}

/// The targets: outcome, now, target, due date and the change still needed.
fn targets_grid(report: &PlanReport) -> Grid {
    let (model, lang) = (report.model, report.lang);
    let mut grid = Grid::new(&[
        (t(lang, "结果", "Outcome"), false),
        (t(lang, "当前", "Now"), true),
        (t(lang, "目标", "Target"), true),
        (t(lang, "截止", "Due"), false),
        (t(lang, "需提升", "Needed"), true),
    ]);
    grid.rows = report
        .result
        .targets
        .iter()
        .map(|target| {
            let node = &model.nodes[target.node];
            vec![
                node.label.text(lang, &node.id).to_string(),
                format_score(node.metric, target.current),
                format_score(node.metric, target.value),
                target.due.to_string(),
                change_text(model, target.node, target.need),
            ]
        })
        .collect();
    grid
}

/// The chosen actions of `plan`: number, title, driver, segment, cost, start-by
/// date, then the contribution to each target.
pub(crate) fn actions_grid(report: &PlanReport, plan: &Plan) -> Grid {
    let (model, result, lang) = (report.model, report.result, report.lang);
    let mut grid = Grid::new(&[
        ("#", true),
        (t(lang, "行动", "Action"), false),
        (t(lang, "驱动因素", "Driver"), false),
        (t(lang, "分群", "Segment"), false),
        (t(lang, "成本", "Cost"), true),
        (t(lang, "最晚开始", "Start by"), false),
    ]);
    for label in target_labels(report) {
        grid = grid.column(&label, true);
    }
    let parts = contributions(&result.problem, plan);
    grid.rows = plan
        .chosen
        .iter()
        .zip(&parts)
        .enumerate()
        .map(|(k, (&i, part))| {
            let c = &result.candidates[i];
            let driver = &model.nodes[c.action.driver];
            let mut row = vec![
                (k + 1).to_string(),
                c.action.title.text(lang, &c.action.rule).to_string(),
                driver.label.text(lang, &driver.id).to_string(),
                crate::actions::segments_label(&c.action, lang),
                format!("{}", c.action.cost),
                start_by(result, i).to_string(),
            ];
            row.extend(
                result
                    .targets
                    .iter()
                    .zip(part)
                    .map(|(tg, &p)| change_text(model, tg.node, p)),
            );
            row
        })
        .collect();
    grid
}

/// Each target's projection under `plan`: outcome, now, projected, target, slack
/// (positive = beyond the target) and, when computed, the bootstrap probability
/// that the plan reaches the target.
pub(crate) fn outcomes_grid(report: &PlanReport, plan: &Plan) -> Grid {
    let (model, result, lang) = (report.model, report.result, report.lang);
    let mut grid = Grid::new(&[
        (t(lang, "结果", "Outcome"), false),
        (t(lang, "当前", "Now"), true),
        (t(lang, "预计", "Projected"), true),
        (t(lang, "目标", "Target"), true),
        (t(lang, "余量", "Slack"), true),
    ]);
    if result.probabilities.is_some() {
        grid = grid.column(t(lang, "达成概率", "P(reach)"), true);
    }
    // The plan's place among the kept plans, which the probabilities follow.
    let k = result.plans.iter().position(|p| std::ptr::eq(p, plan));
    grid.rows = result
        .targets
        .iter()
        .zip(&plan.gain)
        .enumerate()
        .map(|(i, (tg, &gain))| {
            let mut row = outcome_cells(model, lang, tg, gain);
            if result.probabilities.is_some() {
                row.push(
                    k.and_then(|k| probability_cell(result, k, i))
                        .unwrap_or_else(|| "–".to_string()),
                );
            }
            row
        })
        .collect();
    grid
}

/// The probability that plan `k` reaches target `t`, when computed.
fn probability_cell(result: &PlanResult, k: usize, t: usize) -> Option<String> {
    let p = result.probabilities.as_ref()?;
    Some(format!("{:.2}", p.plans.get(k)?.get(t)?))
}

/// How the probabilities were made and, under `--min-probability`, whether the
/// plan meets it (`None`: no probabilities).
fn probability_note(report: &PlanReport) -> Option<String> {
    let (result, lang) = (report.result, report.lang);
    let p = result.probabilities.as_ref()?;
    let mut note = match (lang, p.parametric) {
        (Lang::Zh, true) => format!(
            "达成概率 = 参数自助法（{} 次重抽，种子 {}）中方案的预计结果（当前水平加该次重抽中方案带来的变化）达到目标的比例：矩表不含受访者行，每次重抽按每个单元的均值与协方差的正态分布抽取行、重新估计效应并重新执行方案。",
            p.replicates, p.seed
        ),
        (Lang::En, true) => format!(
            "P(reach) = the share of {} parametric-bootstrap replicates (seed {}) in which the plan's projected outcome (the current level plus the replicate's change from the plan) reaches the target: a moments table has no respondent rows, so each replicate draws every cell's rows from the normal with its means and covariance, re-estimates the effects and re-runs the plan.",
            p.replicates, p.seed
        ),
        (Lang::Zh, false) => format!(
            "达成概率 = 受访者自助法（{} 次重抽，种子 {}）中方案的预计结果（当前水平加该次重抽中方案带来的变化）达到目标的比例：每次重抽在单元内重抽受访者、重新估计效应并重新执行方案。",
            p.replicates, p.seed
        ),
        (Lang::En, false) => format!(
            "P(reach) = the share of {} respondent-bootstrap replicates (seed {}) in which the plan's projected outcome (the current level plus the replicate's change from the plan) reaches the target: each replicate resamples respondents within cells, re-estimates the effects and re-runs the plan.",
            p.replicates, p.seed
        ),
    };
    if let Some(min) = result.min_probability {
        let met = !result.plans.is_empty() && p.min_of(0) >= min;
        note.push('\n');
        note.push_str(&match (lang, met) {
            (Lang::Zh, true) => format!("方案以不低于 {min} 的概率达成每个目标（--min-probability）。"),
            (Lang::Zh, false) => format!("没有找到以不低于 {min} 的概率达成每个目标的方案；显示的是加了余量后最好的方案。"),
            (Lang::En, true) => format!("The plan reaches every target with probability at least {min} (--min-probability)."),
            (Lang::En, false) => format!("No plan was found that reaches every target with probability at least {min}; shown is the best plan found with a margin."),
        });
    }
    Some(note)
}

fn outcome_cells(model: &Model, lang: Lang, tg: &Target, gain: f64) -> Vec<String> {
    let node = &model.nodes[tg.node];
    let after = projected(model, tg, gain);
    let slack = node.direction.sign() * (after - tg.value);
    vec![
        node.label.text(lang, &node.id).to_string(),
        format_score(node.metric, tg.current),
        format_score(node.metric, after),
        format_score(node.metric, tg.value),
        match node.metric {
            Metric::Mean => format!("{slack:+.2}"),
            _ => format!("{slack:+.1}"),
        },
    ]
}

/// The runner-up plans: number, cost, how each differs from the best and, when
/// computed, the probability that it reaches every target.
pub(crate) fn runners_grid(report: &PlanReport, best: &Plan) -> Grid {
    let (result, lang) = (report.result, report.lang);
    let mut grid = Grid::new(&[
        ("#", true),
        (t(lang, "成本", "Cost"), true),
        (t(lang, "与方案 1 的差别", "Difference from plan 1"), false),
    ]);
    if result.probabilities.is_some() {
        grid = grid.column(t(lang, "全部达成概率", "P(reach all)"), true);
    }
    grid.rows = result.plans[1..]
        .iter()
        .enumerate()
        .map(|(k, plan)| {
            let mut row = vec![
                (k + 2).to_string(),
                format!("{}", plan.cost),
                plan_difference(report, best, plan),
            ];
            row.extend(
                result
                    .probabilities
                    .as_ref()
                    .map(|p| format!("{:.2}", p.min_of(k + 1))),
            );
            row
        })
        .collect();
    grid
}

/// Index points of `node` as a change in its score unit.
pub(crate) fn index_to_score_change(model: &Model, node: usize, points: f64) -> f64 {
    let n = &model.nodes[node];
    match n.metric {
        Metric::Mean => points * (n.scale.max - n.scale.min) / 100.0,
        _ => points,
    }
}

/// A gain in the good direction shown as the change of the score (negative for
/// churn going down).
fn change_text(model: &Model, node: usize, points: f64) -> String {
    let value = index_to_score_change(model, node, points) * model.nodes[node].direction.sign();
    match model.nodes[node].metric {
        Metric::Mean => format!("{value:+.2}"),
        _ => format!("{value:+.1}"),
    }
}

/// The plan's heading: "Plan (cost 7)".
pub(crate) fn plan_heading(lang: Lang, plan: &Plan) -> String {
    format!(
        "{} ({} {})",
        t(lang, "方案", "Plan"),
        t(lang, "成本", "cost"),
        plan.cost
    )
}

pub(crate) fn over_budget_text(lang: Lang, budget: f64) -> String {
    format!(
        "{} {budget}{}",
        t(
            lang,
            "预算内无法达成目标：预算",
            "No plan within the budget of"
        ),
        t(
            lang,
            "；以下是不计预算的最低成本方案。",
            "; below are the cheapest plans regardless of it."
        )
    )
}

pub(crate) fn unreachable_text(lang: Lang) -> &'static str {
    t(
        lang,
        "目标无法达成：所有候选行动加在一起也不够。以下是可达到的最好结果及其最低成本方案。",
        "The targets cannot be reached: all candidate actions together fall short. Below are the best reachable outcome and the cheapest plan for it.",
    )
}

fn text(report: &PlanReport, page: &mut Page) -> std::io::Result<()> {
    let (result, lang) = (report.result, report.lang);
    page.title(t(lang, "行动计划", "Action plan"))?;
    page.heading(t(lang, "目标", "Targets"))?;
    page.table(&targets_grid(report))?;
    writeln!(
        page.out,
        "\n{} {}{}; {} {}\n",
        t(lang, "候选行动", "Candidate actions:"),
        result.candidates.len(),
        t(
            lang,
            "（只有已触发规则的行动才是候选）",
            " (only actions of rules that fired are candidates)"
        ),
        t(lang, "今天", "today"),
        report.today
    )?;
    if result.targets.iter().all(|tg| tg.need <= 0.0) {
        writeln!(
            page.out,
            "{}",
            t(
                lang,
                "所有目标均已达成：无需任何行动。",
                "Every target is already met: no action is needed."
            )
        )?;
        return Ok(());
    }
    match &result.status {
        crate::plan::Status::Reached => {}
        crate::plan::Status::OverBudget { budget } => {
            writeln!(page.out, "{}\n", over_budget_text(lang, *budget))?
        }
        crate::plan::Status::Unreachable { shortfalls } => {
            writeln!(page.out, "{}", unreachable_text(lang))?;
            for issue in shortfalls {
                writeln!(page.out, "- {}", issue.text(lang))?;
            }
            writeln!(page.out)?;
        }
    }
    let Some(best) = result.plans.first().filter(|p| !p.chosen.is_empty()) else {
        writeln!(
            page.out,
            "{}",
            t(
                lang,
                "没有方案：没有任何候选行动能在截止日期前帮助这些目标。",
                "No plan: no candidate action helps these targets by their due dates."
            )
        )?;
        return Ok(());
    };
    page.heading(&plan_heading(lang, best))?;
    let mut actions = actions_grid(report, best);
    // The terminal table also shows the lead time, before the start-by date.
    actions.insert_column(5, t(lang, "天数", "Days"), true, |k| {
        result.candidates[best.chosen[k]].duration_days.to_string()
    });
    page.table(&actions)?;
    writeln!(page.out)?;
    page.heading(t(lang, "预计结果", "Projected outcomes"))?;
    page.table(&outcomes_grid(report, best))?;
    if result.plans.len() > 1 {
        writeln!(page.out)?;
        page.heading(t(lang, "备选方案", "Runner-up plans"))?;
        page.table(&runners_grid(report, best))?;
    }
    if let Some(note) = probability_note(report) {
        writeln!(page.out, "\n{note}")?;
    }
    if result.left_out > 0 {
        writeln!(
            page.out,
            "\n{} {}",
            result.left_out,
            t(
                lang,
                "个排名靠后的行动超出 60 个候选上限，未纳入。",
                "lower-ranked actions beyond the 60-candidate limit were left out."
            )
        )?;
    }
    writeln!(
        page.out,
        "\n{}",
        t(
            lang,
            "预计值 = 对方案中的行动运行 what-if 的结果（每项行动使其驱动因素在其分群内提升 delta，经该分群的效应传导；受访者不会超过量表上限）；只计入能在截止日前完成的行动。",
            "Projections = the what-if of the plan's actions (each moves its driver by its delta for the respondents of its segment, through that segment's effects; no respondent goes past the top of a scale); only actions finished by the due date count."
        )
    )
}

/// A runner-up as its difference from the best plan: the actions it adds and the
/// ones it drops. Runner-ups usually share most actions with the plan, so the
/// difference is what a manager compares, not twenty titles in a row.
fn plan_difference(report: &PlanReport, best: &Plan, plan: &Plan) -> String {
    let added: Vec<usize> = plan
        .chosen
        .iter()
        .copied()
        .filter(|i| !best.chosen.contains(i))
        .collect();
    let dropped: Vec<usize> = best
        .chosen
        .iter()
        .copied()
        .filter(|i| !plan.chosen.contains(i))
        .collect();
    let lang = report.lang;
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!(
            "{} {}",
            t(lang, "增加", "adds"),
            titles(report, &added).join(" + ")
        ));
    }
    if !dropped.is_empty() {
        parts.push(format!(
            "{} {}",
            t(lang, "去掉", "drops"),
            titles(report, &dropped).join(" + ")
        ));
    }
    parts.join(t(lang, "；", "; "))
}

fn titles(report: &PlanReport, chosen: &[usize]) -> Vec<String> {
    chosen
        .iter()
        .map(|&i| {
            let c = &report.result.candidates[i];
            let name = c.action.title.text(report.lang, &c.action.rule).to_string();
            if c.action.segment.is_all() {
                name
            } else {
                // Every slice the action is for, not just its primary one.
                format!(
                    "{name} ({})",
                    crate::actions::segments_label(&c.action, report.lang)
                )
            }
        })
        .collect()
}
