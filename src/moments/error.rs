//! Errors of the moments table: building its layout from a model, reading,
//! checking and merging tables. `Display` is a lowercase message naming the file
//! (and row and column when there is one) and a help line.

/// What went wrong with a moments table.
#[derive(Debug, thiserror::Error)]
pub enum MomentsError {
    /// Two columns of the layout got the same name (an item name containing `:`).
    #[error("the moments table would have two columns named `{name}` ({first} and {second})\n  help: rename the item in the survey and the model so it has no `:`")]
    ColumnCollision {
        name: String,
        first: String,
        second: String,
    },

    /// The survey was read without item-level moments.
    #[error("the survey was read without item moments\n  help: ingest with `IngestOptions::item_moments` set")]
    NoItemMoments,

    /// Reading the CSV failed.
    #[error("{file}: cannot read the moments table: {message}\n  help: the file must be a CSV written by `sattrace moments` or the query of `sattrace sql`")]
    Read { file: String, message: String },

    /// No header row, or no data rows.
    #[error("{file}: the moments table has no {what}\n  help: a moments table has a header row and one row per segment × wave cell")]
    Empty { file: String, what: &'static str },

    /// A header column the layout does not have.
    #[error(
        "{file}:1:{column_number}: unknown column `{column}` in the moments table\n  help: {help}"
    )]
    UnknownColumn {
        file: String,
        column: String,
        column_number: u64,
        help: String,
    },

    /// A column of the layout is not in the header.
    #[error("{file}:1: the moments table has no column `{column}`{}\n  help: {help}", others_suffix(*.others))]
    MissingColumn {
        file: String,
        column: String,
        /// How many more are missing.
        others: usize,
        help: String,
    },

    /// A column twice in the header.
    #[error("{file}:1:{second}: column `{column}` appears twice in the header (columns {first} and {second})\n  help: remove one of them")]
    DuplicateColumn {
        file: String,
        column: String,
        first: u64,
        second: u64,
    },

    /// A row with another number of fields than the header.
    #[error("{file}:{row}: row has {found} fields, expected {expected} (as in the header)\n  help: check that the engine wrote every column and quoted text with commas")]
    Ragged {
        file: String,
        row: u64,
        expected: u64,
        found: u64,
    },

    /// A field that does not hold what its column needs.
    #[error("{file}:{row}:{column_number}: column `{column}` has `{value}`, expected {expected}\n  help: {help}")]
    Value {
        file: String,
        row: u64,
        column: String,
        column_number: u64,
        value: String,
        expected: &'static str,
        help: &'static str,
    },

    /// The table was made for another model.
    #[error("{file}:{row}: the moments table was made for model fingerprint `{found}`, but this model's is `{expected}`\n  help: regenerate the table (or the query) from the current model.yaml; any change to items, scales, reverse coding, metrics, inputs, missing tokens, segment, wave or weight columns changes the fingerprint")]
    Fingerprint {
        file: String,
        row: u64,
        found: String,
        expected: String,
    },

    /// Two tables to merge come from different models.
    #[error("cannot merge `{first}` (fingerprint `{first_fingerprint}`) with `{second}` (fingerprint `{second_fingerprint}`): they were made for different models\n  help: regenerate both from the same model.yaml")]
    MergeMismatch {
        first: String,
        first_fingerprint: String,
        second: String,
        second_fingerprint: String,
    },

    /// Invalid values were counted, and the user did not ask to skip them.
    #[error("{file}: column `{column}` counts {count} invalid values (not numbers, or outside the scale)\n  help: fix the data, or pass `--on-invalid skip` to analyze without them (they are already left out of every sum)")]
    InvalidValues {
        file: String,
        column: String,
        count: u64,
    },
}

fn others_suffix(others: usize) -> String {
    match others {
        0 => String::new(),
        1 => " (and 1 more)".to_string(),
        n => format!(" (and {n} more)"),
    }
}
