//! The data table under each chart, for screen readers and for copying numbers.

use super::escape::escape;

/// A `<table>` with a caption; every cell escaped; `right[i]` right-aligns column `i`.
pub fn html_table(caption: &str, header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let align = |i: usize| {
        if right.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let mut html = format!(
        "<table class=\"data\">\n<caption>{}</caption>\n<thead><tr>",
        escape(caption)
    );
    for (i, h) in header.iter().enumerate() {
        html.push_str(&format!("<th scope=\"col\"{}>{}</th>", align(i), escape(h)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            html.push_str(&format!("<td{}>{}</td>", align(i), escape(cell)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}
