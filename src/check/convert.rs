//! Loaders' errors as `check` findings. Each error kind already carries where it
//! happened; this picks the stable code for what it is.

use crate::data::DataError;
use crate::diag::{Code, Diagnostic};
use crate::graph::GraphError;
use crate::model::{Lang, ModelError};
use crate::rules::{RuleError, RuleWarning, RuleWarningKind};

/// The message of an error without its location prefix and help lines.
fn bare(text: &str, loc: &crate::diag::Loc) -> String {
    let line = text.lines().next().unwrap_or_default();
    let prefix = format!("{loc}: ");
    line.strip_prefix(&prefix).unwrap_or(line).to_string()
}

/// The help line of an error's text, if any.
fn help_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix("help: "))
        .unwrap_or_default()
        .to_string()
}

impl From<&ModelError> for Diagnostic {
    fn from(e: &ModelError) -> Self {
        match e {
            ModelError::Yaml(y) => y.to_diagnostic(),
            ModelError::Invalid { loc, kind } => {
                Diagnostic::error(kind.code(), loc, kind.message(Lang::En))
                    .with_help(kind.help(Lang::En))
            }
        }
    }
}

/// A cycle is one finding at its first edge, with every edge as a related location:
/// removing any one edge fixes it, so one finding per edge would count one mistake
/// several times.
impl From<&GraphError> for Diagnostic {
    fn from(e: &GraphError) -> Self {
        let text = e.to_string();
        match e {
            GraphError::Cycle { loc, cycle, edges } => {
                let mut d = Diagnostic::error(
                    Code::Cycle,
                    loc,
                    format!("the drivers form a cycle: {}", cycle.join(" → ")),
                )
                .with_help("a driver cannot depend on itself through other drivers; remove one of these inputs");
                for (edge, loc) in edges {
                    d = d.with_related(loc, edge.as_str());
                }
                d
            }
            GraphError::Unreachable { loc, .. } => {
                Diagnostic::error(Code::ReachesNoOutcome, loc, bare(&text, loc))
                    .with_help(help_of(&text))
            }
        }
    }
}

impl From<&RuleError> for Diagnostic {
    fn from(e: &RuleError) -> Self {
        let message = e.message();
        let code = match e {
            RuleError::Yaml(y) => return y.to_diagnostic(),
            RuleError::Invalid { .. } if message.starts_with("duplicate") => Code::DuplicateId,
            RuleError::Invalid { .. } if message.starts_with("unknown") => Code::UnknownReference,
            RuleError::Invalid { .. } => Code::InvalidValue,
            RuleError::Compile { .. } if message.contains("is not allowed") => {
                Code::ForbiddenInExpression
            }
            RuleError::Compile { .. }
                if message.starts_with("syntax error") || message.ends_with("is empty") =>
            {
                Code::ExpressionSyntax
            }
            RuleError::Compile { .. }
                if message.contains("unknown driver") || message.contains("unknown tag") =>
            {
                Code::UnknownReference
            }
            RuleError::Compile { .. } => Code::UnknownName,
            RuleError::NotBoolean { .. } => Code::WhenNotBoolean,
            RuleError::Eval { .. } if message.contains("bool") => Code::WhenNotBoolean,
            RuleError::Eval { .. } | RuleError::Limit { .. } => Code::InvalidValue,
        };
        Diagnostic::error(code, e.loc(), message).with_help(e.help())
    }
}

impl From<&RuleWarning> for Diagnostic {
    fn from(w: &RuleWarning) -> Self {
        let code = match w.kind {
            RuleWarningKind::NoTests => Code::RuleWithoutTests,
            RuleWarningKind::NeverFires => Code::RuleNeverFires,
        };
        Diagnostic::warning(code, &w.loc, w.message.as_str()).with_help(w.help.as_str())
    }
}

impl From<&DataError> for Diagnostic {
    fn from(e: &DataError) -> Self {
        let text = e.to_string();
        let loc = e.loc();
        let code = match e {
            DataError::MissingColumn { .. } => Code::MissingColumn,
            DataError::DuplicateColumn { .. } => Code::DuplicateKey,
            DataError::Encoding { .. } => Code::YamlSyntax,
            DataError::File { message, .. } if message.contains("is not in the header") => {
                Code::MissingColumn
            }
            _ => Code::InvalidValue,
        };
        let message = text.lines().next().unwrap_or_default();
        let message = message.split_once(": ").map_or(message, |(_, m)| m);
        Diagnostic::error(code, &loc, message).with_help(help_of(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model;

    #[test]
    fn model_errors_keep_location_and_help() {
        let text = "drivers:\n  - id: a\n    items: [q]\n    inputs: [b]\n    outcome: true\n";
        let e = load_model("m.yaml", text).err();
        let d = Diagnostic::from(e.as_ref().expect("an error"));
        assert_eq!(d.code, Code::UnknownReference);
        assert_eq!((d.line, d.column), (4, 14));
        assert_eq!(d.message, "`a` names unknown input `b`");
    }
}
