//! The row-level part of a generated query: common table expressions that read
//! the columns the model uses as text, parse them, keep the rows that belong to a
//! cell, and give every row its item values and node values exactly as the survey
//! reader does (`src/data/row.rs`).
//!
//! Internal column names are short and generated (`k0`, `u3`, `x3`, `v2`), so only
//! the survey's own column names need quoting; the final aliases are the layout's.

use super::{Dialect, SqlError};
use crate::model::{Metric, Model, Scale, Weights};

/// One item of one node, in model order (nodes in order, items in node order).
#[derive(Debug, Clone)]
pub struct ItemRef {
    pub column: String,
    pub reverse: bool,
    pub scale: Scale,
}

/// The model flattened into what the query needs.
#[derive(Debug, Clone)]
pub struct RowPlan {
    /// Segment columns in model order, then the wave column when there is one.
    pub keys: Vec<String>,
    pub weight: Option<String>,
    pub items: Vec<ItemRef>,
    pub missing: Vec<String>,
    /// Read the weight and items as numbers (`--typed`): see [`RowPlan::typed_parsed`].
    pub typed: bool,
    /// Per node: its value expression over the columns of the CTE before its level.
    nodes: Vec<NodeExpr>,
}

#[derive(Debug, Clone)]
enum NodeExpr {
    /// A node with items: indices into `items`.
    Items {
        items: Vec<usize>,
        metric: Metric,
        scale: Scale,
    },
    /// (input node, declared weight) pairs, and the level the node is computed at.
    Composite {
        inputs: Vec<(usize, f64)>,
        level: usize,
    },
}

impl RowPlan {
    pub fn new(model: &Model) -> Result<Self, SqlError> {
        let mut keys = model.segments.clone();
        keys.extend(model.wave.iter().cloned());
        let mut items = Vec::new();
        let mut nodes = Vec::with_capacity(model.nodes.len());
        for node in &model.nodes {
            if node.items.is_empty() {
                let mut inputs = Vec::with_capacity(node.inputs.len());
                for input in &node.inputs {
                    let input_index =
                        model
                            .node_index(input)
                            .ok_or_else(|| SqlError::UnknownInput {
                                node: node.id.clone(),
                                input: input.clone(),
                            })?;
                    // As in the survey reader: declared weights, 1 each otherwise.
                    let weight = match &node.weights {
                        Weights::Declared(map) => map.get(input).copied().unwrap_or(0.0),
                        Weights::Estimated(_) => 1.0,
                    };
                    inputs.push((input_index, weight));
                }
                nodes.push(NodeExpr::Composite { inputs, level: 0 });
            } else {
                let first = items.len();
                for column in &node.items {
                    items.push(ItemRef {
                        column: column.clone(),
                        reverse: node.reverse.contains(column),
                        scale: node.scale,
                    });
                }
                nodes.push(NodeExpr::Items {
                    items: (first..items.len()).collect(),
                    metric: node.metric,
                    scale: node.scale,
                });
            }
        }
        assign_levels(model, &mut nodes)?;
        Ok(Self {
            keys,
            weight: model.weight.clone(),
            items,
            missing: model.missing.iter().map(|t| t.trim().to_string()).collect(),
            typed: false,
            nodes,
        })
    }

    /// How many nodes the model has (`v0` … in the value CTEs).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn levels(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| match n {
                NodeExpr::Composite { level, .. } => *level,
                NodeExpr::Items { .. } => 0,
            })
            .max()
            .unwrap_or(0)
    }

    /// `(text = 'token' OR …)`, or FALSE without tokens. Equalities, not `IN`:
    /// DuckDB turns an `IN` list of five or more constants into a join, which on
    /// a trimmed expression inside a `CASE` took minutes for 3,000 rows.
    fn is_token(&self, dialect: Dialect, text: &str) -> String {
        if self.missing.is_empty() {
            return "FALSE".to_string();
        }
        let tokens: Vec<String> = self
            .missing
            .iter()
            .map(|t| format!("{text} = {}", dialect.string(t)))
            .collect();
        format!("({})", tokens.join(" OR "))
    }

    /// `text` is one of the whole points of `scale` written plainly (`text = '1'
    /// OR text = '2' OR …`), leaving out any that is a missing token; None when
    /// there are none or too many to pay off. Equalities, not `IN`: DuckDB turns
    /// an `IN` list of five or more constants into a join, which made the query
    /// eight times slower (bench/sql.md).
    fn is_point(&self, dialect: Dialect, scale: Scale, text: &str) -> Option<String> {
        let (lo, hi) = (scale.min.ceil(), scale.max.floor());
        if !(lo.is_finite() && hi.is_finite()) || hi < lo || hi - lo > 100.0 {
            return None;
        }
        // Whole numbers within ±1e15 print exactly and parse back to themselves.
        if lo.abs() > 1e15 || hi.abs() > 1e15 {
            return None;
        }
        let texts: Vec<String> = (lo as i64..=hi as i64)
            .map(|k| k.to_string())
            .filter(|t| !self.missing.contains(t))
            .map(|t| format!("{text} = {}", dialect.string(&t)))
            .collect();
        (!texts.is_empty()).then(|| format!("({})", texts.join(" OR ")))
    }

    /// The text columns the model uses (`raw`), then parsed
    /// (`parsed`). Shared by the moments and the sample query; `extra` are more
    /// `expr AS name` columns of `raw`, passed through, and `keep_text` also passes
    /// the raw weight and item text (`wr`, `r<i>`) through for the sample.
    pub fn source_ctes(
        &self,
        dialect: Dialect,
        table: &str,
        extra: &[String],
        keep_text: bool,
    ) -> Vec<Cte> {
        if self.typed {
            return self.typed_ctes(dialect, table);
        }
        let mut raw = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            raw.push(format!(
                "{} AS k{i}",
                dialect.trim(&dialect.text(&dialect.ident(key)))
            ));
        }
        if let Some(weight) = &self.weight {
            let text = dialect.text(&dialect.ident(weight));
            raw.push(format!("{text} AS wr"));
            raw.push(format!("{} AS wt", dialect.trim(&text)));
        }
        for (i, item) in self.items.iter().enumerate() {
            let text = dialect.text(&dialect.ident(&item.column));
            raw.push(format!("{text} AS r{i}"));
        }
        raw.extend(extra.iter().cloned());

        let mut parsed: Vec<String> = (0..self.keys.len()).map(|i| format!("k{i}")).collect();
        parsed.push(match &self.weight {
            Some(_) => format!(
                "CASE WHEN NOT ({}) THEN {} END AS w",
                self.is_token(dialect, "wt"),
                dialect.number("wr", "wt")
            ),
            None => format!("{} AS w", dialect.double(1.0)),
        });
        for (i, item) in self.items.iter().enumerate() {
            // The fast path: text that is exactly one of the scale's whole points
            // (`3`, the usual case) is a number and not a missing token, so it
            // needs no trimming, no pattern and no guarded cast. Everything else
            // takes the reader's full rules, trimmed once per use.
            let raw = format!("r{i}");
            let trimmed = dialect.trim(&raw);
            let token = self.is_token(dialect, &trimmed);
            let number = dialect.number(&raw, &trimmed);
            match self.is_point(dialect, item.scale, &raw) {
                Some(point) => {
                    parsed.push(format!(
                        "CASE WHEN {point} THEN 0 WHEN {token} THEN 1 ELSE 0 END AS m{i}"
                    ));
                    parsed.push(format!(
                        "CASE WHEN {point} THEN CAST({raw} AS {}) WHEN {token} THEN NULL ELSE {number} END AS n{i}",
                        dialect.double_type()
                    ));
                }
                None => {
                    parsed.push(format!("CASE WHEN {token} THEN 1 ELSE 0 END AS m{i}"));
                    parsed.push(format!("CASE WHEN NOT ({token}) THEN {number} END AS n{i}"));
                }
            }
        }
        if keep_text {
            parsed.extend(self.weight.iter().map(|_| "wr".to_string()));
            parsed.extend((0..self.items.len()).map(|i| format!("r{i}")));
        }
        parsed.extend(extra_names(extra));

        vec![
            Cte {
                name: "raw".into(),
                comment: "the columns the model uses, as text (NULL read as empty)".into(),
                body: format!("SELECT\n    {}\n  FROM {table}", raw.join(",\n    ")),
            },
            Cte {
                name: "parsed".into(),
                comment:
                    "missing tokens flagged; weight and items parsed as numbers (NULL when not one)"
                        .into(),
                body: format!("SELECT\n    {}\n  FROM raw", parsed.join(",\n    ")),
            },
        ]
    }

    /// The typed form of [`RowPlan::source_ctes`] for the moments query, when the
    /// weight and item columns are numeric (Parquet, a warehouse table): NULL is
    /// what an empty field is (missing when `""` is a missing token, else invalid),
    /// a value equal to a numeric missing token (`99`) is missing, and nothing is
    /// cast to text, trimmed or matched against a pattern. Segment and wave values
    /// still go through the text rules, so the cells are the text form's.
    fn typed_ctes(&self, dialect: Dialect, table: &str) -> Vec<Cte> {
        let codes = self.numeric_tokens();
        let is_code = |column: &str| -> Option<String> {
            (!codes.is_empty()).then(|| {
                let tests: Vec<String> = codes
                    .iter()
                    .map(|c| format!("{column} = {}", dialect.double(*c)))
                    .collect();
                format!("({})", tests.join(" OR "))
            })
        };
        let as_number = |column: &str| {
            let cast = format!("CAST({column} AS {})", dialect.double_type());
            match is_code(column) {
                Some(code) => format!("CASE WHEN {code} THEN NULL ELSE {cast} END"),
                None => cast,
            }
        };
        let null_missing = u8::from(self.missing.iter().any(String::is_empty));
        let mut cols = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            cols.push(format!(
                "{} AS k{i}",
                dialect.trim(&dialect.text(&dialect.ident(key)))
            ));
        }
        cols.push(match &self.weight {
            Some(weight) => format!("{} AS w", as_number(&dialect.ident(weight))),
            None => format!("{} AS w", dialect.double(1.0)),
        });
        for (i, item) in self.items.iter().enumerate() {
            let column = dialect.ident(&item.column);
            let missing = match is_code(&column) {
                Some(code) => format!(
                    "CASE WHEN {column} IS NULL THEN {null_missing} WHEN {code} THEN 1 ELSE 0 END"
                ),
                None => format!("CASE WHEN {column} IS NULL THEN {null_missing} ELSE 0 END"),
            };
            cols.push(format!("{missing} AS m{i}"));
            cols.push(format!("{} AS n{i}", as_number(&column)));
        }
        vec![Cte {
            name: "parsed".into(),
            comment: "typed columns: NULL and numeric missing codes flagged, numbers as doubles"
                .into(),
            body: format!(
                "SELECT
    {}
  FROM {table}",
                cols.join(
                    ",
    "
                )
            ),
        }]
    }

    /// The missing tokens that are finite numbers as the survey reader parses
    /// them (`99`, `-1`), in model order without repeats: the codes a numeric
    /// column can hold.
    fn numeric_tokens(&self) -> Vec<f64> {
        let mut codes: Vec<f64> = Vec::new();
        for token in &self.missing {
            if let Ok(value) = token.parse::<f64>() {
                if value.is_finite() && !codes.contains(&value) {
                    codes.push(value);
                }
            }
        }
        codes
    }

    /// The rows that belong to a cell: a positive finite weight and non-empty
    /// segment and wave values (a `WHERE` condition over `parsed`).
    pub fn in_cell(&self, dialect: Dialect) -> String {
        let mut in_cell = vec![dialect.positive_finite("w")];
        for i in 0..self.keys.len() {
            let key = format!("k{i}");
            in_cell.push(format!(
                "{key} <> '' AND NOT ({})",
                self.is_token(dialect, &key)
            ));
        }
        in_cell.join("\n    AND ")
    }

    /// The CTEs after `parsed`: items on their scale (reverse-coded), then node
    /// values level by level, then the complete-case weights `wc` (every node
    /// present) and `wi` (every item valid). The last CTE is named `valued`.
    pub fn value_ctes(&self, dialect: Dialect) -> Vec<Cte> {
        let mut ctes = Vec::new();
        let mut cols: Vec<String> = (0..self.keys.len()).map(|i| format!("k{i}")).collect();
        cols.push("w".into());
        for (i, item) in self.items.iter().enumerate() {
            let (lo, hi) = (item.scale.min, item.scale.max);
            let value = if item.reverse {
                format!("{} - n{i}", dialect.double(lo + hi))
            } else {
                format!("n{i}")
            };
            cols.push(format!("m{i}"));
            cols.push(format!(
                "CASE WHEN n{i} >= {} AND n{i} <= {} THEN {value} END AS x{i}",
                dialect.double(lo),
                dialect.double(hi)
            ));
        }
        ctes.push(Cte {
            name: "items".into(),
            comment: "rows in a cell (positive finite weight, non-empty segments and wave); valid item values on their scale, reverse-coded items flipped, NULL when missing or invalid".into(),
            body: format!(
                "SELECT\n    {}\n  FROM parsed\n  WHERE {}",
                cols.join(",\n    "),
                self.in_cell(dialect)
            ),
        });

        // Item nodes: the sum and count of present items, then the value.
        let mut sums = vec!["*".to_string()];
        let mut values = vec!["*".to_string()];
        for (n, node) in self.nodes.iter().enumerate() {
            let NodeExpr::Items {
                items,
                metric,
                scale,
            } = node
            else {
                continue;
            };
            let count: Vec<String> = items
                .iter()
                .map(|i| format!("CASE WHEN x{i} IS NULL THEN 0 ELSE 1 END"))
                .collect();
            let sum: Vec<String> = items
                .iter()
                .map(|i| format!("COALESCE(x{i}, {})", dialect.double(0.0)))
                .collect();
            sums.push(format!("{} AS c{n}", count.join(" + ")));
            sums.push(format!("{} AS s{n}", sum.join(" + ")));
            values.push(format!(
                "CASE WHEN c{n} > 0 THEN {} END AS v{n}",
                item_node_value(dialect, *metric, *scale, n)
            ));
        }
        ctes.push(Cte {
            name: "item_sums".into(),
            comment: "per node with items: how many are present and their sum".into(),
            body: format!("SELECT\n    {}\n  FROM items", sums.join(",\n    ")),
        });
        ctes.push(Cte {
            name: "nodes_0".into(),
            comment: "values of nodes with items (Node::respondent_value of the item mean)".into(),
            body: format!("SELECT\n    {}\n  FROM item_sums", values.join(",\n    ")),
        });
        for level in 1..=self.levels() {
            let mut cols = vec!["*".to_string()];
            for (n, node) in self.nodes.iter().enumerate() {
                if let NodeExpr::Composite { inputs, level: l } = node {
                    if *l == level {
                        cols.push(format!("{} AS v{n}", composite_value(dialect, inputs)));
                    }
                }
            }
            ctes.push(Cte {
                name: format!("nodes_{level}"),
                comment: "composite nodes: declared-weight mean of their present inputs".into(),
                body: format!(
                    "SELECT\n    {}\n  FROM nodes_{}",
                    cols.join(",\n    "),
                    level - 1
                ),
            });
        }
        let all_nodes: Vec<String> = (0..self.nodes.len())
            .map(|n| format!("v{n} IS NOT NULL"))
            .collect();
        let all_items: Vec<String> = (0..self.items.len())
            .map(|i| format!("x{i} IS NOT NULL"))
            .collect();
        let when = |conds: &[String]| {
            if conds.is_empty() {
                "w".to_string()
            } else {
                format!("CASE WHEN {} THEN w END", conds.join(" AND "))
            }
        };
        ctes.push(Cte {
            name: "valued".into(),
            comment:
                "complete-case weights: wc when every node is present, wi when every item is valid"
                    .into(),
            body: format!(
                "SELECT\n    *,\n    {} AS wc,\n    {} AS wi\n  FROM nodes_{}",
                when(&all_nodes),
                when(&all_items),
                self.levels()
            ),
        });
        ctes
    }
}

/// The alias of each `expr AS name` passed through.
fn extra_names(extra: &[String]) -> Vec<String> {
    extra
        .iter()
        .filter_map(|e| e.rsplit(" AS ").next().map(str::to_string))
        .collect()
}

/// The value of item node `n` from `s{n}` (sum) and `c{n}` (count > 0), in the same
/// floating-point steps as the survey reader.
fn item_node_value(dialect: Dialect, metric: Metric, scale: Scale, n: usize) -> String {
    let d = |v: f64| dialect.double(v);
    match metric {
        // (Σ − count·min) · 100 / (range · count), the reader's division-free form.
        Metric::Mean => format!(
            "(s{n} - c{n} * {}) * ({} / ({} * c{n}))",
            d(scale.min),
            d(100.0),
            d(scale.max - scale.min)
        ),
        Metric::Nps => format!(
            "CASE WHEN s{n} / c{n} >= {} THEN {} WHEN s{n} / c{n} <= {} THEN {} ELSE {} END",
            d(9.0),
            d(100.0),
            d(6.0),
            d(-100.0),
            d(0.0)
        ),
        Metric::Rate => format!(
            "CASE WHEN s{n} / c{n} >= {} THEN {} ELSE {} END",
            d(scale.max),
            d(100.0),
            d(0.0)
        ),
        Metric::Top2box => format!(
            "CASE WHEN s{n} / c{n} >= {} THEN {} ELSE {} END",
            d(scale.max - 1.0),
            d(100.0),
            d(0.0)
        ),
    }
}

/// Σ weight·value / Σ weight over the present inputs, NULL when that weight is 0.
fn composite_value(dialect: Dialect, inputs: &[(usize, f64)]) -> String {
    if inputs.is_empty() {
        return format!("CAST(NULL AS {})", dialect.double_type());
    }
    let zero = dialect.double(0.0);
    let sum: Vec<String> = inputs
        .iter()
        .map(|(i, w)| format!("{} * COALESCE(v{i}, {zero})", dialect.double(*w)))
        .collect();
    let total: Vec<String> = inputs
        .iter()
        .map(|(i, w)| {
            format!(
                "CASE WHEN v{i} IS NULL THEN {zero} ELSE {} END",
                dialect.double(*w)
            )
        })
        .collect();
    let total = total.join(" + ");
    format!(
        "CASE WHEN {total} <> {zero} THEN ({}) / ({total}) END",
        sum.join(" + ")
    )
}

/// Composite levels: 1 + the highest level among the inputs (item nodes are 0).
fn assign_levels(model: &Model, nodes: &mut [NodeExpr]) -> Result<(), SqlError> {
    let mut level: Vec<Option<usize>> = nodes
        .iter()
        .map(|n| matches!(n, NodeExpr::Items { .. }).then_some(0))
        .collect();
    // At most one pass per node: an acyclic graph settles within that many.
    for _ in 0..nodes.len() {
        for (n, node) in nodes.iter().enumerate() {
            if let NodeExpr::Composite { inputs, .. } = node {
                let input_levels: Option<Vec<usize>> = inputs
                    .iter()
                    .map(|(i, _)| level.get(*i).copied().flatten())
                    .collect();
                if let Some(levels) = input_levels {
                    level[n] = Some(levels.into_iter().max().unwrap_or(0) + 1);
                }
            }
        }
    }
    for (n, node) in nodes.iter_mut().enumerate() {
        if let NodeExpr::Composite { level: l, .. } = node {
            *l = level[n].ok_or_else(|| SqlError::Cycle {
                node: model.nodes.get(n).map(|m| m.id.clone()).unwrap_or_default(),
            })?;
        }
    }
    Ok(())
}

/// One common table expression.
#[derive(Debug, Clone)]
pub struct Cte {
    pub name: String,
    pub comment: String,
    pub body: String,
}

/// `WITH` and the CTEs, each with its comment. PostgreSQL (12 and later) inlines a
/// CTE into every reference to its columns, which re-evaluates the parsing of each
/// item hundreds of times in the complete-case products: there every CTE is
/// `MATERIALIZED`, computed once per row.
pub fn with_clause(dialect: Dialect, ctes: &[Cte]) -> String {
    let materialized = if dialect == Dialect::Postgres {
        "MATERIALIZED "
    } else {
        ""
    };
    let parts: Vec<String> = ctes
        .iter()
        .map(|c| {
            format!(
                "-- {}\n{} AS {materialized}(\n  {}\n)",
                c.comment, c.name, c.body
            )
        })
        .collect();
    format!("WITH\n{}", parts.join(",\n"))
}
