//! How each SQL engine spells what the generated query needs: quoted identifiers,
//! string and number literals, text casts, trimming and a guarded number cast.

/// The SQL engines a query can be generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB (also over Parquet or CSV files through a view).
    Duckdb,
    /// Spark SQL 3.x (spark-sql, PySpark, Databricks).
    Spark,
    /// PostgreSQL and warehouses speaking its dialect.
    Postgres,
}

/// The characters trimmed around segment, wave and item text: ASCII whitespace
/// (space, tab, LF, VT, FF, CR), the no-break space U+00A0 and the ideographic
/// (full-width) space U+3000 that Chinese spreadsheets leave behind.
const TRIMMED: [u32; 8] = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x3000];

/// What `str::parse::<f64>` accepts as a finite decimal number, with the ASCII
/// whitespace the survey reader trims around it. Written with `[.]` rather than
/// `\.` so the same pattern means the same in RE2 (DuckDB), Java (Spark) and
/// PostgreSQL's regular expressions; the only backslashes are `\t \n \r \f`,
/// which all three read as those characters.
const NUMBER_PATTERN: &str =
    r"^[ \t\n\r\f]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\f]*$";

/// PostgreSQL's cast fails (instead of returning NULL) on a number it cannot
/// hold, so its pattern bounds the exponent to two digits and the caller bounds
/// the length: every text it lets through is a finite double. Items outside any
/// scale are invalid either way; see docs/sql.md for the only difference.
const POSTGRES_NUMBER_PATTERN: &str =
    r"^[ \t\n\r\f]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\n\r\f]*$";

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::Postgres => "postgres",
        }
    }

    /// A quoted identifier: `"…"` with `""` inside (DuckDB, PostgreSQL), or
    /// `` `…` `` with doubled backticks (Spark). Any text is safe inside.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A string literal. DuckDB and PostgreSQL (standard-conforming strings) take
    /// backslashes literally and escape `'` as `''`; Spark's lexer treats the
    /// backslash as an escape character (and reads `'a''b'` as two adjacent
    /// literals), so there both `\` and `'` get a backslash.
    pub fn string(self, text: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
            Dialect::Spark => {
                let mut out = String::with_capacity(text.len() + 2);
                out.push('\'');
                for c in text.chars() {
                    if c == '\\' || c == '\'' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('\'');
                out
            }
        }
    }

    /// A double-precision literal that reads back as exactly `value`: Rust's
    /// shortest round-trip digits in exponent form, which DuckDB and Spark read as
    /// DOUBLE (a plain `1.5` would be a DECIMAL there); PostgreSQL reads any such
    /// literal as NUMERIC, so there it is cast (exactly: NUMERIC → float8 goes
    /// through the same decimal text).
    pub fn double(self, value: f64) -> String {
        let digits = format!("{value:e}");
        match self {
            Dialect::Duckdb | Dialect::Spark if value < 0.0 => format!("({digits})"),
            Dialect::Duckdb | Dialect::Spark => digits,
            Dialect::Postgres if value < 0.0 => format!("({digits})::float8"),
            Dialect::Postgres => format!("{digits}::float8"),
        }
    }

    /// `expr` as text, with NULL as the empty string (DuckDB reads an empty CSV
    /// field as NULL; sattrace reads it as an empty value).
    pub fn text(self, expr: &str) -> String {
        let ty = match self {
            Dialect::Duckdb => "VARCHAR",
            Dialect::Spark => "STRING",
            Dialect::Postgres => "TEXT",
        };
        format!("COALESCE(CAST({expr} AS {ty}), '')")
    }

    /// `text` without the whitespace in [`TRIMMED`] on either side.
    pub fn trim(self, text: &str) -> String {
        match self {
            Dialect::Duckdb => {
                let chars: Vec<String> = TRIMMED.iter().map(|c| format!("chr({c})")).collect();
                format!("trim({text}, {})", chars.join(" || "))
            }
            Dialect::Spark => {
                let set: String = TRIMMED.iter().map(|c| format!("\\u{c:04X}")).collect();
                format!("trim(BOTH '{set}' FROM {text})")
            }
            Dialect::Postgres => {
                let set: String = TRIMMED.iter().map(|c| format!("\\{c:04X}")).collect();
                format!("btrim({text}, U&'{set}')")
            }
        }
    }

    /// The number in `raw` (untrimmed text) when it is one, else NULL; `trimmed` is
    /// the same text trimmed. Never fails on any text.
    pub fn number(self, raw: &str, trimmed: &str) -> String {
        match self {
            Dialect::Duckdb => format!(
                "CASE WHEN regexp_matches({raw}, {}) THEN TRY_CAST({trimmed} AS DOUBLE) END",
                self.string(NUMBER_PATTERN)
            ),
            Dialect::Spark => format!(
                "CASE WHEN {raw} RLIKE {} THEN TRY_CAST({trimmed} AS DOUBLE) END",
                self.string(NUMBER_PATTERN)
            ),
            Dialect::Postgres => format!(
                "CASE WHEN length({trimmed}) <= 40 AND {raw} ~ {} THEN CAST({trimmed} AS DOUBLE PRECISION) END",
                self.string(POSTGRES_NUMBER_PATTERN)
            ),
        }
    }

    /// A finite positive double check: `x > 0` and not +∞ (NaN never passes the
    /// number pattern).
    pub fn positive_finite(self, expr: &str) -> String {
        format!(
            "{expr} > {} AND {expr} <= {}",
            self.double(0.0),
            self.double(f64::MAX)
        )
    }

    /// An ORDER BY key that sorts text by bytes, as sattrace sorts cells.
    pub fn order_key(self, expr: &str) -> String {
        match self {
            Dialect::Postgres => format!("{expr} COLLATE \"C\""),
            Dialect::Duckdb | Dialect::Spark => expr.to_string(),
        }
    }

    /// The double-precision type.
    pub fn double_type(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_cannot_break_out_of_their_quotes() {
        assert_eq!(Dialect::Duckdb.ident("select"), "\"select\"");
        assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Spark.ident("区域"), "`区域`");
    }

    #[test]
    fn string_literals_escape_per_dialect() {
        assert_eq!(Dialect::Duckdb.string("it's \\"), "'it''s \\'");
        assert_eq!(Dialect::Postgres.string("N/A"), "'N/A'");
        assert_eq!(Dialect::Spark.string("it's \\"), "'it\\'s \\\\'");
    }

    #[test]
    fn doubles_round_trip_and_stay_doubles() {
        assert_eq!(Dialect::Duckdb.double(100.0), "1e2");
        assert_eq!(Dialect::Spark.double(-1.0), "(-1e0)");
        assert_eq!(Dialect::Duckdb.double(0.1), "1e-1");
        assert_eq!(Dialect::Postgres.double(2.5), "2.5e0::float8");
        let max = Dialect::Duckdb.double(f64::MAX);
        assert_eq!(max.parse::<f64>().ok(), Some(f64::MAX));
    }

    #[test]
    fn trim_sets_name_the_same_characters() {
        assert!(Dialect::Spark.trim("x").contains("\\u3000"));
        assert!(Dialect::Postgres.trim("x").contains("\\3000"));
        assert!(Dialect::Duckdb.trim("x").contains("chr(12288)"));
    }
}
