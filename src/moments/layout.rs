//! The columns of a moments table, derived from the model alone, so that a table
//! written by sattrace, DuckDB or Spark for the same model loads the same way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::MomentsError;
use crate::data::scale_points;
use crate::model::{Model, Scale, Weights};

/// The `schema` value of every row.
pub const SCHEMA: &str = "sattrace.moments/1";

/// The shift of node values: sums are `Σw·(v − 50)`, so they stay small next to
/// `Σw` for values on the 0–100 (or −100..100) index and variances keep their digits.
pub const NODE_SHIFT: f64 = 50.0;

/// One model item as the table sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutItem {
    /// The survey column, exactly as in the header.
    pub column: String,
    /// Index of its node in `model.nodes`.
    pub node: usize,
    pub scale: Scale,
    /// Reverse coded (`x → min + max − x` before anything is summed).
    pub reverse: bool,
    /// The shift `c = (min + max) / 2` of `s1`, `s2` and the `ic` block.
    pub center: f64,
    /// The integer scale points with a `p<k>` column; empty when the scale is not
    /// integer or has more than 11 points.
    pub points: Vec<i64>,
}

/// A statistic of one item over the cell's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStat {
    /// Rows with a valid value.
    N,
    /// Rows where the field is empty or a missing token.
    Missing,
    /// Rows with a non-number or a value outside the scale.
    Invalid,
    /// Σw over valid rows.
    Sw,
    /// Σw·(x − c).
    S1,
    /// Σw·(x − c)².
    S2,
    /// Σw of valid rows with x = k.
    Point(i64),
}

/// A statistic of one node over the rows where it is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeStat {
    N,
    Sw,
    Sw2,
    /// Σw·(v − 50).
    S1,
    /// Σw·(v − 50)².
    S2,
}

/// A statistic of a complete-case block (`cc` over nodes, `ic` over items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockStat {
    N,
    Sw,
    Sw2,
    /// Σw·(v_a − shift_a) for member `a`.
    S1(usize),
    /// Σw·(v_a − shift_a)(v_b − shift_b) for members a ≤ b.
    S2(usize, usize),
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// The text `sattrace.moments/1`.
    Schema,
    /// The model fingerprint, 16 lowercase hex digits.
    Fingerprint,
    /// The trimmed value of model segment column `i`.
    Segment(usize),
    /// The trimmed wave value.
    Wave,
    /// Rows in the cell.
    Rows,
    /// Σw over the cell's rows.
    Sw,
    /// Σw² over the cell's rows.
    Sw2,
    /// A statistic of [`Layout::items`]`[item]`.
    Item { item: usize, stat: ItemStat },
    /// A statistic of `model.nodes[node]`.
    Node { node: usize, stat: NodeStat },
    /// The node complete-case block (members are node indices).
    Cc(BlockStat),
    /// The item complete-case block (members are indices into [`Layout::items`]).
    Ic(BlockStat),
}

impl ColumnKind {
    /// Text columns (schema, fingerprint, keys).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ColumnKind::Schema
                | ColumnKind::Fingerprint
                | ColumnKind::Segment(_)
                | ColumnKind::Wave
        )
    }

    /// Columns holding a count of rows, written as integers.
    pub fn is_count(self) -> bool {
        matches!(
            self,
            ColumnKind::Rows
                | ColumnKind::Item {
                    stat: ItemStat::N | ItemStat::Missing | ItemStat::Invalid,
                    ..
                }
                | ColumnKind::Node {
                    stat: NodeStat::N,
                    ..
                }
                | ColumnKind::Cc(BlockStat::N)
                | ColumnKind::Ic(BlockStat::N)
        )
    }
}

/// One column: its name in the header and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// Every column of the moments table of one model, in order, and its fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Model segment columns, in order.
    pub segments: Vec<String>,
    /// Model wave column.
    pub wave: Option<String>,
    /// Model weight column (not a table column; part of the fingerprint).
    pub weight: Option<String>,
    /// Node ids, in model order.
    pub nodes: Vec<String>,
    /// Every model item: nodes in order, items in node order.
    pub items: Vec<LayoutItem>,
    /// The columns, in table order.
    pub columns: Vec<Column>,
    /// The text the fingerprint hashes (one fact per line, strings JSON-quoted).
    pub canonical: String,
    /// FNV-1a 64 of `canonical`, 16 lowercase hex digits.
    pub fingerprint: String,
    /// Column name → position in `columns`.
    positions: BTreeMap<String, usize>,
}

impl Layout {
    /// The layout of `model`'s moments table; errors when two columns would share a name.
    pub fn new(model: &Model) -> Result<Layout, MomentsError> {
        let items = layout_items(model);
        let node_ids: Vec<String> = model.nodes.iter().map(|n| n.id.clone()).collect();
        let mut columns = Vec::new();
        let mut push = |name: String, kind: ColumnKind| columns.push(Column { name, kind });

        push("schema".into(), ColumnKind::Schema);
        push("fingerprint".into(), ColumnKind::Fingerprint);
        for (i, s) in model.segments.iter().enumerate() {
            push(format!("seg:{s}"), ColumnKind::Segment(i));
        }
        if let Some(w) = &model.wave {
            push(format!("wave:{w}"), ColumnKind::Wave);
        }
        push("rows".into(), ColumnKind::Rows);
        push("sw".into(), ColumnKind::Sw);
        push("sw2".into(), ColumnKind::Sw2);

        for (i, item) in items.iter().enumerate() {
            let x = &item.column;
            let mut stat = |suffix: String, stat: ItemStat| {
                push(
                    format!("item:{x}:{suffix}"),
                    ColumnKind::Item { item: i, stat },
                );
            };
            stat("n".into(), ItemStat::N);
            stat("missing".into(), ItemStat::Missing);
            stat("invalid".into(), ItemStat::Invalid);
            stat("sw".into(), ItemStat::Sw);
            stat("s1".into(), ItemStat::S1);
            stat("s2".into(), ItemStat::S2);
            for &k in &item.points {
                stat(format!("p{k}"), ItemStat::Point(k));
            }
        }

        for (i, id) in node_ids.iter().enumerate() {
            for (suffix, stat) in [
                ("n", NodeStat::N),
                ("sw", NodeStat::Sw),
                ("sw2", NodeStat::Sw2),
                ("s1", NodeStat::S1),
                ("s2", NodeStat::S2),
            ] {
                push(
                    format!("node:{id}:{suffix}"),
                    ColumnKind::Node { node: i, stat },
                );
            }
        }

        let item_names: Vec<&str> = items.iter().map(|i| i.column.as_str()).collect();
        let node_names: Vec<&str> = node_ids.iter().map(String::as_str).collect();
        for (prefix, members, wrap) in [
            (
                "cc",
                &node_names,
                ColumnKind::Cc as fn(BlockStat) -> ColumnKind,
            ),
            (
                "ic",
                &item_names,
                ColumnKind::Ic as fn(BlockStat) -> ColumnKind,
            ),
        ] {
            push(format!("{prefix}:n"), wrap(BlockStat::N));
            push(format!("{prefix}:sw"), wrap(BlockStat::Sw));
            push(format!("{prefix}:sw2"), wrap(BlockStat::Sw2));
            for (a, name) in members.iter().enumerate() {
                push(format!("{prefix}:{name}:s1"), wrap(BlockStat::S1(a)));
            }
            for (a, name_a) in members.iter().enumerate() {
                for (b, name_b) in members.iter().enumerate().skip(a) {
                    push(
                        format!("{prefix}:{name_a}:{name_b}:s2"),
                        wrap(BlockStat::S2(a, b)),
                    );
                }
            }
        }

        let mut positions = BTreeMap::new();
        for (i, column) in columns.iter().enumerate() {
            if let Some(&first) = positions.get(&column.name) {
                return Err(MomentsError::ColumnCollision {
                    name: column.name.clone(),
                    first: describe(&columns, &items, &node_ids, first),
                    second: describe(&columns, &items, &node_ids, i),
                });
            }
            positions.insert(column.name.clone(), i);
        }

        let canonical = canonical_text(model);
        let fingerprint = format!("{:016x}", fnv1a64(canonical.as_bytes()));
        Ok(Layout {
            segments: model.segments.clone(),
            wave: model.wave.clone(),
            weight: model.weight.clone(),
            nodes: node_ids,
            items,
            columns,
            canonical,
            fingerprint,
            positions,
        })
    }

    /// Column names, in order (the header row).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// Position of the column with this name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.positions.get(name).copied()
    }

    /// Number of key columns (segments and wave).
    pub fn key_len(&self) -> usize {
        self.segments.len() + usize::from(self.wave.is_some())
    }

    /// Number of unordered pairs a ≤ b of `k` members (`cc`/`ic` `s2` columns).
    pub fn pairs(k: usize) -> usize {
        k * (k + 1) / 2
    }
}

/// The items of every item node, in model order, with their shift and scale points.
fn layout_items(model: &Model) -> Vec<LayoutItem> {
    let mut items = Vec::new();
    for (node_index, node) in model.nodes.iter().enumerate() {
        for item in &node.items {
            items.push(LayoutItem {
                column: item.clone(),
                node: node_index,
                scale: node.scale,
                reverse: node.reverse.contains(item),
                center: (node.scale.min + node.scale.max) / 2.0,
                points: scale_points(node.scale),
            });
        }
    }
    items
}

/// A column for a collision message: its name and what it holds.
fn describe(columns: &[Column], items: &[LayoutItem], nodes: &[String], i: usize) -> String {
    let Some(column) = columns.get(i) else {
        return String::new();
    };
    let item = |i: usize| items.get(i).map_or("", |it| it.column.as_str());
    let node = |i: usize| nodes.get(i).map_or("", String::as_str);
    match column.kind {
        ColumnKind::Item { item: x, stat } => format!("{stat:?} of item `{}`", item(x)),
        ColumnKind::Node { node: n, stat } => format!("{stat:?} of node `{}`", node(n)),
        ColumnKind::Ic(BlockStat::S1(a)) => format!("complete-case sum of item `{}`", item(a)),
        ColumnKind::Ic(BlockStat::S2(a, b)) => {
            format!("cross product of items `{}` and `{}`", item(a), item(b))
        }
        ColumnKind::Cc(BlockStat::S1(a)) => format!("complete-case sum of node `{}`", node(a)),
        ColumnKind::Cc(BlockStat::S2(a, b)) => {
            format!("cross product of nodes `{}` and `{}`", node(a), node(b))
        }
        kind => format!("{kind:?}"),
    }
}

/// Everything the table depends on, one fact per line, strings JSON-quoted so no
/// name can break the structure: key and weight columns, missing tokens, and per
/// node its id, metric, scale, items, reverse items, inputs and declared weights.
fn canonical_text(model: &Model) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut text = format!("{SCHEMA}\n");
    for s in &model.segments {
        let _ = writeln!(text, "segment {}", q(s));
    }
    if let Some(w) = &model.wave {
        let _ = writeln!(text, "wave {}", q(w));
    }
    if let Some(w) = &model.weight {
        let _ = writeln!(text, "weight {}", q(w));
    }
    for token in &model.missing {
        let _ = writeln!(text, "missing {}", q(token));
    }
    for node in &model.nodes {
        let _ = writeln!(
            text,
            "node {} {} {} {}",
            q(&node.id),
            node.metric.as_str(),
            node.scale.min,
            node.scale.max
        );
        for item in &node.items {
            let reverse = if node.reverse.contains(item) {
                " reverse"
            } else {
                ""
            };
            let _ = writeln!(text, "item {}{reverse}", q(item));
        }
        for input in &node.inputs {
            let weight = match &node.weights {
                Weights::Declared(map) => map.get(input).map_or("0".to_string(), f64::to_string),
                Weights::Estimated(_) => "estimated".to_string(),
            };
            let _ = writeln!(text, "input {} {weight}", q(input));
        }
    }
    text
}

/// FNV-1a, 64 bits.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model;

    const MODEL: &str = "\
name: t
scale: {min: 1, max: 5}
segments: [region]
wave: wave
weight: w
drivers:
  - id: a
    items: [a1, a2]
    reverse: [a2]
  - id: rec
    items: [ltr]
    metric: nps
    scale: {min: 0, max: 10}
  - id: sat
    items: [s1]
    inputs: [a, rec]
    outcome: true
";

    fn model(text: &str) -> Model {
        load_model("model.yaml", text).expect("test model loads")
    }

    #[test]
    fn fnv1a64_matches_reference_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn columns_follow_the_contract_order() {
        let layout = Layout::new(&model(MODEL)).expect("layout");
        let names: Vec<&str> = layout.names().collect();
        let head = [
            "schema",
            "fingerprint",
            "seg:region",
            "wave:wave",
            "rows",
            "sw",
            "sw2",
            "item:a1:n",
            "item:a1:missing",
            "item:a1:invalid",
            "item:a1:sw",
            "item:a1:s1",
            "item:a1:s2",
            "item:a1:p1",
            "item:a1:p2",
            "item:a1:p3",
            "item:a1:p4",
            "item:a1:p5",
        ];
        assert_eq!(names.get(..head.len()), Some(&head[..]));
        // ltr has 11 points (0..=10), the limit: p0..p10.
        assert!(names.contains(&"item:ltr:p0") && names.contains(&"item:ltr:p10"));
        let tail = [
            "node:sat:s2",
            "cc:n",
            "cc:sw",
            "cc:sw2",
            "cc:a:s1",
            "cc:rec:s1",
            "cc:sat:s1",
            "cc:a:a:s2",
            "cc:a:rec:s2",
            "cc:a:sat:s2",
            "cc:rec:rec:s2",
            "cc:rec:sat:s2",
            "cc:sat:sat:s2",
            "ic:n",
        ];
        let at = names
            .iter()
            .position(|n| *n == "node:sat:s2")
            .expect("node col");
        assert_eq!(names.get(at..at + tail.len()), Some(&tail[..]));
        assert_eq!(names.last(), Some(&"ic:s1:s1:s2"));
        // 4 items: 3 + 4 s1 + 10 pairs in the ic block.
        let ic = names.iter().filter(|n| n.starts_with("ic:")).count();
        assert_eq!(ic, 3 + 4 + Layout::pairs(4));
        assert_eq!(layout.position("cc:a:rec:s2"), Some(at + 8));
        assert_eq!(layout.key_len(), 2);
        assert_eq!(
            layout.columns.get(at + 8).map(|c| c.kind),
            Some(ColumnKind::Cc(BlockStat::S2(0, 1)))
        );
        let a2 = layout.items.get(1).expect("a2");
        assert!(a2.reverse && a2.center == 3.0 && a2.node == 0);
    }

    #[test]
    fn fingerprint_changes_with_what_the_table_depends_on_only() {
        let base = Layout::new(&model(MODEL)).expect("layout").fingerprint;
        assert_eq!(base.len(), 16);
        assert!(base
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        // Labels, targets and the model name do not change the table.
        let relabeled = MODEL.replace("name: t", "name: other");
        assert_eq!(
            Layout::new(&model(&relabeled)).expect("layout").fingerprint,
            base
        );
        for changed in [
            MODEL.replace("reverse: [a2]", "reverse: []"),
            MODEL.replace("weight: w", "weight: w2"),
            MODEL.replace("    metric: nps\n", ""),
            MODEL.replace("items: [a1, a2]", "items: [a2, a1]"),
            MODEL.replace("segments: [region]", "segments: [region]\nmissing: [NA]"),
        ] {
            let other = Layout::new(&model(&changed)).expect("layout").fingerprint;
            assert_ne!(other, base, "{changed}");
        }
    }

    #[test]
    fn colliding_names_are_refused() {
        // Items named with `:` collide through the ic pairs: (a, b:c) and (a:b, c)
        // both give `ic:a:b:c:s2`.
        let text = "\
name: t
scale: {min: 1, max: 5}
drivers:
  - id: p
    items: [a, 'b:c', 'a:b', c]
    outcome: true
";
        let error = Layout::new(&model(text)).expect_err("collision");
        let message = error.to_string();
        assert!(message.contains("`ic:a:b:c:s2`"), "{message}");
        assert!(message.contains("items `a` and `b:c`"), "{message}");
    }
}
