//! A table as data: a heading, columns with their width and alignment, rows of cells
//! (already formatted numbers) and notes. Built once from a result; the text renderer
//! lays it out, and other formats (Markdown, HTML) can render the same view.

use std::fmt::Write as _;

use crate::report::text::pad;

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: its title, the width it is padded to in text, and its alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    pub width: usize,
    pub align: Align,
}

impl Column {
    pub fn left(title: &str, width: usize) -> Self {
        Column {
            title: title.to_string(),
            width,
            align: Align::Left,
        }
    }

    pub fn right(title: &str, width: usize) -> Self {
        Column {
            title: title.to_string(),
            width,
            align: Align::Right,
        }
    }
}

/// One table of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableView {
    pub heading: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Lines under the table (warnings, the meaning of `*`).
    pub notes: Vec<String>,
}

impl TableView {
    /// Heading, titles, rows and notes, cells padded to their column's width and
    /// separated by two spaces; a blank line after.
    pub fn text(&self, out: &mut String) {
        let _ = writeln!(out, "{}", self.heading);
        let titles: Vec<&str> = self.columns.iter().map(|c| c.title.as_str()).collect();
        self.line(out, &titles);
        for row in &self.rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            self.line(out, &cells);
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out.push('\n');
    }

    fn line(&self, out: &mut String, cells: &[&str]) {
        for (i, (column, cell)) in self.columns.iter().zip(cells).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            // Display width, so CJK labels (two columns each) stay aligned.
            out.push_str(&pad(cell, column.width, column.align == Align::Right));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pads_each_cell_to_its_column_and_adds_notes() {
        let t = TableView {
            heading: "lmg on y (all)".to_string(),
            columns: vec![Column::left("driver", 6), Column::right("share", 7)],
            rows: vec![
                vec!["a".to_string(), "61.0%".to_string()],
                vec!["long_name".to_string(), String::new()],
            ],
            notes: vec!["warning: few rows".to_string()],
        };
        let mut out = String::new();
        t.text(&mut out);
        assert_eq!(
            out,
            "lmg on y (all)\ndriver    share\na         61.0%\nlong_name         \nwarning: few rows\n\n"
        );
    }
}
