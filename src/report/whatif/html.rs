//! One what-if scenario as a section of the HTML report: a bar chart of the outcome
//! changes, the before-and-after grid of each segment shown and the actions that
//! appear, disappear or move — the same grids the terminal table shows.

use super::{
    actions_grid, change, interval_note, meta, nodes_grid, segment_label, title, WhatIfReport,
};
use crate::analysis::SliceKey;
use crate::report::html::escape;
use crate::report::html::svg::{truncate, Svg};
use crate::report::t;
use crate::whatif::ActionStatus;

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
    let mut html = format!("<section>\n<h2>{}</h2>\n", escape(&title(report)));
    let [scenario, moved, basis] = meta(report);
    html.push_str(&format!(
        "<p class=\"meta\">{}: {} · {}: {} · {}: {}</p>\n",
        escape(scenario.0),
        escape(&scenario.1),
        escape(moved.0),
        escape(&moved.1),
        escape(basis.0),
        escape(&basis.1)
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
                            segment_label(&s.key, lang),
                            node.label.text(lang, &node.id)
                        ),
                        n.index_change,
                        change(model, n.node, n.change),
                    )
                })
        })
        .collect();
    if !bars.is_empty() {
        html.push_str(&chart(&bars, k, lang));
    }
    for s in &segments {
        let caption = format!(
            "{} — {}",
            t(lang, "前后对比", "Before and after"),
            segment_label(&s.key, lang)
        );
        html.push_str(&nodes_grid(report, s).html(&caption));
    }
    if let Some(note) = interval_note(report) {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    }
    let mut moved = report
        .diff
        .actions
        .iter()
        .filter(|a| a.status != ActionStatus::Same)
        .peekable();
    if moved.peek().is_none() {
        html.push_str(&format!(
            "<p>{}</p>\n",
            escape(t(
                lang,
                "行动排序没有变化。",
                "The ranked actions do not change."
            ))
        ));
    } else {
        let mut grid = actions_grid(report, moved);
        let titles = [
            t(lang, "变化", "Change"),
            t(lang, "原排名", "Rank before"),
            t(lang, "新排名", "Rank after"),
        ];
        for (column, title) in grid.columns.iter_mut().zip(titles) {
            column.title = title.to_string();
        }
        grid.columns[6].title = t(lang, "原提升", "Uplift before").to_string();
        grid.columns[7].title = t(lang, "新提升", "Uplift after").to_string();
        html.push_str(&grid.html(t(lang, "行动的变化", "How the actions change")));
    }
    html.push_str("</section>\n");
    html
}

/// Horizontal bars of index change around a zero line, labelled with the change in
/// index points and in the node's unit.
fn chart(bars: &[(String, f64, String)], k: usize, lang: crate::model::Lang) -> String {
    let chart_title = t(
        lang,
        "结果的变化（指数点）",
        "Change of the outcomes (index points)",
    );
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
    format!("<figure>\n{}\n</figure>\n", svg.finish(chart_title))
}
