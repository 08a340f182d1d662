//! Messages users read, in the run's language. Each library error enum says what
//! went wrong once per language; the command line picks one with `--lang`.
//!
//! The English text of every error is its `Display`, so logs, tests and JSON keep
//! one stable wording; [`Localized::message`] with [`Lang::En`] returns exactly it.

/// The language a reader reads: labels, rule texts and messages. It lives here, at
/// the bottom, so `yaml` and `diag` need nothing above them (`model` re-exports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// An error (or any message) that can be said in each language.
pub trait Localized {
    /// The whole message in `lang`: location, what went wrong and the help line.
    /// Locations, column names, values and code stay verbatim in every language.
    fn message(&self, lang: Lang) -> String;
}

/// `"\n  help: …"` / `"\n  提示：…"` for appending a help line, or nothing.
pub fn help_line(lang: Lang, help: &str) -> String {
    match (help.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::En) => format!("\n  help: {help}"),
        (false, Lang::Zh) => format!("\n  提示：{help}"),
    }
}

/// "did you mean `x`?" in `lang`, or an empty string without a suggestion.
pub fn did_you_mean_in(lang: Lang, suggestion: Option<&str>) -> String {
    match (suggestion, lang) {
        (None, _) => String::new(),
        (Some(s), Lang::En) => format!("did you mean `{s}`?"),
        (Some(s), Lang::Zh) => format!("是不是 `{s}`？"),
    }
}

/// A text written in both languages, for messages built from parts (a context
/// the command line adds, a hint computed from names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Both {
    pub en: String,
    pub zh: String,
}

impl From<(&str, &str)> for Both {
    fn from((en, zh): (&str, &str)) -> Self {
        Both::new(en, zh)
    }
}

impl Both {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Both {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The same text in both (a name, a number, or nothing).
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Both {
            zh: text.clone(),
            en: text,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lines_and_suggestions_follow_the_language() {
        assert_eq!(help_line(Lang::En, "x"), "\n  help: x");
        assert_eq!(help_line(Lang::Zh, "x"), "\n  提示：x");
        assert_eq!(help_line(Lang::Zh, ""), "");
        assert_eq!(did_you_mean_in(Lang::En, Some("a")), "did you mean `a`?");
        assert_eq!(did_you_mean_in(Lang::Zh, Some("a")), "是不是 `a`？");
        assert_eq!(did_you_mean_in(Lang::Zh, None), "");
    }
}
