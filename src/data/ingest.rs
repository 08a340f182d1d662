//! One pass over the survey: the calling thread parses records (CSV lines, or rows of
//! a workbook or SPSS file as text fields) into batches,
//! reader threads turn them into node values and per-cell moments, and the batches
//! are merged back in file order (so results are the same for any thread count).

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, TryRecvError};
use std::sync::Mutex;

use csv::ByteRecord;

use super::batch::{Batch, Merger, Repeats, BATCH_BYTES, BATCH_ROWS};
use super::columns::Columns;
use super::decode::{self, Detected};
use super::lines::LineIndex;
use super::parse::MissingTokens;
use super::row::{encoding_error, RowReader, Shared};
use super::{DataError, IngestOptions, Survey};
use crate::diag::Both;
use crate::model::Model;

/// Read a survey CSV into moments per cell (segment values × wave).
///
/// `eval_order` lists indices into `model.nodes` with every node after its inputs;
/// composite nodes (no items) are computed in that order. `source` names the file in
/// messages. The reader is streamed once; besides the result, only the first 64 KiB
/// (for encoding detection) and a few batches of records are held in memory.
///
/// Row numbers in errors are the 1-based line where the record starts (the header is
/// line 1), counting quoted newlines, blank lines and CRLF right. With
/// [`OnInvalid::Error`](super::OnInvalid::Error) the error is always the first one in
/// the file.
pub fn ingest<R: Read>(
    model: &Model,
    eval_order: &[usize],
    source: &str,
    reader: R,
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    let (input, detected, sniffed) =
        decode::open(reader, options.encoding).map_err(|e| DataError::Io {
            file: source.to_string(),
            source: e,
        })?;
    if let Some(kind) = sniffed.binary {
        return Err(DataError::file_error(
            source,
            Both::default(),
            Both::new(
                format!("this is not a text (CSV) file but {}", kind.0),
                format!("这不是文本（CSV）文件，而是{}", kind.1),
            ),
            Both::new(
                "name the file by its format (e.g. `survey.xlsx`, `survey.sav`) in `data:` or on the command line; sattrace reads workbooks and SPSS files directly",
                "请按格式给文件命名（例如 `survey.xlsx`、`survey.sav`），写在 `data:` 或命令行中；sattrace 可以直接读取工作簿和 SPSS 文件",
            ),
            None,
            None,
        ));
    }
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(LineIndex::new(input));
    let mut header = ByteRecord::new();
    if !read_record(&mut csv, &mut header, source)? {
        return Err(DataError::Empty {
            file: source.to_string(),
        });
    }
    let names = header_names(&header, source, detected)?;
    let records = CsvRecords { csv, file: source };
    ingest_records(model, eval_order, source, names, detected, records, options)
}

/// A source of data records after the header: CSV lines, or the rows of a
/// workbook or SPSS file rendered as text fields, so every format feeds the same
/// row reader and statistics.
pub(crate) trait Records {
    /// Fill `record` with the next data row; `Some(row)` names the row in messages
    /// (a CSV line, a sheet row), `None` at the end.
    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, DataError>;
}

struct CsvRecords<'f, R> {
    csv: csv::Reader<LineIndex<R>>,
    file: &'f str,
}

impl<R: Read> Records for CsvRecords<'_, R> {
    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, DataError> {
        if !read_record(&mut self.csv, record, self.file)? {
            return Ok(None);
        }
        let byte = record.position().map_or(0, |p| p.byte());
        Ok(Some(self.csv.get_mut().line_of(byte)))
    }
}

/// The shared part of every format: map the header onto the model, then read the
/// records into moments.
pub(crate) fn ingest_records<S: Records>(
    model: &Model,
    eval_order: &[usize],
    source: &str,
    names: Vec<String>,
    detected: Detected,
    mut records: S,
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    let shared = Shared {
        model,
        file: source,
        columns: Columns::new(model, eval_order, source, names)?,
        tokens: MissingTokens::new(&model.missing),
        detected,
        on_invalid: options.on_invalid,
        keep_respondents: options.keep_respondents,
        keep_items: options.keep_items,
        item_shapes: if options.item_moments {
            crate::data::ItemShape::of_model(model)
        } else {
            Vec::new()
        },
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let items = options.keep_items.then(|| shared.columns.item_rows());
    let repeats = match options.on_invalid {
        super::OnInvalid::Error => Repeats::Error {
            file: source.to_string(),
            column: model.respondent_id.clone().unwrap_or_default(),
        },
        super::OnInvalid::Skip => Repeats::Count,
    };
    let mut merger = Merger::new(model.nodes.len(), options.keep_respondents, items, repeats);
    let read_error = run(&shared, &mut records, threads, &mut merger);
    if let Some(error) = merger.take_error() {
        return Err(error);
    }
    if let Some(error) = read_error {
        return Err(error);
    }
    let mut survey = merger.finish();
    if survey.rows == 0 {
        return Err(DataError::NoRows {
            file: source.to_string(),
        });
    }
    let answered = std::mem::take(&mut survey.invalid.answered);
    survey.invalid.empty_columns = shared
        .columns
        .item_rows()
        .names
        .into_iter()
        .enumerate()
        .filter(|(i, _)| answered.get(*i).copied().unwrap_or(0) == 0)
        .map(|(_, name)| name)
        .collect();
    survey.segment_columns = model.segments.clone();
    survey.wave_column = model.wave.clone();
    survey.weight_column = model.weight.clone();
    Ok(survey)
}

/// Parse batches on this thread and read them on `threads` others; returns a read
/// (I/O) error, if parsing stopped on one. Row errors end up in the merger.
fn run<S: Records>(
    shared: &Shared<'_>,
    records: &mut S,
    threads: usize,
    merger: &mut Merger,
) -> Option<DataError> {
    let nodes = shared.model.nodes.len();
    let failed = AtomicBool::new(false);
    let (job_tx, job_rx) = sync_channel::<Batch>(threads * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = channel::<Batch>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (job_rx, failed) = (&job_rx, &failed);
            scope.spawn(move || {
                let mut reader = RowReader::new(shared);
                while let Some(mut batch) = next_job(job_rx) {
                    reader.read_batch(&mut batch);
                    if batch.error.is_some() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    if done_tx.send(batch).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);

        let mut read_error = None;
        let mut seq = 0;
        while !failed.load(Ordering::Relaxed) {
            let mut batch = merger.spare.pop().unwrap_or_else(|| Batch::new(nodes));
            batch.reset(seq);
            let mut eof = false;
            let mut bytes = 0usize;
            while batch.filled < BATCH_ROWS && bytes < BATCH_BYTES {
                if batch.records.len() <= batch.filled {
                    batch.records.push(ByteRecord::new());
                }
                let Some(record) = batch.records.get_mut(batch.filled) else {
                    break;
                };
                match records.next_record(record) {
                    Ok(Some(line)) => {
                        bytes += record.as_slice().len() + 8 * record.len();
                        batch.lines.push(line);
                        batch.filled += 1;
                    }
                    Ok(None) => {
                        eof = true;
                        break;
                    }
                    Err(e) => {
                        read_error = Some(e);
                        eof = true;
                        break;
                    }
                }
            }
            if batch.filled > 0 {
                seq += 1;
                if job_tx.send(batch).is_err() {
                    break;
                }
            }
            drain(&done_rx, merger);
            if eof {
                break;
            }
        }
        drop(job_tx);
        for batch in done_rx {
            merger.accept(batch);
        }
        read_error
    })
}

fn next_job(jobs: &Mutex<Receiver<Batch>>) -> Option<Batch> {
    jobs.lock().ok()?.recv().ok()
}

fn drain(done: &Receiver<Batch>, merger: &mut Merger) {
    loop {
        match done.try_recv() {
            Ok(batch) => merger.accept(batch),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
        }
    }
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
