//! Text tables of `sattrace importance`: the driver methods' estimates per group and
//! their change between waves ([`drivers`]), and the PLS path model ([`pls`]). The
//! JSON is the results' own `Serialize`.

mod pls_table;
mod view;

use std::fmt::Write as _;

pub use pls_table::pls;
pub use view::{Align, Column, TableView};

use crate::importance::by_group::drivers::{DriverImportance, GroupEstimate, GroupResult};
use crate::importance::by_group::{includes_zero, Missing, ALL};
use crate::importance::IntervalKind;
use crate::model::Lang;
use crate::report::t;
use crate::report::text::display_width;

fn ci_title_in(kind: IntervalKind, lang: Lang) -> &'static str {
    match kind {
        IntervalKind::Percentile => t(lang, "95% 置信区间", "95% CI"),
        IntervalKind::Bca => t(lang, "95% 置信区间 (BCa)", "95% CI (BCa)"),
    }
}

/// An interval as `low – high` with `*` when it includes zero; empty without one.
fn ci_text(ci: Option<(f64, f64)>, decimals: usize, signed: bool) -> String {
    ci.map(|(lo, hi)| {
        let zero = if includes_zero(lo, hi) { " *" } else { "" };
        if signed {
            format!("{lo:+.decimals$} – {hi:+.decimals$}{zero}")
        } else {
            format!("{lo:.decimals$} – {hi:.decimals$}{zero}")
        }
    })
    .unwrap_or_default()
}

/// Display names of nodes by id (labels in the chosen language); ids not in it are
/// shown as they are.
pub type Names = std::collections::BTreeMap<String, String>;

fn name<'a>(names: &'a Names, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

/// The width of the driver column.
fn id_width(ids: &[String], names: &Names) -> usize {
    ids.iter()
        .map(|d| display_width(name(names, d)))
        .max()
        .unwrap_or(6)
        .max(6)
}

/// One block of the driver-importance report: a table, or a group's error line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Table(TableView),
    Error(String),
}

/// The whole sample, each group (or its error), then the changes between waves, as
/// views.
pub fn driver_views(r: &DriverImportance, names: &Names, lang: Lang) -> Vec<Block> {
    let mut blocks = vec![Block::Table(group(r, names, ALL, r.n, &r.all, lang))];
    for g in r.groups.iter().flatten() {
        blocks.push(match &g.result {
            GroupResult::Estimated(est) => Block::Table(group(r, names, &g.group, g.n, est, lang)),
            GroupResult::Failed { error } => Block::Error(format!(
                "{} = {}: {error}",
                r.by.as_deref().unwrap_or(""),
                g.group
            )),
        });
    }
    let width = id_width(&r.drivers, names);
    for c in &r.changes {
        // The interval column only when a bootstrap made intervals.
        let with_ci = c.drivers.iter().any(|d| d.ci_low.is_some());
        let mut columns = vec![
            Column::left(t(lang, "驱动因素", "driver"), width),
            Column::right(t(lang, "变化", "change"), 10),
        ];
        if with_ci {
            columns.push(Column::right(
                t(lang, "变化的 95% 置信区间", "95% CI of change"),
                21,
            ));
        }
        blocks.push(Block::Table(TableView {
            heading: match lang {
                Lang::En => format!(
                    "change of {} importance, wave {} → {}",
                    r.method.name(),
                    c.from,
                    c.to
                ),
                Lang::Zh => format!(
                    "{} 重要性的变化，轮次 {} → {}",
                    r.method.name(),
                    c.from,
                    c.to
                ),
            },
            columns,
            rows: c
                .drivers
                .iter()
                .map(|d| {
                    let mut row = vec![
                        name(names, &d.id).to_string(),
                        format!("{:+.4}", d.change.unwrap_or(f64::NAN)),
                    ];
                    if with_ci {
                        row.push(ci_text(d.ci_low.zip(d.ci_high), 4, true));
                    }
                    row
                })
                .collect(),
            notes: c
                .pairs
                .map(|_| {
                    t(
                        lang,
                        "* 区间包含零：没有明确的变化",
                        "* the interval includes zero: no clear change",
                    )
                    .to_string()
                })
                .into_iter()
                .collect(),
        }));
    }
    blocks
}

/// The driver-importance report as text.
pub fn drivers(r: &DriverImportance, names: &Names, lang: Lang) -> String {
    let mut out = String::new();
    for block in driver_views(r, names, lang) {
        match block {
            Block::Table(t) => t.text(&mut out),
            Block::Error(e) => {
                let _ = writeln!(out, "\n{e}");
            }
        }
    }
    out
}

fn group(
    r: &DriverImportance,
    names: &Names,
    group_name: &str,
    n: u64,
    est: &GroupEstimate,
    lang: Lang,
) -> TableView {
    let title = match r.by.as_deref() {
        Some(by) if group_name != ALL => format!("{by} = {group_name}"),
        _ => t(lang, "全部", ALL).to_string(),
    };
    let deletion = match r.missing {
        Missing::Listwise => "",
        Missing::Pairwise => t(
            lang,
            "（成对删除：取任一对中最少的行数）",
            " (pairwise: the fewest rows of any pair)",
        ),
    };
    let width = id_width(&r.drivers, names);
    // The interval column only when a bootstrap made intervals.
    let with_ci = est.drivers.iter().any(|d| d.ci_low.is_some());
    let mut columns = vec![
        Column::left(t(lang, "驱动因素", "driver"), width),
        Column::right(t(lang, "重要性", "importance"), 10),
        Column::right(t(lang, "占比", "share"), 7),
    ];
    if with_ci {
        columns.push(Column::right(ci_title_in(r.ci, lang), 21));
    }
    let outcome = name(names, &r.outcome);
    TableView {
        heading: match lang {
            Lang::En => format!(
                "{} on {outcome} ({title}): n = {n}{deletion}, R² = {:.4}",
                r.method.name(),
                est.r2
            ),
            Lang::Zh => format!(
                "{}：{outcome}（{title}）：n = {n}{deletion}，R² = {:.4}",
                r.method.name(),
                est.r2
            ),
        },
        columns,
        rows: est
            .drivers
            .iter()
            .map(|d| {
                let share = if r.method.decomposes_r2() && est.r2 > 0.0 {
                    format!("{:.1}%", 100.0 * d.importance / est.r2)
                } else {
                    String::new()
                };
                let mut row = vec![
                    name(names, &d.id).to_string(),
                    format!("{:.4}", d.importance),
                    share,
                ];
                if with_ci {
                    row.push(ci_text(d.ci_low.zip(d.ci_high), 4, false));
                }
                row
            })
            .collect(),
        notes: est
            .warnings
            .iter()
            .map(|w| format!("{}{w}", t(lang, "警告：", "warning: ")))
            .collect(),
    }
}
