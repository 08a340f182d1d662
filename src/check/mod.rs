//! `check`: every finding in a project's files, as sorted diagnostics.
//!
//! The caller (the CLI) finds and reads the files; this module only sees their
//! bytes, so it never touches the filesystem and never prints.

mod convert;
pub mod data_header;
pub mod render;
pub mod scenario;
mod source;

pub use source::{Kind, Source, MAX_FILE_BYTES};

use std::collections::BTreeMap;

use crate::diag::{sort_diagnostics, Diagnostic, TextLines};
use crate::model::{check_model, Day, Model};
use crate::rules::{lint_rules, Known, RuleEngine, RuleSource};

/// What to check besides the files themselves.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Due dates before this day are reported (`None` turns the check off).
    pub today: Option<Day>,
    /// The survey file's name and the start of its bytes (holding the header).
    pub data: Option<(String, Vec<u8>)>,
}

/// Check every source. Rules, scenarios and the data header are checked against the
/// first model that has no errors; without one, only their own shape is checked.
pub fn check(sources: &[Source], options: &CheckOptions) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut model: Option<Model> = None;
    for source in sources.iter().filter(|s| s.kind == Kind::Model) {
        let Some(text) = source.text(&mut out) else {
            continue;
        };
        let (checked, findings) = check_model(&source.file, text, options.today);
        out.extend(findings);
        if model.is_none() {
            model = checked;
        }
    }

    let rule_texts: Vec<RuleSource> = sources
        .iter()
        .filter(|s| s.kind == Kind::Rules)
        .filter_map(|s| {
            s.text(&mut out).map(|text| RuleSource {
                file: &s.file,
                text,
            })
        })
        .collect();
    if !rule_texts.is_empty() {
        let (known, driver_tags) = known(model.as_ref());
        let engine = RuleEngine::new();
        let lint = lint_rules(&engine, &rule_texts, &known, &driver_tags);
        let start = out.len();
        out.extend(lint.errors.iter().map(Diagnostic::from));
        out.extend(lint.warnings.iter().map(Diagnostic::from));
        let lines: BTreeMap<&str, TextLines> = rule_texts
            .iter()
            .map(|s| (s.file, TextLines::new(s.text)))
            .collect();
        for d in &mut out[start..] {
            if let Some(lines) = lines.get(d.file.as_str()) {
                d.fill_end(lines);
            }
        }
    }

    for source in sources.iter().filter(|s| s.kind == Kind::Scenario) {
        let Some(text) = source.text(&mut out) else {
            continue;
        };
        out.extend(scenario::check_scenario(&source.file, text, model.as_ref()));
    }

    if let (Some(model), Some((file, head))) = (&model, &options.data) {
        match crate::data::WorkbookKind::of_name(file) {
            Some(kind) => out.extend(data_header::check_workbook_header(model, file, kind, head)),
            None if crate::data::is_sav_name(file) => {
                out.extend(data_header::check_sav_header(model, file, head))
            }
            None => out.extend(data_header::check_data_header(model, file, head)),
        }
    }
    sort_diagnostics(&mut out);
    out
}

/// What rules may name, from the model; empty (checks off) without one.
fn known(model: Option<&Model>) -> (Known, Vec<(String, Vec<String>)>) {
    let Some(model) = model else {
        return (Known::default(), Vec::new());
    };
    let known = Known::of_model(model);
    let driver_tags = model
        .nodes
        .iter()
        .map(|n| (n.id.clone(), n.tags.clone()))
        .collect();
    (known, driver_tags)
}
