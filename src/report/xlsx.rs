//! The analysis as an `.xlsx` workbook, one sheet per section, returned as bytes
//! (only the CLI writes files).
//!
//! Numbers are stored as numbers (the JSON document's values) and only *shown*
//! rounded through number formats; headers are frozen and filterable; labels stay
//! in the language of the run. The bytes are the same for the same input: the
//! document's creation date is a constant and the zip entries carry the writer's
//! fixed 1980 timestamp, so nothing depends on the clock.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use super::sheets::{Cell, NumberKind, Sheet};
use super::text::display_width;
use crate::model::Lang;

/// A workbook could not be built (an internal limit of the format was hit).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the .xlsx workbook: {0}")]
pub struct XlsxError(#[from] rust_xlsxwriter::XlsxError);

/// Widest a column gets, in characters; longer text wraps.
const MAX_WIDTH: usize = 60;
/// Long free-text columns (why, evidence) are this wide and wrap.
const LONG_WIDTH: usize = 50;

/// The fixed creation date written into every workbook (see the module docs).
fn creation_date() -> Result<ExcelDateTime, XlsxError> {
    Ok(ExcelDateTime::from_ymd(2000, 1, 1)?)
}

/// Number formats by kind; the value keeps full precision.
fn number_format(kind: NumberKind) -> &'static str {
    match kind {
        NumberKind::Score => "0.00",
        NumberKind::Share => "0.0%",
        NumberKind::Coefficient => "0.000",
        NumberKind::Precise => "0.0000",
        NumberKind::Count => "#,##0",
        NumberKind::Amount => "#,##0.##",
        NumberKind::General => "General",
    }
}

/// The analysis of `report` as a workbook: every table of `sheets`, in order.
pub fn analysis_xlsx(report: &super::Report) -> Result<Vec<u8>, XlsxError> {
    let doc = super::analysis_json(report);
    let tables = super::sheets::sheets(&doc, report.lang);
    workbook(&tables, report.lang, &doc.model)
}

/// The workbook of `sheets` with headers in `lang` and `title` as its document title.
pub fn workbook(sheets: &[Sheet], lang: Lang, title: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let properties = DocProperties::new()
        .set_title(title)
        .set_author("sattrace")
        .set_creation_datetime(&creation_date()?);
    book.set_properties(&properties);
    for sheet in sheets {
        let worksheet = book.add_worksheet();
        write_sheet(worksheet, sheet, lang)?;
    }
    Ok(book.save_to_buffer()?)
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet, lang: Lang) -> Result<(), XlsxError> {
    worksheet.set_name(sheet.name(lang))?;
    let header = Format::new().set_bold().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let plain = Format::new().set_align(FormatAlign::Top);
    let mut widths: Vec<usize> = Vec::with_capacity(sheet.columns.len());
    for (c, column) in sheet.columns.iter().enumerate() {
        let name = column.header(lang);
        worksheet.write_string_with_format(0, col(c)?, name, &header)?;
        widths.push(display_width(name));
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = row_index(r + 1)?;
        for (c, cell) in row.iter().enumerate() {
            let long = sheet.columns.get(c).is_some_and(|column| column.long);
            let shown = match cell {
                Cell::Text(value) => {
                    let format = if long { &wrap } else { &plain };
                    worksheet.write_string_with_format(r, col(c)?, value, format)?;
                    display_width(value)
                }
                Cell::Number(value, kind) => {
                    let format = Format::new()
                        .set_num_format(number_format(*kind))
                        .set_align(FormatAlign::Top);
                    worksheet.write_number_with_format(r, col(c)?, *value, &format)?;
                    // Shown rounded: about as wide as the format's digits.
                    format!("{value:.3}").len()
                }
                Cell::Bool(value) => {
                    worksheet.write_boolean_with_format(r, col(c)?, *value, &plain)?;
                    5
                }
                Cell::Empty => 0,
            };
            if let Some(width) = widths.get_mut(c) {
                *width = (*width).max(shown);
            }
        }
    }
    for (c, width) in widths.iter().enumerate() {
        let long = sheet.columns[c].long;
        let width = if long {
            (*width).min(LONG_WIDTH)
        } else {
            (*width).min(MAX_WIDTH)
        };
        // Excel's width unit is about one Latin character; two for padding.
        worksheet.set_column_width(col(c)?, (width + 2) as f64)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    if !sheet.rows.is_empty() {
        worksheet.autofilter(0, 0, row_index(sheet.rows.len())?, col(widths.len() - 1)?)?;
    }
    Ok(())
}

fn row_index(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError(rust_xlsxwriter::XlsxError::RowColumnLimitError))
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError(rust_xlsxwriter::XlsxError::RowColumnLimitError))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sheets::Column;

    fn column(key: &str, zh: &str) -> Column {
        Column {
            key: key.into(),
            zh: zh.into(),
            en: key.into(),
            long: false,
        }
    }

    fn sample() -> Vec<Sheet> {
        vec![Sheet {
            name_zh: "得分".into(),
            name_en: "Scores".into(),
            columns: vec![column("label", "名称"), column("score", "得分")],
            rows: vec![vec![
                Cell::Text("客服响应时间".into()),
                Cell::Number(2.8654, NumberKind::Score),
            ]],
        }]
    }

    #[test]
    fn the_same_sheets_give_the_same_bytes() {
        let a = workbook(&sample(), Lang::Zh, "模型").expect("first");
        let b = workbook(&sample(), Lang::Zh, "模型").expect("second");
        assert!(a.starts_with(b"PK"), "a zip archive");
        assert_eq!(a, b);
        let en = workbook(&sample(), Lang::En, "模型").expect("english");
        assert_ne!(a, en, "sheet names and headers follow the language");
    }
}
