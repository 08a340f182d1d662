//! Ranked actions as bars (expected uplift beside cost) and the segment comparison
//! as a dot plot of every driver's score in each segment.

use super::escape::escape;
use super::svg::{text_width, truncate, Svg};
use super::table::html_table;
use crate::actions::{format_number, why_text};
use crate::analysis::SliceResult;
use crate::model::Metric;
use crate::report::words::{format_score, segment_label, t};
use crate::report::Report;

const FONT: f64 = 12.0;

/// What the rules leave uncovered: the largest root cause no action acts on, and
/// the rules that did not fire with the values they saw.
fn coverage(report: &Report) -> String {
    let lang = report.lang;
    let mut html = String::new();
    if let Some(gap) = crate::report::coverage::uncovered_root_cause(report) {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&gap)));
    }
    let silent = crate::report::coverage::silent_lines(report);
    if !silent.is_empty() {
        html.push_str(&format!(
            "<details><summary>{}</summary>\n<ul class=\"silent\">\n",
            escape(t(
                lang,
                "未触发的规则及原因",
                "Rules that did not fire, and why"
            ))
        ));
        for line in silent {
            html.push_str(&format!("<li>{}</li>\n", escape(&line)));
        }
        html.push_str("</ul></details>\n");
    }
    html
}

pub fn actions(report: &Report) -> String {
    let lang = report.lang;
    let model = report.model;
    let actions = &report.recommendations.actions;
    let title = t(
        lang,
        "建议行动（按优先级排序）",
        "Actions (ranked by priority)",
    );
    if actions.is_empty() {
        return format!(
            "<p>{}</p>\n{}",
            escape(t(lang, "没有规则触发。", "No rule fired.")),
            coverage(report)
        );
    }
    let (label_w, bar_w, gap, row_h, top) = (300.0, 220.0, 40.0, 30.0, 30.0);
    let width = label_w + 2.0 * bar_w + gap + 80.0;
    let height = top + actions.len() as f64 * row_h + 10.0;
    let max_uplift = actions
        .iter()
        .map(|a| a.uplift)
        .fold(0.0, f64::max)
        .max(1e-9);
    let max_cost = actions.iter().map(|a| a.cost).fold(0.0, f64::max).max(1e-9);
    let mut svg = Svg::new("actions", width, height);
    let uplift_x = label_w;
    let cost_x = label_w + bar_w + gap;
    svg.text(
        uplift_x,
        16.0,
        "start",
        "axis-title",
        t(lang, "预计提升（指数点）", "expected uplift (index points)"),
    );
    svg.text(cost_x, 16.0, "start", "axis-title", t(lang, "成本", "cost"));
    for (i, a) in actions.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let name = format!("{}. {}", a.rank, a.title.text(lang, &a.rule));
        svg.text(
            label_w - 10.0,
            y + 15.0,
            "end",
            "bar-label",
            &truncate(&name, label_w - 20.0, FONT, false),
        );
        let w = a.uplift.max(0.0) / max_uplift * bar_w;
        svg.rect(uplift_x, y + 3.0, w, row_h - 10.0, "bar-uplift");
        svg.text(
            uplift_x + w + 4.0,
            y + 15.0,
            "start",
            "bar-value",
            &format!("{:.2}", a.uplift),
        );
        let w = a.cost.max(0.0) / max_cost * bar_w;
        svg.rect(cost_x, y + 3.0, w, row_h - 10.0, "bar-cost");
        svg.text(
            cost_x + w + 4.0,
            y + 15.0,
            "start",
            "bar-value",
            &format_number(a.cost),
        );
    }
    let mut html = format!("<figure>\n{}\n</figure>\n", svg.finish(title));
    html.push_str("<ol class=\"actions\">\n");
    for a in actions {
        html.push_str(&format!(
            "<li><strong>{}</strong> — {}<br><span class=\"why\">{}</span></li>\n",
            escape(a.title.text(lang, &a.rule)),
            escape(a.action.text(lang, "")),
            escape(&why_text(model, report.analysis.primary_outcome, a, lang))
        ));
    }
    html.push_str("</ol>\n");
    html.push_str(&coverage(report));
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|a| {
            vec![
                a.rank.to_string(),
                a.title.text(lang, &a.rule).to_string(),
                model.nodes[a.driver]
                    .label
                    .text(lang, &model.nodes[a.driver].id)
                    .to_string(),
                crate::actions::segments_label(a, lang),
                format!("{:.2}", a.uplift),
                format_number(a.cost),
                format!("{:.3}", a.priority),
            ]
        })
        .collect();
    html.push_str(&html_table(
        title,
        &[
            "#",
            t(lang, "行动", "Action"),
            t(lang, "驱动因素", "Driver"),
            t(lang, "分群", "Segment"),
            t(lang, "提升", "Uplift"),
            t(lang, "成本", "Cost"),
            t(lang, "优先级", "Priority"),
        ],
        &rows,
        &[true, false, false, false, true, true, true],
    ));
    html
}

/// Height of a legend row of the segment chart.
const LEGEND_ROW: f64 = 18.0;

/// Colours in the segment chart's palette (`.seg0`…`.seg5` in style.css).
const COLOURS: usize = 6;

/// The marker of series `k`: a colour of the palette and, once the colours are
/// used up, another shape (circle, square, triangle, diamond, then hollow), so no
/// two of 48 series look alike.
fn marker(svg: &mut Svg, x: f64, y: f64, k: usize) {
    let shape = k / COLOURS;
    let hollow = if shape / 4 % 2 == 1 {
        " seg-hollow"
    } else {
        ""
    };
    const SHAPES: [&str; 4] = ["seg-circle", "seg-square", "seg-triangle", "seg-diamond"];
    let class = format!("seg seg{} {}{hollow}", k % COLOURS, SHAPES[shape % 4]);
    let r = 5.0;
    match shape % 4 {
        0 => svg.circle(x, y, r, &class),
        1 => svg.poly(
            &[
                (x - r, y - r),
                (x + r, y - r),
                (x + r, y + r),
                (x - r, y + r),
            ],
            &class,
            true,
        ),
        2 => svg.poly(
            &[(x, y - r - 1.0), (x + r + 1.0, y + r), (x - r - 1.0, y + r)],
            &class,
            true,
        ),
        _ => svg.poly(
            &[
                (x, y - r - 1.0),
                (x + r + 1.0, y),
                (x, y + r + 1.0),
                (x - r - 1.0, y),
            ],
            &class,
            true,
        ),
    }
}

pub fn segments(report: &Report, latest: &[&SliceResult]) -> String {
    let lang = report.lang;
    let model = report.model;
    let title = format!(
        "{} ({})",
        t(lang, "分群比较", "Segment comparison"),
        latest
            .first()
            .and_then(|s| s.wave.clone())
            .unwrap_or_default()
    );
    // Drivers on the item scale share one axis; NPS and rates are in the table.
    let nodes: Vec<usize> = (0..model.nodes.len())
        .filter(|&n| model.nodes[n].metric == Metric::Mean)
        .filter(|&n| latest.iter().any(|s| s.scores[n].is_some()))
        .collect();
    let values: Vec<f64> = nodes
        .iter()
        .flat_map(|&n| {
            latest
                .iter()
                .filter_map(move |s| s.scores[n].as_ref().map(|x| x.score))
        })
        .collect();
    let mut html = String::new();
    if !values.is_empty() {
        let low = (values.iter().copied().fold(f64::INFINITY, f64::min) * 5.0).floor() / 5.0;
        let high = (values.iter().copied().fold(f64::NEG_INFINITY, f64::max) * 5.0).ceil() / 5.0;
        let high = if high > low { high } else { low + 1.0 };
        let (label_w, plot_w, row_h) = (180.0, 520.0, 26.0);
        let width = label_w + plot_w + 40.0;
        // Legend, one entry per slice, left to right, wrapped inside the width.
        let mut entries = Vec::new();
        let (mut lx, mut ly) = (10.0, 16.0);
        for (k, s) in latest.iter().enumerate() {
            let name = truncate(
                &format!("{} (n={})", segment_label(&s.key, lang), s.rows),
                width - 40.0,
                FONT,
                false,
            );
            let entry_w = 24.0 + text_width(&name, FONT);
            if lx > 10.0 && lx + entry_w - 10.0 > width - 10.0 {
                lx = 10.0;
                ly += LEGEND_ROW;
            }
            entries.push((lx, ly, k, name));
            lx += entry_w;
        }
        let top = ly + 40.0;
        let height = top + nodes.len() as f64 * row_h + 30.0;
        let x = |v: f64| label_w + (v - low) / (high - low) * plot_w;
        let mut svg = Svg::new("segments", width, height);
        for (lx, ly, k, name) in &entries {
            marker(&mut svg, lx + 5.0, ly - 4.0, *k);
            svg.text(lx + 14.0, *ly, "start", "legend", name);
        }
        let steps = ((high - low) / 0.2).round().max(1.0) as usize;
        let every = steps.div_ceil(6).max(1);
        for k in (0..=steps).step_by(every) {
            let v = low + k as f64 * 0.2;
            svg.line(x(v), top - 10.0, x(v), height - 24.0, "grid-line");
            svg.text(x(v), height - 8.0, "middle", "tick", &format!("{v:.1}"));
        }
        for (r, &n) in nodes.iter().enumerate() {
            let y = top + r as f64 * row_h;
            let label = model.nodes[n].label.text(lang, &model.nodes[n].id);
            svg.text(
                label_w - 10.0,
                y + 4.0,
                "end",
                "bar-label",
                &truncate(label, label_w - 16.0, FONT, false),
            );
            svg.line(label_w, y, label_w + plot_w, y, "row-line");
            for (k, s) in latest.iter().enumerate() {
                if let Some(score) = &s.scores[n] {
                    marker(&mut svg, x(score.score), y, k);
                }
            }
        }
        html.push_str(&format!("<figure>\n{}\n</figure>\n", svg.finish(&title)));
    }
    let mut header: Vec<String> = vec![t(lang, "驱动因素", "Driver").to_string()];
    header.extend(
        latest
            .iter()
            .map(|s| format!("{} (n={})", segment_label(&s.key, lang), s.rows)),
    );
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let mut row = vec![node.label.text(lang, &node.id).to_string()];
            row.extend(latest.iter().map(|s| {
                s.scores[n]
                    .as_ref()
                    .map(|x| format_score(model, n, x.score))
                    .unwrap_or_else(|| "–".into())
            }));
            row
        })
        .collect();
    let right: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
    html.push_str(&html_table(&title, &header_refs, &rows, &right));
    let by_segment = crate::report::by_segment::segment_lines(report);
    if !by_segment.is_empty() {
        html.push_str(&format!(
            "<p>{}</p>\n<ul class=\"by-segment\">\n",
            escape(crate::report::by_segment::heading(lang))
        ));
        for line in by_segment {
            html.push_str(&format!("<li>{}</li>\n", escape(&line)));
        }
        html.push_str("</ul>\n");
    }
    html
}
