//! Labels in any language: a plain string, or one text per language.

use serde::{Deserialize, Serialize};

/// Output language for labels and rule texts (defined in `diag`, below `model` and
/// `yaml`, which both need it).
pub use crate::diag::Lang;

/// A display text: `label: 客服响应时间` or `label: {zh: 客服响应时间, en: Support response time}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Label {
    Plain(String),
    Localized {
        #[serde(default)]
        zh: Option<String>,
        #[serde(default)]
        en: Option<String>,
    },
}

impl Label {
    /// The text in `lang`, falling back to the other language, then to `fallback`.
    pub fn text<'a>(&'a self, lang: Lang, fallback: &'a str) -> &'a str {
        match self {
            Label::Plain(text) => text,
            Label::Localized { zh, en } => {
                let (first, second) = match lang {
                    Lang::Zh => (zh, en),
                    Lang::En => (en, zh),
                };
                first.as_deref().or(second.as_deref()).unwrap_or(fallback)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_between_languages() {
        let only_zh = Label::Localized {
            zh: Some("价格".into()),
            en: None,
        };
        assert_eq!(only_zh.text(Lang::En, "price"), "价格");
        assert_eq!(Label::Plain("x".into()).text(Lang::Zh, "id"), "x");
        let empty = Label::Localized { zh: None, en: None };
        assert_eq!(empty.text(Lang::Zh, "id"), "id");
    }
}
