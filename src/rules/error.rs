//! Why a rule file could not be loaded, or a rule could not be evaluated.
//!
//! Every variant carries where (file, line and column in the YAML file) apart from
//! what went wrong, so every kind gets a location for free.

use crate::diag::Loc;
use crate::yaml::YamlError;

/// A rule file that could not be loaded, or a rule that failed while evaluated.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file is not well-formed YAML of the expected shape (unknown key, wrong type…).
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// The file parsed, but a value is wrong: duplicate id, unknown driver, cost ≤ 0…
    #[error("{loc}: {message}{}", help_suffix(.help))]
    Invalid {
        loc: Loc,
        message: String,
        help: String,
        /// The message and help in Chinese, where written (else the English is
        /// quoted inside a Chinese frame).
        zh: Option<Box<(String, String)>>,
    },
    /// A `when` or `priority` expression does not compile, or names something unknown.
    #[error("{loc}: {message}{}", help_suffix(.help))]
    Compile {
        rule: String,
        loc: Loc,
        message: String,
        help: String,
        /// The message and help in Chinese, where written.
        zh: Option<Box<(String, String)>>,
    },
    /// A rule failed while evaluated: wrong result type, unknown driver, runtime error.
    #[error("{loc}: {message}{}", help_suffix(.help))]
    Eval {
        rule: String,
        loc: Loc,
        message: String,
        help: String,
        /// The message and help in Chinese.
        zh: Option<Box<(String, String)>>,
    },
    /// A `when` that plainly yields no boolean (a number, a text): it would fail every
    /// evaluation, so it is refused when the rules are loaded, by every command alike.
    #[error("{loc}: {message}{}", help_suffix(.help))]
    NotBoolean {
        rule: String,
        loc: Loc,
        message: String,
        help: String,
        /// The message and help in Chinese.
        zh: Option<Box<(String, String)>>,
    },
    /// A rule was stopped because it exceeded a sandbox limit (operations, sizes, depth).
    #[error("{loc}: {message}{}", help_suffix(.help))]
    Limit {
        rule: String,
        loc: Loc,
        message: String,
        help: String,
        /// The message and help in Chinese.
        zh: Option<Box<(String, String)>>,
    },
}

pub(crate) fn help_suffix(help: &str) -> String {
    if help.is_empty() {
        String::new()
    } else {
        format!("\n  help: {help}")
    }
}

impl RuleError {
    pub(crate) fn invalid(loc: Loc, message: impl Into<String>, help: impl Into<String>) -> Self {
        RuleError::Invalid {
            loc,
            message: message.into(),
            help: help.into(),
            zh: None,
        }
    }

    /// The same error with its Chinese message and help.
    pub(crate) fn with_zh(mut self, message: impl Into<String>, help: impl Into<String>) -> Self {
        if let RuleError::Invalid { zh, .. }
        | RuleError::Compile { zh, .. }
        | RuleError::Eval { zh, .. }
        | RuleError::NotBoolean { zh, .. }
        | RuleError::Limit { zh, .. } = &mut self
        {
            *zh = Some(Box::new((message.into(), help.into())));
        }
        self
    }

    /// Where the error is.
    pub fn loc(&self) -> &Loc {
        match self {
            RuleError::Yaml(e) => e.loc(),
            RuleError::Invalid { loc, .. }
            | RuleError::Compile { loc, .. }
            | RuleError::Eval { loc, .. }
            | RuleError::NotBoolean { loc, .. }
            | RuleError::Limit { loc, .. } => loc,
        }
    }

    /// What went wrong, without the location.
    pub fn message(&self) -> &str {
        match self {
            RuleError::Yaml(e) => &e.message,
            RuleError::Invalid { message, .. }
            | RuleError::Compile { message, .. }
            | RuleError::Eval { message, .. }
            | RuleError::NotBoolean { message, .. }
            | RuleError::Limit { message, .. } => message,
        }
    }

    /// How to fix it; empty when there is nothing useful to say.
    pub fn help(&self) -> &str {
        match self {
            RuleError::Yaml(e) => &e.help,
            RuleError::Invalid { help, .. }
            | RuleError::Compile { help, .. }
            | RuleError::Eval { help, .. }
            | RuleError::NotBoolean { help, .. }
            | RuleError::Limit { help, .. } => help,
        }
    }

    /// The id of the rule the error is about, when it is about one rule.
    pub fn rule(&self) -> Option<&str> {
        match self {
            RuleError::Yaml(_) | RuleError::Invalid { .. } => None,
            RuleError::Compile { rule, .. }
            | RuleError::Eval { rule, .. }
            | RuleError::NotBoolean { rule, .. }
            | RuleError::Limit { rule, .. } => Some(rule),
        }
    }
}

/// In Chinese: the location verbatim, the message and help in Chinese where the
/// loader wrote them, else the English quoted under a Chinese heading.
impl crate::diag::Localized for RuleError {
    fn message(&self, lang: crate::model::Lang) -> String {
        use crate::diag::help_line;
        use crate::model::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        let heading = match self {
            RuleError::Yaml(e) => return e.message(lang),
            RuleError::Invalid {
                zh: Some(zh), loc, ..
            }
            | RuleError::Compile {
                zh: Some(zh), loc, ..
            }
            | RuleError::Eval {
                zh: Some(zh), loc, ..
            }
            | RuleError::NotBoolean {
                zh: Some(zh), loc, ..
            }
            | RuleError::Limit {
                zh: Some(zh), loc, ..
            } => {
                return format!("{loc}: {}{}", zh.0, help_line(lang, &zh.1));
            }
            RuleError::Invalid { .. } => "规则文件有误",
            RuleError::Compile { .. } => "规则表达式无法编译",
            RuleError::Eval { .. } => "规则求值失败",
            RuleError::NotBoolean { .. } => "`when` 的结果不是布尔值",
            RuleError::Limit { .. } => "规则超出了沙箱限制",
        };
        let rule = match self.rule() {
            Some(rule) => format!("（规则 `{rule}`）"),
            None => String::new(),
        };
        format!(
            "{}: {heading}{rule}：{}{}",
            self.loc(),
            self.message(),
            help_line(lang, self.help())
        )
    }
}

/// Rhai's messages start with a capital; ours do not.
pub(crate) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
