//! For people: rustc-style snippets with a caret under the mistake (annotate-snippets,
//! rustc's own renderer), related locations as secondary labels, help as a footer,
//! and a one-line summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diag::{Diagnostic, Severity};

pub(super) fn render(
    diagnostics: &[Diagnostic],
    texts: &BTreeMap<&str, String>,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.code.id());
        let text = texts.get(d.file.as_str());
        let mut group = match (text, d.line) {
            (Some(text), line) if line > 0 => {
                let mut snippet = Snippet::source(text.as_str())
                    .path(d.file.as_str())
                    .fold(true);
                let at_primary =
                    |r: &&crate::diag::Related| (r.line, r.column) == (d.line, d.column);
                let mut primary = AnnotationKind::Primary.span(span(
                    text,
                    d.line,
                    d.column,
                    d.end_line,
                    d.end_column,
                ));
                if let Some(r) = d.related.iter().find(|r| r.file == d.file && at_primary(r)) {
                    primary = primary.label(r.message.as_str());
                }
                snippet = snippet.annotation(primary);
                for r in d
                    .related
                    .iter()
                    .filter(|r| r.file == d.file && r.line > 0 && !at_primary(r))
                {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(span(text, r.line, r.column, r.line, r.column))
                            .label(r.message.as_str()),
                    );
                }
                title.element(snippet)
            }
            _ => Group::with_title(title).element(Level::NOTE.message(format!("in {}", d.loc()))),
        };
        for r in d.related.iter().filter(|r| r.file != d.file) {
            group = group.element(
                Level::NOTE.message(format!("{}:{}:{}: {}", r.file, r.line, r.column, r.message)),
            );
        }
        if !d.help.is_empty() {
            group = group.element(Level::HELP.message(d.help.as_str()));
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    let (errors, warnings) = super::counts(diagnostics);
    if diagnostics.is_empty() {
        writeln!(out, "check: no problems found")
    } else {
        writeln!(
            out,
            "check: {} and {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The byte range of 1-based (line, column)…(end line, end column) in `text`,
/// at least one character wide and clamped to the text.
fn span(
    text: &str,
    line: u64,
    column: u64,
    end_line: u64,
    end_column: u64,
) -> std::ops::Range<usize> {
    let start = offset(text, line, column);
    let end = offset(text, end_line, end_column).max(start);
    if end > start {
        start..end
    } else {
        let next = text[start..].chars().next().map_or(0, char::len_utf8);
        start..start + next
    }
}

fn offset(text: &str, line: u64, column: u64) -> usize {
    let mut at = 0;
    for _ in 1..line {
        match text[at..].find('\n') {
            Some(p) => at += p + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[at..text[at..].find('\n').map_or(text.len(), |p| at + p)];
    let column = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    at + line_text
        .char_indices()
        .nth(column)
        .map_or(line_text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_characters_not_bytes() {
        let text = "名: a\nb: 服务\n";
        assert_eq!(span(text, 2, 4, 2, 6), 10..16);
        assert_eq!(span(text, 9, 1, 9, 1), text.len()..text.len());
    }
}
