//! Per-segment trends over waves: the primary outcome's score in each wave for every
//! segment value, as small multiples — one small chart per segment, each labelled on
//! its own over a shared y-axis — and a table with the change since the first wave.
//! Small multiples need no legend and no colour per series, so 12 or 40 segments stay
//! as readable as 3 (one chart with a line per segment runs out of colours and legend
//! room).

use super::escape::escape;
use super::svg::{truncate, Svg};
use crate::analysis::SliceKey;
use crate::report::grid::Grid;
use crate::report::waves::format_change;
use crate::report::words::{format_score, segment_label, t};
use crate::report::Report;

const W: f64 = 220.0;
/// Room kept right of the label for the first → last values ("+25.1 → +44.9").
const VALUE_ROOM: f64 = 96.0;
const H: f64 = 84.0;
const PAD: f64 = 12.0;
const TOP: f64 = 30.0;
const FONT: f64 = 12.0;

/// The section's body, or `None` without two waves and a segment to compare.
pub fn section(report: &Report) -> Option<String> {
    let (model, analysis, lang) = (report.model, report.analysis, report.lang);
    let node = model.node_index(&model.primary_outcome)?;
    let waves = crate::report::wave_names(analysis);
    if waves.len() < 2 {
        return None;
    }
    // Segments in the analysis's order (segment columns, then their values).
    let mut keys: Vec<&SliceKey> = Vec::new();
    for slice in &analysis.slices {
        if !slice.key.is_all() && !keys.contains(&&slice.key) {
            keys.push(&slice.key);
        }
    }
    if keys.is_empty() {
        return None;
    }
    let score = |key: &SliceKey, wave: &str| {
        analysis
            .slices
            .iter()
            .find(|s| s.key == *key && s.wave.as_deref() == Some(wave))
            .and_then(|s| s.scores[node].as_ref())
            .map(|s| s.score)
    };
    let series: Vec<Vec<Option<f64>>> = keys
        .iter()
        .map(|key| waves.iter().map(|w| score(key, w)).collect())
        .collect();
    let values = series.iter().flatten().flatten().copied();
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() {
        return None;
    }
    // One y-axis for every chart, so slopes compare across segments.
    let span = (high - low).max(1e-9);
    let node_label = model.nodes[node].label.text(lang, &model.nodes[node].id);
    let mut html = format!(
        "<p class=\"note\">{}</p>\n<div class=\"grid\">\n",
        escape(&format!(
            "{}{node_label}{}{} – {}",
            t(lang, "各分群的", "Score of "),
            t(
                lang,
                " 在各波次的得分；所有小图共用纵轴：",
                " in each wave by segment; every small chart shares one y-axis: "
            ),
            format_score(model, node, low),
            format_score(model, node, high)
        ))
    );
    for (k, (key, points)) in keys.iter().zip(&series).enumerate() {
        let label = segment_label(key, lang);
        let mut svg = Svg::new(&format!("segtrend{k}"), W, H);
        svg.text(
            PAD,
            16.0,
            "start",
            "bar-label",
            &truncate(&label, W - 2.0 * PAD - VALUE_ROOM, FONT, false),
        );
        let x = |i: usize| PAD + i as f64 * (W - 2.0 * PAD) / (waves.len() - 1) as f64;
        let y = |v: f64| H - PAD - (v - low) / span * (H - TOP - PAD);
        svg.line(PAD, H - PAD, W - PAD, H - PAD, "grid-line");
        let drawn: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (x(i), y(v))))
            .collect();
        svg.poly(&drawn, "trend-line", false);
        for &(px, py) in &drawn {
            svg.circle(px, py, 2.5, "trend-point");
        }
        if let (Some(first), Some(last)) = (
            points.first().copied().flatten(),
            points.last().copied().flatten(),
        ) {
            svg.text(
                W - PAD,
                16.0,
                "end",
                "bar-value",
                &format!(
                    "{} → {}",
                    format_score(model, node, first),
                    format_score(model, node, last)
                ),
            );
        }
        let title = format!("{label}: {node_label}");
        html.push_str(&format!(
            "<figure class=\"small\">\n{}\n</figure>\n",
            svg.finish(&title)
        ));
    }
    html.push_str("</div>\n");
    let mut grid = Grid::new(&[(t(lang, "分群", "Segment"), false)]);
    for wave in &waves {
        grid = grid.column(wave, true);
    }
    grid = grid.column(t(lang, "变化", "Change"), true);
    grid.rows = keys
        .iter()
        .zip(&series)
        .map(|(key, points)| {
            let mut row = vec![segment_label(key, lang)];
            row.extend(
                points
                    .iter()
                    .map(|v| v.map_or("–".to_string(), |v| format_score(model, node, v))),
            );
            let first = points.iter().flatten().next();
            let last = points.iter().flatten().last();
            row.push(match (first, last) {
                (Some(a), Some(b)) if points.iter().flatten().count() > 1 => {
                    format_change(report, node, b - a)
                }
                _ => "–".to_string(),
            });
            row
        })
        .collect();
    html.push_str(&grid.html(&format!(
        "{}{node_label}",
        t(lang, "各分群各波次得分：", "Scores by segment and wave: ")
    )));
    Some(html)
}
