//! `sattrace sql`: one query that computes the moments table `sattrace.moments/1`
//! inside DuckDB, Spark SQL or PostgreSQL, so the pass over the responses runs where
//! they live; or a query drawing a reproducible stratified sample of respondent rows.
//!
//! The query reads the model's columns as text and repeats the survey reader's
//! rules (`src/data/row.rs`): trimmed text compared with the missing tokens, numbers
//! parsed only when they look like one, values outside the scale counted as invalid,
//! reverse-coded items flipped, node values as `Node::respondent_value`, composite
//! nodes from their inputs. Column aliases come from [`crate::moments::Layout`], the
//! one place the table's names live. Only names and literals from the model and the
//! `--table` option enter the text, each quoted for the dialect. See `docs/sql.md`.

mod aggregate;
mod dialect;
mod rows;
mod sample;
mod table;

pub use dialect::Dialect;
pub use sample::{SampleSpec, SAMPLE_WEIGHT};
pub use table::table_reference;

use crate::model::Model;
use crate::moments::Layout;
use rows::{with_clause, RowPlan};

/// What to generate besides the dialect and table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SqlOptions {
    /// Draw a sample of respondent rows instead of computing the moments.
    pub sample: Option<SampleSpec>,
    /// The weight and item columns are numeric (`--typed`): compare them as
    /// numbers instead of reading them as text. Moments only; the sample query
    /// always returns the table's text.
    pub typed: bool,
}

/// Why no query can be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SqlError {
    #[error("table name `{name}`: {reason}\n  help: pass --table as `table`, `schema.table` or `catalog.schema.table`; each part is quoted, so any other characters are fine")]
    TableName {
        name: String,
        reason: TableNameProblem,
    },
    #[error("node `{node}` names unknown input `{input}`")]
    UnknownInput { node: String, input: String },
    #[error("node `{node}` depends on itself through its inputs")]
    Cycle { node: String },
    #[error("the moments layout has no item {item}")]
    Layout { item: usize },
    #[error("the model uses a column named `{column}`, which the sample adds\n  help: rename that column in the data and the model")]
    SampleColumn { column: String },
    #[error("--sample must be at least 1")]
    EmptySample,
}

/// What is wrong with a `--table` name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableNameProblem {
    #[error("a part between dots is empty")]
    EmptyPart,
    #[error("it contains the control character {0:?}")]
    Control(char),
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for SqlError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            SqlError::TableName { name, reason } => {
                let reason = match reason {
                    TableNameProblem::EmptyPart => "点号之间有一段为空".to_string(),
                    TableNameProblem::Control(c) => format!("含有控制字符 {c:?}"),
                };
                format!(
                    "表名 `{name}`：{reason}\n  提示：--table 写成 `table`、`schema.table` 或 `catalog.schema.table`；每一段都会加引号，其他字符都可以用"
                )
            }
            SqlError::UnknownInput { node, input } => {
                format!("节点 `{node}` 的输入 `{input}` 不存在")
            }
            SqlError::Cycle { node } => format!("节点 `{node}` 通过其输入依赖于自身"),
            SqlError::Layout { item } => format!("矩表布局中没有第 {item} 个题项"),
            SqlError::SampleColumn { column } => format!(
                "模型用到了名为 `{column}` 的列，而抽样会添加同名列\n  提示：请在数据和模型中给该列改名"
            ),
            SqlError::EmptySample => "--sample 至少为 1".to_string(),
        }
    }
}

/// The query for `model` on `table` (a dotted name, each part quoted): the moments
/// table with the columns of `layout`, or with `options.sample` the sample rows.
pub fn generate(
    model: &Model,
    layout: &Layout,
    dialect: Dialect,
    table: &str,
    options: &SqlOptions,
) -> Result<String, SqlError> {
    let table = table_reference(dialect, table)?;
    let mut plan = RowPlan::new(model)?;
    if let Some(spec) = &options.sample {
        if spec.per_cell == 0 {
            return Err(SqlError::EmptySample);
        }
        let body = sample::sample_query(&plan, dialect, &table, spec)?;
        return Ok(format!(
            "{}{body}",
            header(
                model,
                layout,
                dialect,
                "a stratified sample of respondent rows"
            )
        ));
    }
    plan.typed = options.typed;
    let mut ctes = plan.source_ctes(dialect, &table, &[], false);
    ctes.extend(plan.value_ctes(dialect));
    ctes.push(aggregate::centered_cte(layout, &plan, dialect)?);
    let select = aggregate::select_list(layout, &plan, dialect)?;
    let keys: Vec<String> = (0..plan.keys.len()).map(|i| format!("k{i}")).collect();
    let group = if keys.is_empty() {
        // One cell; an empty table has none (not one row of zeros).
        "\nHAVING COUNT(*) > 0".to_string()
    } else {
        let order: Vec<String> = keys.iter().map(|k| dialect.order_key(k)).collect();
        format!(
            "\nGROUP BY {}\nORDER BY {}",
            keys.join(", "),
            order.join(", ")
        )
    };
    Ok(format!(
        "{}{}\nSELECT\n  {}\nFROM centered{group};\n",
        header(
            model,
            layout,
            dialect,
            "the moments table sattrace.moments/1"
        ),
        with_clause(dialect, &ctes),
        select.join(",\n  "),
    ))
}

/// The comment at the top of every query: what it computes and for which model.
fn header(model: &Model, layout: &Layout, dialect: Dialect, what: &str) -> String {
    // Model names are free text: keep them on one comment line.
    let name: String = model
        .name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "-- {what}\n-- model: {name} (fingerprint {})\n-- generated by sattrace {} for {}\n",
        layout.fingerprint,
        env!("CARGO_PKG_VERSION"),
        dialect.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model;

    const MODEL: &str = r#"name: "t -- x"
segments: [区域]
wave: wave
weight: w
missing: ["", "it's", 'a\b']
drivers:
  - {id: a, items: [select, q2], reverse: [q2]}
  - {id: b, inputs: [a], weights: {a: 1}}
  - {id: o, items: [o1], inputs: [b], outcome: true}
"#;

    fn query(dialect: Dialect, options: &SqlOptions) -> String {
        let model = load_model("m.yaml", MODEL).expect("model");
        let layout = Layout::new(&model).expect("layout");
        generate(&model, &layout, dialect, "cx.responses", options).expect("query")
    }

    #[test]
    fn every_layout_column_is_an_alias_in_order() {
        let model = load_model("m.yaml", MODEL).expect("model");
        let layout = Layout::new(&model).expect("layout");
        for dialect in [Dialect::Duckdb, Dialect::Spark, Dialect::Postgres] {
            let sql = query(dialect, &SqlOptions::default());
            let mut at = 0;
            for column in &layout.columns {
                let alias = format!(" AS {}", dialect.ident(&column.name));
                let found = sql[at..].find(&alias);
                assert!(found.is_some(), "{dialect:?}: {alias} after byte {at}");
                at += found.unwrap_or(0) + alias.len();
            }
        }
    }

    #[test]
    fn names_and_tokens_are_quoted_per_dialect() {
        let duck = query(Dialect::Duckdb, &SqlOptions::default());
        assert!(duck.contains("\"select\"") && duck.contains("\"区域\""));
        assert!(duck.contains("'it''s'") && duck.contains("'a\\b'"));
        assert!(duck.contains("FROM \"cx\".\"responses\""));
        let spark = query(Dialect::Spark, &SqlOptions::default());
        assert!(spark.contains("`select`") && spark.contains("`区域`"));
        assert!(spark.contains("'it\\'s'") && spark.contains("'a\\\\b'"));
        let pg = query(Dialect::Postgres, &SqlOptions::default());
        assert!(pg.contains("COLLATE \"C\""));
        // The model name sits in a line comment; `--` inside it ends nothing.
        assert!(duck.starts_with("-- the moments table"));
        assert!(duck.contains("-- model: t -- x (fingerprint"));
    }

    #[test]
    fn plain_scale_points_skip_the_guard_unless_they_are_missing_tokens() {
        let sql = query(Dialect::Duckdb, &SqlOptions::default());
        assert!(sql.contains("(r0 = '1' OR r0 = '2' OR r0 = '3' OR r0 = '4' OR r0 = '5')"));
        // An `IN` list of five constants is a join in DuckDB: never one for points.
        assert!(!sql.contains("r0 IN"));
        let model = load_model(
            "m.yaml",
            &MODEL.replace(r#""", "it's""#, r#""", "3", "it's""#),
        )
        .expect("model");
        let layout = Layout::new(&model).expect("layout");
        let sql =
            generate(&model, &layout, Dialect::Spark, "t", &SqlOptions::default()).expect("query");
        assert!(sql.contains("(r0 = '1' OR r0 = '2' OR r0 = '4' OR r0 = '5')"));
    }

    #[test]
    fn the_typed_query_compares_numbers_and_casts_nothing_to_text() {
        let typed = SqlOptions {
            typed: true,
            ..SqlOptions::default()
        };
        let tokens = r#"["", "99", " -1 ", "99.0", "inf", "it's"]"#;
        let model =
            load_model("m.yaml", &MODEL.replace(r#"["", "it's", 'a\b']"#, tokens)).expect("model");
        let layout = Layout::new(&model).expect("layout");
        for dialect in [Dialect::Duckdb, Dialect::Spark, Dialect::Postgres] {
            let sql = generate(&model, &layout, dialect, "t", &typed).expect("query");
            let select = dialect.ident("select");
            // `99` and `99.0` are one code, `inf` none; NULL is missing ("" is a token).
            let flag = format!(
                "CASE WHEN {select} IS NULL THEN 1 WHEN ({select} = {} OR {select} = {}) THEN 1 ELSE 0 END AS m0",
                dialect.double(99.0),
                dialect.double(-1.0)
            );
            assert!(sql.contains(&flag), "{dialect:?}: {flag}");
            // Only the segment and wave keys are cast to text.
            let text_casts: usize = [" AS VARCHAR)", " AS STRING)", " AS TEXT)"]
                .iter()
                .map(|t| sql.matches(t).count())
                .sum();
            assert_eq!(text_casts, 2, "{dialect:?}");
            assert!(!sql.contains("regexp") && !sql.contains("RLIKE") && !sql.contains(" ~ "));
            // Reverse-coded items are arithmetic.
            assert!(sql.contains(&format!("{} - n1", dialect.double(6.0))));
        }
        // Without "" among the tokens NULL is invalid, not missing.
        let model = load_model("m.yaml", &MODEL.replace(r#"["", "#, "[")).expect("model");
        let layout = Layout::new(&model).expect("layout");
        let sql = generate(&model, &layout, Dialect::Duckdb, "t", &typed).expect("query");
        assert!(sql.contains("CASE WHEN \"select\" IS NULL THEN 0 ELSE 0 END AS m0"));
    }

    #[test]
    fn composite_nodes_get_their_own_level() {
        let sql = query(Dialect::Duckdb, &SqlOptions::default());
        assert!(sql.contains("nodes_1 AS ("));
        assert!(!sql.contains("nodes_2 AS ("));
    }

    #[test]
    fn the_same_inputs_give_the_same_text() {
        let options = SqlOptions {
            sample: Some(SampleSpec {
                per_cell: 5,
                seed: 3,
                key: None,
            }),
            ..SqlOptions::default()
        };
        assert_eq!(
            query(Dialect::Spark, &options),
            query(Dialect::Spark, &options)
        );
        assert!(query(Dialect::Spark, &options).contains("WHERE draw <= 5"));
    }

    #[test]
    fn an_empty_sample_and_a_bad_table_are_errors() {
        let model = load_model("m.yaml", MODEL).expect("model");
        let layout = Layout::new(&model).expect("layout");
        let empty = SqlOptions {
            sample: Some(SampleSpec {
                per_cell: 0,
                seed: 1,
                key: None,
            }),
            ..SqlOptions::default()
        };
        assert_eq!(
            generate(&model, &layout, Dialect::Duckdb, "t", &empty),
            Err(SqlError::EmptySample)
        );
        assert!(matches!(
            generate(
                &model,
                &layout,
                Dialect::Duckdb,
                "a..b",
                &SqlOptions::default()
            ),
            Err(SqlError::TableName { .. })
        ));
    }
}
