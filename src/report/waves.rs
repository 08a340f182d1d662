//! The wave-change section shared by the table and Markdown reports: the whole
//! sample's change since the previous wave, its test and each target's progress.

use super::words::{format_score, t};
use super::Report;
use crate::analysis::{wave_changes, Progress, WaveChange};
use crate::model::{Lang, Metric};

/// How a quality manager reads a target's progress.
pub(crate) fn progress_label(progress: Option<Progress>, lang: Lang) -> &'static str {
    match progress {
        None => "",
        Some(Progress::OnTrack) => t(lang, "按计划", "on track"),
        Some(Progress::AtRisk) => t(lang, "有风险", "at risk"),
        Some(Progress::OffTrack) => t(lang, "偏离", "off track"),
    }
}

/// A change in the node's score unit with its sign, `−` for a fall.
pub(crate) fn format_change(report: &Report, node: usize, change: f64) -> String {
    let text = match report.model.nodes[node].metric {
        Metric::Mean => format!("{change:+.2}"),
        _ => format!("{change:+.1}"),
    };
    let zero = text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.');
    if zero {
        text.trim_start_matches(['+', '-']).to_string()
    } else {
        text.replace('-', "−")
    }
}

/// `p < 0.001`, else the p-value to three decimals.
pub(crate) fn format_p(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// The whole sample's changes into the latest wave.
pub(crate) fn latest_changes(report: &Report) -> Vec<WaveChange> {
    let latest = report.analysis.latest_wave().cloned().flatten();
    wave_changes(report.model, report.analysis)
        .into_iter()
        .filter(|c| c.key.is_all() && Some(&c.wave) == latest.as_ref())
        .collect()
}

/// Title and rows (driver, previous, latest, change, p, significant, target,
/// progress); `None` with fewer than two waves.
pub(crate) fn section(report: &Report) -> Option<(String, Vec<String>, Vec<Vec<String>>)> {
    let lang = report.lang;
    let model = report.model;
    let changes = latest_changes(report);
    let first = changes.first()?;
    let title = format!(
        "{} ({}, {} → {})",
        t(lang, "波次变化", "Change since the previous wave"),
        t(lang, "全部", "all"),
        first.previous_wave,
        first.wave
    );
    let header = [
        t(lang, "驱动因素", "driver"),
        t(lang, "变化", "change"),
        "p",
        t(lang, "显著", "significant"),
        t(lang, "目标", "target"),
        t(lang, "期限", "due"),
        t(lang, "进度", "progress"),
    ]
    .map(String::from)
    .to_vec();
    let rows = changes
        .iter()
        .map(|c| {
            let node = &model.nodes[c.node];
            vec![
                node.label.text(lang, &node.id).to_string(),
                format_change(report, c.node, c.change),
                format_p(c.result.p_value),
                if c.significant {
                    t(lang, "是", "yes")
                } else {
                    t(lang, "否", "no")
                }
                .to_string(),
                node.target
                    .map(|v| format_score(model, c.node, v))
                    .unwrap_or_default(),
                node.due.clone().unwrap_or_default(),
                progress_label(c.progress, lang).to_string(),
            ]
        })
        .collect();
    Some((title, header, rows))
}

/// The footnote explaining tests and the progress rule.
pub(crate) fn note(lang: Lang) -> &'static str {
    t(
        lang,
        "均值用 Welch t 检验，NPS 与比率用 z 检验，p < 0.05 为显著；进度：已达标，或按上一波的变化速度两波内可达标为按计划；显著变差为偏离；其余为有风险。",
        "Welch t-test for means, z-tests for NPS and rates, significant at p < 0.05; progress: on track when met or when the last wave's pace closes the gap within two waves; off track when significantly worse; at risk otherwise.",
    )
}
