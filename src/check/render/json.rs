//! JSON: `{"version": 1, "diagnostics": […], "summary": {"errors": n, "warnings": n}}`.
//! Field order is fixed; the format is documented in `docs/diagnostics.md`.

use std::io::{self, Write};

use crate::diag::Diagnostic;

#[derive(serde::Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: Summary,
}

#[derive(serde::Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

pub(super) fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let (errors, warnings) = super::counts(diagnostics);
    let document = Document {
        version: 1,
        diagnostics,
        summary: Summary { errors, warnings },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
