//! Diagnostics for people and CI systems: one enum picks the renderer; every
//! renderer writes the same sorted findings to an `impl Write`.

mod github;
mod human;
mod json;
mod sarif;

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Source;
use crate::diag::Diagnostic;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    /// rustc-style source snippets with carets.
    Human,
    /// One JSON document (see `docs/diagnostics.md`).
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`).
    Github,
}

/// Render `diagnostics` (already sorted). `sources` give the text for snippets;
/// `color` turns on ANSI colours in the human format.
pub fn render_diagnostics(
    format: CheckFormat,
    diagnostics: &[Diagnostic],
    sources: &[Source],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        CheckFormat::Human => {
            let texts: BTreeMap<&str, String> = sources
                .iter()
                .map(|s| {
                    (
                        s.file.as_str(),
                        // Snippets quote the file: its control characters are shown, not obeyed.
                        crate::diag::neutralise(&String::from_utf8_lossy(&s.bytes)),
                    )
                })
                .collect();
            human::render(diagnostics, &texts, color, out)
        }
        CheckFormat::Json => json::render(diagnostics, out),
        CheckFormat::Sarif => sarif::render(diagnostics, out),
        CheckFormat::Github => github::render(diagnostics, out),
    }
}

/// `(errors, warnings)`.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}
