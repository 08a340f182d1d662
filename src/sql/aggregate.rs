//! The aggregate of the moments query: one expression per layout column over the
//! `valued` rows, grouped by cell. Internal names come from [`super::rows`]: `k<i>`
//! keys, `w` weight, `m<i>`/`x<i>` item missing flag and value, `v<n>` node
//! values, `wc`/`wi` the complete-case weights (NULL outside the block).

use super::rows::{Cte, RowPlan};
use super::{Dialect, SqlError};
use crate::moments::{BlockStat, ColumnKind, ItemStat, Layout, NodeStat, NODE_SHIFT, SCHEMA};

/// The `SELECT` list of the aggregate, aliased with the layout's column names.
pub(crate) fn select_list(
    layout: &Layout,
    plan: &RowPlan,
    dialect: Dialect,
) -> Result<Vec<String>, SqlError> {
    let d = |v: f64| dialect.double(v);
    let sum = |expr: String| format!("COALESCE(SUM({expr}), {})", d(0.0));
    let count = |expr: String| format!("CAST(SUM({expr}) AS BIGINT)");
    let segments = plan.keys.len() - usize::from(layout.wave.is_some());
    let mut list = Vec::with_capacity(layout.columns.len());
    for column in &layout.columns {
        let expr = match column.kind {
            ColumnKind::Schema => dialect.string(SCHEMA),
            ColumnKind::Fingerprint => dialect.string(&layout.fingerprint),
            ColumnKind::Segment(i) => format!("k{i}"),
            ColumnKind::Wave => format!("k{segments}"),
            ColumnKind::Rows => "COUNT(*)".to_string(),
            ColumnKind::Sw => sum("w".into()),
            ColumnKind::Sw2 => sum("w * w".into()),
            ColumnKind::Item { item, stat } => {
                let x = format!("x{item}");
                match stat {
                    ItemStat::N => format!("COUNT({x})"),
                    ItemStat::Missing => count(format!("m{item}")),
                    ItemStat::Invalid => count(format!(
                        "CASE WHEN m{item} = 0 AND {x} IS NULL THEN 1 ELSE 0 END"
                    )),
                    ItemStat::Sw => sum(format!("CASE WHEN {x} IS NOT NULL THEN w END")),
                    ItemStat::S1 => sum(format!("we{item}")),
                    ItemStat::S2 => sum(format!("we{item} * e{item}")),
                    ItemStat::Point(k) => {
                        sum(format!("CASE WHEN {x} = {} THEN w END", d(k as f64)))
                    }
                }
            }
            ColumnKind::Node { node, stat } => {
                let v = format!("v{node}");
                match stat {
                    NodeStat::N => format!("COUNT({v})"),
                    NodeStat::Sw => sum(format!("CASE WHEN {v} IS NOT NULL THEN w END")),
                    NodeStat::Sw2 => sum(format!("CASE WHEN {v} IS NOT NULL THEN w * w END")),
                    NodeStat::S1 => sum(format!("wev{node}")),
                    NodeStat::S2 => sum(format!("wev{node} * ev{node}")),
                }
            }
            ColumnKind::Cc(stat) => block(stat, "wc", "ev", &sum),
            ColumnKind::Ic(stat) => block(stat, "wi", "e", &sum),
        };
        list.push(format!("{expr} AS {}", dialect.ident(&column.name)));
    }
    Ok(list)
}

/// A complete-case block statistic: `weight` is NULL outside the block;
/// `{e}<a>` is value `a` minus its shift and `{weight}{e}<a>` the weight times it
/// (see [`centered_cte`]).
fn block(stat: BlockStat, weight: &str, e: &str, sum: &dyn Fn(String) -> String) -> String {
    match stat {
        BlockStat::N => format!("COUNT({weight})"),
        BlockStat::Sw => sum(weight.to_string()),
        BlockStat::Sw2 => sum(format!("{weight} * {weight}")),
        BlockStat::S1(a) => sum(format!("{weight}{e}{a}")),
        BlockStat::S2(a, b) => sum(format!("{weight}{e}{a} * {e}{b}")),
    }
}

/// The per-row products the sums need, computed once per row rather than once
/// per aggregate that uses them: `e<i>` item `i` minus its scale midpoint,
/// `we<i>` = `w · e<i>`, `wie<i>` = `wi · e<i>`; `ev<n>`, `wev<n>`, `wcev<n>` the
/// same for node values around 50. SQL multiplies left to right, so
/// `we<a> * e<b>` is the very double `w * (x<a> - c) * (x<b> - c)` was.
pub(crate) fn centered_cte(
    layout: &Layout,
    plan: &RowPlan,
    dialect: Dialect,
) -> Result<Cte, SqlError> {
    let d = |v: f64| dialect.double(v);
    let mut cols = vec!["*".to_string()];
    for i in 0..plan.items.len() {
        let item = layout.items.get(i).ok_or(SqlError::Layout { item: i })?;
        let e = format!("(x{i} - {})", d(item.center));
        cols.push(format!("{e} AS e{i}"));
        cols.push(format!("w * {e} AS we{i}"));
        cols.push(format!("wi * {e} AS wie{i}"));
    }
    for n in 0..plan.node_count() {
        let e = format!("(v{n} - {})", d(NODE_SHIFT));
        cols.push(format!("{e} AS ev{n}"));
        cols.push(format!("w * {e} AS wev{n}"));
        cols.push(format!("wc * {e} AS wcev{n}"));
    }
    Ok(Cte {
        name: "centered".into(),
        comment: "values minus their shift, and times the weights, once per row".into(),
        body: format!("SELECT\n    {}\n  FROM valued", cols.join(",\n    ")),
    })
}
