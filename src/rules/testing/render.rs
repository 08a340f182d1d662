//! Human and JSON renderings of a test report.

use std::io::{self, Write};

use super::{Status, TestReport};

/// One line per test, failures with their diff, then coverage and a summary.
pub fn render_human(report: &TestReport, out: &mut impl Write) -> io::Result<()> {
    for case in &report.cases {
        match &case.status {
            Status::Pass => writeln!(out, "ok     {}  {}", case.name, case.loc)?,
            Status::Fail(message) | Status::Error(message) => {
                let word = if matches!(case.status, Status::Fail(_)) {
                    "FAIL"
                } else {
                    "ERROR"
                };
                writeln!(out, "{word:<6} {}  {}", case.name, case.loc)?;
                for line in message.lines() {
                    writeln!(out, "       {line}")?;
                }
            }
        }
    }
    let covered = report
        .coverage
        .iter()
        .filter(|c| c.uncovered.is_none())
        .count();
    writeln!(
        out,
        "\ncoverage: {covered} of {} rules seen both firing and silent ({:.0}%)",
        report.coverage.len(),
        report.coverage_percent()
    )?;
    for c in report.coverage.iter().filter(|c| c.uncovered.is_some()) {
        writeln!(
            out,
            "  {}  {}: {} (fires in {}, silent in {})",
            c.rule,
            c.loc,
            c.uncovered.unwrap_or_default(),
            c.fired_in.len(),
            c.silent_in.len()
        )?;
    }
    writeln!(
        out,
        "\n{} passed, {} failed, {} errors",
        report.passed(),
        report.failed(),
        report.errors()
    )
}

/// The whole report as one JSON document.
pub fn render_json(report: &TestReport, out: &mut impl Write) -> io::Result<()> {
    let value = serde_json::json!({
        "summary": {
            "tests": report.cases.len(),
            "passed": report.passed(),
            "failed": report.failed(),
            "errors": report.errors(),
            "coverage_percent": report.coverage_percent(),
        },
        "cases": report.cases,
        "coverage": report.coverage,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
