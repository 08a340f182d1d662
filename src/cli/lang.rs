//! The language errors are printed in, and printing them: every cause of an error
//! chain that sattrace wrote is said in the run's language; the command line's
//! own messages and contexts carry both texts ([`Said`]).

use std::error::Error as StdError;
use std::fmt;

use sattrace::diag::{Both, Localized};
use sattrace::model::Lang;

use super::Command;

/// The language of a run: the command's `--lang` when it has one, else
/// `SATTRACE_LANG` (`zh` or `en`), else English, as before the variable existed.
pub fn of_command(command: &Command) -> Lang {
    let flag = match command {
        Command::Analyze(a) => Some(a.lang),
        Command::Importance(a) => Some(a.lang),
        Command::Graph(a) => Some(a.lang),
        Command::Report(a) => Some(a.lang),
        Command::Plan(a) => Some(a.lang),
        Command::Whatif(a) => Some(a.lang),
        Command::Serve(a) => Some(a.lang),
        Command::Check(_)
        | Command::Simulate(_)
        | Command::Test(_)
        | Command::Schema(_)
        | Command::Moments(_)
        | Command::Sql(_) => None,
    };
    flag.unwrap_or_else(from_env)
}

/// `SATTRACE_LANG=zh|en`; anything else (or nothing) is English.
pub fn from_env() -> Lang {
    match std::env::var("SATTRACE_LANG")
        .ok()
        .as_deref()
        .map(str::trim)
    {
        Some("zh") | Some("zh_CN") | Some("zh-CN") => Lang::Zh,
        _ => Lang::En,
    }
}

/// A message of the command line itself, in both languages, optionally with the
/// error it explains (a context such as "cannot read `x`").
#[derive(Debug)]
pub struct Said {
    text: Both,
    source: Option<anyhow::Error>,
}

impl Said {
    /// An error of its own (what `bail!` made before).
    pub fn error(en: impl Into<String>, zh: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Said {
            text: Both::new(en, zh),
            source: None,
        })
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text.en)
    }
}

impl StdError for Said {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn StdError + 'static))
    }
}

/// `.context(…)` with a text per language.
pub trait ContextIn<T> {
    fn context_in(self, en: impl Into<String>, zh: impl Into<String>) -> anyhow::Result<T>;
    fn with_context_in(self, texts: impl FnOnce() -> (String, String)) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> ContextIn<T> for Result<T, E> {
    fn context_in(self, en: impl Into<String>, zh: impl Into<String>) -> anyhow::Result<T> {
        self.map_err(|e| {
            anyhow::Error::new(Said {
                text: Both::new(en, zh),
                source: Some(e.into()),
            })
        })
    }

    fn with_context_in(self, texts: impl FnOnce() -> (String, String)) -> anyhow::Result<T> {
        self.map_err(|e| {
            let (en, zh) = texts();
            anyhow::Error::new(Said {
                text: Both::new(en, zh),
                source: Some(e.into()),
            })
        })
    }
}

/// The error as printed: each cause after a `: `, as anyhow's `{:#}` does, each in
/// `lang`. A library error's text is complete (it quotes its own cause), so the
/// walk stops there.
pub fn render(error: &anyhow::Error, lang: Lang) -> String {
    let mut out = String::new();
    for cause in error.chain() {
        if !out.is_empty() {
            out.push_str(": ");
        }
        match library_message(cause, lang) {
            Some(text) => {
                out.push_str(&text);
                break;
            }
            None => out.push_str(&own_message(cause, lang)),
        }
    }
    out
}

/// The text of a library error sattrace knows, in `lang`.
fn library_message(cause: &(dyn StdError + 'static), lang: Lang) -> Option<String> {
    macro_rules! try_types {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$t>() {
                return Some(Localized::message(e, lang));
            })*
        };
    }
    use sattrace::importance::{by_group, pls::PlsError, ImportanceError};
    try_types!(
        sattrace::model::ModelError,
        sattrace::yaml::YamlError,
        by_group::RunError,
        by_group::EstimateError,
        by_group::GroupError,
        by_group::PlsGroupError,
        by_group::PlsRowsError,
        PlsError,
        ImportanceError,
        sattrace::data::DataError,
        sattrace::moments::MomentsError,
        sattrace::graph::GraphError,
        sattrace::whatif::WhatIfError,
        sattrace::whatif::ScenarioError,
        sattrace::sql::SqlError,
        sattrace::simulate::SimError,
        sattrace::rules::RuleError,
        sattrace::analysis::AnalysisError,
        sattrace::analysis::EffectsError,
    );
    None
}

/// A message of the command line or a system error, in `lang`.
fn own_message(cause: &(dyn StdError + 'static), lang: Lang) -> String {
    if let Some(said) = cause.downcast_ref::<Said>() {
        return said.text.text(lang).to_string();
    }
    if let (Lang::Zh, Some(io)) = (lang, cause.downcast_ref::<std::io::Error>()) {
        if let Some(text) = io_zh(io.kind()) {
            return text.to_string();
        }
    }
    cause.to_string()
}

/// The common system errors in Chinese; the rest keep the system's words.
fn io_zh(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "文件或目录不存在",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "文件已存在",
        K::IsADirectory => "这是一个目录，不是文件",
        K::NotADirectory => "路径中有一段不是目录",
        K::InvalidData => "内容不是有效的文本",
        K::UnexpectedEof => "文件意外结束",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::AddrInUse => "端口已被占用",
        _ => return None,
    })
}
