//! The survey header against the model (`check --data FILE`): every column the
//! model names must be there. Only the header is read, so this is cheap on any size.

use crate::diag::{did_you_mean, Code, Diagnostic, Loc};
use crate::model::Model;

/// Findings for the header row of `file`, given the start of the file (`head`, which
/// must hold the whole first record). UTF-8 (BOM tolerated) or GB18030.
pub fn check_data_header(model: &Model, file: &str, head: &[u8]) -> Vec<Diagnostic> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let decoded = match std::str::from_utf8(head) {
        Ok(text) => text.to_string(),
        // A cut multi-byte character at the end of `head` is not an encoding error.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
        }
        Err(_) => encoding_rs::GB18030.decode(head).0.into_owned(),
    };
    let sniffed = crate::data::decode::sniff(head);
    if let Some(kind) = sniffed.binary {
        return vec![Diagnostic::error(
            Code::MissingColumn,
            &Loc::new(file, 0, 0),
            format!("this is not a text (CSV) file but {}", kind.0),
        )
        .with_help("name the file by its format (e.g. `survey.xlsx`, `survey.sav`); sattrace reads workbooks and SPSS files directly")];
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.as_bytes());
    let header: Vec<String> = match reader.records().next() {
        Some(Ok(record)) => record.iter().map(|c| c.trim().to_string()).collect(),
        _ => {
            return vec![Diagnostic::error(
                Code::MissingColumn,
                &Loc::new(file, 1, 1),
                "the survey file has no header row",
            )
            .with_help("the first row must name the columns")]
        }
    };
    let width = 1 + header_width(&decoded);
    check_names(model, file, &header, 1, width)
}

/// Findings for the header of a workbook's survey sheet (`check --data survey.xlsx`):
/// the sheet, header row and column names found as `analyze` would find them.
pub fn check_workbook_header(
    model: &Model,
    file: &str,
    kind: crate::data::WorkbookKind,
    bytes: &[u8],
) -> Vec<Diagnostic> {
    match crate::data::workbook_header(model, file, kind, std::io::Cursor::new(bytes)) {
        Ok((row, header)) => check_names(model, file, &header, row, 1),
        Err(e) => vec![Diagnostic::from(&e)],
    }
}

/// Findings for the dictionary of an SPSS file (`check --data survey.sav`): its
/// variable names (long names when the file has them) as the header.
pub fn check_sav_header(model: &Model, file: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    match crate::data::sav_header(file, bytes) {
        Ok(header) => check_names(model, file, &header, 1, 1),
        Err(e) => vec![Diagnostic::from(&e)],
    }
}

/// Every column the model names must be in `header` (found on line `line`).
fn check_names(
    model: &Model,
    file: &str,
    header: &[String],
    line: u64,
    end_column: u64,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (column, used_by, asked_at) in model.named_columns() {
        if header.iter().any(|h| h == column) {
            continue;
        }
        let hint = did_you_mean(column, header.iter().map(String::as_str));
        let d = Diagnostic::error(
            Code::MissingColumn,
            &Loc::new(file, line, 1),
            format!("column `{column}` ({used_by}) is not in the header"),
        )
        .with_help(if hint.is_empty() {
            format!("add the column, or fix the name in {}", model.file)
        } else {
            hint
        });
        let d = match asked_at {
            Some(at) => d.with_related(at, format!("`{column}` is named here")),
            None => d,
        };
        out.push(Diagnostic { end_column, ..d });
    }
    out
}

fn header_width(text: &str) -> u64 {
    text.lines()
        .next()
        .map_or(0, |l| l.trim_end_matches('\r').chars().count() as u64)
}
