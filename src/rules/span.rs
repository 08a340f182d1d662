//! Where a character of an expression is in its YAML file.
//!
//! serde-saphyr tells where a scalar starts; Rhai tells the line and column inside
//! the expression. Between the two sit quotes, block headers (`|`, `>`), indentation
//! and folded line breaks, so each character of the parsed value is aligned with the
//! file text once, walking forward: a character of the value matches the next equal
//! character of the file, and a space or line break of the value may match the end
//! of a line (folding). Escapes in quoted scalars are matched approximately.

use crate::diag::Loc;

/// Where each line of a file starts, found once per file: each expression then
/// reads only the lines it spans, so loading is linear in the file, not in
/// (expressions × file).
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        #[cfg(test)]
        work::BUILDS.with(|b| b.set(b.get() + 1));
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// Line `index` (0-based) as characters, without its line break.
    fn line(&self, index: usize) -> Option<Vec<char>> {
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        #[cfg(test)]
        work::LINES.with(|b| b.set(b.get() + 1));
        let line = self.text.get(start..end)?;
        Some(line.trim_end_matches('\r').chars().collect())
    }
}

/// Counters of the work done, so tests can pin the complexity without timing.
#[cfg(test)]
pub(crate) mod work {
    use std::cell::Cell;
    thread_local! {
        pub(crate) static BUILDS: Cell<usize> = const { Cell::new(0) };
        pub(crate) static LINES: Cell<usize> = const { Cell::new(0) };
    }
    /// (line indexes built, lines read) on this thread so far.
    pub(crate) fn counts() -> (usize, usize) {
        (BUILDS.with(Cell::get), LINES.with(Cell::get))
    }
}

/// One expression's characters mapped to 1-based (line, column) in the file.
#[derive(Debug, Clone)]
pub(crate) struct ExprSpan {
    file: String,
    /// Position of each character of the value.
    chars: Vec<(u64, u64)>,
    /// Index into `chars` of the first character of each line of the value.
    line_starts: Vec<usize>,
    start: (u64, u64),
    end: (u64, u64),
}

impl ExprSpan {
    /// `line`, `column`: where serde-saphyr says the scalar starts (1-based).
    pub(crate) fn new(file: &str, text: &LineIndex, line: u64, column: u64, value: &str) -> Self {
        let start = (line.max(1), column.max(1));
        let mut li = usize::try_from(start.0 - 1).unwrap_or(usize::MAX);
        let mut ci = usize::try_from(start.1 - 1).unwrap_or(usize::MAX);
        // A value of n characters spans at most n + 2 lines of the file (each line
        // gives at least one character or a folded break): an unmatched character
        // (an escape) stops there instead of walking to the end of the file.
        let last_line = li.saturating_add(value.chars().count() + 2);
        // Only the lines the walk reaches are read; the current one is kept.
        let mut current: (usize, Option<Vec<char>>) = (li, text.line(li));
        match current.1.as_ref().and_then(|l| l.get(ci)) {
            Some('|' | '>') => {
                li += 1;
                ci = 0;
            }
            Some('"' | '\'') => ci += 1,
            _ => {}
        }
        let pos = |li: usize, ci: usize| (li as u64 + 1, ci as u64 + 1);
        let mut chars = Vec::with_capacity(value.len());
        let mut line_starts = vec![0];
        let mut first = None;
        for (i, ch) in value.chars().enumerate() {
            if ch == '\n' {
                line_starts.push(i + 1);
            }
            let found = loop {
                if current.0 != li {
                    let line = if li <= last_line { text.line(li) } else { None };
                    current = (li, line);
                }
                let Some(line) = &current.1 else {
                    break None;
                };
                match line.get(ci) {
                    None if ch == '\n' || ch == ' ' => {
                        let at = pos(li, ci);
                        li += 1;
                        ci = 0;
                        break Some(at);
                    }
                    None => {
                        li += 1;
                        ci = 0;
                    }
                    Some(&c) if c == ch => {
                        ci += 1;
                        break Some(pos(li, ci - 1));
                    }
                    Some(_) => ci += 1,
                }
            };
            let at = found.unwrap_or_else(|| chars.last().copied().unwrap_or(start));
            first.get_or_insert(at);
            chars.push(at);
        }
        // Just after the last character that is not a (folded) line break or space.
        let end = value
            .chars()
            .zip(&chars)
            .filter(|(ch, _)| !ch.is_whitespace())
            .last()
            .map_or(start, |(_, &(l, c))| (l, c + 1));
        ExprSpan {
            file: file.to_string(),
            chars,
            line_starts,
            start: first.unwrap_or(start),
            end,
        }
    }

    /// Where the expression starts.
    pub(crate) fn start(&self) -> Loc {
        Loc::new(&self.file, self.start.0, self.start.1)
    }

    /// The file location of a Rhai position inside the expression.
    pub(crate) fn loc(&self, position: rhai::Position) -> Loc {
        let (Some(line), Some(column)) = (position.line(), position.position()) else {
            return self.start();
        };
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return Loc::new(&self.file, self.end.0, self.end.1);
        };
        let (l, c) = self
            .chars
            .get(line_start + column.saturating_sub(1))
            .copied()
            .unwrap_or(self.end);
        Loc::new(&self.file, l, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Position;

    fn at(span: &ExprSpan, line: usize, col: usize) -> (u64, u64) {
        let loc = span.loc(Position::new(line as u16, col as u16));
        (loc.line, loc.column)
    }

    #[test]
    fn plain_one_line() {
        let text = "a:\n  when: driver.gap > 1\n";
        let span = ExprSpan::new("f", &LineIndex::new(text), 2, 9, "driver.gap > 1");
        assert_eq!(at(&span, 1, 1), (2, 9));
        assert_eq!(at(&span, 1, 8), (2, 16));
    }

    #[test]
    fn quoted() {
        let text = "when: \"x > 1\"\n";
        let span = ExprSpan::new("f", &LineIndex::new(text), 1, 7, "x > 1");
        assert_eq!(at(&span, 1, 3), (1, 10));
    }

    #[test]
    fn literal_block() {
        let text = "when: |\n  a &&\n    b\n";
        let span = ExprSpan::new("f", &LineIndex::new(text), 1, 7, "a &&\n  b\n");
        assert_eq!(at(&span, 1, 1), (2, 3));
        assert_eq!(at(&span, 2, 3), (3, 5));
    }

    #[test]
    fn folded_block() {
        let text = "when: >\n  a &&\n  b\n";
        let span = ExprSpan::new("f", &LineIndex::new(text), 1, 7, "a && b\n");
        assert_eq!(at(&span, 1, 6), (3, 3));
        // Past the end: just after the last character.
        assert_eq!(at(&span, 1, 40), (3, 4));
    }
}
