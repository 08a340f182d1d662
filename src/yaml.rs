//! Strict, bounded YAML for every file a user writes.
//!
//! serde-saphyr rather than the archived serde_yaml: it is maintained, panic-free,
//! reports line and column for every error and for `Spanned` values, and its
//! budget stops alias bombs and oversized documents before they cost memory.

use serde::de::DeserializeOwned;

use crate::diag::Lang;
use crate::diag::{did_you_mean, did_you_mean_in, help_line, help_suffix, Loc, Localized};

/// A YAML file that could not be read into the expected shape. `message` and
/// `help` are the English text; `kind` says it in other languages.
#[derive(Debug, thiserror::Error)]
#[error("{loc}: {message}{}", help_suffix(.help))]
pub struct YamlError {
    pub loc: Loc,
    pub message: String,
    pub help: String,
    /// Boxed: every `Result` carrying a YAML error stays small.
    pub kind: Box<YamlKind>,
}

/// What kind of YAML mistake, with the names the message quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlKind {
    /// A key the file's shape does not have (`itmes:`).
    UnknownField {
        field: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    /// A value outside an enum's allowed values (`expect: fire`).
    UnknownValue {
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    DuplicateKey,
    TooLarge,
    Tab,
    Indentation,
    /// Anything else the parser says (its own words are quoted).
    Other,
}

impl Localized for YamlError {
    fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let (message, help) = match self.kind.as_ref() {
            YamlKind::UnknownField {
                field,
                suggestion,
                allowed,
            } => (
                format!("未知的键 `{field}`"),
                with_allowed(
                    did_you_mean_in(lang, suggestion.as_deref()),
                    format!("此处可用的键：{}", allowed.join(", ")),
                ),
            ),
            YamlKind::UnknownValue {
                value,
                suggestion,
                allowed,
            } => (
                format!("未知的取值 `{value}`"),
                with_allowed(
                    did_you_mean_in(lang, suggestion.as_deref()),
                    format!("可用的取值：{}", allowed.join(", ")),
                ),
            ),
            YamlKind::DuplicateKey => (
                match self.message.strip_prefix("duplicate key ") {
                    Some(key) => format!("键 {key} 重复"),
                    None => "键重复".to_string(),
                },
                "同一映射中每个键只写一次：删除或合并第二个".to_string(),
            ),
            YamlKind::TooLarge => (
                "文件太大或太复杂，不像模型、规则或情景文件".to_string(),
                "上限：16 MiB 文本、64 层嵌套、1,000 个锚点和别名、200,000 个值；请拆分文件或删除重复的别名".to_string(),
            ),
            YamlKind::Tab => (
                "缩进中有制表符".to_string(),
                "YAML 只能用空格缩进：请把制表符换成空格".to_string(),
            ),
            YamlKind::Indentation => (
                format!("缩进有误（{}）", self.message),
                "同级的键要用相同数量的空格缩进（用空格，不用制表符）".to_string(),
            ),
            YamlKind::Other => (format!("YAML 内容有误：{}", self.message), String::new()),
        };
        format!("{}: {message}{}", self.loc, help_line(lang, &help))
    }
}

/// "是不是 `x`？（可用的…）" or just the list.
fn with_allowed(hint: String, allowed: String) -> String {
    if hint.is_empty() {
        allowed
    } else {
        format!("{hint}（{allowed}）")
    }
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
        if let Some((message, help, kind)) = plain_words(&error) {
            return YamlError {
                loc,
                message,
                help,
                kind: Box::new(kind),
            };
        }
        if let Some(column) = tab_in_indentation(text, loc.line) {
            return YamlError {
                loc: Loc::new(file, loc.line, column),
                message: "a tab in the indentation".to_string(),
                help: "YAML indents with spaces only: replace the tab with spaces".to_string(),
                kind: Box::new(YamlKind::Tab),
            };
        }
        let mut message = first_line(&error.to_string());
        let (help, kind) = unknown_field_hint(&message);
        if let Some(i) = message.find(", expected one of") {
            message.truncate(i);
        }
        YamlError {
            loc,
            message,
            help,
            kind: Box::new(kind),
        }
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
fn plain_words(error: &serde_saphyr::Error) -> Option<(String, String, YamlKind)> {
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
            let kind = YamlKind::UnknownValue {
                value: variant.to_string(),
                suggestion: crate::diag::suggest(variant, expected.iter().copied()),
                allowed: expected.iter().map(|s| s.to_string()).collect(),
            };
            Some((format!("unknown value `{}`", variant), help, kind))
        }
        Error::DuplicateMappingKey { key, .. } => Some((
            match key {
                Some(k) => format!("duplicate key `{}`", k),
                None => "duplicate key".to_string(),
            },
            "write each key once in a mapping: remove or merge the second".to_string(),
            YamlKind::DuplicateKey,
        )),
        Error::Budget { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => Some((
            "the file is too large or too complex for a model, rule or scenario file".to_string(),
            "limits: 16 MiB of text, 64 levels of nesting, 1,000 anchors and aliases, \
             200,000 values; split the file or remove repeated aliases"
                .to_string(),
            YamlKind::TooLarge,
        )),
        Error::IndentationError { .. } => Some((
            first_line(&error.to_string()),
            "indent nested keys by the same number of spaces as their siblings (spaces, not tabs)"
                .to_string(),
            YamlKind::Indentation,
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

/// For serde's "unknown field `x`, expected one of `a`, `b`": "did you mean `a`?",
/// and the kind of error the message is.
fn unknown_field_hint(message: &str) -> (String, YamlKind) {
    let Some(rest) = message.split("unknown field `").nth(1) else {
        return (String::new(), YamlKind::Other);
    };
    let Some((field, tail)) = rest.split_once('`') else {
        return (String::new(), YamlKind::Other);
    };
    let expected: Vec<&str> = tail
        .split_once("expected one of ")
        .map(|(_, list)| list.split(", ").map(|s| s.trim_matches('`')).collect())
        .unwrap_or_default();
    let allowed = format!("allowed keys here: {}", expected.join(", "));
    let help = match did_you_mean(field, expected.iter().copied()) {
        hint if hint.is_empty() => allowed,
        hint => format!("{hint} ({allowed})"),
    };
    let kind = YamlKind::UnknownField {
        field: field.to_string(),
        suggestion: crate::diag::suggest(field, expected.iter().copied()),
        allowed: expected.iter().map(|s| s.to_string()).collect(),
    };
    (help, kind)
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
