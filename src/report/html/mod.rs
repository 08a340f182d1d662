//! The self-contained HTML report: one file, no scripts and nothing fetched from
//! the network (a Content-Security-Policy forbids both), charts drawn as inline SVG
//! by this module, a data table under each chart, and every piece of user text
//! passed through [`escape`].

mod bars;
mod escape;
mod graph;
mod ipma;
mod segment_trends;
pub(crate) mod svg;
mod table;
mod trends;

pub use escape::escape;
pub use graph::layers;
pub(crate) use table::html_table;

use std::io::Write;

use super::words::{format_score, t};
use super::Report;
use crate::actions::format_number;
use crate::analysis::SliceResult;
use crate::model::Lang;

const STYLE: &str = include_str!("style.css");

/// Render the report as one HTML page.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    render_with(report, &[], out)
}

/// Render the report with `extra` sections (finished HTML from
/// `report::whatif::whatif_section` and `report::plan::plan_section`) after the root causes.
pub fn render_with(report: &Report, extra: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    let lang = report.lang;
    let model = report.model;
    let analysis = report.analysis;
    let latest: Vec<&SliceResult> = analysis.latest().collect();
    let mut html = String::new();
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        match lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        },
        escape(&format!("{} — sattrace", model.name))
    ));
    html.push_str(&format!("<h1>{}</h1>\n", escape(&model.name)));
    let waves = crate::report::wave_names(analysis);
    html.push_str(&format!(
        "<p class=\"meta\">{}: {} · {} {}{}</p>\n",
        escape(t(lang, "数据", "Data")),
        escape(report.data_name),
        report.survey.rows,
        escape(t(lang, "份答卷", "responses")),
        if waves.is_empty() {
            String::new()
        } else {
            escape(&format!(
                " · {} {}",
                t(lang, "波次", "waves"),
                waves.join(" → ")
            ))
        }
    ));
    let Some(all) = latest.first().copied() else {
        html.push_str("</main>\n</body>\n</html>\n");
        return out.write_all(html.as_bytes());
    };
    html.push_str(&headline(report, all));
    let changes = super::waves::latest_changes(report);
    let sections: [(&str, String); 5] = [
        (
            t(lang, "先做什么", "What to do first"),
            bars::actions(report),
        ),
        (
            t(lang, "哪里失分", "Where satisfaction is lost"),
            ipma::section(report, all),
        ),
        (
            t(
                lang,
                "缺口如何传到结果",
                "How the gap flows to the outcomes",
            ),
            graph::section(report, all),
        ),
        (
            t(lang, "波次趋势与目标", "Wave trends and targets"),
            trends::section(report, &changes),
        ),
        (
            t(lang, "分群比较", "Segments"),
            bars::segments(report, &latest),
        ),
    ];
    let segment_trends = segment_trends::section(report);
    let sections = sections.into_iter().chain(
        segment_trends.map(|body| (t(lang, "分群的波次趋势", "Segment trends over waves"), body)),
    );
    for (title, body) in sections {
        html.push_str(&format!(
            "<section>\n<h2>{}</h2>\n{body}</section>\n",
            escape(title)
        ));
    }
    html.push_str(&root_causes(report, all));
    for section in extra {
        html.push_str(section);
    }
    let notes: Vec<String> = analysis
        .notes
        .iter()
        .map(|n| crate::report::notes::note_text(n, lang))
        .chain(
            report
                .recommendations
                .failures
                .iter()
                .map(|f| f.to_string()),
        )
        .collect();
    if !notes.is_empty() {
        html.push_str(&format!(
            "<section>\n<h2>{}</h2>\n<ul>\n",
            escape(t(lang, "注", "Notes"))
        ));
        for note in notes {
            html.push_str(&format!("<li>{}</li>\n", escape(&note)));
        }
        html.push_str("</ul>\n</section>\n");
    }
    html.push_str(&format!(
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        escape(t(
            lang,
            "由 sattrace 生成；同样的输入给出同样的文件。",
            "Made by sattrace; the same inputs give the same file."
        ))
    ));
    out.write_all(html.as_bytes())
}

/// Where satisfaction is lost and what to do first, in two sentences.
fn headline(report: &Report, all: &SliceResult) -> String {
    let lang = report.lang;
    let model = report.model;
    let primary = report.analysis.primary_outcome;
    let label = |i: usize| model.nodes[i].label.text(lang, &model.nodes[i].id);
    let mut lines = Vec::new();
    if let Some(score) = &all.scores[primary] {
        let mut line = match lang {
            Lang::Zh => format!(
                "{} {}",
                label(primary),
                format_score(model, primary, score.score)
            ),
            Lang::En => format!(
                "{} is {}",
                label(primary),
                format_score(model, primary, score.score)
            ),
        };
        if let Some(target) = score.target {
            line.push_str(&match lang {
                Lang::Zh => format!(
                    "，目标 {}（差距 {:.2}）。",
                    format_score(model, primary, target),
                    score.gap
                ),
                Lang::En => format!(
                    " against a target of {} (gap {:.2}).",
                    format_score(model, primary, target),
                    score.gap
                ),
            });
        }
        let cause = report
            .analysis
            .root_causes
            .iter()
            .find(|(k, _)| k.is_all())
            .and_then(|(_, c)| c.iter().find(|c| c.outcome == primary));
        if let Some(c) = cause {
            line.push_str(&match (lang, c.meets_target) {
                (Lang::Zh, true) => {
                    format!("最大根因：{}，单独补齐其缺口即可达标。", label(c.driver))
                }
                (Lang::Zh, false) => format!(
                    "最大根因：{}，补齐其缺口可覆盖缺口的 {:.0}%。",
                    label(c.driver),
                    c.share * 100.0
                ),
                (Lang::En, true) => format!(
                    " Largest root cause: {}; closing its gap alone would meet the target.",
                    label(c.driver)
                ),
                (Lang::En, false) => format!(
                    " Largest root cause: {}; closing its gap covers {:.0}% of the gap.",
                    label(c.driver),
                    c.share * 100.0
                ),
            });
        }
        lines.push(line);
    }
    if let Some(a) = report.recommendations.actions.first() {
        lines.push(match lang {
            Lang::Zh => format!(
                "首要行动：{}（{}，预计提升 {:.2} 个指数点，成本 {}）。",
                a.title.text(lang, &a.rule),
                label(a.driver),
                a.uplift,
                format_number(a.cost)
            ),
            Lang::En => format!(
                "Do first: {} ({}, expected +{:.2} index points, cost {}).",
                a.title.text(lang, &a.rule),
                label(a.driver),
                a.uplift,
                format_number(a.cost)
            ),
        });
    }
    let body: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>\n", escape(l)))
        .collect();
    format!("<div class=\"headline\" role=\"note\">\n{body}</div>\n")
}

fn root_causes(report: &Report, all: &SliceResult) -> String {
    let lang = report.lang;
    let model = report.model;
    let Some((_, causes)) = report.analysis.root_causes.iter().find(|(k, _)| k.is_all()) else {
        return String::new();
    };
    if causes.is_empty() {
        return String::new();
    }
    let label = |i: usize| {
        model.nodes[i]
            .label
            .text(lang, &model.nodes[i].id)
            .to_string()
    };
    let rows: Vec<Vec<String>> = causes
        .iter()
        .map(|c| {
            vec![
                label(c.outcome),
                all.scores[c.outcome]
                    .as_ref()
                    .map(|s| format!("{:.1}", s.index_gap))
                    .unwrap_or_default(),
                label(c.driver),
                format!("{:.2}", c.contribution),
                super::table::cover_text(c, lang),
                c.path
                    .iter()
                    .map(|&p| label(p))
                    .collect::<Vec<_>>()
                    .join(" → "),
            ]
        })
        .collect();
    let title = t(lang, "根因", "Root causes");
    format!(
        "<section>\n<h2>{}</h2>\n{}{}</section>\n",
        escape(title),
        table::html_table(
            title,
            &[
                t(lang, "结果", "Outcome"),
                t(lang, "缺口", "Gap"),
                t(lang, "驱动因素", "Driver"),
                t(lang, "补齐后提升", "Lift if closed"),
                t(lang, "覆盖缺口", "Covers"),
                t(lang, "路径", "Path"),
            ],
            &rows,
            &[false, true, false, true, true, false],
        ),
        {
            let listed: Vec<&crate::analysis::RootCause> = causes.iter().collect();
            super::table::uncovered_lines(model, &listed, lang)
                .iter()
                .map(|l| format!("<p class=\"note\">{}</p>\n", escape(l)))
                .collect::<String>()
        }
    )
}
