//! A plan as a table, JSON (`sattrace.plan/1`) or Markdown.

use std::io::Write;

use serde::Serialize;

use super::{contributions, format_score, projected, start_by, Plan, PlanResult, Status, Target};
use crate::model::{Lang, Metric, Model};
use crate::report::{round, table, Format};
use crate::whatif::render::segment_name;

/// Everything a plan report shows.
pub struct PlanReport<'a> {
    pub model: &'a Model,
    pub result: &'a PlanResult,
    pub today: super::Date,
    pub lang: Lang,
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The cells of the chosen action `i` (its `k`th place in the plan): number,
/// title, driver, segment, cost, start-by date, then its contribution `part` to each
/// target. Shared by the text and HTML renderers (the text one adds the lead time).
pub(crate) fn action_cells(
    model: &Model,
    result: &PlanResult,
    lang: Lang,
    k: usize,
    i: usize,
    part: &[f64],
) -> Vec<String> {
    let c = &result.candidates[i];
    let driver = &model.nodes[c.action.driver];
    let mut row = vec![
        (k + 1).to_string(),
        c.action.title.text(lang, &c.action.rule).to_string(),
        driver.label.text(lang, &driver.id).to_string(),
        segment_name(&c.action.segment, lang),
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
}

/// The cells of one target's projection under a plan that gains `gain` points:
/// outcome, now, projected, target, slack (positive = beyond the target).
pub(crate) fn outcome_cells(model: &Model, lang: Lang, tg: &Target, gain: f64) -> Vec<String> {
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

/// Index points of `node` as a change in its score unit.
fn index_to_score_change(model: &Model, node: usize, points: f64) -> f64 {
    let n = &model.nodes[node];
    match n.metric {
        Metric::Mean => points * (n.scale.max - n.scale.min) / 100.0,
        _ => points,
    }
}

/// A gain in the good direction shown as the change of the score (negative for
/// churn going down).
pub(crate) fn change_text(model: &Model, node: usize, points: f64) -> String {
    let value = index_to_score_change(model, node, points) * model.nodes[node].direction.sign();
    match model.nodes[node].metric {
        Metric::Mean => format!("{value:+.2}"),
        _ => format!("{value:+.1}"),
    }
}

/// Render in `format`.
pub fn render(report: &PlanReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json(report))?;
            writeln!(out)
        }
        Format::Table => text(report, false, out),
        Format::Md => text(report, true, out),
    }
}

fn write_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    right: &[bool],
    markdown: bool,
) -> std::io::Result<()> {
    let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    if !markdown {
        return write!(out, "{}", table(&header, rows, right));
    }
    let escape = crate::report::md_escape;
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| escape(c))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    writeln!(out, "| {} |", line(&header))?;
    let rule: Vec<&str> = right
        .iter()
        .map(|&r| if r { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))?;
    for row in rows {
        writeln!(out, "| {} |", line(row))?;
    }
    Ok(())
}

fn text(report: &PlanReport, markdown: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let (model, result, lang) = (report.model, report.result, report.lang);
    let heading = |out: &mut dyn Write, title: &str| -> std::io::Result<()> {
        if markdown {
            writeln!(out, "## {title}\n")
        } else {
            writeln!(out, "{title}")
        }
    };
    if markdown {
        writeln!(out, "# {}\n", t(lang, "行动计划", "Action plan"))?;
    }
    heading(out, t(lang, "目标", "Targets"))?;
    let rows: Vec<Vec<String>> = result
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
    write_table(
        out,
        &[
            t(lang, "结果", "Outcome"),
            t(lang, "当前", "Now"),
            t(lang, "目标", "Target"),
            t(lang, "截止", "Due"),
            t(lang, "需提升", "Needed"),
        ],
        &rows,
        &[false, true, true, false, true],
        markdown,
    )?;
    writeln!(
        out,
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
            out,
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
        Status::Reached => {}
        Status::OverBudget { budget } => writeln!(
            out,
            "{} {budget}{}\n",
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
        )?,
        Status::Unreachable { shortfalls } => {
            writeln!(
                out,
                "{}",
                t(
                    lang,
                    "目标无法达成：所有候选行动加在一起也不够。以下是可达到的最好结果及其最低成本方案。",
                    "The targets cannot be reached: all candidate actions together fall short. Below are the best reachable outcome and the cheapest plan for it."
                )
            )?;
            for issue in shortfalls {
                writeln!(out, "- {issue}")?;
            }
            writeln!(out)?;
        }
    }
    let Some(best) = result.plans.first().filter(|p| !p.chosen.is_empty()) else {
        writeln!(
            out,
            "{}",
            t(
                lang,
                "没有方案：没有任何候选行动能在截止日期前帮助这些目标。",
                "No plan: no candidate action helps these targets by their due dates."
            )
        )?;
        return Ok(());
    };
    heading(
        out,
        &format!(
            "{} ({} {})",
            t(lang, "方案", "Plan"),
            t(lang, "成本", "cost"),
            best.cost
        ),
    )?;
    let parts = contributions(&result.problem, best);
    let mut header = vec![
        "#",
        t(lang, "行动", "Action"),
        t(lang, "驱动因素", "Driver"),
        t(lang, "分群", "Segment"),
        t(lang, "成本", "Cost"),
        t(lang, "天数", "Days"),
        t(lang, "最晚开始", "Start by"),
    ];
    let labels: Vec<String> = result
        .targets
        .iter()
        .map(|tg| {
            model.nodes[tg.node]
                .label
                .text(lang, &model.nodes[tg.node].id)
                .to_string()
        })
        .collect();
    header.extend(labels.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = best
        .chosen
        .iter()
        .zip(&parts)
        .enumerate()
        .map(|(k, (&i, part))| {
            let mut row = action_cells(model, result, lang, k, i, part);
            // The text table also shows the lead time, before the start-by date.
            row.insert(5, result.candidates[i].duration_days.to_string());
            row
        })
        .collect();
    let mut right = vec![true, false, false, false, true, true, false];
    right.extend(result.targets.iter().map(|_| true));
    write_table(out, &header, &rows, &right, markdown)?;
    writeln!(out)?;
    heading(out, t(lang, "预计结果", "Projected outcomes"))?;
    let rows: Vec<Vec<String>> = result
        .targets
        .iter()
        .zip(&best.gain)
        .enumerate()
        .map(|(k, (tg, &gain))| {
            let mut row = outcome_cells(model, lang, tg, gain);
            row.extend(probability_cell(result, 0, k));
            row
        })
        .collect();
    let mut header = vec![
        t(lang, "结果", "Outcome"),
        t(lang, "当前", "Now"),
        t(lang, "预计", "Projected"),
        t(lang, "目标", "Target"),
        t(lang, "余量", "Slack"),
    ];
    if result.probabilities.is_some() {
        header.push(t(lang, "达成概率", "P(reach)"));
    }
    write_table(
        out,
        &header,
        &rows,
        &[false, true, true, true, true, true][..header.len()],
        markdown,
    )?;
    if result.plans.len() > 1 {
        writeln!(out)?;
        heading(out, t(lang, "备选方案", "Runner-up plans"))?;
        let rows: Vec<Vec<String>> = result.plans[1..]
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
        let mut header = vec![
            "#",
            t(lang, "成本", "Cost"),
            t(lang, "与方案 1 的差别", "Difference from plan 1"),
        ];
        if result.probabilities.is_some() {
            header.push(t(lang, "全部达成概率", "P(reach all)"));
        }
        write_table(
            out,
            &header,
            &rows,
            &[true, true, false, true][..header.len()],
            markdown,
        )?;
    }
    probability_note(report, out)?;
    if result.left_out > 0 {
        writeln!(
            out,
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
        out,
        "\n{}",
        t(
            lang,
            "预计值 = 对方案中的行动运行 what-if 的结果（每项行动使其驱动因素在其分群内提升 delta，经该分群的效应传导；受访者不会超过量表上限）；只计入能在截止日前完成的行动。",
            "Projections = the what-if of the plan's actions (each moves its driver by its delta for the respondents of its segment, through that segment's effects; no respondent goes past the top of a scale); only actions finished by the due date count."
        )
    )
}

/// The probability that plan `k` reaches target `t`, when computed.
fn probability_cell(result: &PlanResult, k: usize, t: usize) -> Option<String> {
    let p = result.probabilities.as_ref()?;
    Some(format!("{:.2}", p.plans.get(k)?.get(t)?))
}

/// How the probabilities were made and, under `--min-probability`, whether the
/// plan meets it.
fn probability_note(report: &PlanReport, out: &mut dyn Write) -> std::io::Result<()> {
    let (result, lang) = (report.result, report.lang);
    let Some(p) = result.probabilities.as_ref() else {
        return Ok(());
    };
    writeln!(
        out,
        "\n{}",
        match lang {
            Lang::Zh => format!(
                "达成概率 = 受访者自助法（{} 次重抽，种子 {}）中方案的预计结果达到目标的比例：每次重抽在单元内重抽受访者、重新估计效应并重新执行方案。",
                p.replicates, p.seed
            ),
            Lang::En => format!(
                "P(reach) = the share of {} respondent-bootstrap replicates (seed {}) in which the plan's projected outcome reaches the target: each replicate resamples respondents within cells, re-estimates the effects and re-runs the plan.",
                p.replicates, p.seed
            ),
        }
    )?;
    if let Some(min) = result.min_probability {
        let met = !result.plans.is_empty() && p.min_of(0) >= min;
        writeln!(
            out,
            "{}",
            match (lang, met) {
                (Lang::Zh, true) => format!("方案以不低于 {min} 的概率达成每个目标（--min-probability）。"),
                (Lang::Zh, false) => format!("没有找到以不低于 {min} 的概率达成每个目标的方案；显示的是加了余量后最好的方案。"),
                (Lang::En, true) => format!("The plan reaches every target with probability at least {min} (--min-probability)."),
                (Lang::En, false) => format!("No plan was found that reaches every target with probability at least {min}; shown is the best plan found with a margin."),
            }
        )?;
    }
    Ok(())
}

/// A runner-up as its difference from the best plan: the actions it adds and the
/// ones it drops. Runner-ups usually share most actions with the plan, so the
/// difference is what a manager compares, not twenty titles in a row.
pub(crate) fn plan_difference(report: &PlanReport, best: &Plan, plan: &Plan) -> String {
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
                format!("{name} ({})", c.action.segment.name())
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Json {
    schema: &'static str,
    today: String,
    status: &'static str,
    shortfalls: Vec<String>,
    budget: Option<f64>,
    candidates: usize,
    targets: Vec<TargetJson>,
    plans: Vec<PlanJson>,
    /// How the reach probabilities were made (absent with `--bootstrap 0` or
    /// `--moments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<ProbabilityJson>,
}

#[derive(Serialize)]
struct ProbabilityJson {
    method: &'static str,
    replicates: usize,
    seed: u64,
    failed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_probability: Option<f64>,
    /// Whether the best plan reaches every target with at least `min_probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    min_probability_met: Option<bool>,
}

#[derive(Serialize)]
struct TargetJson {
    outcome: String,
    current: f64,
    target: f64,
    due: String,
    reachable: f64,
}

#[derive(Serialize)]
struct PlanJson {
    cost: f64,
    /// The lowest of `projected[].probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    probability_all: Option<f64>,
    actions: Vec<ActionJson>,
    projected: Vec<ProjectedJson>,
}

#[derive(Serialize)]
struct ActionJson {
    rule: String,
    driver: String,
    segment: String,
    /// The shift of the driver, in its score unit (what `whatif` moves it by).
    delta: f64,
    /// The action's slice as a `whatif` filter (empty = the whole sample).
    r#where: std::collections::BTreeMap<String, String>,
    cost: f64,
    duration_days: i64,
    start_by: String,
    contribution: Vec<f64>,
}

#[derive(Serialize)]
struct ProjectedJson {
    outcome: String,
    projected: f64,
    slack: f64,
    /// Bootstrap probability that the plan reaches this target by its due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<f64>,
}

fn json(report: &PlanReport) -> Json {
    let (model, result) = (report.model, report.result);
    let r4 = |v: f64| round(v, 4);
    let (status, shortfalls) = match &result.status {
        Status::Reached => ("reached", Vec::new()),
        Status::OverBudget { .. } => ("over_budget", Vec::new()),
        Status::Unreachable { shortfalls } => (
            "unreachable",
            shortfalls.iter().map(ToString::to_string).collect(),
        ),
    };
    Json {
        schema: "sattrace.plan/1",
        today: report.today.to_string(),
        status,
        shortfalls,
        budget: result.problem.budget,
        candidates: result.candidates.len(),
        targets: result
            .targets
            .iter()
            .zip(&result.reachable)
            .map(|(tg, &gain)| TargetJson {
                outcome: model.nodes[tg.node].id.clone(),
                current: r4(tg.current),
                target: tg.value,
                due: tg.due.to_string(),
                reachable: r4(projected(model, tg, gain)),
            })
            .collect(),
        plans: result
            .plans
            .iter()
            .enumerate()
            .map(|(k, plan)| {
                let parts = contributions(&result.problem, plan);
                PlanJson {
                    cost: r4(plan.cost),
                    probability_all: result.probabilities.as_ref().map(|p| r4(p.min_of(k))),
                    actions: plan
                        .chosen
                        .iter()
                        .zip(&parts)
                        .map(|(&i, part)| {
                            let c = &result.candidates[i];
                            ActionJson {
                                rule: c.action.rule.clone(),
                                driver: model.nodes[c.action.driver].id.clone(),
                                segment: c.action.segment.name(),
                                delta: model.nodes[c.action.driver].direction.sign()
                                    * c.action.delta.abs(),
                                r#where: if c.action.segment.is_all() {
                                    Default::default()
                                } else {
                                    [(
                                        c.action.segment.column.clone(),
                                        c.action.segment.value.clone(),
                                    )]
                                    .into_iter()
                                    .collect()
                                },
                                cost: c.action.cost,
                                duration_days: c.duration_days,
                                start_by: start_by(result, i).to_string(),
                                contribution: result
                                    .targets
                                    .iter()
                                    .zip(part)
                                    .map(|(tg, &p)| {
                                        let sign = model.nodes[tg.node].direction.sign();
                                        r4(sign * index_to_score_change(model, tg.node, p))
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                    projected: result
                        .targets
                        .iter()
                        .zip(&plan.gain)
                        .enumerate()
                        .map(|(t, (tg, &gain))| {
                            let after = projected(model, tg, gain);
                            let sign = model.nodes[tg.node].direction.sign();
                            ProjectedJson {
                                outcome: model.nodes[tg.node].id.clone(),
                                projected: r4(after),
                                slack: r4(sign * (after - tg.value)),
                                probability: result
                                    .probabilities
                                    .as_ref()
                                    .and_then(|p| p.plans.get(k)?.get(t).copied())
                                    .map(r4),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        probability: result.probabilities.as_ref().map(|p| ProbabilityJson {
            method: "bootstrap",
            replicates: p.replicates,
            seed: p.seed,
            failed: p.failed,
            min_probability: result.min_probability,
            min_probability_met: result
                .min_probability
                .map(|min| !result.plans.is_empty() && p.min_of(0) >= min),
        }),
    }
}
