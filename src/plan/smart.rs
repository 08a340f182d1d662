//! SMART checks of planning targets: specific (a known outcome), measurable (inside
//! the metric's range), achievable (all candidates together reach it), relevant
//! (some driver reaches the outcome) and time-bound (a due date, not in the past).

use std::fmt;

use crate::model::Lang;

/// Which SMART letter a target fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SmartKind {
    Specific,
    Measurable,
    Achievable,
    Relevant,
    TimeBound,
}

impl SmartKind {
    /// The letter's name in `lang` ("achievable", "可实现").
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.as_str(),
            Lang::Zh => match self {
                SmartKind::Specific => "明确",
                SmartKind::Measurable => "可衡量",
                SmartKind::Achievable => "可实现",
                SmartKind::Relevant => "相关",
                SmartKind::TimeBound => "有时限",
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SmartKind::Specific => "specific",
            SmartKind::Measurable => "measurable",
            SmartKind::Achievable => "achievable",
            SmartKind::Relevant => "relevant",
            SmartKind::TimeBound => "time-bound",
        }
    }
}

/// A sentence in both languages: the library writes each message once in English
/// and once in Chinese, with its numbers; the reader's `--lang` picks one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Said {
    pub en: String,
    pub zh: String,
}

impl Said {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Said {
            en: en.into(),
            zh: zh.into(),
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty()
    }
}

/// One failed check, written for the person who set the target.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartIssue {
    pub kind: SmartKind,
    /// The target as written (`satisfaction=4.2`).
    pub target: String,
    pub message: Said,
    pub help: Said,
}

impl SmartIssue {
    /// The issue and its help in `lang`, as a reader sees it.
    pub fn text(&self, lang: Lang) -> String {
        let mut text = match lang {
            Lang::En => format!(
                "target `{}` is not {}: {}",
                self.target,
                self.kind.name(lang),
                self.message.en
            ),
            Lang::Zh => format!(
                "目标 `{}` 不满足“{}”：{}",
                self.target,
                self.kind.name(lang),
                self.message.zh
            ),
        };
        if !self.help.is_empty() {
            let help = match lang {
                Lang::En => "help: ",
                Lang::Zh => "提示：",
            };
            text.push_str(&format!("\n  {help}{}", self.help.text(lang)));
        }
        text
    }
}

/// English, as in errors and JSON.
impl fmt::Display for SmartIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Targets that fail SMART checks before any planning is done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct SmartError {
    pub issues: Vec<SmartIssue>,
}

impl SmartError {
    /// Every issue in `lang`, one after another.
    pub fn text(&self, lang: Lang) -> String {
        let lines: Vec<String> = self.issues.iter().map(|i| i.text(lang)).collect();
        lines.join("\n")
    }
}
