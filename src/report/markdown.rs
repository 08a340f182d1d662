//! GitHub-flavoured Markdown for pull requests and wikis. User text is escaped so
//! a label cannot break the table or inject markup.

use std::io::Write;

use super::words::{format_score, quadrant_label, t, wave_title};
use super::Report;
use crate::actions::{format_number, why_text};

/// Escape text for a Markdown table cell.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// [`md_escape`] outside code spans; a code span (`` `driver.gap > 0` ``) is kept
/// as written so it renders as code. Unbalanced backticks: everything escaped.
pub fn md_escape_text(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return md_escape(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{}`", part.replace(['\n', '\r'], " "))
            } else {
                md_escape(part)
            }
        })
        .collect()
}

fn row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let model = report.model;
    let analysis = report.analysis;
    let lang = report.lang;
    let primary = analysis.primary_outcome;
    writeln!(out, "# {}\n", md_escape(&model.name))?;
    writeln!(
        out,
        "{}: `{}`, {} {}\n",
        t(lang, "数据", "Data"),
        md_escape(report.data_name),
        report.survey.rows,
        t(lang, "份答卷", "responses")
    )?;
    let latest: Vec<_> = analysis.latest().collect();
    let Some(all) = latest.first() else {
        return Ok(());
    };
    writeln!(
        out,
        "## {} ({})\n",
        t(lang, "得分", "Scores"),
        md_escape(&wave_title(all, lang))
    )?;
    writeln!(
        out,
        "{}",
        row(&[
            t(lang, "驱动因素", "Driver").into(),
            t(lang, "得分", "Score").into(),
            "95% CI".into(),
            t(lang, "目标", "Target").into(),
            t(lang, "效应", "Effect").into(),
            t(lang, "象限", "Quadrant").into(),
        ])
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---|")?;
    for (i, node) in model.nodes.iter().enumerate() {
        let Some(score) = &all.scores[i] else {
            continue;
        };
        writeln!(
            out,
            "{}",
            row(&[
                md_escape(node.label.text(lang, &node.id)),
                format_score(model, i, score.score),
                format!(
                    "{}–{}",
                    format_score(model, i, score.ci_low),
                    format_score(model, i, score.ci_high)
                ),
                score
                    .target
                    .map(|v| format_score(model, i, v))
                    .unwrap_or_default(),
                if node.outcome {
                    String::new()
                } else {
                    format!("{:.3}", all.effect(i, primary))
                },
                quadrant_label(all.quadrant[i], lang),
            ])
        )?;
    }
    if let Some((title, header, rows)) = super::waves::section(report) {
        writeln!(out, "\n## {}\n", md_escape(&title))?;
        writeln!(out, "{}", row(&header))?;
        writeln!(out, "|---|---:|---:|---|---:|---|---|")?;
        for cells in rows {
            let cells: Vec<String> = cells.iter().map(|c| md_escape(c)).collect();
            writeln!(out, "{}", row(&cells))?;
        }
        writeln!(out, "\n{}", super::waves::note(lang))?;
    }
    if latest.len() > 1 {
        writeln!(
            out,
            "\n## {} ({})\n",
            t(lang, "分群比较", "Segments"),
            md_escape(&wave_title(all, lang))
        )?;
        let mut header = vec![t(lang, "驱动因素", "Driver").to_string()];
        header.extend(
            latest
                .iter()
                .map(|s| md_escape(&format!("{} (n={})", s.key.name(), s.rows))),
        );
        writeln!(out, "{}", row(&header))?;
        writeln!(out, "|---|{}", "---:|".repeat(latest.len()))?;
        for (i, node) in model.nodes.iter().enumerate() {
            let mut cells = vec![md_escape(node.label.text(lang, &node.id))];
            cells.extend(latest.iter().map(|s| {
                s.scores[i]
                    .as_ref()
                    .map(|sc| format_score(model, i, sc.score))
                    .unwrap_or_else(|| "–".into())
            }));
            writeln!(out, "{}", row(&cells))?;
        }
    }
    if let Some((_, causes)) = analysis.root_causes.iter().find(|(k, _)| k.is_all()) {
        if !causes.is_empty() {
            writeln!(out, "\n## {}\n", t(lang, "根因", "Root causes"))?;
            writeln!(
                out,
                "{}",
                row(&[
                    t(lang, "结果", "Outcome").into(),
                    t(lang, "驱动因素", "Driver").into(),
                    t(lang, "补齐后提升", "Lift if closed").into(),
                    t(lang, "覆盖缺口", "Covers").into(),
                    t(lang, "路径", "Path").into(),
                ])
            )?;
            writeln!(out, "|---|---|---:|---:|---|")?;
            for c in causes {
                let label =
                    |i: usize| md_escape(model.nodes[i].label.text(lang, &model.nodes[i].id));
                writeln!(
                    out,
                    "{}",
                    row(&[
                        label(c.outcome),
                        label(c.driver),
                        format!("{:.2}", c.contribution),
                        md_escape(&super::table::cover_text(c, lang)),
                        c.path
                            .iter()
                            .map(|&p| label(p))
                            .collect::<Vec<_>>()
                            .join(" → "),
                    ])
                )?;
            }
            let listed: Vec<&crate::analysis::RootCause> = causes.iter().collect();
            writeln!(out)?;
            for line in super::table::uncovered_lines(model, &listed, lang) {
                writeln!(out, "{}", md_escape(&line))?;
            }
        }
    }
    writeln!(
        out,
        "\n## {}\n\n```mermaid\n{}```",
        t(lang, "驱动因素图", "Driver graph"),
        super::graph_export::mermaid(model, report.graph, Some(&all.effects), lang)
    )?;
    writeln!(out, "\n## {}\n", t(lang, "建议行动", "Actions"))?;
    if report.recommendations.actions.is_empty() {
        writeln!(out, "{}", t(lang, "没有规则触发。", "No rule fired."))?;
    }
    for a in &report.recommendations.actions {
        writeln!(
            out,
            "{}. **{}** ({}, {}: {:.2}, {}: {}) — {}  \n   {}",
            a.rank,
            md_escape(a.title.text(lang, &a.rule)),
            md_escape(&crate::actions::segments_label(a, lang)),
            t(lang, "提升", "uplift"),
            a.uplift,
            t(lang, "成本", "cost"),
            format_number(a.cost),
            md_escape(a.action.text(lang, "")),
            md_escape_text(&why_text(model, primary, a, lang)),
        )?;
    }
    let by_segment = super::by_segment::segment_lines(report);
    if !by_segment.is_empty() {
        writeln!(out, "\n### {}\n", super::by_segment::heading(lang))?;
        for line in by_segment {
            writeln!(out, "- {}", md_escape(&line))?;
        }
    }
    if let Some(gap) = super::coverage::uncovered_root_cause(report) {
        writeln!(out, "\n> {}", md_escape_text(&gap))?;
    }
    let silent = super::coverage::silent_lines(report);
    if !silent.is_empty() {
        writeln!(
            out,
            "\n### {}\n",
            t(
                lang,
                "未触发的规则及原因",
                "Rules that did not fire, and why"
            )
        )?;
        for line in silent {
            writeln!(out, "- {}", md_escape_text(&line))?;
        }
    }
    Ok(())
}
