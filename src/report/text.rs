//! Terminal text helpers: display widths that count CJK characters as two columns.

use unicode_width::UnicodeWidthStr;

/// Columns `text` occupies on a terminal.
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `width` columns (left aligned, or right aligned).
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// Lay out rows as an aligned table with a header rule. `right[i]` right-aligns column `i`.
pub fn table(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(display_width(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths[i], right.get(i).copied().unwrap_or(false)))
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = line(header);
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_double() {
        assert_eq!(display_width("客服"), 4);
        assert_eq!(pad("客服", 6, false), "客服  ");
        let t = table(
            &["名称".into(), "n".into()],
            &[vec!["a".into(), "10".into()]],
            &[false, true],
        );
        assert_eq!(t, "名称   n\n────  ──\na     10\n");
    }
}
