//! For people: rustc-style snippets with a caret under the mistake (annotate-snippets,
//! rustc's own renderer), related locations as secondary labels, help as a footer,
//! and a one-line summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diag::{Diagnostic, Severity, TextLines};

/// Related places at most this many lines from the finding share its snippet.
const NEAR_LINES: u64 = 40;

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
    let lines: BTreeMap<&str, TextLines> = texts
        .iter()
        .map(|(file, text)| (*file, TextLines::new(text)))
        .collect();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = crate::diag::for_terminal(&d.message);
        let title = level.primary_title(message.as_str()).id(d.code.id());
        let near = |r: &&crate::diag::Related| {
            r.file == d.file && r.line > 0 && r.line.abs_diff(d.line) <= NEAR_LINES
        };
        let mut group = match (lines.get(d.file.as_str()), d.line) {
            (Some(lines), line) if line > 0 => {
                // Only the lines the snippet shows are handed to the renderer, so
                // each finding costs its own lines, not the whole file.
                let first = d
                    .related
                    .iter()
                    .filter(near)
                    .map(|r| r.line)
                    .fold(line, u64::min);
                let last = d
                    .related
                    .iter()
                    .filter(near)
                    .map(|r| r.line)
                    .fold(line.max(d.end_line), u64::max)
                    .min(lines.count() as u64);
                let first = first.min(last);
                let window = &lines.text()[lines.start(first)..lines.start(last + 1)];
                let rebase = |l: u64| l.saturating_sub(first) + 1;
                let mut snippet = Snippet::source(window)
                    .line_start(usize::try_from(first).unwrap_or(1))
                    .path(d.file.as_str())
                    .fold(true);
                let at_primary =
                    |r: &&crate::diag::Related| (r.line, r.column) == (d.line, d.column);
                let mut primary = AnnotationKind::Primary.span(span(
                    window,
                    rebase(d.line),
                    d.column,
                    rebase(d.end_line.max(d.line)),
                    d.end_column,
                ));
                if let Some(r) = d.related.iter().find(|r| r.file == d.file && at_primary(r)) {
                    primary = primary.label(r.message.as_str());
                }
                snippet = snippet.annotation(primary);
                for r in d.related.iter().filter(near).filter(|r| !at_primary(r)) {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(span(
                                window,
                                rebase(r.line),
                                r.column,
                                rebase(r.line),
                                r.column,
                            ))
                            .label(r.message.as_str()),
                    );
                }
                title.element(snippet)
            }
            _ => Group::with_title(title).element(Level::NOTE.message(format!("in {}", d.loc()))),
        };
        // Related places in other files, or far away in this one, are notes.
        let far = |r: &&crate::diag::Related| r.file != d.file || (d.line > 0 && !near(r));
        for r in d.related.iter().filter(far) {
            group = group.element(
                Level::NOTE.message(format!("{}:{}:{}: {}", r.file, r.line, r.column, r.message)),
            );
        }
        if !d.help.is_empty() {
            group = group.element(Level::HELP.message(crate::diag::for_terminal(&d.help)));
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

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::diag::{Code, Loc};

    fn rendered(d: &Diagnostic, text: &str) -> String {
        let texts = BTreeMap::from([("r.yaml", text.to_string())]);
        let mut out = Vec::new();
        render(std::slice::from_ref(d), &texts, false, &mut out).expect("render");
        String::from_utf8(out).expect("utf8")
    }

    /// A snippet shows real line numbers though only its own lines are rendered;
    /// a related place far away becomes a note instead of stretching the snippet.
    #[test]
    fn snippets_show_their_lines_and_far_places_as_notes() {
        let text: String = (1..=500).map(|i| format!("  - id: r{i}\n")).collect();
        let d = Diagnostic::error(Code::InvalidValue, &Loc::new("r.yaml", 400, 9), "duplicate")
            .with_related(&Loc::new("r.yaml", 398, 9), "near")
            .with_related(&Loc::new("r.yaml", 3, 9), "first defined here");
        let out = rendered(&d, &text);
        assert!(out.contains("400 |   - id: r400"), "{out}");
        assert!(out.contains("398 |   - id: r398"), "{out}");
        assert!(out.contains("r.yaml:3:9: first defined here"), "{out}");
        assert!(!out.contains("r3\n"), "{out}");
    }
}
