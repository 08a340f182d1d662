//! Why a survey could not be read. Every variant names the file, and the row and
//! column when there is one; `Display` is a lowercase message and a help line.

use crate::diag::{Both, Loc};

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
    #[error("{file}:1: column `{column}` ({}) is not in the header{}\n  help: {}", .used_by.en, others_suffix(.others), .help.en)]
    MissingColumn {
        file: String,
        column: String,
        /// What uses it: "an item of driver `network`", "the weight column", …
        used_by: Box<Both>,
        /// Other missing columns, after the first.
        others: Box<[String]>,
        help: Box<Both>,
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
        /// In Chinese: the place and message (after `file: `), and the help.
        zh: Box<(String, String)>,
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

fn at_prefix_zh(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}：")
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
    /// A problem in a workbook or SPSS file ([`DataError::File`]), said in both
    /// languages; `at` is the place in the file (`Sheet1!D17`) or empty.
    pub(crate) fn file_error(
        file: &str,
        at: Both,
        message: Both,
        help: Both,
        row: Option<u64>,
        column_number: Option<u64>,
    ) -> Self {
        let zh = format!("{}{}", at_prefix_zh(&at.zh), message.zh);
        DataError::File {
            file: file.to_string(),
            at: at.en.into(),
            message: message.en.into(),
            help: help.en.into(),
            row,
            column_number,
            zh: Box::new((zh, help.zh)),
        }
    }

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

/// The Chinese text of each error; English is `Display`. Names, values, paths and
/// row/column positions stay as they are. Text made where the error is raised
/// (what uses a missing column, a workbook's message) is made in both languages.
impl crate::diag::Localized for DataError {
    fn message(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        let (head, help): (String, String) = match self {
            DataError::Io { file, source } => (
                format!("{file}: 无法读取问卷数据：{source}"),
                "请检查文件是否可读".into(),
            ),
            DataError::Empty { file } => (
                format!("{file}: 问卷数据文件是空的"),
                "第一行必须是列名所在的表头".into(),
            ),
            DataError::NoRows { file } => (
                format!("{file}: 问卷数据只有表头，没有数据行"),
                "在表头下方至少加一行答卷".into(),
            ),
            DataError::DuplicateColumn {
                file,
                column,
                first,
                second,
            } => (
                format!("{file}:1:{second}: 列 `{column}` 在表头中出现了两次（第 {first} 列和第 {second} 列）"),
                "重命名或删除其中一列".into(),
            ),
            DataError::MissingColumn {
                file,
                column,
                used_by,
                others,
                help,
            } => {
                let also = if others.is_empty() {
                    String::new()
                } else {
                    let list: Vec<String> = others.iter().map(|c| format!("`{c}`")).collect();
                    format!("（另外还缺少：{}）", list.join(", "))
                };
                (
                    format!("{file}:1: 表头中没有列 `{column}`（{}）{also}", used_by.zh),
                    help.zh.clone(),
                )
            }
            DataError::RepeatedId {
                file,
                row,
                column,
                id,
                first,
            } => (
                format!("{file}:{row}: 受访者 `{id}`（列 `{column}`）重复出现；第一次出现在第 {first} 行"),
                "删除重复的行（是否把导出的数据追加了两次？），或使用 `--on-invalid skip` 保留两行并都计入".into(),
            ),
            DataError::Ragged {
                file,
                row,
                expected,
                found,
            } => (
                format!("{file}:{row}: 第 {row} 行有 {found} 个字段，应为 {expected} 个（与表头一致）"),
                "检查是否有未加引号的逗号或缺少分隔符；含逗号的字段请加引号".into(),
            ),
            DataError::InvalidValue {
                file,
                row,
                column,
                column_number,
                value,
                expected,
                kind,
            } => (
                format!("{file}:{row}:{column_number}: 列 `{column}` 的值是 `{value}`，应为 {expected}"),
                match kind {
                    ValueKind::Item => "修改该值；如果它表示“未作答”，把它加入模型的 `missing:` 标记；或使用 `--on-invalid skip` 把无效值当作缺失",
                    ValueKind::Weight => "每一行都需要正的调查权重；请修改，或使用 `--on-invalid skip` 丢弃这样的行",
                }
                .into(),
            ),
            DataError::EmptySegment {
                file,
                row,
                column,
                column_number,
                value,
            } => (
                format!(
                    "{file}:{row}:{column_number}: 细分值为空：列 `{column}` 是{}",
                    if value.trim().is_empty() {
                        "空值".to_string()
                    } else {
                        format!("缺失值标记 `{value}`")
                    }
                ),
                "细分列和波次列每一行都需要有值；请补上，或使用 `--on-invalid skip` 丢弃这样的行".into(),
            ),
            DataError::Encoding {
                file,
                row,
                column,
                column_number,
                forced,
            } => {
                let what = match (column, column_number) {
                    (Some(c), _) => format!("列 `{c}`"),
                    (None, Some(n)) => format!("表头第 {n} 个字段"),
                    (None, None) => "文件".to_string(),
                };
                (
                    format!(
                        "{}: {what}含有不是有效 UTF-8 的字节{}",
                        encoding_loc(file, row, column_number),
                        if *forced { "" } else { "，尽管文件开头是 UTF-8" }
                    ),
                    if *forced {
                        "文件不是 UTF-8；如果是 GBK/GB18030 导出（例如中文版 Excel），请使用 `--encoding gb18030`，或用 `--encoding auto` 自动识别"
                    } else {
                        "如果文件是 GBK/GB18030 导出（例如中文版 Excel），请使用 `--encoding gb18030`；否则请另存为 UTF-8"
                    }
                    .into(),
                )
            }
            DataError::File { file, zh, .. } => (format!("{file}: {}", zh.0), zh.1.clone()),
            DataError::EvalOrder { file, message } => (
                format!("{file}: 内部错误：{message}"),
                "这是 sattrace 的缺陷，请报告".into(),
            ),
        };
        format!("{head}{}", crate::diag::help_line(lang, &help))
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
            used_by: Box::new(Both::same("an item of driver `x`")),
            others: vec!["q2".to_string()].into(),
            help: Box::new(Both::same("did you mean `q_1`?")),
        };
        assert_eq!(
            e.to_string(),
            "s.csv:1: column `q1` (an item of driver `x`) is not in the header (also missing: `q2`)\n  help: did you mean `q_1`?"
        );
    }

    /// Every variant (the match in `Localized` has no wildcard, so a new one must
    /// say itself in Chinese to compile; this checks that it does, location kept).
    #[test]
    fn every_variant_is_said_in_chinese_with_its_location() {
        use crate::diag::Localized;
        use crate::model::Lang;
        let f = || "s.csv".to_string();
        let all = vec![
            DataError::Io {
                file: f(),
                source: std::io::Error::other("x"),
            },
            DataError::Empty { file: f() },
            DataError::NoRows { file: f() },
            DataError::DuplicateColumn {
                file: f(),
                column: "q1".into(),
                first: 2,
                second: 5,
            },
            DataError::MissingColumn {
                file: f(),
                column: "q1".into(),
                used_by: Box::new(Both::new("x", "某题项")),
                others: Box::new([]),
                help: Box::default(),
            },
            DataError::RepeatedId {
                file: f(),
                row: 7,
                column: "id".into(),
                id: "42".into(),
                first: 3,
            },
            DataError::Ragged {
                file: f(),
                row: 7,
                expected: 22,
                found: 21,
            },
            DataError::InvalidValue {
                file: f(),
                row: 7,
                column: "q1".into(),
                column_number: 5,
                value: "abc".into(),
                expected: "1–5".into(),
                kind: ValueKind::Item,
            },
            DataError::EmptySegment {
                file: f(),
                row: 7,
                column: "region".into(),
                column_number: 2,
                value: String::new(),
            },
            DataError::Encoding {
                file: f(),
                row: Some(7),
                column: None,
                column_number: Some(2),
                forced: false,
            },
            DataError::file_error(
                "s.csv",
                Both::same("Sheet1!D17"),
                Both::new("m", "某问题"),
                Both::new("h", "某提示"),
                None,
                None,
            ),
            DataError::EvalOrder {
                file: f(),
                message: "m".into(),
            },
        ];
        for e in &all {
            let zh = e.message(Lang::Zh);
            assert_eq!(e.message(Lang::En), e.to_string());
            let en = e.to_string();
            let at = |t: &str| t.split(": ").next().unwrap_or_default().to_string();
            assert_eq!(at(&zh), at(&en), "the location is kept: {zh}");
            assert!(at(&zh).starts_with("s.csv"), "{zh}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
    }
}
