//! How to read a survey file: text encoding, what to do with invalid values, and
//! whether to keep respondent-level rows.

/// The text encoding of a survey file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark) when the start of the file is valid
    /// UTF-8, GB18030 otherwise: Chinese Excel exports are commonly GBK, which
    /// GB18030 contains.
    #[default]
    Auto,
    /// UTF-8; bytes that are not UTF-8 are an error.
    Utf8,
    /// GB18030, which also reads GBK (its subset); `gbk` is accepted as a name for it
    /// (the command line's names live in `cli::values`).
    Gb18030,
}

/// What to do with a value that does not fit its column (out of scale, not a number,
/// a bad weight, an empty segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnInvalid {
    /// Stop at the first invalid value with an error naming its row and column.
    #[default]
    Error,
    /// Count the value as missing (items) or drop the row (weight, segment, wave),
    /// and count it in the report of skipped values.
    Skip,
}

/// Options for [`crate::data::ingest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOptions {
    pub encoding: Encoding,
    pub on_invalid: OnInvalid,
    /// Keep respondent-level node values (for the bootstrap and respondent-level
    /// what-if); costs `4 × (nodes + 2)` bytes per row.
    pub keep_respondents: bool,
    /// Keep every model item's value per row ([`crate::data::ItemRows`], for PLS);
    /// costs `4 × (items + 1)` bytes per row.
    pub keep_items: bool,
    /// Accumulate item-level moments per cell ([`crate::data::ItemMoments`], the
    /// `item:*` and `ic:*` blocks of the moments table); costs `items²/2`
    /// multiply-adds per row.
    pub item_moments: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            encoding: Encoding::Auto,
            on_invalid: OnInvalid::Error,
            keep_respondents: true,
            keep_items: false,
            item_moments: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_strictly_and_keep_rows() {
        let defaults = IngestOptions::default();
        assert_eq!(
            (
                defaults.encoding,
                defaults.on_invalid,
                defaults.keep_respondents
            ),
            (Encoding::Auto, OnInvalid::Error, true)
        );
    }
}
