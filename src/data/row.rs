//! Reading one record: weight, cell key and node values, added to a batch.

use std::collections::HashMap;

use csv::ByteRecord;

use super::batch::Batch;
use super::columns::{Columns, NodeSource};
use super::decode::Detected;
use super::error::ValueKind;
use super::fxhash::FxBuild;
use super::parse::MissingTokens;
use super::{CellKey, DataError, ItemMoments, ItemShape, ItemState, Moments, OnInvalid};
use crate::model::Model;

const WEIGHT_EXPECTED: &str = "a positive number up to 1e100 (the survey weight)";

/// Larger weights are refused at their row: Σw² over any survey stays finite
/// (1e200 gave `sw2 = inf`, a table sattrace itself then refused, with no row named).
const MAX_WEIGHT: f64 = 1e100;

/// What every reader thread shares.
pub(crate) struct Shared<'a> {
    pub model: &'a Model,
    pub file: &'a str,
    pub columns: Columns,
    pub tokens: MissingTokens,
    pub detected: Detected,
    pub on_invalid: OnInvalid,
    pub keep_respondents: bool,
    pub keep_items: bool,
    /// Item shapes when item moments are accumulated, else empty.
    pub item_shapes: Vec<ItemShape>,
}

impl Shared<'_> {
    fn column_name(&self, field: usize) -> &str {
        self.columns.header.get(field).map_or("", String::as_str)
    }
}

/// What a row's raw segment and wave bytes mean.
#[derive(Debug, Clone, Copy)]
enum KeyEntry {
    /// This reader's cell id.
    Cell(u32),
    /// Skip mode: the value in this field is empty or a missing token.
    Empty(usize),
}

/// One reader thread's state; reused across batches.
pub(crate) struct RowReader<'s, 'a> {
    shared: &'s Shared<'a>,
    values: Vec<f64>,
    /// The current row's item values (reverse-coded, NaN missing), when kept.
    items: Vec<f64>,
    /// The current row's item states, when item moments are accumulated.
    states: Vec<ItemState>,
    /// Scratch for the item complete-case block.
    deltas: Vec<f64>,
    /// Length-prefixed raw (untrimmed) segment and wave bytes of the current row.
    key: Vec<u8>,
    last_key: Vec<u8>,
    last_entry: Option<KeyEntry>,
    entries: HashMap<Vec<u8>, KeyEntry, FxBuild>,
    /// This reader's cells: key and the batch slot (u32::MAX when not in the batch).
    cells: Vec<(CellKey, u32)>,
    cell_of: HashMap<CellKey, u32>,
}

impl<'s, 'a> RowReader<'s, 'a> {
    pub(crate) fn new(shared: &'s Shared<'a>) -> Self {
        Self {
            shared,
            values: vec![f64::NAN; shared.model.nodes.len()],
            items: Vec::new(),
            states: Vec::new(),
            deltas: Vec::new(),
            key: Vec::new(),
            last_key: Vec::new(),
            last_entry: None,
            entries: HashMap::default(),
            cells: Vec::new(),
            cell_of: HashMap::new(),
        }
    }

    /// Read the batch's records into its outputs, stopping at the first error.
    pub(crate) fn read_batch(&mut self, batch: &mut Batch) {
        batch
            .invalid
            .answered
            .resize(self.shared.columns.item_count(), 0);
        let records = std::mem::take(&mut batch.records);
        let lines = std::mem::take(&mut batch.lines);
        for (record, &line) in records.iter().zip(&lines).take(batch.filled) {
            if let Err(error) = self.read(record, line, batch) {
                batch.error = Some(error);
                break;
            }
        }
        batch.records = records;
        batch.lines = lines;
        for (_, slot) in &mut self.cells {
            *slot = u32::MAX;
        }
    }

    fn read(&mut self, record: &ByteRecord, line: u64, batch: &mut Batch) -> Result<(), DataError> {
        let shared = self.shared;
        // Spreadsheets export rows they once touched as commas only: not answers.
        if record.iter().all(|field| field.trim_ascii().is_empty()) {
            batch.invalid.blank_rows += 1;
            return Ok(());
        }
        batch.rows += 1;
        let expected = shared.columns.header.len();
        if record.len() != expected {
            return Err(DataError::Ragged {
                file: shared.file.to_string(),
                row: line,
                expected: expected as u64,
                found: record.len() as u64,
            });
        }
        let weight = match shared.columns.weight {
            None => 1.0,
            Some(field) => match self.weight(record, field, line, batch)? {
                Some(w) => w,
                None => {
                    batch.invalid.skipped_rows += 1;
                    return Ok(());
                }
            },
        };
        let cell = match self.key_entry(record, line)? {
            KeyEntry::Cell(cell) => cell,
            KeyEntry::Empty(field) => {
                batch.invalid.count(shared.column_name(field));
                batch.invalid.skipped_rows += 1;
                return Ok(());
            }
        };
        self.node_values(record, line, batch)?;
        if let Some(field) = shared.columns.respondent_id {
            let id = record.get(field).unwrap_or_default().trim_ascii();
            // A row without an id cannot repeat one.
            if !id.is_empty() {
                batch.ids.push((id.into(), line));
            }
        }
        let slot = self.slot(cell, batch);
        if let Some((_, moments)) = batch.cells.get_mut(slot as usize) {
            moments.add_row(weight, &self.values);
            if let Some(items) = &mut moments.items {
                items.add_row(weight, &self.states, &shared.item_shapes, &mut self.deltas);
            }
        }
        if shared.keep_respondents {
            batch.respondents.push(&self.values, weight, slot);
        }
        if shared.keep_items {
            batch.items.push(&self.items, weight);
        }
        Ok(())
    }

    /// The row's weight, or `None` to skip the row (skip mode, counted).
    fn weight(
        &mut self,
        record: &ByteRecord,
        field: usize,
        line: u64,
        batch: &mut Batch,
    ) -> Result<Option<f64>, DataError> {
        let raw = record.get(field).unwrap_or_default().trim_ascii();
        if let Ok(Some(w)) = self.shared.tokens.number(raw) {
            if w > 0.0 && w <= MAX_WEIGHT {
                return Ok(Some(w));
            }
        }
        reject(
            self.shared,
            record,
            field,
            line,
            WEIGHT_EXPECTED,
            ValueKind::Weight,
            batch,
        )?;
        Ok(None)
    }

    /// The cell of the row's segment and wave values, from a cache keyed by their raw
    /// bytes (trimming and checking happen once per distinct raw key).
    fn key_entry(&mut self, record: &ByteRecord, line: u64) -> Result<KeyEntry, DataError> {
        let columns = &self.shared.columns;
        self.key.clear();
        for &field in columns.segments.iter().chain(columns.wave.iter()) {
            let raw = record.get(field).unwrap_or_default();
            let len = u32::try_from(raw.len()).unwrap_or(u32::MAX);
            self.key.extend_from_slice(&len.to_le_bytes());
            self.key.extend_from_slice(raw);
        }
        if let Some(entry) = self.last_entry {
            if self.last_key == self.key {
                return Ok(entry);
            }
        }
        let entry = match self.entries.get(self.key.as_slice()) {
            Some(&entry) => entry,
            None => {
                let entry = self.new_key(record, line)?;
                self.entries.insert(self.key.clone(), entry);
                entry
            }
        };
        self.last_key.clear();
        self.last_key.extend_from_slice(&self.key);
        self.last_entry = Some(entry);
        Ok(entry)
    }

    /// Check and trim a raw key seen for the first time.
    fn new_key(&mut self, record: &ByteRecord, line: u64) -> Result<KeyEntry, DataError> {
        let shared = self.shared;
        let columns = &shared.columns;
        let mut parts = Vec::with_capacity(columns.segments.len() + 1);
        for &field in columns.segments.iter().chain(columns.wave.iter()) {
            let raw = record.get(field).unwrap_or_default();
            let Ok(text) = std::str::from_utf8(raw) else {
                let column = shared.column_name(field);
                return Err(encoding_error(
                    shared.file,
                    shared.detected,
                    line,
                    Some(column),
                    field,
                ));
            };
            let text = text.trim();
            if text.is_empty() || shared.tokens.is_missing_str(text) {
                if shared.on_invalid == OnInvalid::Skip {
                    return Ok(KeyEntry::Empty(field));
                }
                return Err(DataError::EmptySegment {
                    file: shared.file.to_string(),
                    row: line,
                    column: shared.column_name(field).to_string(),
                    column_number: field as u64 + 1,
                    value: text.to_string(),
                });
            }
            parts.push(text.to_string());
        }
        let wave = if columns.wave.is_some() {
            parts.pop()
        } else {
            None
        };
        let key = CellKey {
            segments: parts,
            wave,
        };
        if let Some(&cell) = self.cell_of.get(&key) {
            return Ok(KeyEntry::Cell(cell));
        }
        let cell = u32::try_from(self.cells.len()).map_err(|_| DataError::Io {
            file: shared.file.to_string(),
            source: std::io::Error::other("more than 2³² segment × wave cells"),
        })?;
        self.cell_of.insert(key.clone(), cell);
        self.cells.push((key, u32::MAX));
        Ok(KeyEntry::Cell(cell))
    }

    /// The batch slot of this reader's cell, adding it to the batch if new there.
    fn slot(&mut self, cell: u32, batch: &mut Batch) -> u32 {
        let Some((key, slot)) = self.cells.get_mut(cell as usize) else {
            return u32::MAX;
        };
        if *slot == u32::MAX {
            *slot = batch.cells.len() as u32;
            let mut moments = Moments::new(self.values.len());
            if !self.shared.item_shapes.is_empty() {
                moments.items = Some(ItemMoments::new(&self.shared.item_shapes));
            }
            batch.cells.push((key.clone(), moments));
        }
        *slot
    }

    /// Fill `self.values` from the row's items, then the composite nodes.
    fn node_values(
        &mut self,
        record: &ByteRecord,
        line: u64,
        batch: &mut Batch,
    ) -> Result<(), DataError> {
        let shared = self.shared;
        let states = !shared.item_shapes.is_empty();
        self.items.clear();
        self.states.clear();
        // Position of the item in model order (for the answered counts).
        let mut position = 0usize;
        for (index, source) in shared.columns.sources.iter().enumerate() {
            let NodeSource::Items {
                items,
                scale,
                expected,
                index_factor,
            } = source
            else {
                continue;
            };
            let (mut sum, mut count) = (0.0, 0usize);
            for item in items {
                position += 1;
                let raw = record.get(item.field).unwrap_or_default().trim_ascii();
                match shared.tokens.number(raw) {
                    Ok(None) => {
                        if shared.keep_items {
                            self.items.push(f64::NAN);
                        }
                        if states {
                            self.states.push(ItemState::Missing);
                        }
                    }
                    Ok(Some(v)) if scale.contains(v) => {
                        let v = if item.reverse { scale.flip(v) } else { v };
                        sum += v;
                        count += 1;
                        if let Some(answered) = batch.invalid.answered.get_mut(position - 1) {
                            *answered += 1;
                        }
                        if shared.keep_items {
                            self.items.push(v);
                        }
                        if states {
                            self.states.push(ItemState::Valid(v));
                        }
                    }
                    _ => {
                        if shared.keep_items {
                            self.items.push(f64::NAN);
                        }
                        if states {
                            self.states.push(ItemState::Invalid);
                        }
                        reject(
                            shared,
                            record,
                            item.field,
                            line,
                            expected,
                            ValueKind::Item,
                            batch,
                        )?;
                    }
                }
            }
            let value = if count == 0 {
                f64::NAN
            } else if let Some(factor) = index_factor {
                (sum - count as f64 * scale.min) * factor.get(count).copied().unwrap_or(f64::NAN)
            } else {
                shared
                    .model
                    .nodes
                    .get(index)
                    .map_or(f64::NAN, |n| n.respondent_value(sum / count as f64))
            };
            if let Some(slot) = self.values.get_mut(index) {
                *slot = value;
            }
        }
        for &index in &shared.columns.composite_order {
            let Some(NodeSource::Composite(inputs)) = shared.columns.sources.get(index) else {
                continue;
            };
            let (mut sum, mut total) = (0.0, 0.0);
            for &(input, weight) in inputs {
                let v = self.values.get(input).copied().unwrap_or(f64::NAN);
                if !v.is_nan() {
                    sum += weight * v;
                    total += weight;
                }
            }
            if let Some(slot) = self.values.get_mut(index) {
                *slot = if total != 0.0 { sum / total } else { f64::NAN };
            }
        }
        Ok(())
    }
}

/// Count an invalid value (skip mode) or fail with an error naming it.
fn reject(
    shared: &Shared<'_>,
    record: &ByteRecord,
    field: usize,
    line: u64,
    expected: &str,
    kind: ValueKind,
    batch: &mut Batch,
) -> Result<(), DataError> {
    let column = shared.column_name(field);
    if shared.on_invalid == OnInvalid::Skip {
        batch.invalid.count(column);
        return Ok(());
    }
    let raw = record.get(field).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(raw) else {
        return Err(encoding_error(
            shared.file,
            shared.detected,
            line,
            Some(column),
            field,
        ));
    };
    Err(DataError::InvalidValue {
        file: shared.file.to_string(),
        row: line,
        column: column.to_string(),
        column_number: field as u64 + 1,
        value: text.trim().to_string(),
        expected: expected.into(),
        kind,
    })
}

pub(crate) fn encoding_error(
    file: &str,
    detected: Detected,
    row: u64,
    column: Option<&str>,
    field: usize,
) -> DataError {
    DataError::Encoding {
        file: file.to_string(),
        row: Some(row),
        column: column.map(str::to_string),
        column_number: Some(field as u64 + 1),
        forced: detected == Detected::Utf8 { forced: true },
    }
}
