//! SARIF 2.1.0, written by hand: small, deterministic, and only the parts code
//! scanning reads (rules with help, results with regions and related locations).
//! Validated against the official schema in `tests/check_sarif.rs`.

use std::io::{self, Write};

use serde::Serialize;

use crate::diag::{Code, Diagnostic, Related, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: ToolDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolDriver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    end_line: u64,
    end_column: u64,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn default_level(code: Code) -> &'static str {
    match code {
        Code::TargetWithoutDue
        | Code::DueInPast
        | Code::RuleNeverFires
        | Code::RuleWithoutTests => "warning",
        _ => "error",
    }
}

fn uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    let file = file.strip_prefix("./").unwrap_or(&file);
    file.replace('%', "%25").replace(' ', "%20")
}

fn physical(
    file: &str,
    line: u64,
    column: u64,
    end_line: u64,
    end_column: u64,
) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri: uri(file) },
        region: (line > 0).then(|| Region {
            start_line: line,
            start_column: column.max(1),
            end_line: end_line.max(line),
            end_column: end_column.max(column.max(1)),
        }),
    }
}

fn related(index: usize, r: &Related) -> Location {
    Location {
        id: Some(index),
        physical_location: physical(&r.file, r.line, r.column, r.line, r.column),
        message: Some(Text {
            text: r.message.clone(),
        }),
    }
}

pub(super) fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let rules = Code::ALL
        .iter()
        .map(|&code| Rule {
            id: code.id(),
            name: code.name(),
            short_description: Text {
                text: code.summary().to_string(),
            },
            help: Text {
                text: format!(
                    "{}: see docs/diagnostics.md#{} for an example and its fix",
                    code.summary(),
                    code.id().to_lowercase()
                ),
            },
            default_configuration: Configuration {
                level: default_level(code),
            },
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if !d.help.is_empty() {
                text.push_str("\nhelp: ");
                text.push_str(&d.help);
            }
            SarifResult {
                rule_id: d.code.id(),
                rule_index: Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0),
                level: level(d.severity),
                message: Text { text },
                locations: vec![Location {
                    id: None,
                    physical_location: physical(
                        &d.file,
                        d.line,
                        d.column,
                        d.end_line,
                        d.end_column,
                    ),
                    message: None,
                }],
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| related(i, r))
                    .collect(),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: ToolDriver {
                    name: "sattrace",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
