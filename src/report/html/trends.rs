//! Wave trends: one small chart per node with its score in each wave, the 95 %
//! confidence band, the target line and, when the model sets a due date, the path
//! still to go from the latest wave to the target by that date.

use super::escape::escape;
use super::svg::{truncate, Svg};
use super::table::html_table;
use crate::analysis::WaveChange;
use crate::report::waves::{format_change, format_p, progress_label};
use crate::report::words::{format_score, segment_label, t};
use crate::report::Report;

const W: f64 = 300.0;
const H: f64 = 190.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 30.0;

pub fn section(report: &Report, changes: &[WaveChange]) -> String {
    let lang = report.lang;
    let model = report.model;
    let analysis = report.analysis;
    let all: Vec<_> = analysis.slices.iter().filter(|s| s.key.is_all()).collect();
    let mut html = String::from("<div class=\"grid\">\n");
    let mut rows = Vec::new();
    for (n, node) in model.nodes.iter().enumerate() {
        let series: Vec<(String, f64, f64, f64)> = all
            .iter()
            .filter_map(|s| {
                let score = s.scores[n].as_ref()?;
                Some((
                    s.wave
                        .clone()
                        .unwrap_or_else(|| segment_label(&s.key, lang)),
                    score.score,
                    score.ci_low,
                    score.ci_high,
                ))
            })
            .collect();
        if series.is_empty() {
            continue;
        }
        let label = node.label.text(lang, &node.id);
        let change = changes.iter().find(|c| c.node == n);
        html.push_str(&format!(
            "<figure class=\"small\">\n{}\n</figure>\n",
            chart(report, n, label, &series, change)
        ));
        for (wave, score, low, high) in &series {
            rows.push(vec![
                label.to_string(),
                wave.clone(),
                format_score(model, n, *score),
                format!(
                    "{}–{}",
                    format_score(model, n, *low),
                    format_score(model, n, *high)
                ),
                node.target
                    .map(|v| format_score(model, n, v))
                    .unwrap_or_default(),
                node.due.clone().unwrap_or_default(),
            ]);
        }
        if let Some(c) = change {
            if let Some(last) = rows.last_mut() {
                last.push(format_change(report, n, c.change));
                last.push(format_p(c.result.p_value));
                last.push(progress_label(c.progress, lang).to_string());
            }
        }
    }
    for row in &mut rows {
        row.resize(9, String::new());
    }
    html.push_str("</div>\n");
    html.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        escape(crate::report::waves::note(lang))
    ));
    html.push_str(&html_table(
        t(lang, "各波次得分", "Scores by wave"),
        &[
            t(lang, "驱动因素", "Driver"),
            t(lang, "波次", "Wave"),
            t(lang, "得分", "Score"),
            "95% CI",
            t(lang, "目标", "Target"),
            t(lang, "期限", "Due"),
            t(lang, "变化", "Change"),
            "p",
            t(lang, "进度", "Progress"),
        ],
        &rows,
        &[false, false, true, true, true, false, true, true, false],
    ));
    html
}

/// The round step nearest above `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

fn chart(
    report: &Report,
    n: usize,
    label: &str,
    series: &[(String, f64, f64, f64)],
    change: Option<&WaveChange>,
) -> String {
    let lang = report.lang;
    let model = report.model;
    let node = &model.nodes[n];
    let due = node.target.and(node.due.clone());
    let slots = series.len() + usize::from(due.is_some());
    let mut low = series.iter().map(|s| s.2).fold(f64::INFINITY, f64::min);
    let mut high = series.iter().map(|s| s.3).fold(f64::NEG_INFINITY, f64::max);
    if let Some(target) = node.target {
        low = low.min(target);
        high = high.max(target);
    }
    let pad = ((high - low) * 0.15).max(1e-6);
    // The axis runs between round ticks (multiples of 1, 2, 2.5 or 5 × 10ᵏ).
    let step = nice_step((high - low + 2.0 * pad) / 4.0);
    let low = ((low - pad) / step).floor() * step;
    let high = ((high + pad) / step).ceil() * step;
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |i: usize| {
        if slots <= 1 {
            LEFT + pw / 2.0
        } else {
            LEFT + 12.0 + i as f64 * (pw - 24.0) / (slots - 1) as f64
        }
    };
    let y = |v: f64| TOP + (high - v) / (high - low) * ph;
    let id = format!("trend-{n}");
    let mut svg = Svg::new(&id, W, H);
    let title = match change.and_then(|c| c.progress) {
        Some(p) => format!("{label} · {}", progress_label(Some(p), lang)),
        None => label.to_string(),
    };
    svg.text(
        LEFT - 40.0,
        16.0,
        "start",
        "chart-title",
        &truncate(&title, W - 16.0, 13.0, false),
    );
    svg.rect(LEFT, TOP, pw, ph, "frame");
    let ticks = ((high - low) / step).round() as usize;
    for k in 0..=ticks {
        let v = low + k as f64 * step;
        svg.text(
            LEFT - 4.0,
            y(v) + 4.0,
            "end",
            "tick",
            &format_score(model, n, v),
        );
    }
    let mut band: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (x(i), y(s.3)))
        .collect();
    band.extend(series.iter().enumerate().rev().map(|(i, s)| (x(i), y(s.2))));
    if series.len() > 1 {
        svg.poly(&band, "band", true);
    } else {
        svg.line(x(0), y(series[0].2), x(0), y(series[0].3), "band-line");
    }
    if let Some(target) = node.target {
        svg.line(LEFT, y(target), LEFT + pw, y(target), "target-line");
        svg.text(
            LEFT + pw - 2.0,
            y(target) - 4.0,
            "end",
            "target-label",
            &format!(
                "{} {}",
                t(lang, "目标", "target"),
                format_score(model, n, target)
            ),
        );
    }
    let line: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (x(i), y(s.1)))
        .collect();
    svg.poly(&line, "trend-line", false);
    for (i, s) in series.iter().enumerate() {
        svg.circle(x(i), y(s.1), 3.5, "trend-point");
        svg.text(
            x(i),
            TOP + ph + 16.0,
            "middle",
            "tick",
            &truncate(&s.0, 80.0, 11.0, false),
        );
    }
    if let (Some(target), Some(due), Some(last)) = (node.target, &due, line.last()) {
        let end = (x(slots - 1), y(target));
        svg.poly(&[*last, end], "to-go", false);
        svg.circle(end.0, end.1, 3.5, "due-point");
        // The due date is a date, not a wave: it labels its point inside the plot,
        // never the wave axis.
        // Below the point: the target's own label sits above its line.
        let offset = if end.1 + 16.0 < TOP + ph { 16.0 } else { -16.0 };
        svg.text(
            end.0,
            end.1 + offset,
            "end",
            "due-label",
            &format!("{} {due}", t(lang, "截止", "due")),
        );
    }
    svg.finish(&title)
}
