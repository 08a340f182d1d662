//! A batch of CSV records and what reading them produced; batches are merged in
//! file order, so results do not depend on how many threads read them.

use std::collections::{BTreeMap, HashMap};

use csv::ByteRecord;

use super::{Cell, CellKey, DataError, InvalidReport, ItemRows, Moments, Respondents, Survey};

/// Records per batch. Batch boundaries fix the order of floating-point additions,
/// so this constant (not the thread count) is part of what makes results repeatable.
pub(crate) const BATCH_ROWS: usize = 4096;

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
        self.error = None;
    }
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
    /// Batches whose buffers can be reused.
    pub spare: Vec<Batch>,
}

impl Merger {
    /// `items`: the item rows to fill (names set, no rows), when items are kept.
    pub(crate) fn new(nodes: usize, keep_respondents: bool, items: Option<ItemRows>) -> Self {
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
    for (column, n) in &from.columns {
        *into.columns.entry(column.clone()).or_insert(0) += n;
    }
}
