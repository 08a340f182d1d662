//! JUnit XML as GitLab and Jenkins read it: `<testsuites>` of one `<testsuite>` per
//! file, `<failure>` and `<error>` with the diff as text. Written by hand, every
//! attribute and text escaped; no timings, so the output is byte-identical run to run.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{CaseResult, Status, TestReport};

pub fn render_junit(report: &TestReport, out: &mut impl Write) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for case in &report.cases {
        suites.entry(&case.suite).or_default().push(case);
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sattrace test" tests="{}" failures="{}" errors="{}">"#,
        report.cases.len(),
        report.failed(),
        report.errors()
    )?;
    for (suite, cases) in suites {
        let failures = cases
            .iter()
            .filter(|c| matches!(c.status, Status::Fail(_)))
            .count();
        let errors = cases
            .iter()
            .filter(|c| matches!(c.status, Status::Error(_)))
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="{errors}" skipped="0">"#,
            escape(suite),
            cases.len()
        )?;
        for case in cases {
            let classname = case.rule.as_deref().unwrap_or("scenario");
            write!(
                out,
                r#"    <testcase name="{}" classname="{}" file="{}" line="{}""#,
                escape(&case.name),
                escape(classname),
                escape(&case.loc.file),
                case.loc.line
            )?;
            match &case.status {
                Status::Pass => writeln!(out, "/>")?,
                Status::Fail(message) | Status::Error(message) => {
                    let tag = if matches!(case.status, Status::Fail(_)) {
                        "failure"
                    } else {
                        "error"
                    };
                    let first = message.lines().next().unwrap_or_default();
                    writeln!(out, ">")?;
                    writeln!(
                        out,
                        r#"      <{tag} message="{}" type="{tag}">{}: {}</{tag}>"#,
                        escape(first),
                        escape(&case.loc.to_string()),
                        escape(message).replace("&#10;", "\n")
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escape for attributes and text; characters XML 1.0 forbids become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
