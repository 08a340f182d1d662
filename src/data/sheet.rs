//! Rows of a worksheet as text fields, whatever the file format: cells stream in
//! row order from a reader, merged regions lend their top-left value to every cell
//! they cover, and a row becomes the same text fields a CSV line would have.

use super::DataError;
use crate::diag::Both;

/// One cell's content, as the row reader will see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    /// Text, or a number written as the shortest text that reads back to it.
    Text(String),
    /// A spreadsheet error such as `#N/A`, kept as its text.
    Error(String),
}

impl Value {
    pub(crate) fn text(&self) -> &str {
        match self {
            Value::Empty => "",
            Value::Text(t) | Value::Error(t) => t,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            Value::Error(_) => false,
        }
    }
}

/// A number as text that parses back to the same `f64` (Rust's `Display` prints
/// the shortest such text, never an exponent).
pub(crate) fn number_text(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A date (and time, when not midnight) as ISO 8601 text: `2024-03-01`,
/// `2024-03-01 09:30:00`.
pub(crate) fn date_text(parts: (u16, u8, u8, u8, u8, u8, u16)) -> String {
    let (y, mo, d, h, mi, s, _) = parts;
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// Cells of one sheet in row order: (0-based row, 0-based column, value).
pub(crate) trait CellStream {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Value)>, DataError>;
}

/// A merged region's top-left and bottom-right cells, 0-based (row, column).
pub(crate) type Span = ((u32, u32), (u32, u32));

/// A row's 0-based number and its cells by column.
pub(crate) type SheetRow = (u32, Vec<Value>);

/// A merged region and, once it has streamed by, its top-left value.
struct Merge {
    start: (u32, u32),
    end: (u32, u32),
    value: Option<Value>,
}

/// Widest row kept: Excel's column limit.
const MAX_COLUMNS: u32 = 16_384;

/// Assembles streamed cells into rows.
pub(crate) struct SheetRows<S> {
    cells: S,
    peeked: Option<(u32, u32, Value)>,
    merges: Vec<Merge>,
    /// The error for a row that streams after a later one.
    out_of_order: Option<DataError>,
    last_row: Option<u32>,
    /// The stream has ended (readers may fail when asked again).
    done: bool,
    file: String,
    sheet: String,
}

impl<S: CellStream> SheetRows<S> {
    /// `merges`: (top-left, bottom-right) as 0-based (row, column).
    pub(crate) fn new(cells: S, merges: &[Span], file: &str, sheet: &str) -> Self {
        let mut merges: Vec<Merge> = merges
            .iter()
            .filter(|(s, e)| s != e)
            .map(|&(start, end)| Merge {
                start,
                end,
                value: None,
            })
            .collect();
        merges.sort_by_key(|m| (m.start, m.end));
        Self {
            cells,
            peeked: None,
            merges,
            out_of_order: None,
            last_row: None,
            done: false,
            file: file.to_string(),
            sheet: sheet.to_string(),
        }
    }

    /// The next row holding any non-empty cell (merged values included): its
    /// 0-based number and its cells by column. Rows with nothing in them are
    /// skipped, as blank lines are in CSV.
    pub(crate) fn next_row(&mut self) -> Result<Option<SheetRow>, DataError> {
        loop {
            let first = match self.peeked.take() {
                Some(cell) => cell,
                None => match self.pull()? {
                    Some(cell) => cell,
                    None => return Ok(None),
                },
            };
            let row = first.0;
            if self.last_row.is_some_and(|last| row < last) {
                return Err(self.out_of_order.take().unwrap_or_else(|| {
                    DataError::file_error(
                        &self.file,
                        Both::new(
                            format!("sheet `{}`", self.sheet),
                            format!("工作表 `{}`", self.sheet),
                        ),
                        Both::new(
                            format!("row {} comes after a later row in the file", row + 1),
                            format!("第 {} 行出现在文件中更靠后的行之后", row + 1),
                        ),
                        Both::new(
                            "open the file in a spreadsheet program and save it again, or export the sheet as CSV",
                            "请用电子表格程序打开文件并重新保存，或把工作表导出为 CSV",
                        ),
                        Some(u64::from(row) + 1),
                        None,
                    )
                }));
            }
            self.last_row = Some(row);
            let mut cells: Vec<Value> = Vec::new();
            let mut next = Some(first);
            while let Some((r, c, value)) = next.take() {
                if r != row {
                    self.peeked = Some((r, c, value));
                    break;
                }
                if c < MAX_COLUMNS {
                    self.note_merge(r, c, &value);
                    let c = c as usize;
                    if cells.len() <= c {
                        cells.resize(c + 1, Value::Empty);
                    }
                    if let Some(slot) = cells.get_mut(c) {
                        *slot = value;
                    }
                }
                next = self.pull()?;
            }
            self.fill_merges(row, &mut cells);
            if cells.iter().any(|v| !v.is_empty()) {
                return Ok(Some((row, cells)));
            }
        }
    }

    fn pull(&mut self) -> Result<Option<(u32, u32, Value)>, DataError> {
        if self.done {
            return Ok(None);
        }
        let cell = self.cells.next_cell()?;
        self.done = cell.is_none();
        Ok(cell)
    }

    fn note_merge(&mut self, row: u32, column: u32, value: &Value) {
        for merge in &mut self.merges {
            if merge.start == (row, column) {
                merge.value = Some(value.clone());
            }
        }
    }

    /// Give the empty cells of `row` inside a merged region the region's value.
    fn fill_merges(&self, row: u32, cells: &mut Vec<Value>) {
        for merge in &self.merges {
            if merge.start.0 > row {
                break;
            }
            let Some(value) = &merge.value else {
                continue;
            };
            if row > merge.end.0 {
                continue;
            }
            let end = merge.end.1.min(MAX_COLUMNS - 1) as usize;
            if cells.len() <= end {
                cells.resize(end + 1, Value::Empty);
            }
            for column in merge.start.1 as usize..=end {
                if let Some(slot) = cells.get_mut(column) {
                    if matches!(slot, Value::Empty) {
                        *slot = value.clone();
                    }
                }
            }
        }
    }
}

/// `D17` for 0-based (16, 3).
pub(crate) fn cell_name(row: u64, column: u64) -> String {
    format!("{}{}", column_letters(column), row + 1)
}

/// `A`, `Z`, `AA`, … for 0-based columns.
pub(crate) fn column_letters(mut column: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A sheet name as Excel writes it in a reference: quoted when it has anything
/// but letters, digits and `_`.
pub(crate) fn sheet_ref(sheet: &str) -> String {
    if !sheet.is_empty() && sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Cells(std::vec::IntoIter<(u32, u32, Value)>);

    impl CellStream for Cells {
        fn next_cell(&mut self) -> Result<Option<(u32, u32, Value)>, DataError> {
            Ok(self.0.next())
        }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn names_cells_like_excel() {
        assert_eq!(cell_name(16, 3), "D17");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(sheet_ref("Sheet1"), "Sheet1");
        assert_eq!(sheet_ref("数据"), "数据");
        assert_eq!(sheet_ref("my data"), "'my data'");
    }

    #[test]
    fn numbers_read_back_exactly() {
        for x in [4.0, 4.5, 0.1 + 0.2, 1e-300, -3.0, 123_456_789.125, 1e20] {
            assert_eq!(number_text(x).parse::<f64>().ok(), Some(x));
        }
        assert_eq!(number_text(5.0), "5");
    }

    #[test]
    fn rows_skip_blanks_and_merged_cells_fill_their_region() {
        let cells = vec![
            (0, 0, text("title")),
            (2, 0, text("region")),
            (2, 1, text("q1")),
            (3, 0, text("east")),
            (3, 1, text("4")),
            (4, 1, text("5")),
            (6, 1, Value::Empty),
        ];
        let merges = [((0, 0), (0, 2)), ((3, 0), (4, 0))];
        let mut rows = SheetRows::new(Cells(cells.into_iter()), &merges, "f.xlsx", "S");
        let mut got = Vec::new();
        while let Some((row, values)) = rows.next_row().expect("rows") {
            got.push((
                row,
                values
                    .iter()
                    .map(|v| v.text().to_string())
                    .collect::<Vec<_>>(),
            ));
        }
        assert_eq!(
            got,
            vec![
                (0, vec!["title".to_string(), "title".into(), "title".into()]),
                (2, vec!["region".into(), "q1".into()]),
                (3, vec!["east".into(), "4".into()]),
                (4, vec!["east".into(), "5".into()]),
            ]
        );
    }

    #[test]
    fn a_row_after_a_later_row_is_an_error() {
        let cells = vec![(3, 0, text("a")), (1, 0, text("b"))];
        let mut rows = SheetRows::new(Cells(cells.into_iter()), &[], "f.xlsx", "S");
        assert!(rows.next_row().is_ok());
        let e = rows
            .next_row()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("row 2 comes after a later row"), "{e}");
    }
}
