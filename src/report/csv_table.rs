//! One table of the analysis as CSV: RFC 4180 quoting (a field with a comma,
//! quote or line break is quoted, quotes doubled), `\n` between records as in
//! `simulate`'s CSV, UTF-8 with an optional byte-order mark for Excel.
//!
//! The header is the columns' stable keys (the JSON field names), the same in
//! both languages so scripts can rely on it; cell texts (labels, why) follow the
//! run's language. Numbers are the JSON document's values (4 decimals), written
//! in their shortest exact form.

use std::io::Write;

use super::sheets::{Cell, Sheet};

/// UTF-8 byte-order mark: Excel opens a CSV as UTF-8 only when it starts with one.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table `table` of the analysis of `report` as CSV.
pub fn analysis_csv(
    report: &super::Report,
    table: super::sheets::TableId,
    bom: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = super::analysis_json(report);
    render(&super::sheets::sheet(&doc, table, report.lang), bom, out)
}

/// Write `sheet` as CSV to `out`, starting with a BOM when `bom`.
pub fn render(sheet: &Sheet, bom: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if bom {
        out.write_all(BOM)?;
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(sheet.columns.iter().map(|c| c.key.as_str()))?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(field))?;
    }
    writer.flush()
}

fn field(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        // `{}` prints the shortest text that reads back as the same f64.
        Cell::Number(value, _) => format!("{value}"),
        Cell::Bool(value) => value.to_string(),
        Cell::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sheets::{Column, NumberKind};

    fn column(key: &str) -> Column {
        Column {
            key: key.into(),
            zh: key.into(),
            en: key.into(),
            long: false,
        }
    }

    #[test]
    fn quotes_only_what_needs_it_and_keeps_numbers_exact() {
        let sheet = Sheet {
            name_zh: "行动".into(),
            name_en: "Actions".into(),
            columns: vec![column("why"), column("uplift"), column("target")],
            rows: vec![
                vec![
                    Cell::Text("差距 0.4, 说 \"慢\"\n第二行".into()),
                    Cell::Number(0.1234, NumberKind::Score),
                    Cell::Empty,
                ],
                vec![
                    Cell::Text("plain".into()),
                    Cell::Number(4.0, NumberKind::Score),
                    Cell::Bool(true),
                ],
            ],
        };
        let mut out = Vec::new();
        render(&sheet, true, &mut out).expect("render");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            "\u{feff}why,uplift,target\n\"差距 0.4, 说 \"\"慢\"\"\n第二行\",0.1234,\nplain,4,true\n"
        );
    }
}
