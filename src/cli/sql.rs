//! `sattrace sql`: print the query that computes the moments table (or draws a
//! stratified sample of respondent rows) inside DuckDB, Spark SQL or PostgreSQL.

use std::path::PathBuf;

use clap::Args;

use super::output::write_output;
use super::project::read_text;
use super::Exit;
use sattrace::model::load_model;
use sattrace::moments::Layout;
use sattrace::sql::{generate, Dialect, SampleSpec, SqlOptions};

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Project directory holding model.yaml (the survey itself is not read).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The model file (default: DIR/model.yaml).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The SQL engine the query is written for.
    #[arg(long, value_parser = super::values::parser::<Dialect>())]
    pub dialect: Dialect,
    /// The table holding the survey responses, one row per respondent with the
    /// survey's column names: `table`, `schema.table` or `catalog.schema.table`.
    #[arg(long)]
    pub table: String,
    /// Instead of the moments, draw up to N respondent rows per cell (segment
    /// values × wave), for what needs respondent rows (bootstrap intervals,
    /// respondent-level what-if). The result is a survey CSV.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    /// Seed of the sample: the same table and seed draw the same rows on any engine.
    #[arg(long, default_value_t = 1, requires = "sample")]
    pub seed: u64,
    /// A column identifying a respondent, hashed to draw the sample (default: every
    /// column the model uses).
    #[arg(long, value_name = "COLUMN", requires = "sample")]
    pub key: Option<String>,
    /// The weight and item columns are numeric (Parquet, a typed warehouse
    /// table): compare them as numbers (NULL as an empty field, numeric missing
    /// tokens such as 99 as codes) instead of reading every value as text.
    /// Faster; only for the moments query. See docs/sql.md.
    #[arg(long, conflicts_with = "sample")]
    pub typed: bool,
    /// Write the query to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &SqlArgs) -> anyhow::Result<Exit> {
    let model_path = args
        .model
        .clone()
        .unwrap_or_else(|| args.dir.join("model.yaml"));
    if !model_path.is_file() {
        return Err(super::project::no_model(&model_path));
    }
    let model_name = model_path.display().to_string();
    let model = load_model(&model_name, &read_text(&model_path)?)?;
    let layout = Layout::new(&model)?;
    let options = SqlOptions {
        sample: args.sample.map(|per_cell| SampleSpec {
            per_cell,
            seed: args.seed,
            key: args.key.clone(),
        }),
        typed: args.typed,
    };
    let query = generate(&model, &layout, args.dialect, &args.table, &options)?;
    write_output(args.output.as_deref(), query.as_bytes(), &[model_path])?;
    Ok(Exit::Ok)
}
