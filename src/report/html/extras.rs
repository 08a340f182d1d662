//! What-if and plan sections of the HTML report, drawn from the what-if diff and the
//! plan result (the same types `sattrace whatif` and `sattrace plan` print).

use super::escape::escape;
use super::svg::{truncate, Svg};
use super::table::html_table;
use crate::analysis::SliceKey;
use crate::plan::render::{action_cells, outcome_cells, plan_difference};
use crate::plan::{contributions, PlanReport, Status};
use crate::report::table::t;
use crate::whatif::render::{change, describe, score, segment_name, status_label};
use crate::whatif::{ActionStatus, WhatIfReport};

const FONT: f64 = 12.0;

/// The segments a what-if section shows: the whole sample and each `column=value`
/// of the scenario's filter.
fn shown(report: &WhatIfReport, key: &SliceKey) -> bool {
    if key.is_all() {
        return true;
    }
    report
        .scenario
        .filter
        .iter()
        .any(|(c, v)| *c == key.column && *v == key.value)
}

/// One scenario: a bar chart of outcome changes (index points) in the whole sample
/// and the scenario's segment, tables of every node before and after, and the
/// actions that appear, disappear or move. `k` numbers the scenario in the page.
pub fn whatif_section(report: &WhatIfReport, k: usize) -> String {
    let (model, lang) = (report.model, report.lang);
    let title = format!(
        "{}: {}",
        t(lang, "情景分析", "What-if"),
        report.scenario.name
    );
    let mut html = format!("<section>\n<h2>{}</h2>\n", escape(&title));
    html.push_str(&format!(
        "<p class=\"meta\">{}: {} · {}: {} ({}) · {}: {}</p>\n",
        escape(t(lang, "情景", "Scenario")),
        escape(&describe(model, report.scenario)),
        escape(t(lang, "调整的受访者", "Respondents moved")),
        report.moved_rows,
        escape(report.wave.unwrap_or("-")),
        escape(t(lang, "效应来源", "effects from")),
        escape(report.basis)
    ));
    let segments: Vec<_> = report
        .diff
        .segments
        .iter()
        .filter(|s| shown(report, &s.key))
        .collect();
    // Chart: one bar per (segment, outcome), index change around a zero line.
    let bars: Vec<(String, f64, String)> = segments
        .iter()
        .flat_map(|s| {
            s.nodes
                .iter()
                .filter(|n| model.nodes[n.node].outcome)
                .map(move |n| {
                    let node = &model.nodes[n.node];
                    (
                        format!(
                            "{} · {}",
                            segment_name(&s.key, lang),
                            node.label.text(lang, &node.id)
                        ),
                        n.index_change,
                        change(model, n.node, n.change),
                    )
                })
        })
        .collect();
    let chart_title = t(
        lang,
        "结果的变化（指数点）",
        "Change of the outcomes (index points)",
    );
    if !bars.is_empty() {
        let (label_w, half, row_h, top) = (300.0, 170.0, 28.0, 30.0);
        // The longest bar stops short of the edge by room for its value label
        // ("+21.63 (+21.6)"), so labels are never clipped.
        let label_room = 110.0;
        let width = label_w + 2.0 * half + 20.0;
        let height = top + bars.len() as f64 * row_h + 10.0;
        let max = bars.iter().map(|b| b.1.abs()).fold(0.0, f64::max).max(1e-9);
        let zero = label_w + half;
        let mut svg = Svg::new(&format!("whatif{k}"), width, height);
        svg.text(zero, 16.0, "middle", "axis-title", chart_title);
        svg.line(zero, top - 6.0, zero, height - 6.0, "grid-line");
        for (i, (label, value, text)) in bars.iter().enumerate() {
            let y = top + i as f64 * row_h;
            svg.text(
                label_w - 10.0,
                y + 15.0,
                "end",
                "bar-label",
                &truncate(label, label_w - 20.0, FONT, false),
            );
            let w = value.abs() / max * (half - label_room);
            let (x, class) = if *value >= 0.0 {
                (zero, "bar-uplift")
            } else {
                (zero - w, "bar-cost")
            };
            svg.rect(x, y + 3.0, w, row_h - 10.0, class);
            let (tx, anchor) = if *value >= 0.0 {
                (zero + w + 4.0, "start")
            } else {
                (zero - w - 4.0, "end")
            };
            svg.text(
                tx,
                y + 15.0,
                anchor,
                "bar-value",
                &format!("{value:+.2} ({text})"),
            );
        }
        html.push_str(&format!(
            "<figure>\n{}\n</figure>\n",
            svg.finish(chart_title)
        ));
    }
    for s in &segments {
        let rows: Vec<Vec<String>> = s
            .nodes
            .iter()
            .map(|n| {
                let node = &model.nodes[n.node];
                vec![
                    node.label.text(lang, &node.id).to_string(),
                    score(model, n.node, n.before),
                    score(model, n.node, n.after),
                    change(model, n.node, n.change),
                    format!("{:+.2}", n.index_change),
                ]
            })
            .collect();
        let caption = format!(
            "{} — {}",
            t(lang, "前后对比", "Before and after"),
            segment_name(&s.key, lang)
        );
        html.push_str(&html_table(
            &caption,
            &[
                t(lang, "节点", "Node"),
                t(lang, "之前", "Before"),
                t(lang, "之后", "After"),
                t(lang, "变化", "Change"),
                t(lang, "指数变化", "Index change"),
            ],
            &rows,
            &[false, true, true, true, true],
        ));
    }
    let moved: Vec<_> = report
        .diff
        .actions
        .iter()
        .filter(|a| a.status != ActionStatus::Same)
        .collect();
    if moved.is_empty() {
        html.push_str(&format!(
            "<p>{}</p>\n",
            escape(t(
                lang,
                "行动排序没有变化。",
                "The ranked actions do not change."
            ))
        ));
    } else {
        let rank = |r: Option<usize>| r.map_or("–".to_string(), |r| r.to_string());
        let uplift = |u: Option<f64>| u.map_or("–".to_string(), |u| format!("{u:.2}"));
        let rows: Vec<Vec<String>> = moved
            .iter()
            .map(|a| {
                let driver = &model.nodes[a.action.driver];
                vec![
                    status_label(a.status, lang).to_string(),
                    rank(a.rank_before),
                    rank(a.rank_after),
                    a.action.title.text(lang, &a.action.rule).to_string(),
                    driver.label.text(lang, &driver.id).to_string(),
                    segment_name(&a.action.segment, lang),
                    uplift(a.uplift_before),
                    uplift(a.uplift_after),
                ]
            })
            .collect();
        html.push_str(&html_table(
            t(lang, "行动的变化", "How the actions change"),
            &[
                t(lang, "变化", "Change"),
                t(lang, "原排名", "Rank before"),
                t(lang, "新排名", "Rank after"),
                t(lang, "行动", "Action"),
                t(lang, "驱动因素", "Driver"),
                t(lang, "分群", "Segment"),
                t(lang, "原提升", "Uplift before"),
                t(lang, "新提升", "Uplift after"),
            ],
            &rows,
            &[false, true, true, false, false, false, true, true],
        ));
    }
    html.push_str("</section>\n");
    html
}

/// The plan: its status, the chosen actions with cost, start-by and contribution
/// per target, and the projected outcomes with slack.
pub fn plan_section(report: &PlanReport) -> String {
    let (model, result, lang) = (report.model, report.result, report.lang);
    let mut html = format!(
        "<section>\n<h2>{}</h2>\n",
        escape(t(lang, "行动计划", "Action plan"))
    );
    html.push_str(&format!(
        "<p class=\"meta\">{} {} · {} {}</p>\n",
        escape(t(lang, "候选行动", "Candidate actions:")),
        result.candidates.len(),
        escape(t(lang, "今天", "today")),
        report.today
    ));
    match &result.status {
        Status::Reached => {}
        Status::OverBudget { budget } => html.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            escape(&format!(
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
            ))
        )),
        Status::Unreachable { shortfalls } => {
            html.push_str(&format!(
                "<p class=\"note\">{}</p>\n<ul>\n",
                escape(t(
                    lang,
                    "目标无法达成：所有候选行动加在一起也不够。以下是可达到的最好结果及其最低成本方案。",
                    "The targets cannot be reached: all candidate actions together fall short. Below are the best reachable outcome and the cheapest plan for it."
                ))
            ));
            for issue in shortfalls {
                html.push_str(&format!("<li>{}</li>\n", escape(&issue.to_string())));
            }
            html.push_str("</ul>\n");
        }
    }
    let Some(best) = result.plans.first() else {
        html.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            escape(t(lang, "没有方案。", "No plan."))
        ));
        return html;
    };
    let labels: Vec<String> = result
        .targets
        .iter()
        .map(|tg| {
            let node = &model.nodes[tg.node];
            node.label.text(lang, &node.id).to_string()
        })
        .collect();
    let mut header = vec![
        "#",
        t(lang, "行动", "Action"),
        t(lang, "驱动因素", "Driver"),
        t(lang, "分群", "Segment"),
        t(lang, "成本", "Cost"),
        t(lang, "最晚开始", "Start by"),
    ];
    header.extend(labels.iter().map(String::as_str));
    let parts = contributions(&result.problem, best);
    let rows: Vec<Vec<String>> = best
        .chosen
        .iter()
        .zip(&parts)
        .enumerate()
        .map(|(k, (&i, part))| action_cells(model, result, lang, k, i, part))
        .collect();
    let mut right = vec![true, false, false, false, true, false];
    right.extend(result.targets.iter().map(|_| true));
    html.push_str(&html_table(
        &format!(
            "{} ({} {})",
            t(lang, "方案", "Plan"),
            t(lang, "成本", "cost"),
            best.cost
        ),
        &header,
        &rows,
        &right,
    ));
    let rows: Vec<Vec<String>> = result
        .targets
        .iter()
        .zip(&best.gain)
        .map(|(tg, &gain)| {
            // The HTML table also shows the due date, before the slack.
            let mut row = outcome_cells(model, lang, tg, gain);
            row.insert(4, tg.due.to_string());
            row
        })
        .collect();
    html.push_str(&html_table(
        t(lang, "预计结果", "Projected outcomes"),
        &[
            t(lang, "结果", "Outcome"),
            t(lang, "当前", "Now"),
            t(lang, "预计", "Projected"),
            t(lang, "目标", "Target"),
            t(lang, "截止", "Due"),
            t(lang, "余量", "Slack"),
        ],
        &rows,
        &[false, true, true, true, false, true],
    ));
    if result.plans.len() > 1 {
        let rows: Vec<Vec<String>> = result.plans[1..]
            .iter()
            .enumerate()
            .map(|(k, plan)| {
                vec![
                    (k + 2).to_string(),
                    format!("{}", plan.cost),
                    plan_difference(report, best, plan),
                ]
            })
            .collect();
        html.push_str(&html_table(
            t(lang, "备选方案", "Runner-up plans"),
            &[
                "#",
                t(lang, "成本", "Cost"),
                t(lang, "与方案 1 的差别", "Difference from plan 1"),
            ],
            &rows,
            &[true, true, false],
        ));
    }
    html.push_str("</section>\n");
    html
}
