//! The moments table as CSV: write (counts as integers, sums in Rust's shortest
//! round-trip form) and read back with every error located by row and column.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};

use super::layout::{BlockStat, ColumnKind, ItemStat, Layout, NodeStat, SCHEMA};
use super::table::{slot, MomentsTable, Slot};
use super::MomentsError;
use crate::data::{Cell, CellKey, Moments};
use crate::diag::did_you_mean;

impl MomentsTable {
    /// Write the table as CSV: the layout's header, then one row per cell in key order.
    pub fn to_csv<W: Write>(&self, layout: &Layout, writer: W) -> std::io::Result<()> {
        let mut csv = csv::WriterBuilder::new().from_writer(writer);
        csv.write_record(layout.names())?;
        let mut fields: Vec<String> = Vec::with_capacity(layout.columns.len());
        for cell in &self.cells {
            let mut moments = cell.moments.clone();
            fields.clear();
            for column in &layout.columns {
                let text = match column.kind {
                    ColumnKind::Schema => SCHEMA.to_string(),
                    ColumnKind::Fingerprint => self.fingerprint.clone(),
                    ColumnKind::Segment(i) => cell.key.segments.get(i).cloned().unwrap_or_default(),
                    ColumnKind::Wave => cell.key.wave.clone().unwrap_or_default(),
                    kind => match slot(layout, &mut moments, kind) {
                        Some(Slot::Count(n)) => n.to_string(),
                        Some(Slot::Sum(s)) => s.to_string(),
                        None => String::new(),
                    },
                };
                fields.push(text);
            }
            csv.write_record(&fields)?;
        }
        csv.flush()
    }

    /// Read a table written by [`MomentsTable::to_csv`] or by the generated SQL.
    /// Columns may come in any order but must be exactly the layout's; rows with
    /// equal keys are added (a table concatenated from partitions is valid); an
    /// empty numeric field (SQL `NULL` from a sum over no rows) reads as 0.
    pub fn from_csv<R: Read>(
        layout: &Layout,
        reader: R,
        file: &str,
    ) -> Result<MomentsTable, MomentsError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let read_error = |e: csv::Error| MomentsError::Read {
            file: file.to_string(),
            message: e.to_string(),
        };
        let mut records = csv.records();
        let header = match records.next() {
            Some(record) => record.map_err(read_error)?,
            None => {
                return Err(MomentsError::Empty {
                    file: file.to_string(),
                    what: "header row",
                })
            }
        };
        let order = map_header(layout, &header, file)?;
        let mut cells: BTreeMap<CellKey, Moments> = BTreeMap::new();
        let mut key_parts: Vec<String> = vec![String::new(); layout.key_len()];
        for record in records {
            let record = record.map_err(read_error)?;
            let row = record.position().map_or(0, |p| p.line());
            if record.len() != order.len() {
                return Err(MomentsError::Ragged {
                    file: file.to_string(),
                    row,
                    expected: order.len() as u64,
                    found: record.len() as u64,
                });
            }
            let mut moments = MomentsTable::empty_moments(layout);
            for (field, (&column, value)) in order.iter().zip(record.iter()).enumerate() {
                let Some(column) = layout.columns.get(column) else {
                    continue;
                };
                let bad = |expected: &'static str, help: &'static str| MomentsError::Value {
                    file: file.to_string(),
                    row,
                    column: column.name.clone(),
                    column_number: field as u64 + 1,
                    value: value.to_string(),
                    expected,
                    help,
                };
                let value = value.trim();
                match column.kind {
                    ColumnKind::Schema if value != SCHEMA => {
                        return Err(bad(
                            "`sattrace.moments/1`",
                            "this sattrace reads moments tables of schema sattrace.moments/1 only",
                        ))
                    }
                    ColumnKind::Schema => {}
                    ColumnKind::Fingerprint if value != layout.fingerprint => {
                        return Err(MomentsError::Fingerprint {
                            file: file.to_string(),
                            row,
                            found: value.to_string(),
                            expected: layout.fingerprint.clone(),
                        })
                    }
                    ColumnKind::Fingerprint => {}
                    ColumnKind::Segment(i) => set_key(&mut key_parts, i, value, &bad)?,
                    ColumnKind::Wave => {
                        set_key(&mut key_parts, layout.segments.len(), value, &bad)?;
                    }
                    kind => match slot(layout, &mut moments, kind) {
                        Some(Slot::Count(n)) => {
                            *n = parse_count(value).ok_or_else(|| {
                                bad(
                                    "a whole number of rows (0 or more)",
                                    "count columns hold row counts; check that the engine did not round or scale them",
                                )
                            })?;
                        }
                        Some(Slot::Sum(s)) => {
                            *s = parse_sum(value).ok_or_else(|| {
                                bad(
                                    "a finite number",
                                    "sum columns hold weighted sums; write them with full precision (no thousands separators)",
                                )
                            })?;
                            if *s < 0.0 && never_negative(kind) {
                                return Err(bad(
                                    "a sum of 0 or more",
                                    "weight sums, sums of squares and category counts cannot be negative; the table was edited or the engine overflowed",
                                ));
                            }
                        }
                        None => {}
                    },
                }
            }
            check_cauchy_schwarz(layout, &order, &moments, file, row)?;
            let mut parts = key_parts.clone();
            let wave = layout.wave.is_some().then(|| parts.pop()).flatten();
            let key = CellKey {
                segments: parts,
                wave,
            };
            match cells.get_mut(&key) {
                Some(m) => m.merge(&moments),
                None => {
                    cells.insert(key, moments);
                }
            }
        }
        if cells.is_empty() {
            return Err(MomentsError::Empty {
                file: file.to_string(),
                what: "data rows",
            });
        }
        Ok(MomentsTable {
            fingerprint: layout.fingerprint.clone(),
            cells: cells
                .into_iter()
                .map(|(key, moments)| Cell { key, moments })
                .collect(),
        })
    }
}

/// Sums of weights, of squares and of category weights: negative only if the
/// table was edited or the engine overflowed.
fn never_negative(kind: ColumnKind) -> bool {
    match kind {
        ColumnKind::Sw | ColumnKind::Sw2 => true,
        ColumnKind::Item { stat, .. } => {
            matches!(stat, ItemStat::Sw | ItemStat::S2 | ItemStat::Point(_))
        }
        ColumnKind::Node { stat, .. } => {
            matches!(stat, NodeStat::Sw | NodeStat::Sw2 | NodeStat::S2)
        }
        ColumnKind::Cc(stat) | ColumnKind::Ic(stat) => match stat {
            BlockStat::Sw | BlockStat::Sw2 => true,
            BlockStat::S2(a, b) => a == b,
            BlockStat::N | BlockStat::S1(_) => false,
        },
        _ => false,
    }
}

/// Each node's first and second sums must be those of real values:
/// (Σw·v)² ≤ Σw · Σw·v² (Cauchy–Schwarz, any shift). A cell breaking it has an
/// edited or corrupted sum and would give a negative variance.
fn check_cauchy_schwarz(
    layout: &Layout,
    order: &[usize],
    moments: &Moments,
    file: &str,
    row: u64,
) -> Result<(), MomentsError> {
    for (node, m) in moments.nodes.iter().enumerate() {
        let bound = m.sw * m.s2;
        let square = m.s1 * m.s1;
        if square <= bound + 1e-9 * (square.max(bound) + 1.0) {
            continue;
        }
        let field = order.iter().position(|&c| {
            layout.columns.get(c).is_some_and(|col| {
                col.kind
                    == ColumnKind::Node {
                        node,
                        stat: NodeStat::S2,
                    }
            })
        });
        let column = field
            .and_then(|f| order.get(f))
            .and_then(|&c| layout.columns.get(c))
            .map_or_else(String::new, |c| c.name.clone());
        return Err(MomentsError::Value {
            file: file.to_string(),
            row,
            column,
            column_number: field.map_or(0, |f| f as u64 + 1),
            value: format!("{}", m.s2),
            expected: "a sum of squares consistent with the sums (s1² ≤ sw·s2)",
            help: "the first and second moments of this node cannot come from real values; regenerate the table",
        });
    }
    Ok(())
}

/// For each header field, the layout column it is; every layout column exactly once.
fn map_header(
    layout: &Layout,
    header: &csv::StringRecord,
    file: &str,
) -> Result<Vec<usize>, MomentsError> {
    let mut order = Vec::with_capacity(header.len());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for (field, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        let Some(position) = layout.position(name) else {
            // Suggest among the columns the header lacks: a renamed column is one.
            let present: std::collections::HashSet<&str> = header.iter().map(str::trim).collect();
            let absent = layout.names().filter(|n| !present.contains(n));
            let suggestion = did_you_mean(name, absent);
            let help = if suggestion.is_empty() {
                "the columns come from model.yaml; regenerate the table or the query from the current model".to_string()
            } else {
                suggestion
            };
            return Err(MomentsError::UnknownColumn {
                file: file.to_string(),
                column: name.to_string(),
                column_number: field as u64 + 1,
                help,
            });
        };
        if let Some(first) = seen.insert(position, field) {
            return Err(MomentsError::DuplicateColumn {
                file: file.to_string(),
                column: name.to_string(),
                first: first as u64 + 1,
                second: field as u64 + 1,
            });
        }
        order.push(position);
    }
    let missing: Vec<&str> = layout
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !seen.contains_key(i))
        .map(|(_, c)| c.name.as_str())
        .collect();
    if let Some(&column) = missing.first() {
        let present = header.iter().map(str::trim);
        let suggestion = did_you_mean(column, present);
        let help = if suggestion.is_empty() {
            "the table was made for another model or by an older query; regenerate it from the current model.yaml".to_string()
        } else {
            format!("the header has a similar name: {suggestion}")
        };
        return Err(MomentsError::MissingColumn {
            file: file.to_string(),
            column: column.to_string(),
            others: missing.len() - 1,
            help,
        });
    }
    Ok(order)
}

fn set_key<F>(parts: &mut [String], i: usize, value: &str, bad: &F) -> Result<(), MomentsError>
where
    F: Fn(&'static str, &'static str) -> MomentsError,
{
    if value.is_empty() {
        return Err(bad(
            "a segment or wave value",
            "rows with an empty segment or wave value belong to no cell; filter them out in the query",
        ));
    }
    if let Some(slot) = parts.get_mut(i) {
        value.clone_into(slot);
    }
    Ok(())
}

/// A non-negative whole number; `12.0` (engines that sum counts as floats) is
/// accepted, empty is 0.
fn parse_count(text: &str) -> Option<u64> {
    if text.is_empty() {
        return Some(0);
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let v: f64 = text.parse().ok()?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked whole, non-negative and below 2^53"
    )]
    (v.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&v)).then_some(v as u64)
}

/// A finite number (Rust's shortest round-trip output parses back exactly), empty is 0.
fn parse_sum(text: &str) -> Option<f64> {
    if text.is_empty() {
        return Some(0.0);
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}
