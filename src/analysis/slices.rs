//! Slices of the sample: the whole sample and each segment value, per wave.
//!
//! The survey pass produces one cell per combination of segment values and wave;
//! every slice reported is an exact merge of cells, so no second pass is needed.

use std::cmp::Ordering;

use crate::data::{Moments, Survey};

/// A part of the sample: the whole sample (`column` empty) or one value of one
/// segment column.
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

    /// Whether a cell with these segment values (in the order of `columns`, the
    /// survey's segment columns) belongs to the slice.
    pub fn holds(&self, columns: &[String], segments: &[String]) -> bool {
        if self.is_all() {
            return true;
        }
        columns
            .iter()
            .zip(segments)
            .any(|(column, value)| *column == self.column && *value == self.value)
    }

    /// `all` or `region=华东`.
    pub fn name(&self) -> String {
        if self.is_all() {
            "all".to_string()
        } else {
            format!("{}={}", self.column, self.value)
        }
    }
}

/// Waves in order: numbers inside names compare as numbers (`W2` before `W10`).
pub fn compare_waves(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u128, usize),
    Text(String),
}

fn natural_key(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        let mut chunk = String::new();
        let digits = c.is_ascii_digit();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digits {
                break;
            }
            chunk.push(c);
            chars.next();
        }
        parts.push(match chunk.parse::<u128>() {
            Ok(number) if digits => Part::Number(number, chunk.len()),
            _ => Part::Text(chunk),
        });
    }
    parts
}

/// The distinct waves of a survey in order; `[None]` when the model has no wave column.
pub fn waves(survey: &Survey) -> Vec<Option<String>> {
    let mut waves: Vec<Option<String>> = survey.cells.iter().map(|c| c.key.wave.clone()).collect();
    waves.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => compare_waves(a, b),
        _ => a.is_some().cmp(&b.is_some()),
    });
    waves.dedup();
    waves
}

/// Every slice (the whole sample first, then each segment column's values in
/// sorted order), each with its merged moments for `wave` (`None` merges all waves
/// when the model has no wave column, or pools waves when asked).
pub fn slices(survey: &Survey, wave: Option<&Option<String>>) -> Vec<(SliceKey, Moments)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_sort_naturally() {
        let mut waves = vec!["W10", "W2", "2025H2", "2026H1", "W1"];
        waves.sort_by(|a, b| compare_waves(a, b));
        assert_eq!(waves, vec!["2025H2", "2026H1", "W1", "W2", "W10"]);
    }
}
