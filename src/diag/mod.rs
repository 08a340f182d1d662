//! Where a problem is and how to say it: source locations, "did you mean"
//! suggestions, and the diagnostics `check` collects.
//!
//! Every loader reports positions through [`Loc`] so that every error kind gets a
//! file, line and column for free.

mod code;
mod diagnostic;
mod lines;
mod localize;
mod suggest;
mod terminal;

pub use code::Code;
pub use diagnostic::{sort_diagnostics, Diagnostic, Related, Severity};
pub use lines::TextLines;
pub use localize::{did_you_mean_in, help_line, Both, Lang, Localized};
pub use suggest::{did_you_mean, suggest, MAX_SUGGEST_CHARS};
pub use terminal::{clip_quoted, for_terminal, neutralise, MAX_ECHO_CHARS};

use std::fmt;

/// `"\n  help: …"` for appending a help line to a message, or nothing.
pub fn help_suffix(help: &str) -> String {
    if help.is_empty() {
        String::new()
    } else {
        format!("\n  help: {help}")
    }
}

/// A 1-based position in a user's file. `line == 0` means the position is unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Loc {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl Loc {
    pub fn new(file: impl Into<String>, line: u64, column: u64) -> Self {
        Self {
            file: file.into(),
            line,
            column,
        }
    }

    /// A location from a serde-saphyr location inside `file`.
    pub fn from_yaml(file: &str, location: serde_saphyr::Location) -> Self {
        Self::new(file, location.line(), location.column())
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// A number as people read it in a message: plain when it is of everyday size,
/// else in scientific notation (`1e308`, not 309 digits; `5e-324`, not 324 zeros).
pub fn human_number(value: f64) -> String {
    let size = value.abs();
    if value == 0.0 || (1e-4..1e9).contains(&size) || !value.is_finite() {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

#[cfg(test)]
mod number_tests {
    #[test]
    fn numbers_are_short() {
        assert_eq!(super::human_number(1e308), "1e308");
        assert_eq!(super::human_number(5e-324), "5e-324");
        assert_eq!(super::human_number(4.25), "4.25");
        assert_eq!(super::human_number(-3.0), "-3");
    }
}
