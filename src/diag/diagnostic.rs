//! One finding of `check`: where (file, line, column, end), what (code, severity,
//! message), and how to fix it (help, an optional replacement text).
//!
//! Findings are data: loaders' first errors convert into diagnostics, checkers push
//! every problem they see into a `Vec<Diagnostic>`, and renderers turn the sorted
//! list into text for people or CI systems.

use std::fmt;

use super::{Code, Loc};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; fails the run only with `--fail-on warning`.
    Warning,
    /// The file cannot be used as written.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A second place that belongs to a finding: each edge of a cycle, the first
/// definition of a duplicate id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Related {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// One finding. Lines and columns are 1-based; `line == 0` means the finding is
/// about the whole file. `end_line`/`end_column` point just past the marked text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
    pub message: String,
    /// How to fix it; empty when there is nothing useful to add.
    pub help: String,
    /// The text that should replace the marked span (a "did you mean" name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// An error at `loc`; the end is filled in later from the source text.
    pub fn error(code: Code, loc: &Loc, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, loc, message)
    }

    /// A warning at `loc`.
    pub fn warning(code: Code, loc: &Loc, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, loc, message)
    }

    fn new(code: Code, severity: Severity, loc: &Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            file: loc.file.clone(),
            line: loc.line,
            column: loc.column,
            end_line: loc.line,
            end_column: loc.column,
            message: message.into(),
            help: String::new(),
            suggestion: None,
            related: Vec::new(),
        }
    }

    /// Add a help line. A "did you mean `x`?" help also becomes the suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        if self.suggestion.is_none() {
            self.suggestion = suggestion_in(&self.help);
        }
        self
    }

    /// Add a related location.
    pub fn with_related(mut self, loc: &Loc, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: loc.file.clone(),
            line: loc.line,
            column: loc.column,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the finding starts.
    pub fn loc(&self) -> Loc {
        Loc::new(&self.file, self.line, self.column)
    }

    /// The order findings are reported in: file, line, column, code, then message.
    pub fn sort_key(&self) -> (&str, u64, u64, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }

    /// Mark the token starting at the diagnostic's position: a word, a quoted
    /// string or a flow collection on that line. `lines` index the file's text.
    pub fn fill_end(&mut self, lines: &super::TextLines) {
        if self.line == 0 || self.end_line != self.line || self.end_column != self.column {
            return;
        }
        let Some(line) = lines.line(self.line) else {
            return;
        };
        let chars: Vec<char> = line.chars().collect();
        let start = usize::try_from(self.column.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(&first) = chars.get(start) else {
            return;
        };
        let end = match first {
            '"' | '\'' => chars[start + 1..]
                .iter()
                .position(|&c| c == first)
                .map_or(chars.len(), |p| start + p + 2),
            '[' | '{' => {
                let close = if first == '[' { ']' } else { '}' };
                chars[start..]
                    .iter()
                    .position(|&c| c == close)
                    .map_or(chars.len(), |p| start + p + 1)
            }
            _ => chars[start..]
                .iter()
                .position(|&c| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
                .map_or(chars.len(), |p| start + p),
        };
        let end = end.max(start + 1);
        self.end_column = end as u64 + 1;
    }
}

/// The name in a "did you mean `x`?" help.
fn suggestion_in(help: &str) -> Option<String> {
    let rest = help.split("did you mean `").nth(1)?;
    rest.split_once('`').map(|(name, _)| name.to_string())
}

/// Sort findings (file, line, column, code, message) and drop exact repeats.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.loc(),
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_with_did_you_mean_gives_a_suggestion() {
        let d = Diagnostic::error(Code::UnknownReference, &Loc::new("m", 3, 5), "x")
            .with_help("did you mean `network`?");
        assert_eq!(d.suggestion.as_deref(), Some("network"));
    }

    #[test]
    fn end_covers_the_token() {
        let text = &crate::diag::TextLines::new("a: 1\n  inputs: [netwrok, price]\n  b: \"x y\"\n");
        let mut d = Diagnostic::error(Code::UnknownReference, &Loc::new("m", 2, 12), "x");
        d.fill_end(text);
        assert_eq!((d.end_line, d.end_column), (2, 19));
        let mut q = Diagnostic::error(Code::UnknownReference, &Loc::new("m", 3, 6), "x");
        q.fill_end(text);
        assert_eq!(q.end_column, 11);
        let mut past = Diagnostic::error(Code::UnknownReference, &Loc::new("m", 9, 1), "x");
        past.fill_end(text);
        assert_eq!(past.end_column, 1);
    }
}
