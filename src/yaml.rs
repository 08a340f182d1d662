//! Strict, bounded YAML for every file a user writes.
//!
//! serde-saphyr rather than the archived serde_yaml: it is maintained, panic-free,
//! reports line and column for every error and for `Spanned` values, and its
//! budget stops alias bombs and oversized documents before they cost memory.

use serde::de::DeserializeOwned;

use crate::diag::{did_you_mean, help_suffix, Loc};

/// A YAML file that could not be read into the expected shape.
#[derive(Debug, thiserror::Error)]
#[error("{loc}: {message}{}", help_suffix(.help))]
pub struct YamlError {
    pub loc: Loc,
    pub message: String,
    pub help: String,
}

impl YamlError {
    pub fn loc(&self) -> &Loc {
        &self.loc
    }
}

/// Limits for files people write by hand: generous for real models and rule packs,
/// far below what an alias bomb or a generated multi-megabyte document needs.
fn budget() -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 200_000;
    budget.max_events = 1_000_000;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    budget.max_documents = 1;
    budget
}

/// Parse one YAML document from `text`, rejecting duplicate keys.
pub fn parse_yaml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, YamlError> {
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget());
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|error| {
        let loc = error
            .location()
            .map(|l| Loc::from_yaml(file, l))
            .unwrap_or_else(|| Loc::new(file, 0, 0));
        if let Some((message, help)) = plain_words(&error) {
            return YamlError { loc, message, help };
        }
        if let Some(column) = tab_in_indentation(text, loc.line) {
            return YamlError {
                loc: Loc::new(file, loc.line, column),
                message: "a tab in the indentation".to_string(),
                help: "YAML indents with spaces only: replace the tab with spaces".to_string(),
            };
        }
        let mut message = first_line(&error.to_string());
        let help = unknown_field_hint(&message);
        if let Some(i) = message.find(", expected one of") {
            message.truncate(i);
        }
        YamlError { loc, message, help }
    })
}

/// The 1-based column of the first tab in the leading whitespace of `line`, if any:
/// the parser reports the character after it, and a message about keys.
fn tab_in_indentation(text: &str, line: u64) -> Option<u64> {
    let line = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    line[..indent].find('\t').map(|i| i as u64 + 1)
}

/// The parser's own wording names its API (`set DuplicateKeyPolicy in Options`) or
/// prints its internals (`ScalarBytes { … }`): say what is wrong and how to fix it.
fn plain_words(error: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::Error;
    match error {
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let allowed = format!("allowed values: {}", expected.join(", "));
            let help = match did_you_mean(variant, expected.iter().copied()) {
                hint if hint.is_empty() => allowed,
                hint => format!("{hint} ({allowed})"),
            };
            Some((format!("unknown value `{}`", variant), help))
        }
        Error::DuplicateMappingKey { key, .. } => Some((
            match key {
                Some(k) => format!("duplicate key `{}`", k),
                None => "duplicate key".to_string(),
            },
            "write each key once in a mapping: remove or merge the second".to_string(),
        )),
        Error::Budget { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => Some((
            "the file is too large or too complex for a model, rule or scenario file".to_string(),
            "limits: 16 MiB of text, 64 levels of nesting, 1,000 anchors and aliases, \
             200,000 values; split the file or remove repeated aliases"
                .to_string(),
        )),
        Error::IndentationError { .. } => Some((
            first_line(&error.to_string()),
            "indent nested keys by the same number of spaces as their siblings (spaces, not tabs)"
                .to_string(),
        )),
        _ => None,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    // serde-saphyr prefixes some messages with their own position; ours is in `loc`.
    let line = match line.find(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    line.trim_end_matches('.').to_string()
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": "did you mean `a`?".
fn unknown_field_hint(message: &str) -> String {
    let Some(rest) = message.split("unknown field `").nth(1) else {
        return String::new();
    };
    let Some((field, tail)) = rest.split_once('`') else {
        return String::new();
    };
    let expected: Vec<&str> = tail
        .split_once("expected one of ")
        .map(|(_, list)| list.split(", ").map(|s| s.trim_matches('`')).collect())
        .unwrap_or_default();
    let allowed = format!("allowed keys here: {}", expected.join(", "));
    match did_you_mean(field, expected.iter().copied()) {
        hint if hint.is_empty() => allowed,
        hint => format!("{hint} ({allowed})"),
    }
}

impl YamlError {
    /// This error as a `check` finding: unknown keys, duplicate keys and wrong types
    /// get their own codes; everything else (syntax, budgets) is a YAML error.
    pub fn to_diagnostic(&self) -> crate::diag::Diagnostic {
        use crate::diag::{Code, Diagnostic};
        let m = self.message.as_str();
        // serde-saphyr's wording names its own API; say what is wrong instead.
        let rewritten = if let Some(rest) = m.strip_prefix("duplicate mapping key: ") {
            let key = rest.split(',').next().unwrap_or(rest);
            Some(format!("duplicate key `{key}`"))
        } else if m.starts_with("invalid floating point") || m.starts_with("invalid integer") {
            Some("expected a number".to_string())
        } else if m.starts_with("invalid boolean") {
            Some("expected `true` or `false`".to_string())
        } else {
            None
        };
        let m = rewritten.as_deref().unwrap_or(m);
        let code = if m.contains("unknown field") {
            Code::UnknownKey
        } else if m.contains("duplicate") {
            Code::DuplicateKey
        } else if [
            "expected a number",
            "expected `true`",
            "invalid type",
            "invalid value",
            "missing field",
            "unknown variant",
            "unknown value",
            "did not match any variant",
            "invalid length",
        ]
        .iter()
        .any(|p| m.contains(p))
        {
            Code::WrongType
        } else {
            Code::YamlSyntax
        };
        Diagnostic::error(code, &self.loc, m).with_help(&self.help)
    }
}
