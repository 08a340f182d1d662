//! The moments table `sattrace.moments/1`: the survey reduced to per-cell counts
//! and shifted weighted sums, as a file any engine can produce (sattrace's own pass,
//! or the generated SQL on DuckDB, Spark or a warehouse) and any number of which
//! merge by exact addition. [`Layout`] is the one place the column names live.
//! The format is documented in `docs/scale.md`.

mod csv_format;
mod error;
mod layout;
mod table;

pub use error::MomentsError;
pub use layout::{
    BlockStat, Column, ColumnKind, ItemStat, Layout, LayoutItem, NodeStat, NODE_SHIFT, SCHEMA,
};
pub use table::MomentsTable;
