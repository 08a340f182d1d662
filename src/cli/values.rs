//! Library enums offered as flag values. The library derives no clap traits (it is
//! used without a command line, by `serve` and by other programs); the names a flag
//! accepts and the help beside each value live here, once per enum, and every
//! subcommand takes the library type itself through [`parser`].
//!
//! Each `help` is the text clap derived from the variant's doc comment before the
//! move (first paragraph, lines joined, final period dropped), so `--help` reads
//! the same.

use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::ValueEnum;

use sattrace::check::render::CheckFormat;
use sattrace::data::{Encoding, OnInvalid};
use sattrace::model::{Lang, Method};
use sattrace::report::sheets::TableId;
use sattrace::report::Format;
use sattrace::sql::Dialect;

/// A library enum a flag can take: every value in the order `--help` lists them,
/// and each value's name, aliases and help.
pub trait Choice: Copy + Send + Sync + 'static {
    const ALL: &'static [Flag<Self>];
    fn possible_value(self) -> PossibleValue;
}

/// A library value seen through [`Choice`], so clap's own enum parser (its
/// matching, aliases and error messages) does the parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag<T>(pub T);

impl<T: Choice> ValueEnum for Flag<T> {
    fn value_variants<'a>() -> &'a [Self] {
        T::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(self.0.possible_value())
    }
}

/// The value parser of a flag taking `T`: `#[arg(long, value_parser = parser::<T>())]`.
pub fn parser<T: Choice>() -> impl TypedValueParser<Value = T> {
    EnumValueParser::<Flag<T>>::new().map(|flag| flag.0)
}

fn value(name: &'static str, help: Option<&'static str>) -> PossibleValue {
    let value = PossibleValue::new(name);
    match help {
        Some(help) => value.help(help),
        None => value,
    }
}

impl Choice for Lang {
    const ALL: &'static [Flag<Self>] = &[Flag(Lang::Zh), Flag(Lang::En)];

    fn possible_value(self) -> PossibleValue {
        match self {
            Lang::Zh => value("zh", None),
            Lang::En => value("en", None),
        }
    }
}

impl Choice for Format {
    const ALL: &'static [Flag<Self>] = &[Flag(Format::Table), Flag(Format::Json), Flag(Format::Md)];

    fn possible_value(self) -> PossibleValue {
        match self {
            Format::Table => value("table", None),
            Format::Json => value("json", None),
            Format::Md => value("md", None),
        }
    }
}

impl Choice for Method {
    const ALL: &'static [Flag<Self>] = &[
        Flag(Method::Ols),
        Flag(Method::Lmg),
        Flag(Method::Relweights),
        Flag(Method::Beta),
        Flag(Method::Corr),
        Flag(Method::Dominance),
        Flag(Method::Pls),
    ];

    fn possible_value(self) -> PossibleValue {
        let help = match self {
            Method::Ols => {
                "Ordinary least squares of the node on its inputs (weighted by survey weights); importance = standardized coefficient"
            }
            Method::Lmg => "Shapley value / LMG share of R²",
            Method::Relweights => "Johnson's relative weights (R² shares)",
            Method::Beta => "Standardized OLS coefficient (the same importance as `ols`)",
            Method::Corr => "Pearson correlation with the node",
            Method::Dominance => "General dominance (equal to LMG)",
            Method::Pls => "PLS path model on items; importance = standardized path coefficient",
        };
        value(self.as_str(), Some(help))
    }
}

impl Choice for TableId {
    const ALL: &'static [Flag<Self>] = &[
        Flag(TableId::Summary),
        Flag(TableId::Scores),
        Flag(TableId::Roots),
        Flag(TableId::Actions),
        Flag(TableId::Importance),
        Flag(TableId::Changes),
    ];

    fn possible_value(self) -> PossibleValue {
        match self {
            TableId::Summary => value(
                "summary",
                Some("Run facts: model, data, rows, skipped values, waves, notes"),
            ),
            TableId::Scores => value("scores", Some("Every driver's score by segment × wave")),
            TableId::Roots => value("roots", Some("Root causes of the primary outcome's gap")),
            TableId::Actions => value(
                "actions",
                Some("Ranked actions with their why and evidence"),
            ),
            TableId::Importance => value(
                "importance",
                Some("Importance and effect of each driver on the primary outcome"),
            ),
            TableId::Changes => value("changes", Some("Wave-on-wave changes with their tests")),
        }
    }
}

impl Choice for Encoding {
    const ALL: &'static [Flag<Self>] = &[
        Flag(Encoding::Auto),
        Flag(Encoding::Utf8),
        Flag(Encoding::Gb18030),
    ];

    fn possible_value(self) -> PossibleValue {
        match self {
            Encoding::Auto => value(
                "auto",
                Some("UTF-8 (with or without a byte-order mark) when the start of the file is valid UTF-8, GB18030 otherwise: Chinese Excel exports are commonly GBK, which GB18030 contains"),
            ),
            Encoding::Utf8 => value("utf8", Some("UTF-8; bytes that are not UTF-8 are an error")),
            Encoding::Gb18030 => value(
                "gb18030",
                Some("GB18030, which also reads GBK (its subset); `gbk` is accepted as a name for it"),
            )
            .alias("gbk"),
        }
    }
}

impl Choice for OnInvalid {
    const ALL: &'static [Flag<Self>] = &[Flag(OnInvalid::Error), Flag(OnInvalid::Skip)];

    fn possible_value(self) -> PossibleValue {
        match self {
            OnInvalid::Error => value(
                "error",
                Some("Stop at the first invalid value with an error naming its row and column"),
            ),
            OnInvalid::Skip => value(
                "skip",
                Some("Count the value as missing (items) or drop the row (weight, segment, wave), and count it in the report of skipped values"),
            ),
        }
    }
}

impl Choice for Dialect {
    const ALL: &'static [Flag<Self>] = &[
        Flag(Dialect::Duckdb),
        Flag(Dialect::Spark),
        Flag(Dialect::Postgres),
    ];

    fn possible_value(self) -> PossibleValue {
        match self {
            Dialect::Duckdb => value(
                "duckdb",
                Some("DuckDB (also over Parquet or CSV files through a view)"),
            ),
            Dialect::Spark => value(
                "spark",
                Some("Spark SQL 3.x (spark-sql, PySpark, Databricks)"),
            ),
            Dialect::Postgres => value(
                "postgres",
                Some("PostgreSQL and warehouses speaking its dialect"),
            ),
        }
    }
}

impl Choice for CheckFormat {
    const ALL: &'static [Flag<Self>] = &[
        Flag(CheckFormat::Human),
        Flag(CheckFormat::Json),
        Flag(CheckFormat::Sarif),
        Flag(CheckFormat::Github),
    ];

    fn possible_value(self) -> PossibleValue {
        match self {
            CheckFormat::Human => value("human", Some("rustc-style source snippets with carets")),
            CheckFormat::Json => value(
                "json",
                Some("One JSON document (see `docs/diagnostics.md`)"),
            ),
            CheckFormat::Sarif => value(
                "sarif",
                Some("SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps)"),
            ),
            CheckFormat::Github => value(
                "github",
                Some("GitHub Actions workflow commands (`::error file=…::…`)"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names a flag accepts are the names the library writes (model files, JSON).
    #[test]
    fn method_names_are_the_library_names() {
        for flag in <Method as Choice>::ALL {
            assert_eq!(
                Flag(flag.0)
                    .to_possible_value()
                    .map(|v| v.get_name().to_string()),
                Some(flag.0.as_str().to_string())
            );
        }
        assert_eq!(<Method as Choice>::ALL.len(), 7);
    }

    #[test]
    fn aliases_and_names_parse() {
        assert_eq!(
            Flag::<Encoding>::from_str("gbk", false),
            Ok(Flag(Encoding::Gb18030))
        );
        assert_eq!(
            Flag::<OnInvalid>::from_str("skip", false),
            Ok(Flag(OnInvalid::Skip))
        );
        assert!(Flag::<Lang>::from_str("fr", false).is_err());
    }
}
