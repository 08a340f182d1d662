//! A moments table in memory: one [`Moments`] (with item moments) per cell, the
//! fingerprint of the model it was made for, and exact merging.

use std::collections::BTreeMap;

use super::layout::{BlockStat, ColumnKind, ItemStat, Layout, NodeStat};
use super::MomentsError;
use crate::data::{
    Cell, CellKey, CrossMoments, InvalidReport, ItemMoments, ItemShape, Moments, Survey,
};

/// The moments of every cell of one survey (or of many, merged).
#[derive(Debug, Clone, PartialEq)]
pub struct MomentsTable {
    /// The model fingerprint ([`Layout::fingerprint`]).
    pub fingerprint: String,
    /// Cells sorted by key; every cell's `moments.items` is `Some`.
    pub cells: Vec<Cell>,
}

/// A mutable numeric slot of a cell's moments.
pub(crate) enum Slot<'a> {
    Count(&'a mut u64),
    Sum(&'a mut f64),
}

impl MomentsTable {
    /// An empty table for `layout`.
    pub fn new(layout: &Layout) -> Self {
        Self {
            fingerprint: layout.fingerprint.clone(),
            cells: Vec::new(),
        }
    }

    /// The table of a survey read with item moments.
    pub fn from_survey(layout: &Layout, survey: &Survey) -> Result<Self, MomentsError> {
        if survey.cells.iter().any(|c| c.moments.items.is_none()) {
            return Err(MomentsError::NoItemMoments);
        }
        Ok(Self {
            fingerprint: layout.fingerprint.clone(),
            cells: survey.cells.clone(),
        })
    }

    /// Empty moments of one cell, with the item block sized for `layout`.
    pub fn empty_moments(layout: &Layout) -> Moments {
        let mut moments = Moments::new(layout.nodes.len());
        moments.items = Some(ItemMoments::new(&shapes(layout)));
        moments
    }

    /// Add `other` into this table: moments of equal keys are added field by field,
    /// new keys are inserted in order. Fingerprints must match (`names` name the two
    /// tables in the error).
    pub fn merge(&mut self, other: &MomentsTable, names: (&str, &str)) -> Result<(), MomentsError> {
        if self.fingerprint != other.fingerprint {
            return Err(MomentsError::MergeMismatch {
                first: names.0.to_string(),
                first_fingerprint: self.fingerprint.clone(),
                second: names.1.to_string(),
                second_fingerprint: other.fingerprint.clone(),
            });
        }
        let mut cells: BTreeMap<CellKey, Moments> = std::mem::take(&mut self.cells)
            .into_iter()
            .map(|c| (c.key, c.moments))
            .collect();
        for cell in &other.cells {
            match cells.get_mut(&cell.key) {
                Some(m) => m.merge(&cell.moments),
                None => {
                    cells.insert(cell.key.clone(), cell.moments.clone());
                }
            }
        }
        self.cells = cells
            .into_iter()
            .map(|(key, moments)| Cell { key, moments })
            .collect();
        Ok(())
    }

    /// Invalid item values per item column (non-zero only), in layout order.
    pub fn invalid_counts<'l>(&self, layout: &'l Layout) -> Vec<(&'l str, u64)> {
        layout
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let count: u64 = self
                    .cells
                    .iter()
                    .filter_map(|c| c.moments.items.as_ref()?.items.get(i))
                    .map(|s| s.invalid)
                    .sum();
                (count > 0).then_some((item.column.as_str(), count))
            })
            .collect()
    }

    /// The table as a [`Survey`] for the analysis (no respondent or item rows).
    /// Invalid counts are an error naming the first such column unless
    /// `skip_invalid`; with it they are reported as skipped values, as the ingest does.
    pub fn into_survey(
        self,
        layout: &Layout,
        file: &str,
        skip_invalid: bool,
    ) -> Result<Survey, MomentsError> {
        let invalid_counts = self.invalid_counts(layout);
        if let (false, Some(&(column, count))) = (skip_invalid, invalid_counts.first()) {
            return Err(MomentsError::InvalidValues {
                file: file.to_string(),
                column: column.to_string(),
                count,
            });
        }
        let mut invalid = InvalidReport::default();
        for (column, count) in invalid_counts {
            invalid.columns.insert(column.to_string(), count);
            invalid.total += count;
        }
        let rows = self.cells.iter().map(|c| c.moments.rows).sum();
        Ok(Survey {
            nodes: layout.nodes.len(),
            segment_columns: layout.segments.clone(),
            wave_column: layout.wave.clone(),
            weight_column: layout.weight.clone(),
            cells: self.cells,
            respondents: None,
            items: None,
            rows,
            invalid,
            column_labels: std::collections::BTreeMap::new(),
        })
    }
}

/// The item shapes of a layout, in item order.
pub(crate) fn shapes(layout: &Layout) -> Vec<ItemShape> {
    layout
        .items
        .iter()
        .map(|i| ItemShape {
            center: i.center,
            points: i.points.clone(),
        })
        .collect()
}

/// The numeric slot a column refers to; `None` for text columns or indices out of
/// range (a layout and moments of another model).
pub(crate) fn slot<'m>(
    layout: &Layout,
    moments: &'m mut Moments,
    kind: ColumnKind,
) -> Option<Slot<'m>> {
    use Slot::{Count, Sum};
    Some(match kind {
        ColumnKind::Schema
        | ColumnKind::Fingerprint
        | ColumnKind::Segment(_)
        | ColumnKind::Wave => return None,
        ColumnKind::Rows => Count(&mut moments.rows),
        ColumnKind::Sw => Sum(&mut moments.sw),
        ColumnKind::Sw2 => Sum(&mut moments.sw2),
        ColumnKind::Item { item, stat } => {
            let stats = moments.items.as_mut()?.items.get_mut(item)?;
            match stat {
                ItemStat::N => Count(&mut stats.n),
                ItemStat::Missing => Count(&mut stats.missing),
                ItemStat::Invalid => Count(&mut stats.invalid),
                ItemStat::Sw => Sum(&mut stats.sw),
                ItemStat::S1 => Sum(&mut stats.s1),
                ItemStat::S2 => Sum(&mut stats.s2),
                ItemStat::Point(k) => {
                    let points = &layout.items.get(item)?.points;
                    let at = points.iter().position(|&p| p == k)?;
                    Sum(stats.points.get_mut(at)?)
                }
            }
        }
        ColumnKind::Node { node, stat } => {
            let m = moments.nodes.get_mut(node)?;
            match stat {
                NodeStat::N => Count(&mut m.n),
                NodeStat::Sw => Sum(&mut m.sw),
                NodeStat::Sw2 => Sum(&mut m.sw2),
                NodeStat::S1 => Sum(&mut m.s1),
                NodeStat::S2 => Sum(&mut m.s2),
            }
        }
        ColumnKind::Cc(stat) => block_slot(&mut moments.complete, stat)?,
        ColumnKind::Ic(stat) => block_slot(&mut moments.items.as_mut()?.complete, stat)?,
    })
}

fn block_slot(block: &mut CrossMoments, stat: BlockStat) -> Option<Slot<'_>> {
    Some(match stat {
        BlockStat::N => Slot::Count(&mut block.n),
        BlockStat::Sw => Slot::Sum(&mut block.sw),
        BlockStat::Sw2 => Slot::Sum(&mut block.sw2),
        BlockStat::S1(a) => Slot::Sum(block.sum.get_mut(a)?),
        BlockStat::S2(a, b) => {
            let i = block.index(a, b)?;
            Slot::Sum(block.cross.get_mut(i)?)
        }
    })
}
