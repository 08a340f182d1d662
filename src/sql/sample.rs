//! The sample query: a stratified random sample of respondent rows, `n` per cell,
//! reproducible from a seed. A row is drawn when its hash (MD5 of the seed and the
//! row's key text, the same function and bytes in every dialect) is among the `n`
//! smallest of its cell, so the same table and seed give the same rows on any
//! engine and any number of workers, unlike `RANDOM()`.

use super::rows::{with_clause, Cte, RowPlan};
use super::{Dialect, SqlError};

/// The column added to the sample: the row's survey weight (1 without a weight
/// column) times its cell's rows over the rows drawn from it, so weighted totals
/// over several cells stay those of the whole table.
pub const SAMPLE_WEIGHT: &str = "sattrace_sample_weight";

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSpec {
    /// Rows per cell (all of a smaller cell).
    pub per_cell: u64,
    pub seed: u64,
    /// A column identifying a respondent, hashed instead of every model column.
    pub key: Option<String>,
}

pub(crate) fn sample_query(
    plan: &RowPlan,
    dialect: Dialect,
    table: &str,
    spec: &SampleSpec,
) -> Result<String, SqlError> {
    // The survey's own columns, once each, in model order: segments, wave, weight, items.
    let mut columns: Vec<(String, String)> = plan
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), format!("k{i}")))
        .collect();
    if let Some(weight) = &plan.weight {
        columns.push((weight.clone(), "wr".into()));
    }
    for (i, item) in plan.items.iter().enumerate() {
        if !columns.iter().any(|(name, _)| *name == item.column) {
            columns.push((item.column.clone(), format!("r{i}")));
        }
    }
    if columns.iter().any(|(name, _)| name == SAMPLE_WEIGHT) {
        return Err(SqlError::SampleColumn {
            column: SAMPLE_WEIGHT.to_string(),
        });
    }
    let mut extra = Vec::new();
    let key_parts: Vec<String> = match &spec.key {
        Some(key) => {
            extra.push(format!(
                "{} AS sample_key",
                dialect.text(&dialect.ident(key))
            ));
            vec!["sample_key".to_string()]
        }
        None => columns
            .iter()
            .map(|(_, internal)| internal.clone())
            .collect(),
    };
    let mut ctes = plan.source_ctes(dialect, table, &extra, true);

    let separator = "chr(31)";
    let hashed = format!(
        "md5({} || {separator} || {})",
        dialect.string(&spec.seed.to_string()),
        key_parts.join(&format!(" || {separator} || "))
    );
    let keys: Vec<String> = (0..plan.keys.len()).map(|i| format!("k{i}")).collect();
    let partition = if keys.is_empty() {
        String::new()
    } else {
        format!("PARTITION BY {} ", keys.join(", "))
    };
    // Ties in the hash are rows with the same key text; the raw columns break them.
    let mut order: Vec<String> = vec![dialect.order_key("h")];
    order.extend(columns.iter().map(|(_, c)| dialect.order_key(c)));
    let passed: Vec<String> = columns.iter().map(|(_, c)| c.clone()).collect();
    ctes.push(Cte {
        name: "hashed".into(),
        comment: "rows in a cell, each with its seeded hash".into(),
        body: format!(
            "SELECT\n    {},\n    w,\n    {hashed} AS h\n  FROM parsed\n  WHERE {}",
            passed.join(",\n    "),
            plan.in_cell(dialect)
        ),
    });
    ctes.push(Cte {
        name: "ranked".into(),
        comment: "each row's rank by hash within its cell, and the cell's size".into(),
        body: format!(
            "SELECT\n    *,\n    ROW_NUMBER() OVER ({partition}ORDER BY {}) AS draw,\n    COUNT(*) OVER ({}) AS cell_rows\n  FROM hashed",
            order.join(", "),
            partition.trim_end()
        ),
    });
    let n = spec.per_cell;
    let mut select: Vec<String> = columns
        .iter()
        .map(|(name, internal)| format!("{internal} AS {}", dialect.ident(name)))
        .collect();
    select.push(format!(
        "w * cell_rows / (CASE WHEN cell_rows < {n} THEN cell_rows ELSE {n} END) AS {}",
        dialect.ident(SAMPLE_WEIGHT)
    ));
    let mut final_order: Vec<String> = keys.iter().map(|k| dialect.order_key(k)).collect();
    final_order.push("draw".into());
    Ok(format!(
        "{}\nSELECT\n  {}\nFROM ranked\nWHERE draw <= {n}\nORDER BY {};\n",
        with_clause(dialect, &ctes),
        select.join(",\n  "),
        final_order.join(", ")
    ))
}
