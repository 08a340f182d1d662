//! The importance–performance map: total effect on the primary outcome against the
//! 0–100 index, split at the means into the four IPMA quadrants, points labelled
//! without overlaps.

use super::svg::{text_width, truncate, Bounds, Svg};
use super::table::html_table;
use crate::analysis::{Quadrant, SliceResult};
use crate::model::Lang;
use crate::report::words::{quadrant_label, t};
use crate::report::Report;

const W: f64 = 720.0;
const H: f64 = 440.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 52.0;
const FONT: f64 = 12.0;

/// One driver on the map.
struct Point {
    label: String,
    importance: f64,
    index: f64,
    quadrant: Quadrant,
}

fn class(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Concentrate => "q-concentrate",
        Quadrant::KeepUp => "q-keep",
        Quadrant::LowPriority => "q-low",
        Quadrant::Overkill => "q-overkill",
    }
}

/// The map and its table, for the whole sample of the latest wave.
pub fn section(report: &Report, all: &SliceResult) -> String {
    let lang = report.lang;
    let model = report.model;
    let primary = report.analysis.primary_outcome;
    let points: Vec<Point> = model
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            let quadrant = all.quadrant[i]?;
            let score = all.scores[i].as_ref()?;
            Some(Point {
                label: node.label.text(lang, &node.id).to_string(),
                importance: all.effect(i, primary),
                index: score.index,
                quadrant,
            })
        })
        .collect();
    let outcome = model.nodes[primary]
        .label
        .text(lang, &model.nodes[primary].id);
    let title = format!(
        "{} — {}",
        t(lang, "重要性–表现矩阵", "Importance–performance map"),
        outcome
    );
    let mut html = format!("<figure>\n{}\n", chart(&points, &title, outcome, lang));
    html.push_str(&format!(
        "<figcaption>{}</figcaption>\n</figure>\n",
        super::escape::escape(t(
            lang,
            "横轴：对主要结果的总效应（重要性）；纵轴：0–100 指数（表现）；虚线为各驱动因素的平均值。",
            "Across: total effect on the primary outcome (importance); up: 0–100 index (performance); dashed lines at the drivers' means."
        ))
    ));
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            vec![
                p.label.clone(),
                format!("{:.3}", p.importance),
                format!("{:.1}", p.index),
                quadrant_label(Some(p.quadrant), lang),
            ]
        })
        .collect();
    html.push_str(&html_table(
        &title,
        &[
            t(lang, "驱动因素", "Driver"),
            t(lang, "总效应", "Total effect"),
            t(lang, "指数", "Index"),
            t(lang, "象限", "Quadrant"),
        ],
        &rows,
        &[false, true, true, false],
    ));
    html
}

fn chart(points: &[Point], title: &str, outcome: &str, lang: Lang) -> String {
    let mut svg = Svg::new("ipma", W, H);
    if points.is_empty() {
        svg.text(
            W / 2.0,
            H / 2.0,
            "middle",
            "muted",
            t(lang, "无数据", "no data"),
        );
        return svg.finish(title);
    }
    let max_x = points
        .iter()
        .map(|p| p.importance)
        .fold(0.0, f64::max)
        .max(1e-6)
        * 1.15;
    let min_x = points
        .iter()
        .map(|p| p.importance)
        .fold(0.0, f64::min)
        .min(0.0);
    let low = points.iter().map(|p| p.index).fold(100.0, f64::min);
    let high = points.iter().map(|p| p.index).fold(0.0, f64::max);
    let min_y = ((low - 8.0) / 10.0).floor().max(0.0) * 10.0;
    let max_y = ((high + 8.0) / 10.0).ceil().min(10.0) * 10.0;
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |v: f64| LEFT + (v - min_x) / (max_x - min_x) * pw;
    let y = |v: f64| TOP + (max_y - v) / (max_y - min_y).max(1e-9) * ph;
    let count = points.len() as f64;
    let mean_x = points.iter().map(|p| p.importance).sum::<f64>() / count;
    let mean_y = points.iter().map(|p| p.index).sum::<f64>() / count;
    let (cx, cy) = (x(mean_x), y(mean_y));
    // Quadrant backgrounds: concentrate here is bottom right.
    svg.rect(LEFT, TOP, cx - LEFT, cy - TOP, "bg-overkill");
    svg.rect(cx, TOP, LEFT + pw - cx, cy - TOP, "bg-keep");
    svg.rect(LEFT, cy, cx - LEFT, TOP + ph - cy, "bg-low");
    svg.rect(cx, cy, LEFT + pw - cx, TOP + ph - cy, "bg-concentrate");
    for (text, qx, qy, anchor) in [
        (
            quadrant_label(Some(Quadrant::Overkill), lang),
            LEFT + 6.0,
            TOP + 16.0,
            "start",
        ),
        (
            quadrant_label(Some(Quadrant::KeepUp), lang),
            LEFT + pw - 6.0,
            TOP + 16.0,
            "end",
        ),
        (
            quadrant_label(Some(Quadrant::LowPriority), lang),
            LEFT + 6.0,
            TOP + ph - 8.0,
            "start",
        ),
        (
            quadrant_label(Some(Quadrant::Concentrate), lang),
            LEFT + pw - 6.0,
            TOP + ph - 8.0,
            "end",
        ),
    ] {
        svg.text(qx, qy, anchor, "quadrant-name", &text);
    }
    svg.line(cx, TOP, cx, TOP + ph, "mean-line");
    svg.line(LEFT, cy, LEFT + pw, cy, "mean-line");
    svg.rect(LEFT, TOP, pw, ph, "frame");
    // Axes: five ticks each.
    for k in 0..=4 {
        let vx = min_x + (max_x - min_x) * k as f64 / 4.0;
        svg.text(
            x(vx),
            TOP + ph + 16.0,
            "middle",
            "tick",
            &format!("{vx:.2}"),
        );
        let vy = min_y + (max_y - min_y) * k as f64 / 4.0;
        svg.text(LEFT - 6.0, y(vy) + 4.0, "end", "tick", &format!("{vy:.0}"));
    }
    svg.text(
        LEFT + pw / 2.0,
        H - 10.0,
        "middle",
        "axis-title",
        &format!(
            "{} → {outcome}",
            t(lang, "重要性（总效应）", "importance (total effect)")
        ),
    );
    svg.text(
        14.0,
        TOP - 8.0,
        "start",
        "axis-title",
        t(lang, "表现（指数）", "performance (index)"),
    );
    // Points first, then labels placed around them without overlaps.
    let centres: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (x(p.importance), y(p.index)))
        .collect();
    for (p, &(px, py)) in points.iter().zip(&centres) {
        svg.circle(px, py, 6.0, class(p.quadrant));
    }
    let mut taken: Vec<Bounds> = centres
        .iter()
        .map(|&(px, py)| Bounds {
            x: px - 6.0,
            y: py - 6.0,
            w: 12.0,
            h: 12.0,
        })
        .collect();
    for (p, &(px, py)) in points.iter().zip(&centres) {
        let text = truncate(&p.label, 160.0, FONT, false);
        let width = text_width(&text, FONT);
        let candidates = [
            (px + 9.0, py + 4.0, "start", px + 9.0),
            (px - 9.0, py + 4.0, "end", px - 9.0 - width),
            (px, py - 10.0, "middle", px - width / 2.0),
            (px, py + 19.0, "middle", px - width / 2.0),
            (px + 9.0, py - 10.0, "start", px + 9.0),
            (px + 9.0, py + 18.0, "start", px + 9.0),
            (px - 9.0, py - 10.0, "end", px - 9.0 - width),
            (px - 9.0, py + 18.0, "end", px - 9.0 - width),
        ];
        let fits = |b: &Bounds| {
            b.x >= LEFT && b.x + b.w <= LEFT + pw && b.y >= TOP && b.y + b.h <= TOP + ph
        };
        let chosen = candidates
            .iter()
            .map(|&(tx, ty, anchor, left)| {
                (
                    tx,
                    ty,
                    anchor,
                    Bounds {
                        x: left,
                        y: ty - FONT,
                        w: width,
                        h: FONT + 3.0,
                    },
                )
            })
            .find(|(_, _, _, b)| fits(b) && !taken.iter().any(|t| t.overlaps(b)))
            .unwrap_or_else(|| {
                let (tx, ty, anchor, left) = candidates[0];
                (
                    tx,
                    ty,
                    anchor,
                    Bounds {
                        x: left,
                        y: ty - FONT,
                        w: width,
                        h: FONT + 3.0,
                    },
                )
            });
        taken.push(chosen.3);
        svg.text(chosen.0, chosen.1, chosen.2, "point-label", &text);
    }
    svg.finish(title)
}
