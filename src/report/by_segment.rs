//! Each segment as a manager reads it: its largest root causes of the primary
//! outcome and the actions meant for it, one line per segment of the latest wave.

use super::words::{format_score, t};
use super::Report;
use crate::model::Lang;

/// Root causes shown per segment.
const CAUSES: usize = 3;

/// One line per segment (the whole sample left out): `region=华东 (n=570, 57%):
/// satisfaction 3.85 (-0.05 since W1); root causes …; its actions #2, #5`.
/// Empty without segments.
pub fn segment_lines(report: &Report) -> Vec<String> {
    let (model, analysis, lang) = (report.model, report.analysis, report.lang);
    let primary = analysis.primary_outcome;
    let previous = analysis
        .waves
        .len()
        .checked_sub(2)
        .and_then(|i| analysis.waves[i].as_deref());
    analysis
        .latest()
        .filter(|s| !s.key.is_all())
        .map(|slice| {
            let causes: Vec<String> = analysis
                .root_causes
                .iter()
                .find(|(k, _)| *k == slice.key)
                .map(|(_, causes)| {
                    causes
                        .iter()
                        .filter(|c| c.outcome == primary && c.contribution > 0.0)
                        .take(CAUSES)
                        .map(|c| {
                            let node = &model.nodes[c.driver];
                            format!(
                                "{} {:.0}%",
                                node.label.text(lang, &node.id),
                                c.share * 100.0
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let actions: Vec<String> = report
                .recommendations
                .actions
                .iter()
                .filter(|a| a.segments.contains(&slice.key) || a.segment == slice.key)
                .map(|a| format!("#{}", a.rank))
                .collect();
            let outcome = &model.nodes[primary];
            let name = outcome.label.text(lang, &outcome.id);
            // The segment's primary outcome and its change since the previous wave.
            let trend = slice.scores[primary].as_ref().map(|score| {
                let now = format_score(model, primary, score.score);
                match (slice.trend[primary], previous) {
                    (Some(change), Some(wave)) => match lang {
                        Lang::Zh => format!("{name} {now}（较 {wave} {change:+.2}）"),
                        Lang::En => format!("{name} {now} ({change:+.2} since {wave})"),
                    },
                    _ => format!("{name} {now}"),
                }
            });
            let trend = trend.map(|t| format!("{t}; ")).unwrap_or_default();
            let trend = match lang {
                Lang::Zh => trend.replace("; ", "；"),
                Lang::En => trend,
            };
            let none = t(lang, "无", "none");
            let causes = if causes.is_empty() {
                none.to_string()
            } else {
                causes.join(", ")
            };
            let actions = if actions.is_empty() {
                t(lang, "无", "none of its own").to_string()
            } else {
                actions.join(", ")
            };
            match lang {
                Lang::Zh => format!(
                    "{}（n={}，占 {:.0}%）：{trend}主要根因 {causes}；专门行动 {actions}",
                    slice.key.name(),
                    slice.rows,
                    slice.share * 100.0
                ),
                Lang::En => format!(
                    "{} (n={}, {:.0}%): {trend}root causes {causes}; its actions {actions}",
                    slice.key.name(),
                    slice.rows,
                    slice.share * 100.0
                ),
            }
        })
        .collect()
}

/// The heading of the per-segment section.
pub fn heading(lang: Lang) -> &'static str {
    t(
        lang,
        "各分群：主要根因与专门行动（全样本行动适用于所有分群）",
        "By segment: largest root causes and the actions meant for it (actions for all apply everywhere)",
    )
}
