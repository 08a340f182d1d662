//! A table as data — column titles with their alignment and rows of formatted cells —
//! built once per section and rendered as an aligned terminal table, a Markdown
//! table or an HTML `<table>`. The what-if and plan sections are made of these, so a
//! new column is one more entry in one builder, in every format at once.

use std::io::Write;

use super::html::html_table;
use super::markdown::md_escape;
use super::text::table;

/// One column: its title and whether its cells are right-aligned (numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridColumn {
    pub title: String,
    pub right: bool,
}

/// Columns and rows; every row has one cell per column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    pub columns: Vec<GridColumn>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// An empty grid with `columns` as (title, right-aligned).
    pub fn new<S: AsRef<str>>(columns: &[(S, bool)]) -> Self {
        Grid {
            columns: columns
                .iter()
                .map(|(title, right)| GridColumn {
                    title: title.as_ref().to_string(),
                    right: *right,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Add one column at the end.
    pub fn column(mut self, title: &str, right: bool) -> Self {
        self.columns.push(GridColumn {
            title: title.to_string(),
            right,
        });
        self
    }

    /// Insert a column at `at`, its cell in each row from `cell(row index)`.
    pub fn insert_column(
        &mut self,
        at: usize,
        title: &str,
        right: bool,
        mut cell: impl FnMut(usize) -> String,
    ) {
        self.columns.insert(
            at,
            GridColumn {
                title: title.to_string(),
                right,
            },
        );
        for (i, row) in self.rows.iter_mut().enumerate() {
            row.insert(at, cell(i));
        }
    }

    fn titles(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.title.clone()).collect()
    }

    fn right(&self) -> Vec<bool> {
        self.columns.iter().map(|c| c.right).collect()
    }

    /// The aligned terminal table (display widths, a rule under the titles).
    pub fn text(&self) -> String {
        table(&self.titles(), &self.rows, &self.right())
    }

    /// A Markdown table, every cell escaped.
    pub fn markdown(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let line = |cells: &[String]| {
            cells
                .iter()
                .map(|c| md_escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        writeln!(out, "| {} |", line(&self.titles()))?;
        let rule: Vec<&str> = self
            .columns
            .iter()
            .map(|c| if c.right { "---:" } else { "---" })
            .collect();
        writeln!(out, "| {} |", rule.join(" | "))?;
        for row in &self.rows {
            writeln!(out, "| {} |", line(row))?;
        }
        Ok(())
    }

    /// An HTML `<table>` with `caption`, every cell escaped.
    pub fn html(&self, caption: &str) -> String {
        let titles = self.titles();
        let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
        html_table(caption, &titles, &self.rows, &self.right())
    }
}

/// Write a section in `format`: its JSON value pretty-printed, or its `text` as a
/// terminal page or a Markdown page.
pub fn render_page<J: serde::Serialize>(
    format: super::Format,
    out: &mut dyn Write,
    json: impl FnOnce() -> J,
    text: impl FnOnce(&mut Page) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match format {
        super::Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json())?;
            writeln!(out)
        }
        super::Format::Table => text(&mut Page {
            out,
            markdown: false,
        }),
        super::Format::Md => text(&mut Page {
            out,
            markdown: true,
        }),
    }
}

/// A page of text or Markdown being written: headings and tables in either form.
pub struct Page<'a> {
    pub out: &'a mut dyn Write,
    pub markdown: bool,
}

impl Page<'_> {
    /// A section heading: `## title` and a blank line in Markdown, the bare title in text.
    pub fn heading(&mut self, title: &str) -> std::io::Result<()> {
        if self.markdown {
            writeln!(self.out, "## {title}\n")
        } else {
            writeln!(self.out, "{title}")
        }
    }

    /// The page's title: `# title` and a blank line in Markdown, nothing in text.
    pub fn title(&mut self, title: &str) -> std::io::Result<()> {
        if self.markdown {
            writeln!(self.out, "# {title}\n")?;
        }
        Ok(())
    }

    pub fn table(&mut self, grid: &Grid) -> std::io::Result<()> {
        if self.markdown {
            grid.markdown(self.out)
        } else {
            write!(self.out, "{}", grid.text())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Grid {
        let mut grid = Grid::new(&[("名称", false), ("n", true)]);
        grid.rows.push(vec!["a|b".into(), "10".into()]);
        grid
    }

    #[test]
    fn one_grid_renders_text_markdown_and_html() {
        let grid = sample();
        assert_eq!(grid.text(), "名称   n\n────  ──\na|b   10\n");
        let mut md = Vec::new();
        grid.markdown(&mut md).expect("write to a Vec");
        assert_eq!(
            String::from_utf8(md).expect("UTF-8"),
            "| 名称 | n |\n| --- | ---: |\n| a\\|b | 10 |\n"
        );
        let html = grid.html("c<d");
        assert!(html.contains("<caption>c&lt;d</caption>"), "{html}");
        assert!(html.contains("<td class=\"num\">10</td>"), "{html}");
    }

    #[test]
    fn insert_column_fills_every_row() {
        let mut grid = sample();
        grid.insert_column(1, "x", true, |i| format!("r{i}"));
        assert_eq!(grid.columns[1].title, "x");
        assert_eq!(grid.rows[0], vec!["a|b", "r0", "10"]);
    }
}
