//! Why a survey could not be read. Every variant names the file, and the row and
//! column when there is one; `Display` is a lowercase message and a help line.

use crate::diag::Loc;

/// A survey ingest error.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Reading failed (the file vanished, a pipe broke, …).
    #[error("{file}: cannot read the survey: {source}\n  help: check that the file is readable")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },

    /// No header row.
    #[error("{file}: the survey file is empty\n  help: the first row must be a header naming the columns")]
    Empty { file: String },

    /// A header but no data rows.
    #[error("{file}: the survey has a header but no data rows\n  help: add at least one response below the header")]
    NoRows { file: String },

    /// A column the model uses appears twice in the header.
    #[error("{file}:1:{second}: column `{column}` appears twice in the header (columns {first} and {second})\n  help: rename or remove one of them")]
    DuplicateColumn {
        file: String,
        column: String,
        first: u64,
        second: u64,
    },

    /// A column the model names is not in the header.
    #[error("{file}:1: column `{column}` ({used_by}) is not in the header{}\n  help: {help}", others_suffix(.others))]
    MissingColumn {
        file: String,
        column: String,
        /// What uses it: "an item of driver `network`", "the weight column", …
        used_by: String,
        /// Other missing columns, after the first.
        others: Box<[String]>,
        help: String,
    },

    /// A respondent id seen on an earlier row (`--on-invalid error`).
    #[error("{file}:{row}: respondent `{id}` (column `{column}`) appears again; first on line {first}\n  help: remove the repeated row (was an export appended twice?), or pass `--on-invalid skip` to keep both rows and have them counted")]
    RepeatedId {
        file: String,
        row: u64,
        column: String,
        id: String,
        first: u64,
    },

    /// A record with a different number of fields than the header.
    #[error("{file}:{row}: row {row} has {found} fields, expected {expected} (as in the header)\n  help: check for an unquoted comma or a missing delimiter; quote fields that contain commas")]
    Ragged {
        file: String,
        row: u64,
        expected: u64,
        found: u64,
    },

    /// An item or weight value that does not fit.
    #[error("{file}:{row}:{column_number}: column `{column}` has `{value}`, expected {expected}\n  help: {}", .kind.help())]
    InvalidValue {
        file: String,
        row: u64,
        column: String,
        column_number: u64,
        value: String,
        /// "a number from 1 to 5 or a missing token such as `NA`"
        expected: Box<str>,
        kind: ValueKind,
    },

    /// An empty or missing segment or wave value.
    #[error("{file}:{row}:{column_number}: empty segment: column `{column}` has {}\n  help: every row needs a value in segment and wave columns; fill it in, or pass `--on-invalid skip` to drop such rows", shown_value(.value))]
    EmptySegment {
        file: String,
        row: u64,
        column: String,
        column_number: u64,
        value: String,
    },

    /// Bytes that are not text in the chosen encoding.
    #[error("{}: {} has bytes that are not valid UTF-8{}\n  help: {}",
        encoding_loc(.file, .row, .column_number),
        encoding_what(.column, .column_number),
        if *.forced { "" } else { ", although the start of the file is UTF-8" },
        encoding_help(*.forced))]
    Encoding {
        file: String,
        row: Option<u64>,
        column: Option<String>,
        column_number: Option<u64>,
        /// Whether the user asked for UTF-8 (else the start of the file looked like it).
        forced: bool,
    },

    /// A problem in a workbook or SPSS file, at a place in it (`Sheet1!D17`, `sheet
    /// `Data`, header row 3`, `variable q1`), or the whole file when `at` is empty.
    #[error("{file}: {}{message}\n  help: {help}", at_prefix(.at))]
    File {
        file: String,
        at: Box<str>,
        message: Box<str>,
        help: Box<str>,
        /// Sheet row and column (1-based) when the problem is in one cell or row.
        row: Option<u64>,
        column_number: Option<u64>,
    },

    /// The caller's `eval_order` is not a topological order of the model's nodes.
    #[error(
        "{file}: internal error: {message}\n  help: this is a bug in sattrace; please report it"
    )]
    EvalOrder { file: String, message: String },
}

/// What kind of column an invalid value is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// An item of a driver (invalid values can be skipped as missing).
    Item,
    /// The weight column (rows with invalid weights can be skipped).
    Weight,
}

impl ValueKind {
    /// The help line for an invalid value in this kind of column.
    pub fn help(self) -> &'static str {
        match self {
            ValueKind::Item => "fix the value, add it to the model's `missing:` tokens if it means \"no answer\", or pass `--on-invalid skip` to count invalid values as missing",
            ValueKind::Weight => "every row needs a positive survey weight; fix it, or pass `--on-invalid skip` to drop such rows",
        }
    }
}

fn others_suffix(others: &[String]) -> String {
    if others.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = others.iter().map(|c| format!("`{c}`")).collect();
        format!(" (also missing: {})", list.join(", "))
    }
}

fn at_prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

fn shown_value(value: &str) -> String {
    if value.trim().is_empty() {
        "an empty value".to_string()
    } else {
        format!("the missing-value token `{value}`")
    }
}

fn encoding_what(column: &Option<String>, column_number: &Option<u64>) -> String {
    match (column, column_number) {
        (Some(c), _) => format!("column `{c}`"),
        (None, Some(n)) => format!("header field {n}"),
        (None, None) => "the file".to_string(),
    }
}

fn encoding_help(forced: bool) -> &'static str {
    if forced {
        "the file is not UTF-8; if it is a GBK/GB18030 export (e.g. from Chinese Excel), pass `--encoding gb18030`, or `--encoding auto` to detect it"
    } else {
        "if the file is a GBK/GB18030 export (e.g. from Chinese Excel), pass `--encoding gb18030`; otherwise re-save it as UTF-8"
    }
}

fn encoding_loc(file: &str, row: &Option<u64>, column_number: &Option<u64>) -> String {
    match (row, column_number) {
        (Some(r), Some(c)) => format!("{file}:{r}:{c}"),
        (Some(r), None) => format!("{file}:{r}"),
        _ => file.to_string(),
    }
}

impl DataError {
    /// The survey file, as given by the caller.
    pub fn file(&self) -> &str {
        match self {
            DataError::Io { file, .. }
            | DataError::Empty { file }
            | DataError::NoRows { file }
            | DataError::DuplicateColumn { file, .. }
            | DataError::MissingColumn { file, .. }
            | DataError::Ragged { file, .. }
            | DataError::InvalidValue { file, .. }
            | DataError::EmptySegment { file, .. }
            | DataError::RepeatedId { file, .. }
            | DataError::Encoding { file, .. }
            | DataError::File { file, .. }
            | DataError::EvalOrder { file, .. } => file,
        }
    }

    /// The 1-based line of the record in the file (the header is line 1).
    pub fn row(&self) -> Option<u64> {
        match self {
            DataError::DuplicateColumn { .. } | DataError::MissingColumn { .. } => Some(1),
            DataError::Ragged { row, .. }
            | DataError::InvalidValue { row, .. }
            | DataError::RepeatedId { row, .. }
            | DataError::EmptySegment { row, .. } => Some(*row),
            DataError::Encoding { row, .. } | DataError::File { row, .. } => *row,
            _ => None,
        }
    }

    /// The column name, when the error is about one column.
    pub fn column(&self) -> Option<&str> {
        match self {
            DataError::DuplicateColumn { column, .. }
            | DataError::MissingColumn { column, .. }
            | DataError::InvalidValue { column, .. }
            | DataError::RepeatedId { column, .. }
            | DataError::EmptySegment { column, .. } => Some(column),
            DataError::Encoding { column, .. } => column.as_deref(),
            _ => None,
        }
    }

    /// The 1-based column number, when known.
    pub fn column_number(&self) -> Option<u64> {
        match self {
            DataError::DuplicateColumn { second, .. } => Some(*second),
            DataError::InvalidValue { column_number, .. }
            | DataError::EmptySegment { column_number, .. } => Some(*column_number),
            DataError::Encoding { column_number, .. } | DataError::File { column_number, .. } => {
                *column_number
            }
            _ => None,
        }
    }

    /// Where the error is, as a [`Loc`] (line = row, column = column number; 0 when
    /// unknown).
    pub fn loc(&self) -> Loc {
        Loc::new(
            self.file(),
            self.row().unwrap_or(0),
            self.column_number().unwrap_or(0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_below_clippys_large_error_threshold() {
        // `Result<_, DataError>` in callers trips `clippy::result_large_err` at 128.
        assert!(std::mem::size_of::<DataError>() < 128);
    }

    #[test]
    fn messages_are_located_lowercase_and_have_help() {
        let e = DataError::Encoding {
            file: "s.csv".into(),
            row: Some(3),
            column: Some("region".into()),
            column_number: Some(2),
            forced: true,
        };
        assert_eq!(
            e.to_string().lines().next(),
            Some("s.csv:3:2: column `region` has bytes that are not valid UTF-8")
        );
        assert_eq!(e.loc(), Loc::new("s.csv", 3, 2));
        let e = DataError::MissingColumn {
            file: "s.csv".into(),
            column: "q1".into(),
            used_by: "an item of driver `x`".into(),
            others: vec!["q2".to_string()].into(),
            help: "did you mean `q_1`?".into(),
        };
        assert_eq!(
            e.to_string(),
            "s.csv:1: column `q1` (an item of driver `x`) is not in the header (also missing: `q2`)\n  help: did you mean `q_1`?"
        );
    }
}
