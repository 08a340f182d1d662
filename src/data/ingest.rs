//! One pass over the survey: each row becomes node values, which are added to the
//! moments of the row's cell (and kept per respondent when asked).

use std::collections::HashMap;
use std::io::Read;

use csv::ByteRecord;

use super::columns::{Columns, NodeSource};
use super::decode::{self, Detected};
use super::error::ValueKind;
use super::parse::{parse_number, MissingTokens};
use super::{
    Cell, CellKey, DataError, IngestOptions, InvalidReport, Moments, OnInvalid, Respondents, Survey,
};
use crate::model::Model;

const WEIGHT_EXPECTED: &str = "a positive number (the survey weight)";

/// Read a survey CSV into moments per cell (segment values × wave).
///
/// `eval_order` lists indices into `model.nodes` with every node after its inputs;
/// composite nodes (no items) are computed in that order. `source` names the file in
/// messages. The reader is streamed once; nothing but the first 64 KiB (for encoding
/// detection) is held in memory besides the result.
///
/// Row numbers in errors are the 1-based line where the record starts (the header is
/// line 1), so quoted fields spanning lines are counted right.
pub fn ingest<R: Read>(
    model: &Model,
    eval_order: &[usize],
    source: &str,
    reader: R,
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    let (input, detected) = decode::open(reader, options.encoding).map_err(|e| DataError::Io {
        file: source.to_string(),
        source: e,
    })?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(input);
    let mut record = ByteRecord::new();
    if !read_record(&mut csv, &mut record, source)? {
        return Err(DataError::Empty {
            file: source.to_string(),
        });
    }
    let header = header_names(&record, source, detected)?;
    let columns = Columns::new(model, eval_order, source, header)?;
    let mut pass = Pass::new(model, source, columns, detected, options);
    while read_record(&mut csv, &mut record, source)? {
        pass.row(&record)?;
    }
    pass.finish()
}

fn read_record<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    file: &str,
) -> Result<bool, DataError> {
    csv.read_byte_record(record).map_err(|e| {
        let source = if e.is_io_error() {
            match e.into_kind() {
                csv::ErrorKind::Io(io) => io,
                other => std::io::Error::other(format!("{other:?}")),
            }
        } else {
            std::io::Error::other(e.to_string())
        };
        DataError::Io {
            file: file.to_string(),
            source,
        }
    })
}

fn header_names(
    record: &ByteRecord,
    file: &str,
    detected: Detected,
) -> Result<Vec<String>, DataError> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| match std::str::from_utf8(field) {
            Ok(name) => Ok(name.trim().to_string()),
            Err(_) => Err(encoding_error(file, detected, 1, None, i)),
        })
        .collect()
}

fn encoding_error(
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

/// The state of one pass.
struct Pass<'m> {
    model: &'m Model,
    file: &'m str,
    columns: Columns,
    tokens: MissingTokens,
    detected: Detected,
    on_invalid: OnInvalid,
    /// Node values of the current row, NaN = missing.
    values: Vec<f64>,
    /// Length-prefixed trimmed segment and wave values of the current row.
    key: Vec<u8>,
    last_key: Vec<u8>,
    last_cell: Option<usize>,
    cell_of: HashMap<Vec<u8>, usize>,
    keys: Vec<CellKey>,
    moments: Vec<Moments>,
    respondents: Option<Respondents>,
    rows: u64,
    invalid: InvalidReport,
}

enum Verdict {
    Keep,
    Skip,
}

impl<'m> Pass<'m> {
    fn new(
        model: &'m Model,
        file: &'m str,
        columns: Columns,
        detected: Detected,
        options: &IngestOptions,
    ) -> Self {
        let nodes = model.nodes.len();
        Self {
            model,
            file,
            columns,
            tokens: MissingTokens::new(&model.missing),
            detected,
            on_invalid: options.on_invalid,
            values: vec![f64::NAN; nodes],
            key: Vec::new(),
            last_key: Vec::new(),
            last_cell: None,
            cell_of: HashMap::new(),
            keys: Vec::new(),
            moments: Vec::new(),
            respondents: options.keep_respondents.then(|| Respondents::new(nodes)),
            rows: 0,
            invalid: InvalidReport::default(),
        }
    }

    fn row(&mut self, record: &ByteRecord) -> Result<(), DataError> {
        self.rows += 1;
        let line = record.position().map_or(self.rows + 1, |p| p.line());
        let expected = self.columns.header.len();
        if record.len() != expected {
            return Err(DataError::Ragged {
                file: self.file.to_string(),
                row: line,
                expected: expected as u64,
                found: record.len() as u64,
            });
        }
        let weight = match self.columns.weight {
            None => 1.0,
            Some(field) => match self.weight(record, field, line)? {
                Some(w) => w,
                None => {
                    self.skip_row();
                    return Ok(());
                }
            },
        };
        if let Verdict::Skip = self.build_key(record, line)? {
            self.skip_row();
            return Ok(());
        }
        self.node_values(record, line)?;
        let cell = self.cell()?;
        if let Some(m) = self.moments.get_mut(cell) {
            m.add_row(weight, &self.values);
        }
        if let Some(r) = &mut self.respondents {
            // `cell()` keeps the cell count within u32.
            r.push(&self.values, weight, cell as u32);
        }
        Ok(())
    }

    fn skip_row(&mut self) {
        self.invalid.skipped_rows += 1;
    }

    fn column_name(&self, field: usize) -> &str {
        self.columns.header.get(field).map_or("", String::as_str)
    }

    /// The row's weight, or `None` to skip the row.
    fn weight(
        &mut self,
        record: &ByteRecord,
        field: usize,
        line: u64,
    ) -> Result<Option<f64>, DataError> {
        let raw = record.get(field).unwrap_or_default().trim_ascii();
        if !self.tokens.is_missing(raw) {
            if let Some(w) = parse_number(raw).filter(|w| *w > 0.0) {
                return Ok(Some(w));
            }
        }
        self.reject(record, field, line, WEIGHT_EXPECTED, ValueKind::Weight)?;
        Ok(None)
    }

    /// Count an invalid value (skip mode) or fail with an error naming it.
    fn reject(
        &mut self,
        record: &ByteRecord,
        field: usize,
        line: u64,
        expected: &str,
        kind: ValueKind,
    ) -> Result<(), DataError> {
        if self.on_invalid == OnInvalid::Skip {
            let column = self.column_name(field).to_string();
            self.invalid.count(&column);
            return Ok(());
        }
        let raw = record.get(field).unwrap_or_default();
        let column = self.column_name(field).to_string();
        let value = match std::str::from_utf8(raw) {
            Ok(text) => text.trim().to_string(),
            Err(_) => {
                return Err(encoding_error(
                    self.file,
                    self.detected,
                    line,
                    Some(&column),
                    field,
                ))
            }
        };
        Err(DataError::InvalidValue {
            file: self.file.to_string(),
            row: line,
            column,
            column_number: field as u64 + 1,
            value,
            expected: expected.into(),
            kind,
        })
    }

    /// Fill `self.key` with the row's segment and wave values.
    fn build_key(&mut self, record: &ByteRecord, line: u64) -> Result<Verdict, DataError> {
        self.key.clear();
        let fields = self.columns.segments.iter().chain(self.columns.wave.iter());
        for &field in fields {
            let raw = record.get(field).unwrap_or_default();
            let Ok(text) = std::str::from_utf8(raw) else {
                let column = self.column_name(field);
                return Err(encoding_error(
                    self.file,
                    self.detected,
                    line,
                    Some(column),
                    field,
                ));
            };
            let text = text.trim();
            if text.is_empty() || self.tokens.is_missing_str(text) {
                if self.on_invalid == OnInvalid::Skip {
                    let column = self.column_name(field).to_string();
                    self.invalid.count(&column);
                    return Ok(Verdict::Skip);
                }
                return Err(DataError::EmptySegment {
                    file: self.file.to_string(),
                    row: line,
                    column: self.column_name(field).to_string(),
                    column_number: field as u64 + 1,
                    value: text.to_string(),
                });
            }
            let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
            self.key.extend_from_slice(&len.to_le_bytes());
            self.key.extend_from_slice(text.as_bytes());
        }
        Ok(Verdict::Keep)
    }

    /// Fill `self.values` from the row's items, then the composite nodes.
    fn node_values(&mut self, record: &ByteRecord, line: u64) -> Result<(), DataError> {
        for index in 0..self.values.len() {
            let Some(NodeSource::Items { items, scale, .. }) = self.columns.sources.get(index)
            else {
                continue;
            };
            let (mut sum, mut count) = (0.0, 0u32);
            let mut bad: Option<usize> = None;
            for item in items {
                let raw = record.get(item.field).unwrap_or_default().trim_ascii();
                if self.tokens.is_missing(raw) {
                    continue;
                }
                match parse_number(raw).filter(|v| scale.contains(*v)) {
                    Some(v) => {
                        sum += if item.reverse { scale.flip(v) } else { v };
                        count += 1;
                    }
                    None => {
                        bad = Some(item.field);
                        break;
                    }
                }
            }
            if bad.is_some() {
                // Rare: redo the node slowly, reporting or counting each bad item.
                (sum, count) = self.items_slow(index, record, line)?;
            }
            let value = if count == 0 {
                f64::NAN
            } else {
                self.model
                    .nodes
                    .get(index)
                    .map_or(f64::NAN, |n| n.respondent_value(sum / f64::from(count)))
            };
            if let Some(slot) = self.values.get_mut(index) {
                *slot = value;
            }
        }
        for &index in &self.columns.composite_order {
            let Some(NodeSource::Composite(inputs)) = self.columns.sources.get(index) else {
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

    /// Sum and count of node `index`'s valid items, rejecting each invalid one.
    fn items_slow(
        &mut self,
        index: usize,
        record: &ByteRecord,
        line: u64,
    ) -> Result<(f64, u32), DataError> {
        let Some(NodeSource::Items {
            items,
            scale,
            expected,
        }) = self.columns.sources.get(index).cloned()
        else {
            return Ok((0.0, 0));
        };
        let (mut sum, mut count) = (0.0, 0u32);
        for item in &items {
            let raw = record.get(item.field).unwrap_or_default().trim_ascii();
            if self.tokens.is_missing(raw) {
                continue;
            }
            match parse_number(raw).filter(|v| scale.contains(*v)) {
                Some(v) => {
                    sum += if item.reverse { scale.flip(v) } else { v };
                    count += 1;
                }
                None => self.reject(record, item.field, line, &expected, ValueKind::Item)?,
            }
        }
        Ok((sum, count))
    }

    /// The index of the current key's cell, creating it on first sight.
    fn cell(&mut self) -> Result<usize, DataError> {
        if let Some(cell) = self.last_cell {
            if self.last_key == self.key {
                return Ok(cell);
            }
        }
        let cell = match self.cell_of.get(self.key.as_slice()) {
            Some(&cell) => cell,
            None => {
                let cell = self.keys.len();
                if u32::try_from(cell).is_err() {
                    return Err(DataError::Io {
                        file: self.file.to_string(),
                        source: std::io::Error::other("more than 2³² segment × wave cells"),
                    });
                }
                self.keys.push(self.decode_key());
                self.moments.push(Moments::new(self.values.len()));
                self.cell_of.insert(self.key.clone(), cell);
                cell
            }
        };
        self.last_key.clear();
        self.last_key.extend_from_slice(&self.key);
        self.last_cell = Some(cell);
        Ok(cell)
    }

    /// `self.key` (length-prefixed UTF-8 values) as a `CellKey`.
    fn decode_key(&self) -> CellKey {
        let mut parts = Vec::new();
        let mut rest = self.key.as_slice();
        while let Some((len, tail)) = rest.split_first_chunk::<4>() {
            let len = u32::from_le_bytes(*len) as usize;
            let (text, tail) = tail.split_at(len.min(tail.len()));
            parts.push(String::from_utf8_lossy(text).into_owned());
            rest = tail;
        }
        let wave = if self.columns.wave.is_some() {
            parts.pop()
        } else {
            None
        };
        CellKey {
            segments: parts,
            wave,
        }
    }

    fn finish(self) -> Result<Survey, DataError> {
        if self.rows == 0 {
            return Err(DataError::NoRows {
                file: self.file.to_string(),
            });
        }
        let mut cells: Vec<(usize, Cell)> = self
            .keys
            .into_iter()
            .zip(self.moments)
            .map(|(key, moments)| Cell { key, moments })
            .enumerate()
            .collect();
        cells.sort_by(|a, b| a.1.key.cmp(&b.1.key));
        let mut remap = vec![0u32; cells.len()];
        for (new, (old, _)) in cells.iter().enumerate() {
            if let Some(slot) = remap.get_mut(*old) {
                *slot = new as u32;
            }
        }
        let mut respondents = self.respondents;
        if let Some(r) = &mut respondents {
            for cell in &mut r.cells {
                *cell = remap.get(*cell as usize).copied().unwrap_or(*cell);
            }
        }
        Ok(Survey {
            nodes: self.model.nodes.len(),
            segment_columns: self.model.segments.clone(),
            wave_column: self.model.wave.clone(),
            weight_column: self.model.weight.clone(),
            cells: cells.into_iter().map(|(_, c)| c).collect(),
            respondents,
            rows: self.rows,
            invalid: self.invalid,
        })
    }
}
