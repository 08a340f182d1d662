//! Survey ingest: one streaming pass over a survey CSV into mergeable sufficient
//! statistics per cell (segment values × wave), and optionally respondent-level
//! node values.
//!
//! Each row gives every model node a value in its reporting unit (0–100 index for
//! `mean`, ±100/0 for NPS, 0/100 for rates and top-2-box): the mean of its present
//! items (reverse-coded items flipped) through `Node::respondent_value`, or for a
//! composite node the declared-weight mean of its present inputs. The moments are
//! counts and weighted sums, so chunks, threads and remote passes merge by addition.

mod batch;
mod columns;
pub(crate) mod decode;
mod error;
mod fxhash;
mod ingest;
mod item_moments;
mod items;
mod lines;
mod moments;
mod options;
mod parse;
mod respondents;
mod row;
mod sav;
mod sav_encoding;
mod sheet;
mod survey;
mod waves;
mod workbook;
mod zsav;

pub use error::{DataError, ValueKind};
pub use ingest::ingest;
pub use item_moments::{scale_points, ItemMoments, ItemShape, ItemState, ItemStats, MAX_POINTS};
pub use items::ItemRows;
pub use moments::{CrossMoments, Moments, NodeMoments, SHIFT};
pub use options::{Encoding, IngestOptions, OnInvalid};
pub use respondents::Respondents;
pub use sav::{ingest_sav, is_sav_name, sav_header};
pub use survey::{Cell, CellKey, InvalidReport, RepeatedId, Survey};
pub use waves::{compare_waves, through_wave, waves};
pub use workbook::{ingest_workbook, workbook_header, WorkbookKind};
