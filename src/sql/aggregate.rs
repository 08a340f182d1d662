//! The aggregate of the moments query: one expression per layout column over the
//! `valued` rows, grouped by cell. Internal names come from [`super::rows`]: `k<i>`
//! keys, `w` weight, `m<i>`/`x<i>` item missing flag and value, `v<n>` node
//! values, `wc`/`wi` the complete-case weights (NULL outside the block).

use super::rows::RowPlan;
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
    let item_center = |i: usize| -> Result<(String, f64), SqlError> {
        let item = layout.items.get(i).ok_or(SqlError::Layout {
            what: format!("item {i}"),
        })?;
        Ok((format!("x{i}"), item.center))
    };
    let centered = |x: &str, c: f64| format!("({x} - {})", d(c));
    let node_centered = |n: usize| format!("(v{n} - {})", d(NODE_SHIFT));

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
                let (x, c) = item_center(item)?;
                match stat {
                    ItemStat::N => format!("COUNT({x})"),
                    ItemStat::Missing => count(format!("m{item}")),
                    ItemStat::Invalid => count(format!(
                        "CASE WHEN m{item} = 0 AND {x} IS NULL THEN 1 ELSE 0 END"
                    )),
                    ItemStat::Sw => sum(format!("CASE WHEN {x} IS NOT NULL THEN w END")),
                    ItemStat::S1 => sum(format!("w * {}", centered(&x, c))),
                    ItemStat::S2 => {
                        let e = centered(&x, c);
                        sum(format!("w * {e} * {e}"))
                    }
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
                    NodeStat::S1 => sum(format!("w * {}", node_centered(node))),
                    NodeStat::S2 => {
                        let e = node_centered(node);
                        sum(format!("w * {e} * {e}"))
                    }
                }
            }
            ColumnKind::Cc(stat) => block(stat, "wc", &sum, &|a| Ok(node_centered(a)))?,
            ColumnKind::Ic(stat) => block(stat, "wi", &sum, &|a| {
                let (x, c) = item_center(a)?;
                Ok(centered(&x, c))
            })?,
        };
        list.push(format!("{expr} AS {}", dialect.ident(&column.name)));
    }
    Ok(list)
}

/// A complete-case block statistic: `weight` is NULL outside the block.
fn block(
    stat: BlockStat,
    weight: &str,
    sum: &dyn Fn(String) -> String,
    centered: &dyn Fn(usize) -> Result<String, SqlError>,
) -> Result<String, SqlError> {
    Ok(match stat {
        BlockStat::N => format!("COUNT({weight})"),
        BlockStat::Sw => sum(weight.to_string()),
        BlockStat::Sw2 => sum(format!("{weight} * {weight}")),
        BlockStat::S1(a) => sum(format!("{weight} * {}", centered(a)?)),
        BlockStat::S2(a, b) => sum(format!("{weight} * {} * {}", centered(a)?, centered(b)?)),
    })
}
