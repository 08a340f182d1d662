//! Errors of the moments table: building its layout from a model, reading,
//! checking and merging tables.

/// What went wrong with a moments table.
#[derive(Debug, thiserror::Error)]
pub enum MomentsError {
    /// Two columns of the layout got the same name (an item name containing `:`).
    #[error("the moments table would have two columns named `{name}` ({first} and {second})")]
    ColumnCollision {
        name: String,
        first: String,
        second: String,
    },
}
