//! The what-if comparison as a table, JSON (`sattrace.whatif/1`), Markdown or an HTML
//! section. The comparison itself is computed by `crate::whatif`; each table is built
//! once here as a [`Grid`] and every format renders that grid.

mod html;
mod json;

pub use html::whatif_section;

use std::io::Write;

use crate::model::{Lang, Metric, Model};
use crate::report::grid::{render_page, Grid, Page};
use crate::report::words::format_score;
use crate::report::{round, segment_label, t, Format};
use crate::whatif::{
    ActionChange, ActionStatus, ChangeIntervals, MoveKind, Scenario, SegmentDiff, WhatIfDiff,
};

/// Everything the comparison shows.
pub struct WhatIfReport<'a> {
    pub model: &'a Model,
    pub scenario: &'a Scenario,
    pub diff: &'a WhatIfDiff,
    pub moved_rows: u64,
    pub basis: &'a str,
    pub wave: Option<&'a str>,
    pub lang: Lang,
    /// Bootstrap intervals of the changes, when computed.
    pub intervals: Option<&'a ChangeIntervals>,
    /// Intervals were asked for but cannot be made (a moments table has no
    /// respondents to resample).
    pub intervals_unavailable: bool,
}

fn score(model: &Model, node: usize, value: Option<f64>) -> String {
    value.map_or("–".to_string(), |v| format_score(model, node, v))
}

/// A change in the node's unit; a change that rounds to zero shows as an unsigned 0.
fn change(model: &Model, node: usize, value: f64) -> String {
    let decimals = if model.nodes[node].metric == Metric::Mean {
        2
    } else {
        1
    };
    let text = format!("{value:+.decimals$}");
    if text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.decimals$}", 0.0)
    } else {
        text
    }
}

/// The scenario in one line: `response_time = 4.2; network +0.3; where region=华东`
/// (`仅 region=华东` in Chinese).
pub fn describe(model: &Model, scenario: &Scenario, lang: Lang) -> String {
    let mut parts: Vec<String> = scenario
        .moves
        .iter()
        .map(|m| {
            let id = &model.nodes[m.node].id;
            let moved = match m.kind {
                MoveKind::Set(v) => format!("{id} = {v}"),
                MoveKind::Shift(d) => format!("{id} {d:+}"),
            };
            let mut names: Vec<String> = m.filter.iter().map(|(c, v)| format!("{c}={v}")).collect();
            if !m.any_of.is_empty() {
                // A union of slices: each respondent in any of them, moved once.
                let union: Vec<String> = m.any_of.iter().map(|k| k.name()).collect();
                names.push(union.join(" ∪ "));
            }
            if names.is_empty() {
                moved
            } else {
                format!("{moved} ({})", names.join(", "))
            }
        })
        .collect();
    if !scenario.filter.is_empty() {
        let filter: Vec<String> = scenario
            .filter
            .iter()
            .map(|(c, v)| format!("{c}={v}"))
            .collect();
        parts.push(format!("{} {}", t(lang, "仅", "where"), filter.join(", ")));
    }
    parts.join("; ")
}

/// Render in `format`.
pub fn render(report: &WhatIfReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    render_page(
        format,
        out,
        || json::json(report),
        |page| text(report, page),
    )
}

/// The page's title: "What-if: NAME".
fn title(report: &WhatIfReport) -> String {
    format!(
        "{}: {}",
        t(report.lang, "情景分析", "What-if"),
        scenario_name(&report.scenario.name, report.lang)
    )
}

/// A scenario's name in `lang`. A scenario from flags is named by them in English
/// (`shift network=0.3, where region=华东`, also in JSON); in Chinese each part's
/// verb is translated. A name a user wrote is kept as written.
fn scenario_name(name: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return name.to_string();
    }
    let verbs = [("set ", "设定 "), ("shift ", "调整 "), ("where ", "仅 ")];
    let parts: Option<Vec<String>> = name
        .split(", ")
        .map(|part| {
            verbs
                .iter()
                .find_map(|(en, zh)| part.strip_prefix(en).map(|rest| format!("{zh}{rest}")))
        })
        .collect();
    match parts {
        Some(parts) if !name.is_empty() => parts.join("，"),
        _ => name.to_string(),
    }
}

/// Said after the effects' basis of every aggregate what-if (from a moments table).
pub const AGGREGATE_NOTE: &str = "aggregate what-if from a moments table: respondents approximated per cell by a normal with the cell's means and covariance (rounded to each scale's steps), so clamping at the scale ends and the curve of NPS and rates are approximate";

/// The effects' basis in `lang`: slices as `all 2026H1` (`全部 2026H1`), joined by
/// `; `, and the note of an aggregate what-if.
fn basis_text(basis: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return basis.to_string();
    }
    let parts: Vec<String> = basis
        .split("; ")
        .map(|part| {
            if part == AGGREGATE_NOTE {
                "由矩表做的聚合情景分析：每个单元的受访者以该单元均值与协方差的正态分布近似（按量表刻度取整），因此量表两端的截断与 NPS、比率的曲线为近似值".to_string()
            } else {
                crate::report::notes::slice_zh(part)
            }
        })
        .collect();
    parts.join("；")
}

/// Every node of one segment before and after: score, change, index change and,
/// when computed, the change's bootstrap interval.
pub(crate) fn nodes_grid(report: &WhatIfReport, segment: &SegmentDiff) -> Grid {
    let (model, lang) = (report.model, report.lang);
    let mut grid = Grid::new(&[
        (t(lang, "节点", "Node"), false),
        (t(lang, "之前", "Before"), true),
        (t(lang, "之后", "After"), true),
        (t(lang, "变化", "Change"), true),
        (t(lang, "指数变化", "Index change"), true),
    ]);
    if let Some(intervals) = report.intervals {
        grid = grid.column(&interval_header(intervals, lang), true);
    }
    grid.rows = segment
        .nodes
        .iter()
        .map(|n| {
            let node = &model.nodes[n.node];
            let mut row = vec![
                node.label.text(lang, &node.id).to_string(),
                score(model, n.node, n.before),
                score(model, n.node, n.after),
                change(model, n.node, n.change),
                format!("{:+.2}", n.index_change),
            ];
            if let Some(intervals) = report.intervals {
                row.push(intervals.of(&segment.key, n.node).map_or(
                    "–".to_string(),
                    |(low, high)| {
                        format!(
                            "[{}, {}]",
                            change(model, n.node, low),
                            change(model, n.node, high)
                        )
                    },
                ));
            }
            row
        })
        .collect();
    grid
}

/// The interval column's header: `95% 区间` / `95% interval`.
fn interval_header(intervals: &ChangeIntervals, lang: Lang) -> String {
    format!(
        "{}% {}",
        round(intervals.level * 100.0, 1),
        t(lang, "区间", "interval")
    )
}

/// How the intervals were made, or why there are none (`None`: not asked for).
fn interval_note(report: &WhatIfReport) -> Option<String> {
    let lang = report.lang;
    if let Some(i) = report.intervals.filter(|i| i.parametric) {
        Some(match lang {
            Lang::Zh => format!(
                "区间：参数自助法（矩表不含受访者行：每个单元按其均值与协方差的正态分布抽取与有效样本量相同的行，重新估计校正并合并的效应，再执行聚合情景），{} 次重抽，种子 {}，百分位区间{}。",
                i.replicates,
                i.seed,
                if i.failed > 0 { format!("；{} 次重抽无法估计，已略去", i.failed) } else { String::new() }
            ),
            Lang::En => format!(
                "Intervals: parametric bootstrap (a moments table has no respondent rows: each cell's rows drawn from the normal with its means and covariance, as many as its effective size, corrected and pooled effects re-estimated, aggregate scenario re-applied), {} replicates, seed {}, percentile{}.",
                i.replicates,
                i.seed,
                if i.failed > 0 { format!("; {} replicates could not be estimated and were left out", i.failed) } else { String::new() }
            ),
        })
    } else if let Some(i) = report.intervals {
        Some(match lang {
            Lang::Zh => format!(
                "区间：受访者自助法（在每个单元内有放回重抽受访者，重新估计校正并合并的效应，再执行情景），{} 次重抽，种子 {}，百分位区间{}。",
                i.replicates,
                i.seed,
                if i.failed > 0 { format!("；{} 次重抽无法估计，已略去", i.failed) } else { String::new() }
            ),
            Lang::En => format!(
                "Intervals: respondent bootstrap (respondents resampled within cells, corrected and pooled effects re-estimated, scenario re-applied), {} replicates, seed {}, percentile{}.",
                i.replicates,
                i.seed,
                if i.failed > 0 { format!("; {} replicates could not be estimated and were left out", i.failed) } else { String::new() }
            ),
        })
    } else if report.intervals_unavailable {
        Some(
            t(
                lang,
                "没有区间：矩表不含受访者行，无法自助重抽（见 docs/whatif.md）。",
                "No intervals: a moments table has no respondent rows to resample (see docs/whatif.md).",
            )
            .to_string(),
        )
    } else {
        None
    }
}

/// The ranked actions before and after: status, ranks, title, driver, segment,
/// uplift before and after.
pub(crate) fn actions_grid<'a>(
    report: &WhatIfReport,
    actions: impl Iterator<Item = &'a ActionChange>,
) -> Grid {
    let (model, lang) = (report.model, report.lang);
    let mut grid = Grid::new(&[
        (t(lang, "状态", "Status"), false),
        (t(lang, "之前排名", "Rank before"), true),
        (t(lang, "之后排名", "Rank after"), true),
        (t(lang, "行动", "Action"), false),
        (t(lang, "驱动因素", "Driver"), false),
        (t(lang, "分群", "Segment"), false),
        (t(lang, "提升(前)", "Uplift before"), true),
        (t(lang, "提升(后)", "Uplift after"), true),
    ]);
    let rank = |r: Option<usize>| r.map_or("–".to_string(), |r| r.to_string());
    let uplift = |u: Option<f64>| u.map_or("–".to_string(), |u| format!("{u:.2}"));
    grid.rows = actions
        .map(|c| {
            let node = &model.nodes[c.action.driver];
            vec![
                status_label(c.status, lang).to_string(),
                rank(c.rank_before),
                rank(c.rank_after),
                c.action.title.text(lang, &c.action.rule).to_string(),
                node.label.text(lang, &node.id).to_string(),
                segment_label(&c.action.segment, lang),
                uplift(c.uplift_before),
                uplift(c.uplift_after),
            ]
        })
        .collect();
    grid
}

/// The line under the title: the scenario, the respondents moved and the effects used.
fn meta(report: &WhatIfReport) -> [(&'static str, String); 3] {
    let lang = report.lang;
    [
        (
            t(lang, "情景", "Scenario"),
            describe(report.model, report.scenario, lang),
        ),
        (
            t(lang, "调整的受访者", "Respondents moved"),
            format!("{} ({})", report.moved_rows, report.wave.unwrap_or("-")),
        ),
        (
            t(lang, "效应来源", "effects from"),
            basis_text(report.basis, lang),
        ),
    ]
}

fn text(report: &WhatIfReport, page: &mut Page) -> std::io::Result<()> {
    let lang = report.lang;
    if page.markdown {
        page.title(&title(report))?;
    } else {
        writeln!(page.out, "{}", title(report))?;
    }
    let [scenario, moved, basis] = meta(report);
    writeln!(
        page.out,
        "{}: {}{}",
        scenario.0,
        scenario.1,
        if page.markdown { "  " } else { "" }
    )?;
    writeln!(
        page.out,
        "{}: {}; {}: {}\n",
        moved.0, moved.1, basis.0, basis.1
    )?;
    let mut unchanged = Vec::new();
    for segment in &report.diff.segments {
        let name = segment_label(&segment.key, lang);
        if !segment.changed() {
            unchanged.push(name);
            continue;
        }
        page.heading(&format!(
            "{} ({name})",
            t(lang, "得分变化", "Score changes")
        ))?;
        page.table(&nodes_grid(report, segment))?;
        writeln!(page.out)?;
    }
    if !unchanged.is_empty() {
        writeln!(
            page.out,
            "{}: {}\n",
            t(lang, "未变化的分群", "Unchanged segments"),
            unchanged.join(", ")
        )?;
    }
    if let Some(note) = interval_note(report) {
        writeln!(page.out, "{note}\n")?;
    }
    page.heading(t(lang, "行动变化", "Action changes"))?;
    if report.diff.actions.is_empty() {
        writeln!(
            page.out,
            "{}",
            t(
                lang,
                "前后都没有触发的行动。",
                "No action fires before or after."
            )
        )?;
        return Ok(());
    }
    page.table(&actions_grid(report, report.diff.actions.iter()))?;
    writeln!(
        page.out,
        "\n{}",
        t(
            lang,
            "提升单位为主要结果的指数点。情景在受访者层面执行：驱动因素得分移动并截断到量表范围，变化沿估计的直接效应传到下游；NPS 与比率按潜在倾向移动分布（见 docs/whatif.md）。",
            "Uplift is in index points of the primary outcome. The scenario runs per respondent: driver scores move within their scale, the change flows through the estimated direct effects, and NPS and rates move as distributions through a latent propensity (see docs/whatif.md)."
        )
    )
}

fn status_label(status: ActionStatus, lang: Lang) -> &'static str {
    match status {
        ActionStatus::New => t(lang, "新增", "new"),
        ActionStatus::Dropped => t(lang, "消失", "dropped"),
        ActionStatus::Moved => t(lang, "排名变化", "moved"),
        ActionStatus::Same => t(lang, "不变", "same"),
    }
}
