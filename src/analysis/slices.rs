//! Slices of the sample: the whole sample, each segment value, and each combination
//! of values of crossed segment columns (model `crossed:`), per wave.
//!
//! The survey pass produces one cell per combination of segment values and wave;
//! every slice reported is an exact merge of cells, so no second pass is needed.

use crate::data::{Moments, Survey};

/// Joins the columns and the values of a crossed slice's key.
pub const CROSS: &str = " × ";

/// A part of the sample: the whole sample (`column` empty), one value of one
/// segment column, or one combination of crossed columns (`column` is
/// `channel × region`, `value` is `web × 华北`, joined by [`CROSS`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SliceKey {
    pub column: String,
    pub value: String,
}

impl SliceKey {
    pub fn all() -> Self {
        SliceKey {
            column: String::new(),
            value: String::new(),
        }
    }

    pub fn is_all(&self) -> bool {
        self.column.is_empty()
    }

    /// The key of a combination of crossed columns.
    pub fn crossed(columns: &[String], values: &[&str]) -> Self {
        SliceKey {
            column: columns.join(CROSS),
            value: values.join(CROSS),
        }
    }

    /// Whether the key crosses several columns.
    pub fn is_crossed(&self) -> bool {
        self.column.contains(CROSS)
    }

    /// `(column, value)` of each crossed column, or the one pair of a plain key.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.column.split(CROSS).zip(self.value.split(CROSS))
    }

    /// Whether a cell with these segment values (in the order of `columns`, the
    /// survey's segment columns) belongs to the slice: it has every value of the key.
    pub fn holds(&self, columns: &[String], segments: &[String]) -> bool {
        if self.is_all() {
            return true;
        }
        self.pairs().all(|(want_column, want_value)| {
            columns
                .iter()
                .zip(segments)
                .any(|(column, value)| column == want_column && value == want_value)
        })
    }

    /// `all`, `region=华东`, or `channel=web × region=华北`.
    pub fn name(&self) -> String {
        if self.is_all() {
            "all".to_string()
        } else {
            self.pairs()
                .map(|(column, value)| format!("{column}={value}"))
                .collect::<Vec<_>>()
                .join(CROSS)
        }
    }
}

/// Every slice (the whole sample first, then each segment column's values in
/// sorted order), each with its merged moments for `wave` (`None` merges all waves
/// when the model has no wave column, or pools waves when asked).
pub fn slices(survey: &Survey, wave: Option<&Option<String>>) -> Vec<(SliceKey, Moments)> {
    slices_crossed(survey, wave, &[])
}

/// [`slices`], then for each group of `crossed` columns (in order) every combination
/// of their values that has rows, in sorted order. Columns not among the survey's
/// segment columns are ignored (the model loader rejects them).
pub fn slices_crossed(
    survey: &Survey,
    wave: Option<&Option<String>>,
    crossed: &[Vec<String>],
) -> Vec<(SliceKey, Moments)> {
    let mut out = single_slices(survey, wave);
    let in_wave = |cell_wave: &Option<String>| wave.is_none_or(|w| w == cell_wave);
    for group in crossed {
        let Some(positions) = group
            .iter()
            .map(|c| survey.segment_columns.iter().position(|s| s == c))
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        let values_of = |segments: &[String]| -> Option<Vec<String>> {
            positions
                .iter()
                .map(|&p| segments.get(p).cloned())
                .collect()
        };
        // Combinations in sorted order; each merges the cells holding all its values.
        let mut merged: std::collections::BTreeMap<Vec<String>, Moments> =
            std::collections::BTreeMap::new();
        for cell in survey.cells.iter().filter(|c| in_wave(&c.key.wave)) {
            let Some(values) = values_of(&cell.key.segments) else {
                continue;
            };
            merged
                .entry(values)
                .or_insert_with(|| Moments::new(survey.nodes))
                .merge(&cell.moments);
        }
        for (values, moments) in merged {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            out.push((SliceKey::crossed(group, &values), moments));
        }
    }
    out
}

fn single_slices(survey: &Survey, wave: Option<&Option<String>>) -> Vec<(SliceKey, Moments)> {
    let in_wave = |cell_wave: &Option<String>| wave.is_none_or(|w| w == cell_wave);
    let mut all = Moments::new(survey.nodes);
    for cell in survey.cells.iter().filter(|c| in_wave(&c.key.wave)) {
        all.merge(&cell.moments);
    }
    let mut out = vec![(SliceKey::all(), all)];
    for (position, column) in survey.segment_columns.iter().enumerate() {
        let mut values: Vec<&str> = survey
            .cells
            .iter()
            .filter_map(|c| c.key.segments.get(position).map(String::as_str))
            .collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            let mut merged = Moments::new(survey.nodes);
            for cell in survey.cells.iter().filter(|c| {
                in_wave(&c.key.wave)
                    && c.key.segments.get(position).map(String::as_str) == Some(value)
            }) {
                merged.merge(&cell.moments);
            }
            out.push((
                SliceKey {
                    column: column.clone(),
                    value: value.to_string(),
                },
                merged,
            ));
        }
    }
    out
}

/// One cell of a wave: its segment values (in the order of the survey's segment
/// columns) and its share of the wave's weight. Slices overlap (a respondent is in
/// `all`, in one `region=…` and in one `channel=…`), cells never do: a set of slices
/// covers exactly the union of their cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CellShare {
    pub segments: Vec<String>,
    pub share: f64,
}

/// The cells of `wave` with their shares of the wave's weight, in the survey's
/// (sorted) cell order.
pub fn cell_shares(survey: &Survey, wave: &Option<String>) -> Vec<CellShare> {
    let cells: Vec<&crate::data::Cell> = survey
        .cells
        .iter()
        .filter(|c| c.key.wave == *wave)
        .collect();
    let total: f64 = cells.iter().map(|c| c.moments.sw).sum();
    cells
        .into_iter()
        .map(|c| CellShare {
            segments: c.key.segments.clone(),
            share: if total > 0.0 {
                c.moments.sw / total
            } else {
                0.0
            },
        })
        .collect()
}
