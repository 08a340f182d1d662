//! The terminal report: scores, segment comparison, root causes and ranked actions,
//! aligned for CJK text.

use std::io::Write;

use super::text::table;
use super::words::{format_score, quadrant_label, t, wave_title};
use super::Report;
use crate::actions::why_text;
use crate::analysis::SliceResult;
use crate::model::{Lang, Method, Model};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A root cause's "covers" cell: the part of the outcome's gap its closed gap
/// covers, capped at 100 %, saying so when it alone would meet the target.
pub(crate) fn cover_text(cause: &crate::analysis::RootCause, lang: Lang) -> String {
    if cause.meets_target {
        t(
            lang,
            "100%（单独即可达标）",
            "100% (alone meets the target)",
        )
        .to_string()
    } else {
        format!("{:.0}%", cause.share * 100.0)
    }
}

/// One line per outcome of `causes`: what the listed drivers leave of its gap.
pub(crate) fn uncovered_lines(
    model: &Model,
    causes: &[&crate::analysis::RootCause],
    lang: Lang,
) -> Vec<String> {
    let mut outcomes: Vec<usize> = causes.iter().map(|c| c.outcome).collect();
    outcomes.dedup();
    outcomes
        .into_iter()
        .map(|outcome| {
            let label = model.nodes[outcome].label.text(lang, &model.nodes[outcome].id);
            let (left, part) = crate::analysis::uncovered(
                causes.iter().copied().filter(|c| c.outcome == outcome),
            );
            if left <= 0.0 {
                match lang {
                    Lang::Zh => format!("{label}：所列驱动因素的缺口一起补齐即可达标。"),
                    Lang::En => format!(
                        "{label}: closing the listed drivers' gaps together would meet the target."
                    ),
                }
            } else {
                match lang {
                    Lang::Zh => format!(
                        "{label}：所列驱动因素的缺口全部补齐后，仍差 {left:.2} 个指数点（缺口的 {:.0}%）未能解释。",
                        part * 100.0
                    ),
                    Lang::En => format!(
                        "{label}: the listed drivers leave {left:.2} index points ({:.0}% of the gap) unexplained.",
                        part * 100.0
                    ),
                }
            }
        })
        .collect()
}

/// What `--on-invalid skip` skipped: the total, the count per column (sorted by
/// column), and the rows dropped for a bad weight, segment or wave.
pub(crate) fn skipped_summary(invalid: &crate::data::InvalidReport, lang: Lang) -> String {
    let per_column: Vec<String> = invalid
        .columns
        .iter()
        .map(|(column, n)| format!("{column} {n}"))
        .collect();
    let mut text = String::new();
    if invalid.total > 0 || invalid.skipped_rows > 0 {
        text = format!(
            "{} {}{}{}",
            invalid.total,
            t(lang, "个无效值被跳过", "invalid values skipped"),
            t(lang, "：", ": "),
            per_column.join(t(lang, "、", ", "))
        );
    }
    if invalid.skipped_rows > 0 {
        text.push_str(&format!(
            "{}{} {}",
            t(lang, "；其中丢弃 ", "; "),
            invalid.skipped_rows,
            t(
                lang,
                "行（权重、分群或波次无效）",
                "rows dropped (bad weight, segment or wave)"
            )
        ));
    }
    if invalid.blank_rows > 0 {
        if !text.is_empty() {
            text.push_str(t(lang, "；", "; "));
        }
        text.push_str(&format!(
            "{} {}",
            invalid.blank_rows,
            t(
                lang,
                "个空行（只有分隔符）被跳过",
                "blank rows (separators only) skipped"
            )
        ));
    }
    if let Some(first) = &invalid.first_repeat {
        if !text.is_empty() {
            text.push_str(t(lang, "；", "; "));
        }
        text.push_str(&format!(
            "{} {}{}{}{} {} {}{}",
            invalid.repeated_ids,
            t(
                lang,
                "行的受访者编号重复（仍按独立答卷计入），第一个：",
                "rows repeat a respondent id (kept as separate responses), first: "
            ),
            first.id,
            t(lang, "（第 ", " (lines "),
            first.first,
            t(lang, "行和第", "and"),
            first.again,
            t(lang, " 行）", ")")
        ));
    }
    if !invalid.empty_columns.is_empty() {
        if !text.is_empty() {
            text.push_str(t(lang, "；", "; "));
        }
        text.push_str(&format!(
            "{}{}{}",
            t(
                lang,
                "这些题目没有任何有效回答：",
                "no valid answer in any row: "
            ),
            invalid.empty_columns.join(t(lang, "、", ", ")),
            t(
                lang,
                "（检查导出文件或列名）",
                " (check the export or the column names)"
            )
        ));
    }
    text
}

/// An importance cell: R² shares (`lmg`, `relweights`, `dominance`) as a percentage of
/// the outcome's variance, so small shares do not round to 0.00; coefficients and
/// correlations with two decimals.
fn importance_cell(value: f64, method: Method) -> String {
    if method.shares_r2() {
        format!("{:.1}%", 100.0 * value)
    } else {
        format!("{value:.2}")
    }
}

/// What the importance column means under `method` (one footnote, no contradiction).
fn importance_meaning(method: Method, lang: Lang) -> String {
    match method {
        Method::Ols | Method::Beta => {
            t(lang, "标准化总效应", "standardized total effect").to_string()
        }
        Method::Lmg | Method::Relweights | Method::Dominance => format!(
            "{}{}{}",
            t(
                lang,
                "按 ",
                "share of the primary outcome's variance attributed to the driver by "
            ),
            method.as_str(),
            t(
                lang,
                " 分解的总体满意度方差份额（经所有路径）",
                " (through all paths)"
            )
        ),
        Method::Corr => t(
            lang,
            "与驱动因素的相关系数（经所有路径）",
            "correlation through all paths",
        )
        .to_string(),
        Method::Pls => t(lang, "PLS 标准化总效应", "PLS standardized total effect").to_string(),
    }
}

fn signed(value: f64, decimals: usize) -> String {
    let text = format!("{value:+.decimals$}");
    if text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.decimals$}", 0.0)
    } else {
        text.replace('-', "−")
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let model = report.model;
    let analysis = report.analysis;
    let lang = report.lang;
    let primary = analysis.primary_outcome;
    let waves = crate::report::wave_names(analysis);
    writeln!(
        out,
        "{} — {}, {} {}{}",
        model.name,
        report.data_name,
        report.survey.rows,
        t(lang, "份答卷", "responses"),
        if waves.is_empty() {
            String::new()
        } else {
            format!(", {} {}", t(lang, "波次", "waves"), waves.join(" → "))
        }
    )?;
    if !report.survey.invalid.is_empty() {
        writeln!(out, "{}", skipped_summary(&report.survey.invalid, lang))?;
    }
    let latest: Vec<&SliceResult> = analysis.latest().collect();
    let Some(all) = latest.first() else {
        return Ok(());
    };

    writeln!(
        out,
        "\n{} ({})",
        t(lang, "得分", "Scores"),
        wave_title(all, lang)
    )?;
    let header = strings(&[
        t(lang, "驱动因素", "driver"),
        t(lang, "得分", "score"),
        t(lang, "指数", "index"),
        "95% CI",
        t(lang, "目标", "target"),
        t(lang, "差距", "gap"),
        t(lang, "效应", "effect"),
        t(lang, "重要性", "importance"),
        t(lang, "象限", "quadrant"),
        t(lang, "变化", "trend"),
    ]);
    let method = all
        .effects
        .importance_method
        .get(primary)
        .copied()
        .flatten()
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (i, node) in model.nodes.iter().enumerate() {
        let Some(score) = &all.scores[i] else {
            continue;
        };
        let outcome_node = node.outcome;
        rows.push(vec![
            node.label.text(lang, &node.id).to_string(),
            format_score(model, i, score.score),
            format!("{:.1}", score.index),
            format!(
                "{}–{}",
                format_score(model, i, score.ci_low),
                format_score(model, i, score.ci_high)
            ),
            score
                .target
                .map(|t| format_score(model, i, t))
                .unwrap_or_default(),
            if score.target.is_some() {
                signed(score.gap, 2)
            } else {
                String::new()
            },
            if outcome_node {
                String::new()
            } else {
                format!("{:.3}", all.effect(i, primary))
            },
            if outcome_node {
                String::new()
            } else {
                importance_cell(all.importance(i, primary), method)
            },
            quadrant_label(all.quadrant[i], lang),
            all.trend[i].map(|v| signed(v, 2)).unwrap_or_default(),
        ]);
    }
    let right = [false, true, true, true, true, true, true, true, false, true];
    write!(out, "{}", table(&header, &rows, &right))?;
    writeln!(
        out,
        "{}",
        t(
            lang,
            "效应：驱动因素每提升 1 个指数点，总体满意度指数的变化（总效应）；重要性：{importance}；差距为正表示未达目标。",
            "effect: index points of the primary outcome per index point of the driver (total effect); importance: {importance}; a positive gap is short of target."
        )
        .replace("{importance}", &importance_meaning(method, lang))
        .replace("总体满意度", model.nodes[primary].label.text(lang, &model.nodes[primary].id))
    )?;
    // How the quadrants are split (issue 14: say it where the labels are read).
    writeln!(
        out,
        "{}",
        t(
            lang,
            "象限：以各驱动因素效应的平均值和指数的平均值为界划分（等于平均值算作高）；低于自身目标的驱动因素不会标为“可能过度”，而是“低优先”。",
            "quadrant: split at the drivers' mean effect and mean index (at a mean counts as high); a driver below its own target is never \"overkill\", it is \"low priority\" instead."
        )
    )?;
    if let Some(line) = correction_line(model, &all.effects.correction, lang) {
        writeln!(out, "{line}")?;
    }

    if let Some((title, header, rows)) = super::waves::section(report) {
        writeln!(out, "\n{title}")?;
        let right = [false, true, true, false, true, false, false];
        write!(out, "{}", table(&header, &rows, &right))?;
        writeln!(out, "{}", super::waves::note(lang))?;
    }

    if latest.len() > 1 {
        writeln!(
            out,
            "\n{} ({})",
            t(lang, "分群比较", "Segments"),
            latest[0].wave.clone().unwrap_or_default()
        )?;
        let mut header = vec![t(lang, "驱动因素", "driver").to_string()];
        header.extend(
            latest
                .iter()
                .map(|s| format!("{} (n={})", s.key.name(), s.rows)),
        );
        let mut rows = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            let mut row = vec![node.label.text(lang, &node.id).to_string()];
            row.extend(latest.iter().map(|s| {
                s.scores[i]
                    .as_ref()
                    .map(|sc| format_score(model, i, sc.score))
                    .unwrap_or_else(|| "–".into())
            }));
            rows.push(row);
        }
        let right: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
        write!(out, "{}", table(&header, &rows, &right))?;
    }

    for (key, causes) in &analysis.root_causes {
        if causes.is_empty() || !key.is_all() {
            continue;
        }
        writeln!(
            out,
            "\n{} ({})",
            t(lang, "根因", "Root causes"),
            wave_title(all, lang)
        )?;
        let header = strings(&[
            t(lang, "结果", "outcome"),
            t(lang, "缺口", "gap"),
            t(lang, "驱动因素", "driver"),
            t(lang, "补齐后提升", "lift if closed"),
            t(lang, "覆盖缺口", "covers"),
            t(lang, "路径", "path"),
        ]);
        // The three strongest causes per outcome; the JSON has them all.
        let mut shown: Vec<&crate::analysis::RootCause> = Vec::new();
        for cause in causes {
            if shown.iter().filter(|c| c.outcome == cause.outcome).count() < 3 {
                shown.push(cause);
            }
        }
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|c| {
                let outcome = &model.nodes[c.outcome];
                let gap = all.scores[c.outcome]
                    .as_ref()
                    .map(|s| s.index_gap)
                    .unwrap_or(0.0);
                vec![
                    outcome.label.text(lang, &outcome.id).to_string(),
                    format!("{gap:.1}"),
                    model.nodes[c.driver]
                        .label
                        .text(lang, &model.nodes[c.driver].id)
                        .to_string(),
                    format!("{:.2}", c.contribution),
                    cover_text(c, lang),
                    c.path
                        .iter()
                        .map(|&p| model.nodes[p].label.text(lang, &model.nodes[p].id))
                        .collect::<Vec<_>>()
                        .join(" → "),
                ]
            })
            .collect();
        write!(
            out,
            "{}",
            table(&header, &rows, &[false, true, false, true, true, false])
        )?;
        for line in uncovered_lines(model, &shown, lang) {
            writeln!(out, "{line}")?;
        }
        writeln!(
            out,
            "{}",
            t(
                lang,
                "缺口与提升单位为结果的指数点（NPS 为分，比率为百分点）；补齐后提升 = 总效应 × 驱动因素与其目标的差距（各驱动因素可相加）。",
                "gap and lift in the outcome's index points (NPS points, percentage points for rates); lift if closed = total effect × the driver's gap to its target (lifts add up across drivers)."
            )
        )?;
    }

    let actions = &report.recommendations.actions;
    writeln!(
        out,
        "\n{}",
        t(
            lang,
            "建议行动（按优先级排序）",
            "Actions (ranked by priority)"
        )
    )?;
    if actions.is_empty() {
        writeln!(out, "{}", t(lang, "没有规则触发。", "No rule fired."))?;
    } else {
        let header = strings(&[
            "#",
            t(lang, "行动", "action"),
            t(lang, "驱动因素", "driver"),
            t(lang, "分群", "segment"),
            t(lang, "提升", "uplift"),
            t(lang, "成本", "cost"),
            t(lang, "优先级", "priority"),
        ]);
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
                    crate::actions::format_number(a.cost),
                    format!("{:.3}", a.priority),
                ]
            })
            .collect();
        write!(
            out,
            "{}",
            table(
                &header,
                &rows,
                &[true, false, false, false, true, true, true]
            )
        )?;
        for a in actions {
            writeln!(out, "\n{}. {}", a.rank, a.action.text(lang, &a.rule))?;
            writeln!(
                out,
                "   {}: {}",
                t(lang, "原因", "why"),
                why_text(model, primary, a, lang)
            )?;
        }
    }
    let by_segment = super::by_segment::segment_lines(report);
    if !by_segment.is_empty() {
        writeln!(out, "\n{}", super::by_segment::heading(lang))?;
        for line in by_segment {
            writeln!(out, "- {line}")?;
        }
    }
    if let Some(gap) = super::coverage::uncovered_root_cause(report) {
        writeln!(out, "\n{gap}")?;
    }
    let silent = super::coverage::silent_lines(report);
    if !silent.is_empty() {
        writeln!(
            out,
            "\n{}",
            t(
                lang,
                "未触发的规则及原因",
                "Rules that did not fire, and why"
            )
        )?;
        for line in silent {
            writeln!(out, "- {line}")?;
        }
    }
    for failure in &report.recommendations.failures {
        writeln!(out, "\n{}: {failure}", t(lang, "规则出错", "rule failed"))?;
    }
    for note in &analysis.notes {
        writeln!(
            out,
            "{}: {}",
            t(lang, "注", "note"),
            super::notes::note_text(note, lang)
        )?;
    }
    Ok(())
}

/// One line saying whether the effects are corrected for measurement error and by
/// which reliabilities (`docs/methods.md`, "The effect model").
pub(crate) fn correction_line(
    model: &Model,
    correction: &crate::analysis::Correction,
    lang: Lang,
) -> Option<String> {
    use crate::analysis::CorrectionStatus as S;
    let list = || {
        correction
            .nodes
            .iter()
            .map(|r| {
                format!(
                    "{} {:.2}",
                    model.nodes[r.node]
                        .label
                        .text(lang, &model.nodes[r.node].id),
                    r.reliability
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match correction.status {
        S::Corrected => Some(format!(
            "{}{}",
            t(
                lang,
                "效应已按测量误差校正（信度）：",
                "effects corrected for measurement error (reliability): "
            ),
            list()
        )),
        S::Observed | S::Exact => None,
        S::NoItemMoments => Some(
            t(
                lang,
                "效应未按测量误差校正：数据中没有题目矩。",
                "effects not corrected for measurement error: the data carry no item moments.",
            )
            .to_string(),
        ),
        S::NotPositiveDefinite => Some(
            t(
                lang,
                "效应未按测量误差校正：校正后的协方差矩阵不正定，使用观测值。",
                "effects not corrected for measurement error: the corrected covariance matrix is not positive definite, so the observed one is used.",
            )
            .to_string(),
        ),
    }
}

#[cfg(test)]
mod skipped_tests {
    use super::*;
    use crate::data::InvalidReport;

    #[test]
    fn skipped_summary_lists_each_column_and_the_dropped_rows() {
        let invalid = InvalidReport {
            columns: [("q_b".to_string(), 2), ("q_a".to_string(), 1)]
                .into_iter()
                .collect(),
            total: 3,
            skipped_rows: 1,
            ..InvalidReport::default()
        };
        assert_eq!(
            skipped_summary(&invalid, Lang::En),
            "3 invalid values skipped: q_a 1, q_b 2; 1 rows dropped (bad weight, segment or wave)"
        );
        assert_eq!(
            skipped_summary(&invalid, Lang::Zh),
            "3 个无效值被跳过：q_a 1、q_b 2；其中丢弃 1 行（权重、分群或波次无效）"
        );
        let blank = InvalidReport {
            blank_rows: 2,
            ..InvalidReport::default()
        };
        assert_eq!(
            skipped_summary(&blank, Lang::En),
            "2 blank rows (separators only) skipped"
        );
        assert_eq!(
            skipped_summary(&blank, Lang::Zh),
            "2 个空行（只有分隔符）被跳过"
        );
        let repeated = InvalidReport {
            repeated_ids: 2,
            first_repeat: Some(crate::data::RepeatedId {
                id: "1023".into(),
                first: 12,
                again: 57,
            }),
            ..InvalidReport::default()
        };
        assert_eq!(
            skipped_summary(&repeated, Lang::En),
            "2 rows repeat a respondent id (kept as separate responses), first: 1023 (lines 12 and 57)"
        );
        assert_eq!(
            skipped_summary(&repeated, Lang::Zh),
            "2 行的受访者编号重复（仍按独立答卷计入），第一个：1023（第 12 行和第 57 行）"
        );
        let empty = InvalidReport {
            empty_columns: vec!["q_a".into(), "q_b".into()],
            ..InvalidReport::default()
        };
        assert_eq!(
            skipped_summary(&empty, Lang::En),
            "no valid answer in any row: q_a, q_b (check the export or the column names)"
        );
        assert_eq!(
            skipped_summary(&empty, Lang::Zh),
            "这些题目没有任何有效回答：q_a、q_b（检查导出文件或列名）"
        );
    }
}
