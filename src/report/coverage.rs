//! What the rules do not cover, in words: the largest root cause no action acts
//! on, and each rule that recommended nothing with the values its `when` saw.

use super::words::{segment_label, t};
use super::Report;
use crate::actions::{format_number, Silent, SilentDriver, SilentReason};
use crate::model::Lang;

/// Drivers whose values are shown for a silent rule.
const SHOWN: usize = 3;

/// "No rule acts on X, the largest root cause: add one", when no action moves the
/// largest root cause of the primary outcome in the whole sample (an action on a
/// driver upstream of it counts).
pub fn uncovered_root_cause(report: &Report) -> Option<String> {
    let analysis = report.analysis;
    let model = report.model;
    let primary = analysis.primary_outcome;
    let (_, causes) = analysis.root_causes.iter().find(|(k, _)| k.is_all())?;
    let cause = causes
        .iter()
        .find(|c| c.outcome == primary && c.contribution > 0.0)?;
    let acted = report
        .recommendations
        .actions
        .iter()
        .any(|a| a.driver == cause.driver || report.graph.reaches(a.driver, cause.driver));
    if acted {
        return None;
    }
    let node = &model.nodes[cause.driver];
    let name = node.label.text(report.lang, &node.id);
    let share = cause.share * 100.0;
    Some(match report.lang {
        Lang::Zh => format!(
            "没有规则作用于最大的根因“{name}”（解释差距的 {share:.0}%）：请为它添加规则（`for: {{drivers: [{}]}}`）。",
            node.id
        ),
        Lang::En => format!(
            "No rule acts on {name}, the largest root cause ({share:.0}% of the gap): add one (`for: {{drivers: [{}]}}`).",
            node.id
        ),
    })
}

/// One line per rule that recommended nothing: why, with the values it saw.
pub fn silent_lines(report: &Report) -> Vec<String> {
    report
        .recommendations
        .silent
        .iter()
        .map(|s| silent_line(report, s))
        .collect()
}

fn silent_line(report: &Report, silent: &Silent) -> String {
    let lang = report.lang;
    let model = report.model;
    let title = silent.title.text(lang, &silent.rule);
    let head = match lang {
        Lang::Zh => format!("`{}`（{title}）", silent.rule),
        Lang::En => format!("`{}` ({title})", silent.rule),
    };
    let reason = match &silent.reason {
        SilentReason::NoDriver => t(
            lang,
            "模型中没有符合其 `for:` 的驱动因素",
            "no driver of the model matches its `for:`",
        )
        .to_string(),
        SilentReason::NoSlice => t(
            lang,
            "它限定的分群都不在最新一期数据中",
            "none of the segments it is limited to is in the latest wave",
        )
        .to_string(),
        SilentReason::WhenFalse {
            when,
            segment,
            drivers,
        } => {
            // The drivers that matter most first; a rule for every driver would
            // otherwise list them all.
            let mut shown: Vec<&SilentDriver> = drivers.iter().collect();
            shown.sort_by(|a, b| b.importance.abs().total_cmp(&a.importance.abs()));
            let more = shown.len().saturating_sub(SHOWN);
            shown.truncate(SHOWN);
            let mut values: Vec<String> = shown
                .iter()
                .map(|d| {
                    let node = &model.nodes[d.driver];
                    let name = node.label.text(lang, &node.id);
                    let target = d.target.map(|v| format!("{v:.2}"));
                    match lang {
                        Lang::Zh => format!(
                            "{name}：得分 {:.2}{}，差距 {:.2}，重要性 {:.2}，预计提升 {}",
                            d.score,
                            target.map(|v| format!("（目标 {v}）")).unwrap_or_default(),
                            d.gap,
                            d.importance,
                            format_number(round2(d.uplift))
                        ),
                        Lang::En => format!(
                            "{name}: score {:.2}{}, gap {:.2}, importance {:.2}, uplift {}",
                            d.score,
                            target.map(|v| format!(" (target {v})")).unwrap_or_default(),
                            d.gap,
                            d.importance,
                            format_number(round2(d.uplift))
                        ),
                    }
                })
                .collect();
            if more > 0 {
                values.push(match lang {
                    Lang::Zh => format!("另有 {more} 个驱动因素"),
                    Lang::En => format!("{more} more drivers"),
                });
            }
            let segment = segment_label(segment, lang);
            match lang {
                Lang::Zh => format!(
                    "条件 `{when}` 在 {segment} 中不成立 — {}",
                    values.join("；")
                ),
                Lang::En => format!("`{when}` is false in {segment} — {}", values.join("; ")),
            }
        }
    };
    match lang {
        Lang::Zh => format!("{head}：{reason}"),
        Lang::En => format!("{head}: {reason}"),
    }
}

fn round2(value: f64) -> f64 {
    super::round(value, 2)
}
