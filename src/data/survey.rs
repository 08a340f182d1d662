//! The result of ingesting a survey: moments per cell, respondents, counts.

use std::collections::BTreeMap;

use super::{ItemRows, Moments, Respondents};

/// A cell: one combination of segment values and wave.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct CellKey {
    /// Values of [`Survey::segment_columns`], trimmed, in that order.
    pub segments: Vec<String>,
    /// The wave value, when the model names a wave column.
    pub wave: Option<String>,
}

/// The moments of one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub key: CellKey,
    pub moments: Moments,
}

/// What was skipped under [`crate::data::OnInvalid::Skip`]; empty in error mode.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct InvalidReport {
    /// Invalid values per column: out-of-scale or non-numeric item values (counted
    /// as missing), and bad weights or empty segment / wave values (row dropped).
    pub columns: BTreeMap<String, u64>,
    /// Sum of `columns`.
    pub total: u64,
    /// Rows dropped because of their weight, segment or wave value.
    pub skipped_rows: u64,
    /// Rows with no value in any column (a spreadsheet's `,,,,`), skipped.
    pub blank_rows: u64,
    /// Item columns the model uses that no row answered (an export that lost a
    /// question, or the wrong column named), in model order.
    pub empty_columns: Vec<String>,
    /// Respondent ids seen again after their first row (`--on-invalid skip`; the
    /// rows are kept and counted as separate responses).
    pub repeated_ids: u64,
    /// The first repeat in file order.
    pub first_repeat: Option<RepeatedId>,
    /// Valid answers per item column in model order, while reading; becomes
    /// `empty_columns` when the survey is finished.
    #[serde(skip)]
    pub(crate) answered: Vec<u64>,
}

impl InvalidReport {
    pub fn is_empty(&self) -> bool {
        self.total == 0
            && self.skipped_rows == 0
            && self.blank_rows == 0
            && self.empty_columns.is_empty()
            && self.repeated_ids == 0
    }

    pub(crate) fn count(&mut self, column: &str) {
        self.total += 1;
        match self.columns.get_mut(column) {
            Some(n) => *n += 1,
            None => {
                self.columns.insert(column.to_string(), 1);
            }
        }
    }
}

/// A respondent id that appears on more than one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RepeatedId {
    pub id: String,
    /// The line it was first seen on, and the line it appeared on again.
    pub first: u64,
    pub again: u64,
}

/// A survey reduced to mergeable statistics per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// The model's node count; node `i` everywhere is `model.nodes[i]`.
    pub nodes: usize,
    /// The model's segment columns, in order (`CellKey::segments` follows it).
    pub segment_columns: Vec<String>,
    /// The model's wave column.
    pub wave_column: Option<String>,
    /// The model's weight column.
    pub weight_column: Option<String>,
    /// One per distinct key seen, sorted by key.
    pub cells: Vec<Cell>,
    /// Respondent-level values, when asked for.
    pub respondents: Option<Respondents>,
    /// Item-level values, when asked for ([`crate::data::IngestOptions::keep_items`]).
    pub items: Option<ItemRows>,
    /// Data rows read (without the header), including rows skipped as invalid but not
    /// blank rows.
    pub rows: u64,
    pub invalid: InvalidReport,
    /// Variable labels the file declares (SPSS), by column name; empty for CSV.
    pub column_labels: BTreeMap<String, String>,
}

impl Survey {
    /// The moments of all cells merged (the whole survey).
    pub fn total(&self) -> Moments {
        let mut total = Moments::new(self.nodes);
        for cell in &self.cells {
            total.merge(&cell.moments);
        }
        total
    }

    /// Give each node of `model` whose label is only its id the file's variable
    /// label: of the column named like the node, or of the node's only item.
    pub fn label_nodes(&self, model: &mut crate::model::Model) {
        use crate::model::Label;
        for node in &mut model.nodes {
            if node.label != Label::Plain(node.id.clone()) {
                continue;
            }
            let column = match node.items.as_slice() {
                [only] => only,
                _ => &node.id,
            };
            if let Some(label) = self
                .column_labels
                .get(column)
                .or_else(|| self.column_labels.get(&node.id))
            {
                node.label = Label::Plain(label.clone());
            }
        }
    }

    /// The cell with this key.
    pub fn cell(&self, key: &CellKey) -> Option<&Cell> {
        self.cells
            .binary_search_by(|c| c.key.cmp(key))
            .ok()
            .and_then(|i| self.cells.get(i))
    }
}
