//! Survey workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`) read with `calamine` into the
//! same records and statistics as a CSV file.
//!
//! `.xlsx` cells stream from the sheet's XML, so memory does not grow with rows;
//! `.xls` and `.ods` sheets are loaded whole by `calamine` (those formats are capped
//! at 65,536 rows and are rare as survey exports). The header row is `header_row:`
//! or the first of the first rows that names the most model columns; description
//! rows right below it (question text) are skipped. Errors name the sheet and cell.

use std::io::{Read, Seek};

use calamine::{Data, DataRef, Reader};
use csv::ByteRecord;

use super::decode::Detected;
use super::ingest::{ingest_records, Records};
use super::parse::MissingTokens;
use super::sheet::{
    cell_name, date_text, number_text, sheet_ref, CellStream, SheetRow, SheetRows, Span, Value,
};
use super::{DataError, IngestOptions, Survey};
use crate::diag::{Both, Localized};
use crate::model::Model;

/// The workbook formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// Office Open XML: `.xlsx`, `.xlsm`.
    Xlsx,
    /// Excel 97–2003: `.xls`.
    Xls,
    /// OpenDocument: `.ods`.
    Ods,
}

impl WorkbookKind {
    /// The kind named by a file's extension (any case).
    pub fn of_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Self::Xlsx),
            "xls" => Some(Self::Xls),
            "ods" => Some(Self::Ods),
            _ => None,
        }
    }
}

/// Rows searched for the header when `header_row:` is not given.
const HEADER_SEARCH_ROWS: usize = 30;
/// Description rows (question text) skipped right below the header, at most.
const MAX_DESCRIPTION_ROWS: usize = 5;
/// An archive member may not expand to more than this …
const MAX_MEMBER_BYTES: u64 = 4 << 30;
/// … nor to more than `MAX_RATIO` times its compressed size once past this.
const RATIO_FLOOR_BYTES: u64 = 256 << 20;
const MAX_RATIO: u64 = 200;

/// Read a survey workbook into moments per cell, as [`crate::data::ingest`] does
/// for CSV. `file` names the workbook in messages; the sheet is the model's
/// `sheet:` (default: the first), the header row its `header_row:` (default:
/// detected).
pub fn ingest_workbook<RS: Read + Seek>(
    model: &Model,
    eval_order: &[usize],
    file: &str,
    kind: WorkbookKind,
    reader: RS,
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    with_sheet(model, file, kind, reader, |sheet, stream, merges| {
        read_sheet(model, eval_order, file, sheet, Dyn(stream), merges, options)
    })
}

/// The header of a workbook's survey sheet (for `check --data`): its 1-based row
/// (detected or declared) and its names, trimmed.
pub fn workbook_header<RS: Read + Seek>(
    model: &Model,
    file: &str,
    kind: WorkbookKind,
    reader: RS,
) -> Result<(u64, Vec<String>), DataError> {
    with_sheet(model, file, kind, reader, |sheet, stream, merges| {
        let mut rows = SheetRows::new(Dyn(stream), merges, file, sheet);
        let (header, _) = find_header(model, file, sheet, &mut rows)?;
        Ok((u64::from(header.row) + 1, header.names))
    })
}

/// Open the workbook, choose its survey sheet (`sheet:`, default the first) and hand
/// `visit` the sheet's name, its cells as a stream and its merged ranges: the one
/// place that knows each format's calamine reader (`.xlsx` streams its cells; `.xls`
/// and `.ods` are read whole by calamine).
fn with_sheet<RS: Read + Seek, T>(
    model: &Model,
    file: &str,
    kind: WorkbookKind,
    mut reader: RS,
    visit: impl FnOnce(&str, &mut dyn CellStream, &[Span]) -> Result<T, DataError>,
) -> Result<T, DataError> {
    if kind != WorkbookKind::Xls {
        check_archive(&mut reader, file)?;
    }
    let fail = |e: &dyn std::fmt::Display, password: bool| open_error(file, e, password);
    match kind {
        WorkbookKind::Xlsx => {
            let mut book = calamine::Xlsx::new(reader)
                .map_err(|e| fail(&e, matches!(e, calamine::XlsxError::Password)))?;
            let sheet = choose_sheet(model, file, &book.sheet_names())?;
            let merges = book
                .merge_cells_by_sheet_name(&sheet)
                .map_err(|e| fail(&e, false))?;
            let merges: Vec<_> = merges.iter().map(|d| (d.start, d.end)).collect();
            let cells = book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| fail(&e, false))?;
            #[allow(clippy::let_and_return, reason = "the cell reader borrows `book`")]
            let result = visit(&sheet, &mut XlsxCells { cells, file }, &merges);
            result
        }
        WorkbookKind::Xls => {
            let mut book = calamine::Xls::new(reader)
                .map_err(|e| fail(&e, matches!(e, calamine::XlsError::Password)))?;
            let sheet = choose_sheet(model, file, &book.sheet_names())?;
            let merges = book
                .merge_cells_by_sheet_name(&sheet)
                .map_err(|e| fail(&e, false))?;
            let merges: Vec<_> = merges.iter().map(|d| (d.start, d.end)).collect();
            let range = book.worksheet_range(&sheet).map_err(|e| fail(&e, false))?;
            visit(&sheet, &mut RangeCells::new(&range), &merges)
        }
        WorkbookKind::Ods => {
            let mut book = calamine::Ods::new(reader)
                .map_err(|e| fail(&e, matches!(e, calamine::OdsError::Password)))?;
            let sheet = choose_sheet(model, file, &book.sheet_names())?;
            let range = book.worksheet_range(&sheet).map_err(|e| fail(&e, false))?;
            visit(&sheet, &mut RangeCells::new(&range), &[])
        }
    }
}

struct Dyn<'a>(&'a mut dyn CellStream);

impl CellStream for Dyn<'_> {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Value)>, DataError> {
        self.0.next_cell()
    }
}

fn open_error(file: &str, e: &dyn std::fmt::Display, password: bool) -> DataError {
    let (message, help) = if password {
        (
            Both::new(
                "the workbook is password-protected (encrypted), so it cannot be read",
                "工作簿有密码保护（已加密），无法读取",
            ),
            Both::new(
                "open it in Excel or LibreOffice, remove the password to open (File › Info › Protect Workbook › Encrypt with Password), save, and try again",
                "请在 Excel 或 LibreOffice 中打开，去掉打开密码（文件 › 信息 › 保护工作簿 › 用密码进行加密），保存后重试",
            ),
        )
    } else {
        (
            Both::new(
                format!("cannot read the workbook: {e}"),
                format!("无法读取工作簿（读取器报告：`{e}`）"),
            ),
            Both::new(
                "check that the file is an .xlsx, .xls or .ods workbook; open it in a spreadsheet program and save it again, or export the sheet as CSV",
                "请确认文件是 .xlsx、.xls 或 .ods 工作簿；用电子表格程序打开并重新保存，或把工作表导出为 CSV",
            ),
        )
    };
    DataError::file_error(file, Both::default(), message, help, None, None)
}

/// Refuse archives whose members would expand out of proportion (zip bombs)
/// before any of them is inflated. Not an archive (an encrypted workbook is a
/// compound file): left to the reader, which says what it is.
fn check_archive<RS: Read + Seek>(reader: &mut RS, file: &str) -> Result<(), DataError> {
    let io = |e: std::io::Error| DataError::Io {
        file: file.to_string(),
        source: e,
    };
    let verdict = match zip::ZipArchive::new(&mut *reader) {
        Ok(mut archive) => {
            let mut found = None;
            for i in 0..archive.len() {
                let Ok(member) = archive.by_index_raw(i) else {
                    continue;
                };
                let (size, packed) = (member.size(), member.compressed_size().max(1));
                if size > MAX_MEMBER_BYTES
                    || (size > RATIO_FLOOR_BYTES && size / packed > MAX_RATIO)
                {
                    found = Some((
                        member.name().map(|n| n.to_string()).unwrap_or_default(),
                        size,
                        packed,
                    ));
                    break;
                }
            }
            found
        }
        Err(_) => None,
    };
    reader.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    match verdict {
        None => Ok(()),
        Some((name, size, packed)) => Err(DataError::file_error(
            file,
            Both::default(),
            Both::new(
                format!("the workbook member `{name}` would expand from {packed} to {size} bytes; refusing to read it (a zip bomb?)"),
                format!("工作簿成员 `{name}` 会从 {packed} 字节膨胀到 {size} 字节，拒绝读取（是否为压缩炸弹？）"),
            ),
            Both::new(
                "a survey sheet is far smaller; re-export the data from the survey platform, or save the sheet as CSV",
                "问卷工作表远比这小；请从问卷平台重新导出数据，或把工作表另存为 CSV",
            ),
            None,
            None,
        )),
    }
}

/// The model's `sheet:`, else the first sheet.
fn choose_sheet(model: &Model, file: &str, names: &[String]) -> Result<String, DataError> {
    let listed = || {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &model.sheet {
        Some(wanted) => {
            if names.iter().any(|n| n == wanted) {
                return Ok(wanted.clone());
            }
            let hint = crate::diag::suggest(wanted, names.iter().map(String::as_str));
            Err(DataError::file_error(
                file,
                Both::default(),
                Both::new(
                    format!("the workbook has no sheet `{wanted}` (named by `sheet:`)"),
                    format!("工作簿中没有工作表 `{wanted}`（由 `sheet:` 指定）"),
                ),
                match hint {
                    None => Both::new(
                        format!("set `sheet:` in the model to one of {}", listed()),
                        format!("请把模型中的 `sheet:` 设为其中之一：{}", listed()),
                    ),
                    Some(s) => Both::new(
                        format!("did you mean `{s}`? the sheets are {}", listed()),
                        format!("是不是 `{s}`？工作表有：{}", listed()),
                    ),
                },
                None,
                None,
            ))
        }
        None => names.first().cloned().ok_or_else(|| {
            DataError::file_error(
                file,
                Both::default(),
                Both::new("the workbook has no sheets", "工作簿中没有工作表"),
                Both::new(
                    "export the survey data again from the survey platform",
                    "请从问卷平台重新导出问卷数据",
                ),
                None,
                None,
            )
        }),
    }
}

/// The chosen header row.
struct Header {
    /// 0-based sheet row.
    row: u32,
    names: Vec<String>,
}

/// Find the header among the first rows and return it with the data rows already
/// read past it (description rows dropped).
fn find_header<S: CellStream>(
    model: &Model,
    file: &str,
    sheet: &str,
    rows: &mut SheetRows<S>,
) -> Result<(Header, Vec<SheetRow>), DataError> {
    let mut wanted: Vec<&str> = model
        .nodes
        .iter()
        .flat_map(|n| n.items.iter().map(String::as_str))
        .chain(model.segments.iter().map(String::as_str))
        .chain(model.wave.as_deref())
        .chain(model.weight.as_deref())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut seen: Vec<SheetRow> = Vec::new();
    let chosen = match model.header_row {
        Some(declared) => {
            let target = declared - 1;
            loop {
                match rows.next_row()? {
                    Some((row, _)) if row < target => continue,
                    Some((row, cells)) if row == target => break Some((row, cells)),
                    other => {
                        seen.extend(other);
                        break None;
                    }
                }
            }
            .ok_or_else(|| {
                sheet_error(
                    file,
                    sheet,
                    Both::new(
                        format!("row {declared} (named by `header_row:`) is empty"),
                        format!("第 {declared} 行（由 `header_row:` 指定）是空的"),
                    ),
                    Both::new(
                        "set `header_row:` to the row holding the column names, or remove it to detect that row",
                        "请把 `header_row:` 设为列名所在的行，或删掉它以自动识别",
                    ),
                    Some(u64::from(declared)),
                    None,
                )
            })?
        }
        None => {
            while seen.len() < HEADER_SEARCH_ROWS {
                match rows.next_row()? {
                    Some(row) => seen.push(row),
                    None => break,
                }
            }
            let score = |cells: &[Value]| {
                let mut hits: Vec<&str> = cells
                    .iter()
                    .map(|c| c.text().trim())
                    .filter(|t| wanted.binary_search(t).is_ok())
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                hits.len()
            };
            let mut best: Option<(usize, usize)> = None;
            for (i, (_, cells)) in seen.iter().enumerate() {
                let s = score(cells);
                if best.is_none_or(|(_, b)| s > b) {
                    best = Some((i, s));
                }
            }
            let Some((at, _)) = best else {
                return Err(sheet_error(
                    file,
                    sheet,
                    Both::new("the sheet is empty", "工作表是空的"),
                    Both::new(
                        "choose the sheet with the survey data with `sheet:` in the model",
                        "请在模型中用 `sheet:` 选择存放问卷数据的工作表",
                    ),
                    None,
                    None,
                ));
            };
            let mut rest = seen.split_off(at);
            let header = rest.remove(0);
            seen = rest;
            header
        }
    };
    let (row, cells) = chosen;
    let width = cells
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |i| i + 1);
    let names: Vec<String> = cells
        .iter()
        .take(width)
        .map(|c| c.text().trim().to_string())
        .collect();
    Ok((Header { row, names }, seen))
}

fn sheet_error(
    file: &str,
    sheet: &str,
    message: Both,
    help: Both,
    row: Option<u64>,
    column: Option<u64>,
) -> DataError {
    DataError::file_error(
        file,
        Both::new(
            format!("sheet {}", sheet_ref(sheet)),
            format!("工作表 {}", sheet_ref(sheet)),
        ),
        message,
        help,
        row,
        column,
    )
}

fn read_sheet<S: CellStream>(
    model: &Model,
    eval_order: &[usize],
    file: &str,
    sheet: &str,
    cells: S,
    merges: &[Span],
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    let mut rows = SheetRows::new(cells, merges, file, sheet);
    let (header, buffered) = find_header(model, file, sheet, &mut rows)?;
    let header_row = u64::from(header.row) + 1;
    let tokens = MissingTokens::new(&model.missing);
    let field_of = |name: &str| header.names.iter().position(|h| h == name);
    let items: Vec<usize> = model
        .nodes
        .iter()
        .flat_map(|n| n.items.iter())
        .filter_map(|i| field_of(i))
        .collect();
    let keys: Vec<usize> = model
        .segments
        .iter()
        .chain(model.wave.iter())
        .filter_map(|c| field_of(c))
        .collect();
    let records = SheetRecords {
        rows,
        buffered: buffered.into_iter(),
        width: header.names.len(),
        items,
        keys,
        tokens,
        descriptions_left: MAX_DESCRIPTION_ROWS,
        file,
        sheet,
    };
    ingest_records(
        model,
        eval_order,
        file,
        header.names.clone(),
        Detected::Utf8 { forced: false },
        records,
        options,
    )
    .map_err(|e| locate(e, file, sheet, header_row))
}

/// Sheet rows after the header as records of `width` text fields.
struct SheetRecords<'a, S> {
    rows: SheetRows<S>,
    buffered: std::vec::IntoIter<SheetRow>,
    width: usize,
    /// Fields of the model's items, and of its segment and wave columns.
    items: Vec<usize>,
    keys: Vec<usize>,
    tokens: MissingTokens,
    /// Description rows that may still be skipped (only right below the header).
    descriptions_left: usize,
    file: &'a str,
    sheet: &'a str,
}

impl<S: CellStream> SheetRecords<'_, S> {
    /// Question text under the header: every item cell holds text that is neither
    /// a number nor a missing token.
    fn is_description(&self, cells: &[Value]) -> bool {
        !self.items.is_empty()
            && self.items.iter().all(|&f| match cells.get(f) {
                Some(Value::Text(t)) => {
                    let t = t.trim().as_bytes();
                    !t.is_empty() && self.tokens.number(t).is_err()
                }
                _ => false,
            })
    }
}

impl<S: CellStream> Records for SheetRecords<'_, S> {
    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, DataError> {
        loop {
            let next = match self.buffered.next() {
                Some(row) => Some(row),
                None => self.rows.next_row()?,
            };
            let Some((row, cells)) = next else {
                return Ok(None);
            };
            if self.descriptions_left > 0 {
                if self.is_description(&cells) {
                    self.descriptions_left -= 1;
                    continue;
                }
                self.descriptions_left = 0;
            }
            for &field in &self.keys {
                if let Some(Value::Error(e)) = cells.get(field) {
                    return Err(DataError::file_error(
                        self.file,
                        Both::same(format!(
                            "{}!{}",
                            sheet_ref(self.sheet),
                            cell_name(u64::from(row), field as u64)
                        )),
                        Both::new(
                            format!("the segment or wave cell holds the spreadsheet error `{e}`"),
                            format!("细分或波次单元格中是电子表格错误 `{e}`"),
                        ),
                        Both::new(
                            "fix the formula or type the value into the cell, or pass `--on-invalid skip` to drop such rows after clearing it",
                            "请修正公式或直接在单元格中填值；或清除它后使用 `--on-invalid skip` 丢弃这样的行",
                        ),
                        Some(u64::from(row) + 1),
                        Some(field as u64 + 1),
                    ));
                }
            }
            record.clear();
            for field in 0..self.width {
                record.push_field(cells.get(field).map_or("", Value::text).as_bytes());
            }
            return Ok(Some(u64::from(row) + 1));
        }
    }
}

/// Name the sheet and cell in an error the row reader raised with sheet row and
/// column numbers (`Sheet1!D17`); header errors name the header row.
fn locate(error: DataError, file: &str, sheet: &str, header_row: u64) -> DataError {
    let sheet_at = sheet_ref(sheet);
    let at = match &error {
        DataError::File { .. } | DataError::Io { .. } | DataError::EvalOrder { .. } => {
            return error
        }
        DataError::MissingColumn { .. } | DataError::DuplicateColumn { .. } => Both::new(
            format!("sheet {sheet_at}, header row {header_row}"),
            format!("工作表 {sheet_at} 表头第 {header_row} 行"),
        ),
        _ => match (error.row(), error.column_number()) {
            (Some(row), Some(column)) if row > 0 && column > 0 => {
                Both::same(format!("{sheet_at}!{}", cell_name(row - 1, column - 1)))
            }
            (Some(row), _) => Both::new(
                format!("sheet {sheet_at}, row {row}"),
                format!("工作表 {sheet_at} 第 {row} 行"),
            ),
            _ => Both::new(format!("sheet {sheet_at}"), format!("工作表 {sheet_at}")),
        },
    };
    let (message, help) = split_message(&error.to_string(), file, "help: ");
    let (message_zh, help_zh) =
        split_message(&error.message(crate::model::Lang::Zh), file, "提示：");
    let header_error = matches!(
        error,
        DataError::MissingColumn { .. } | DataError::DuplicateColumn { .. }
    );
    DataError::file_error(
        file,
        at,
        Both::new(message, message_zh),
        Both::new(help, help_zh),
        if header_error {
            Some(header_row)
        } else {
            error.row()
        },
        error.column_number(),
    )
}

/// A message as printed, without its location, and its help lines joined.
fn split_message(text: &str, file: &str, help_prefix: &str) -> (String, String) {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let message = strip_location(first, file).to_string();
    let help: Vec<&str> = lines
        .map(|l| {
            l.trim_start()
                .strip_prefix(help_prefix)
                .unwrap_or(l.trim_start())
        })
        .collect();
    (message, help.join(" "))
}

/// `survey.xlsx:17:4: column …` → `column …`.
fn strip_location<'t>(line: &'t str, file: &str) -> &'t str {
    let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return line;
    };
    rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':')
        .trim_start()
}

/// `.xlsx` cells as they stream from the sheet's XML.
struct XlsxCells<'a, RS: Read + Seek> {
    cells: calamine::XlsxCellReader<'a, RS>,
    file: &'a str,
}

impl<RS: Read + Seek> CellStream for XlsxCells<'_, RS> {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Value)>, DataError> {
        match self.cells.next_cell_with_formula() {
            Ok(Some(cell)) => {
                let (row, column) = cell.pos;
                // A formula saved without its value (written by a program, never
                // calculated) reads as empty: show it, so it is not taken as missing.
                let value = match (&cell.value, cell.formula) {
                    (DataRef::Empty, Some(f)) if !f.is_empty() => {
                        Value::Error(format!("={f} (a formula with no saved value)"))
                    }
                    (value, _) => value_of_ref(value),
                };
                Ok(Some((row, column, value)))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(open_error(self.file, &e, false)),
        }
    }
}

/// Cells of a sheet loaded whole (`.xls`, `.ods`), in row order.
struct RangeCells<'r> {
    cells: calamine::UsedCells<'r, Data>,
    start: (u32, u32),
}

impl<'r> RangeCells<'r> {
    fn new(range: &'r calamine::Range<Data>) -> Self {
        Self {
            cells: range.used_cells(),
            start: range.start().unwrap_or((0, 0)),
        }
    }
}

impl CellStream for RangeCells<'_> {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Value)>, DataError> {
        Ok(self.cells.next().map(|(r, c, v)| {
            (
                self.start.0 + r as u32,
                self.start.1 + c as u32,
                value_of(v),
            )
        }))
    }
}

fn value_of(data: &Data) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Float(x) => Value::Text(number_text(*x)),
        Data::Int(i) => Value::Text(i.to_string()),
        Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(d) if d.is_datetime() => Value::Text(date_text(d.to_ymd_hms_milli())),
        Data::DateTime(d) => Value::Text(number_text(d.as_f64())),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

fn value_of_ref(data: &DataRef<'_>) -> Value {
    match data {
        DataRef::Empty => Value::Empty,
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Value::Text(s.clone())
        }
        DataRef::Float(x) => Value::Text(number_text(*x)),
        DataRef::Int(i) => Value::Text(i.to_string()),
        DataRef::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        DataRef::DateTime(d) if d.is_datetime() => Value::Text(date_text(d.to_ymd_hms_milli())),
        DataRef::DateTime(d) => Value::Text(number_text(d.as_f64())),
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_extension() {
        assert_eq!(
            WorkbookKind::of_name("a/b/Survey.XLSX"),
            Some(WorkbookKind::Xlsx)
        );
        assert_eq!(WorkbookKind::of_name("s.xls"), Some(WorkbookKind::Xls));
        assert_eq!(WorkbookKind::of_name("s.ods"), Some(WorkbookKind::Ods));
        assert_eq!(WorkbookKind::of_name("s.csv"), None);
    }

    #[test]
    fn located_messages_lose_the_csv_location() {
        assert_eq!(
            strip_location("s.xlsx:17:4: column `q` has `x`", "s.xlsx"),
            "column `q` has `x`"
        );
        assert_eq!(
            strip_location("s.xlsx: the survey is empty", "s.xlsx"),
            "the survey is empty"
        );
    }
}
