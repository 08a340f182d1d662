//! Who an action is for: the union of the slices a rule fired in, as a set of the
//! latest wave's cells. Slices overlap (`all`, `region=…`, `channel=…` share
//! respondents); cells never do, so a union of cells counts each respondent once.

use crate::analysis::{Analysis, SliceKey};

/// The latest wave's cells (indices into `analysis.cells`) of one slice.
pub fn cells_of(analysis: &Analysis, key: &SliceKey) -> Vec<usize> {
    analysis
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| key.holds(&analysis.segment_columns, &c.segments))
        .map(|(i, _)| i)
        .collect()
}

/// The cells of the union of `keys`, ascending, each once.
pub fn union_cells(analysis: &Analysis, keys: &[SliceKey]) -> Vec<usize> {
    let mut cells: Vec<usize> = keys.iter().flat_map(|k| cells_of(analysis, k)).collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// The share of the latest wave's weight in `cells`.
pub fn share_of(analysis: &Analysis, cells: &[usize]) -> f64 {
    cells.iter().map(|&c| analysis.cells[c].share).sum()
}

/// For each cell of the union of `slices` (`(key, share)`), the slice whose
/// estimate applies to its respondents: the smallest slice holding it (the most
/// specific estimate), ties by key. Each cell appears once, so a respondent in
/// `region=华北` and in `channel=app` is counted once, not once per slice.
pub fn attribute(analysis: &Analysis, slices: &[(SliceKey, f64)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..slices.len()).collect();
    order.sort_by(|&a, &b| {
        slices[a]
            .1
            .total_cmp(&slices[b].1)
            .then_with(|| slices[a].0.cmp(&slices[b].0))
    });
    analysis
        .cells
        .iter()
        .enumerate()
        .filter_map(|(c, cell)| {
            order
                .iter()
                .find(|&&s| slices[s].0.holds(&analysis.segment_columns, &cell.segments))
                .map(|&s| (c, s))
        })
        .collect()
}
