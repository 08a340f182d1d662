//! A batch of CSV records and what reading them produced; batches are merged in
//! file order, so results do not depend on how many threads read them.

use std::collections::{BTreeMap, HashMap};

use csv::ByteRecord;

use super::{
    Cell, CellKey, DataError, InvalidReport, ItemRows, Moments, RepeatedId, Respondents, Survey,
};

/// Records per batch. Batch boundaries fix the order of floating-point additions,
/// so this constant (not the thread count) is part of what makes results repeatable.
pub(crate) const BATCH_ROWS: usize = 4096;
/// A batch also ends at about this many bytes of records (text plus 8 bytes of field
/// bounds per field), so a file with 100,000 columns does not hold thousands of its
/// wide rows per batch in flight: memory follows the rows' width, not their count.
pub(crate) const BATCH_BYTES: usize = 8 << 20;

/// Records in, partial statistics out.
pub(crate) struct Batch {
    /// Position of the batch in the file.
    pub seq: u64,
    /// Reused buffers; the first `filled` hold this batch's records.
    pub records: Vec<ByteRecord>,
    pub filled: usize,
    /// The line each record starts on, parallel to the filled records.
    pub lines: Vec<u64>,
    /// Data rows read (including skipped ones).
    pub rows: u64,
    /// Moments of each cell the batch touched.
    pub cells: Vec<(CellKey, Moments)>,
    /// Respondents of the batch; `cells` index into `Batch::cells`.
    pub respondents: Respondents,
    /// Item values of the batch's rows, when items are kept.
    pub items: ItemRows,
    pub invalid: InvalidReport,
    /// Respondent ids of the rows read (trimmed) with their lines, when the model
    /// names an id column; checked for repeats in file order by the merger.
    pub ids: Vec<(Box<[u8]>, u64)>,
    /// The first error in the batch; the rows after it are not read.
    pub error: Option<DataError>,
}

impl Batch {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            seq: 0,
            records: Vec::new(),
            filled: 0,
            lines: Vec::new(),
            rows: 0,
            cells: Vec::new(),
            respondents: Respondents::new(nodes),
            items: ItemRows::default(),
            invalid: InvalidReport::default(),
            ids: Vec::new(),
            error: None,
        }
    }

    /// Empty the outputs, keeping the record buffers.
    pub(crate) fn reset(&mut self, seq: u64) {
        self.seq = seq;
        self.filled = 0;
        self.lines.clear();
        self.rows = 0;
        self.cells.clear();
        self.respondents.values.clear();
        self.respondents.weights.clear();
        self.respondents.cells.clear();
        self.items.clear();
        self.invalid = InvalidReport::default();
        self.ids.clear();
        self.error = None;
    }
}

/// What a respondent id seen a second time does.
pub(crate) enum Repeats {
    /// Stop with an error naming both rows (`--on-invalid error`).
    Error { file: String, column: String },
    /// Keep the row, count it and remember the first (`--on-invalid skip`).
    Count,
}

/// Merges batches in file order into the survey.
pub(crate) struct Merger {
    nodes: usize,
    next_seq: u64,
    pending: BTreeMap<u64, Batch>,
    index: HashMap<CellKey, usize>,
    keys: Vec<CellKey>,
    moments: Vec<Moments>,
    respondents: Option<Respondents>,
    items: Option<ItemRows>,
    rows: u64,
    invalid: InvalidReport,
    error: Option<DataError>,
    /// Where each respondent id was first seen, and what a repeat does.
    seen_ids: HashMap<Box<[u8]>, u64>,
    repeats: Repeats,
    /// Batches whose buffers can be reused.
    pub spare: Vec<Batch>,
}

impl Merger {
    /// `items`: the item rows to fill (names set, no rows), when items are kept.
    pub(crate) fn new(
        nodes: usize,
        keep_respondents: bool,
        items: Option<ItemRows>,
        repeats: Repeats,
    ) -> Self {
        Self {
            nodes,
            next_seq: 0,
            pending: BTreeMap::new(),
            index: HashMap::new(),
            keys: Vec::new(),
            moments: Vec::new(),
            respondents: keep_respondents.then(|| Respondents::new(nodes)),
            items,
            rows: 0,
            invalid: InvalidReport::default(),
            error: None,
            seen_ids: HashMap::new(),
            repeats,
            spare: Vec::new(),
        }
    }

    /// The first error in file order (every batch before it is merged).
    pub(crate) fn take_error(&mut self) -> Option<DataError> {
        self.error.take()
    }

    /// Take a finished batch (in any order); merge every batch that is next in line.
    pub(crate) fn accept(&mut self, batch: Batch) {
        self.pending.insert(batch.seq, batch);
        while let Some(mut batch) = self.pending.remove(&self.next_seq) {
            self.next_seq += 1;
            if self.error.is_none() {
                self.merge(&mut batch);
            }
            self.spare.push(batch);
        }
    }

    fn merge(&mut self, batch: &mut Batch) {
        if let Some(error) = self.repeated_ids(batch) {
            self.error = Some(error);
            return;
        }
        self.rows += batch.rows;
        add_invalid(&mut self.invalid, &batch.invalid);
        let mut remap = Vec::with_capacity(batch.cells.len());
        for (key, moments) in batch.cells.drain(..) {
            let global = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    let i = self.keys.len();
                    self.index.insert(key.clone(), i);
                    self.keys.push(key);
                    self.moments.push(Moments::new(self.nodes));
                    i
                }
            };
            if let Some(m) = self.moments.get_mut(global) {
                m.merge(&moments);
            }
            remap.push(global as u32);
        }
        if let Some(all) = &mut self.respondents {
            let part = &batch.respondents;
            all.values.extend_from_slice(&part.values);
            all.weights.extend_from_slice(&part.weights);
            all.cells.extend(
                part.cells
                    .iter()
                    .map(|&c| remap.get(c as usize).copied().unwrap_or(c)),
            );
        }
        if let Some(all) = &mut self.items {
            all.values.extend_from_slice(&batch.items.values);
            all.weights.extend_from_slice(&batch.items.weights);
        }
        if let Some(error) = batch.error.take() {
            self.error = Some(error);
        }
    }

    /// Check the batch's respondent ids against those seen before it, in file order
    /// (so the first repeat is reported, whatever thread read which batch). Ids on or
    /// after the batch's own first error do not count: that error comes first.
    fn repeated_ids(&mut self, batch: &mut Batch) -> Option<DataError> {
        let stop = batch
            .error
            .as_ref()
            .and_then(DataError::row)
            .unwrap_or(u64::MAX);
        for (id, line) in batch.ids.drain(..) {
            if line >= stop {
                break;
            }
            match self.seen_ids.get(&id) {
                None => {
                    self.seen_ids.insert(id, line);
                }
                Some(&first) => match &self.repeats {
                    Repeats::Error { file, column } => {
                        return Some(DataError::RepeatedId {
                            file: file.clone(),
                            row: line,
                            column: column.clone(),
                            id: String::from_utf8_lossy(&id).into_owned(),
                            first,
                        });
                    }
                    Repeats::Count => {
                        let invalid = &mut self.invalid;
                        invalid.repeated_ids += 1;
                        if invalid.first_repeat.is_none() {
                            invalid.first_repeat = Some(RepeatedId {
                                id: String::from_utf8_lossy(&id).into_owned(),
                                first,
                                again: line,
                            });
                        }
                    }
                },
            }
        }
        None
    }

    /// The survey, cells sorted by key.
    pub(crate) fn finish(self) -> Survey {
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
        Survey {
            nodes: self.nodes,
            segment_columns: Vec::new(),
            wave_column: None,
            weight_column: None,
            cells: cells.into_iter().map(|(_, c)| c).collect(),
            respondents,
            items: self.items,
            rows: self.rows,
            invalid: self.invalid,
            column_labels: std::collections::BTreeMap::new(),
        }
    }
}

fn add_invalid(into: &mut InvalidReport, from: &InvalidReport) {
    into.total += from.total;
    into.skipped_rows += from.skipped_rows;
    into.blank_rows += from.blank_rows;
    if into.answered.len() < from.answered.len() {
        into.answered.resize(from.answered.len(), 0);
    }
    for (a, b) in into.answered.iter_mut().zip(&from.answered) {
        *a += b;
    }
    for (column, n) in &from.columns {
        *into.columns.entry(column.clone()).or_insert(0) += n;
    }
}
