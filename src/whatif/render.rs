//! The what-if comparison as a table, JSON (`sattrace.whatif/1`) or Markdown.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{ActionStatus, ChangeIntervals, MoveKind, Scenario, WhatIfDiff};
use crate::analysis::SliceKey;
use crate::model::{Lang, Metric, Model};
use crate::report::{round, table, Format};

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

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub(crate) fn segment_name(key: &SliceKey, lang: Lang) -> String {
    if key.is_all() {
        t(lang, "全部", "all").to_string()
    } else {
        key.name()
    }
}

pub(crate) fn score(model: &Model, node: usize, value: Option<f64>) -> String {
    match (value, model.nodes[node].metric) {
        (None, _) => "–".to_string(),
        (Some(v), Metric::Mean) => format!("{v:.2}"),
        (Some(v), Metric::Nps) => format!("{v:+.1}"),
        (Some(v), _) => format!("{v:.1}%"),
    }
}

pub(crate) fn change(model: &Model, node: usize, value: f64) -> String {
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

/// The scenario in one line: `response_time = 4.2; network +0.3; where region=华东`.
pub fn describe(model: &Model, scenario: &Scenario) -> String {
    let mut parts: Vec<String> = scenario
        .moves
        .iter()
        .map(|m| {
            let id = &model.nodes[m.node].id;
            let moved = match m.kind {
                MoveKind::Set(v) => format!("{id} = {v}"),
                MoveKind::Shift(d) => format!("{id} {d:+}"),
            };
            match m.filter.as_slice() {
                [] => moved,
                filter => {
                    let names: Vec<String> =
                        filter.iter().map(|(c, v)| format!("{c}={v}")).collect();
                    format!("{moved} ({})", names.join(", "))
                }
            }
        })
        .collect();
    if !scenario.filter.is_empty() {
        let filter: Vec<String> = scenario
            .filter
            .iter()
            .map(|(c, v)| format!("{c}={v}"))
            .collect();
        parts.push(format!("where {}", filter.join(", ")));
    }
    parts.join("; ")
}

/// Render in `format`.
pub fn render(report: &WhatIfReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json(report))?;
            writeln!(out)
        }
        Format::Table => text(report, false, out),
        Format::Md => text(report, true, out),
    }
}

fn text(report: &WhatIfReport, markdown: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let (model, lang) = (report.model, report.lang);
    let heading = |out: &mut dyn Write, title: String| -> std::io::Result<()> {
        if markdown {
            writeln!(out, "## {title}\n")
        } else {
            writeln!(out, "{title}")
        }
    };
    if markdown {
        writeln!(
            out,
            "# {}: {}\n",
            t(lang, "情景分析", "What-if"),
            report.scenario.name
        )?;
    } else {
        writeln!(
            out,
            "{}: {}",
            t(lang, "情景分析", "What-if"),
            report.scenario.name
        )?;
    }
    writeln!(
        out,
        "{}: {}{}",
        t(lang, "情景", "Scenario"),
        describe(model, report.scenario),
        if markdown { "  " } else { "" }
    )?;
    writeln!(
        out,
        "{}: {} ({}); {}: {}\n",
        t(lang, "调整的受访者", "Respondents moved"),
        report.moved_rows,
        report.wave.unwrap_or("-"),
        t(lang, "效应来源", "effects from"),
        report.basis
    )?;
    let header: Vec<String> = [
        t(lang, "节点", "Node"),
        t(lang, "之前", "Before"),
        t(lang, "之后", "After"),
        t(lang, "变化", "Change"),
        t(lang, "指数变化", "Index change"),
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(report.intervals.map(|i| interval_header(i, lang)))
    .collect();
    let mut unchanged = Vec::new();
    for segment in &report.diff.segments {
        let name = segment_name(&segment.key, lang);
        if !segment.changed() {
            unchanged.push(name);
            continue;
        }
        heading(
            out,
            format!("{} ({name})", t(lang, "得分变化", "Score changes")),
        )?;
        let rows: Vec<Vec<String>> = segment
            .nodes
            .iter()
            .map(|n| {
                let node = &model.nodes[n.node];
                vec![
                    node.label.text(lang, &node.id).to_string(),
                    score(model, n.node, n.before),
                    score(model, n.node, n.after),
                    change(model, n.node, n.change),
                    format!("{:+.2}", n.index_change),
                ]
                .into_iter()
                .chain(report.intervals.map(|i| {
                    i.of(&segment.key, n.node)
                        .map_or("–".into(), |(low, high)| {
                            format!(
                                "[{}, {}]",
                                change(model, n.node, low),
                                change(model, n.node, high)
                            )
                        })
                }))
                .collect()
            })
            .collect();
        write_table(
            out,
            &header,
            &rows,
            &[false, true, true, true, true, true][..header.len()],
            markdown,
        )?;
        writeln!(out)?;
    }
    if !unchanged.is_empty() {
        writeln!(
            out,
            "{}: {}\n",
            t(lang, "未变化的分群", "Unchanged segments"),
            unchanged.join(", ")
        )?;
    }
    interval_note(report, out)?;
    heading(out, t(lang, "行动变化", "Action changes").to_string())?;
    if report.diff.actions.is_empty() {
        writeln!(
            out,
            "{}",
            t(
                lang,
                "前后都没有触发的行动。",
                "No action fires before or after."
            )
        )?;
        return Ok(());
    }
    let header: Vec<String> = [
        t(lang, "状态", "Status"),
        t(lang, "之前排名", "Rank before"),
        t(lang, "之后排名", "Rank after"),
        t(lang, "行动", "Action"),
        t(lang, "驱动因素", "Driver"),
        t(lang, "分群", "Segment"),
        t(lang, "提升(前)", "Uplift before"),
        t(lang, "提升(后)", "Uplift after"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = report
        .diff
        .actions
        .iter()
        .map(|c| {
            let node = &model.nodes[c.action.driver];
            vec![
                status_label(c.status, lang).to_string(),
                c.rank_before.map_or("–".into(), |r| r.to_string()),
                c.rank_after.map_or("–".into(), |r| r.to_string()),
                c.action.title.text(lang, &c.action.rule).to_string(),
                node.label.text(lang, &node.id).to_string(),
                segment_name(&c.action.segment, lang),
                c.uplift_before.map_or("–".into(), |u| format!("{u:.2}")),
                c.uplift_after.map_or("–".into(), |u| format!("{u:.2}")),
            ]
        })
        .collect();
    write_table(
        out,
        &header,
        &rows,
        &[false, true, true, false, false, false, true, true],
        markdown,
    )?;
    writeln!(
        out,
        "\n{}",
        t(
            lang,
            "提升单位为主要结果的指数点。情景在受访者层面执行：驱动因素得分移动并截断到量表范围，变化沿估计的直接效应传到下游；NPS 与比率按潜在倾向移动分布（见 docs/whatif.md）。",
            "Uplift is in index points of the primary outcome. The scenario runs per respondent: driver scores move within their scale, the change flows through the estimated direct effects, and NPS and rates move as distributions through a latent propensity (see docs/whatif.md)."
        )
    )
}

/// The interval column's header: `95% 区间` / `95% interval`.
fn interval_header(intervals: &ChangeIntervals, lang: Lang) -> String {
    format!(
        "{}% {}",
        round(intervals.level * 100.0, 1),
        t(lang, "区间", "interval")
    )
}

/// How the intervals were made, or why there are none.
fn interval_note(report: &WhatIfReport, out: &mut dyn Write) -> std::io::Result<()> {
    let lang = report.lang;
    if let Some(i) = report.intervals {
        writeln!(
            out,
            "{}\n",
            match lang {
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
            }
        )?;
    } else if report.intervals_unavailable {
        writeln!(
            out,
            "{}\n",
            t(
                lang,
                "没有区间：矩表不含受访者行，无法自助重抽（见 docs/whatif.md）。",
                "No intervals: a moments table has no respondent rows to resample (see docs/whatif.md)."
            )
        )?;
    }
    Ok(())
}

pub(crate) fn status_label(status: ActionStatus, lang: Lang) -> &'static str {
    match status {
        ActionStatus::New => t(lang, "新增", "new"),
        ActionStatus::Dropped => t(lang, "消失", "dropped"),
        ActionStatus::Moved => t(lang, "排名变化", "moved"),
        ActionStatus::Same => t(lang, "不变", "same"),
    }
}

fn write_table(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    right: &[bool],
    markdown: bool,
) -> std::io::Result<()> {
    if !markdown {
        return write!(out, "{}", table(header, rows, right));
    }
    let escape = crate::report::md_escape;
    writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    let rule: Vec<&str> = right
        .iter()
        .map(|&r| if r { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))?;
    for row in rows {
        writeln!(
            out,
            "| {} |",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Json {
    schema: &'static str,
    scenario: ScenarioJson,
    wave: Option<String>,
    moved_rows: u64,
    effects_basis: String,
    /// How the intervals were made (absent with `--bootstrap 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    intervals: Option<IntervalsJson>,
    segments: Vec<SegmentJson>,
    actions: Vec<ActionJson>,
}

#[derive(Serialize)]
struct IntervalsJson {
    available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replicates: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct ScenarioJson {
    name: String,
    set: BTreeMap<String, f64>,
    shift: BTreeMap<String, f64>,
    r#where: BTreeMap<String, String>,
    /// Moves with a slice of their own (each on top of `where`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    moves: Vec<MoveJson>,
}

#[derive(Serialize)]
struct MoveJson {
    driver: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    set: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shift: Option<f64>,
    r#where: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct SegmentJson {
    segment: String,
    changed: bool,
    nodes: Vec<NodeJson>,
}

#[derive(Serialize)]
struct NodeJson {
    id: String,
    outcome: bool,
    before: Option<f64>,
    after: Option<f64>,
    change: f64,
    index_change: f64,
    /// Bounds of the change's interval, in the score's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    change_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change_high: Option<f64>,
}

#[derive(Serialize)]
struct ActionJson {
    status: &'static str,
    rule: String,
    driver: String,
    segment: String,
    rank_before: Option<usize>,
    rank_after: Option<usize>,
    uplift_before: Option<f64>,
    uplift_after: Option<f64>,
    cost: f64,
}

fn json(report: &WhatIfReport) -> Json {
    let model = report.model;
    let r4 = |v: f64| round(v, 4);
    let moves = |set: bool| {
        report
            .scenario
            .moves
            .iter()
            .filter(|m| m.filter.is_empty())
            .filter_map(|m| match (m.kind, set) {
                (MoveKind::Set(v), true) | (MoveKind::Shift(v), false) => {
                    Some((model.nodes[m.node].id.clone(), v))
                }
                _ => None,
            })
            .collect()
    };
    Json {
        schema: "sattrace.whatif/1",
        scenario: ScenarioJson {
            name: report.scenario.name.clone(),
            set: moves(true),
            shift: moves(false),
            r#where: report.scenario.filter.iter().cloned().collect(),
            moves: report
                .scenario
                .moves
                .iter()
                .filter(|m| !m.filter.is_empty())
                .map(|m| MoveJson {
                    driver: model.nodes[m.node].id.clone(),
                    set: match m.kind {
                        MoveKind::Set(v) => Some(v),
                        MoveKind::Shift(_) => None,
                    },
                    shift: match m.kind {
                        MoveKind::Shift(d) => Some(d),
                        MoveKind::Set(_) => None,
                    },
                    r#where: m.filter.iter().cloned().collect(),
                })
                .collect(),
        },
        wave: report.wave.map(str::to_string),
        moved_rows: report.moved_rows,
        effects_basis: report.basis.to_string(),
        intervals: match (report.intervals, report.intervals_unavailable) {
            (Some(i), _) => Some(IntervalsJson {
                available: true,
                method: Some("bootstrap-percentile"),
                level: Some(i.level),
                replicates: Some(i.replicates),
                seed: Some(i.seed),
                failed: Some(i.failed),
                reason: None,
            }),
            (None, true) => Some(IntervalsJson {
                available: false,
                method: None,
                level: None,
                replicates: None,
                seed: None,
                failed: None,
                reason: Some("a moments table has no respondent rows to resample"),
            }),
            (None, false) => None,
        },
        segments: report
            .diff
            .segments
            .iter()
            .map(|s| SegmentJson {
                segment: s.key.name(),
                changed: s.changed(),
                nodes: s
                    .nodes
                    .iter()
                    .map(|n| NodeJson {
                        id: model.nodes[n.node].id.clone(),
                        outcome: model.nodes[n.node].outcome,
                        before: n.before.map(r4),
                        after: n.after.map(r4),
                        change: r4(n.change),
                        index_change: r4(n.index_change),
                        change_low: report
                            .intervals
                            .and_then(|i| i.of(&s.key, n.node))
                            .map(|(low, _)| r4(low)),
                        change_high: report
                            .intervals
                            .and_then(|i| i.of(&s.key, n.node))
                            .map(|(_, high)| r4(high)),
                    })
                    .collect(),
            })
            .collect(),
        actions: report
            .diff
            .actions
            .iter()
            .map(|c| ActionJson {
                status: c.status.as_str(),
                rule: c.action.rule.clone(),
                driver: model.nodes[c.action.driver].id.clone(),
                segment: c.action.segment.name(),
                rank_before: c.rank_before,
                rank_after: c.rank_after,
                uplift_before: c.uplift_before.map(r4),
                uplift_after: c.uplift_after.map(r4),
                cost: c.action.cost,
            })
            .collect(),
    }
}
