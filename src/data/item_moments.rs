//! Item-level moments of one cell (the `item:*` and `ic:*` blocks of the moments
//! table): per item counts, shifted sums and scale-point weights, and the
//! cross-products of all items over the rows where every item is valid. Optional in
//! the ingest ([`crate::data::IngestOptions::item_moments`]) because the cross
//! products cost `items × (items + 1) / 2` multiply-adds per row.

use crate::model::{Model, Scale};

/// Scale points get their own weight sums only for integer scales this short.
pub const MAX_POINTS: i64 = 11;

/// The integer points `min..=max` of a scale when both ends are integers and there
/// are at most [`MAX_POINTS`]; empty otherwise.
pub fn scale_points(scale: Scale) -> Vec<i64> {
    let integer = |v: f64| v.fract() == 0.0 && v.abs() < 1e15;
    if !integer(scale.min) || !integer(scale.max) || scale.max < scale.min {
        return Vec::new();
    }
    #[expect(clippy::cast_possible_truncation, reason = "checked integer above")]
    let (min, max) = (scale.min as i64, scale.max as i64);
    if max - min + 1 > MAX_POINTS {
        return Vec::new();
    }
    (min..=max).collect()
}

/// How one item is accumulated: its shift and scale points.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemShape {
    /// `(min + max) / 2`: item sums are `Σw·(x − center)`.
    pub center: f64,
    /// The integer points with a weight sum (see [`scale_points`]).
    pub points: Vec<i64>,
}

impl ItemShape {
    /// The shapes of every model item: nodes in order, items in node order.
    pub fn of_model(model: &Model) -> Vec<ItemShape> {
        model
            .nodes
            .iter()
            .flat_map(|node| {
                node.items.iter().map(|_| ItemShape {
                    center: (node.scale.min + node.scale.max) / 2.0,
                    points: scale_points(node.scale),
                })
            })
            .collect()
    }
}

/// What a row held in one item field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ItemState {
    /// A number on the scale (after reverse coding).
    Valid(f64),
    /// Empty or a missing token.
    Missing,
    /// Not a number, or outside the scale (only under `--on-invalid skip`).
    Invalid,
}

/// Moments of one item over a cell's rows.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ItemStats {
    /// Rows with a valid value.
    pub n: u64,
    /// Rows where the field is empty or a missing token.
    pub missing: u64,
    /// Rows with a value that is not a number or outside the scale.
    pub invalid: u64,
    /// Σw over valid rows.
    pub sw: f64,
    /// Σw·(x − center).
    pub s1: f64,
    /// Σw·(x − center)².
    pub s2: f64,
    /// Σw of valid rows at each scale point (parallel to [`ItemShape::points`]).
    pub points: Vec<f64>,
}

impl ItemStats {
    fn merge(&mut self, other: &ItemStats) {
        self.n += other.n;
        self.missing += other.missing;
        self.invalid += other.invalid;
        self.sw += other.sw;
        self.s1 += other.s1;
        self.s2 += other.s2;
        super::moments::add_into(&mut self.points, &other.points);
    }
}

/// Item-level moments of one cell.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ItemMoments {
    /// Per model item, in model order.
    pub items: Vec<ItemStats>,
    /// Rows where every item is valid: `sum` and `cross` are shifted by each item's
    /// center (not by 50 as for nodes).
    pub complete: super::CrossMoments,
}

impl ItemMoments {
    pub fn new(shapes: &[ItemShape]) -> Self {
        Self {
            items: shapes
                .iter()
                .map(|s| ItemStats {
                    points: vec![0.0; s.points.len()],
                    ..ItemStats::default()
                })
                .collect(),
            complete: super::CrossMoments::new(shapes.len()),
        }
    }

    /// Exact field-wise addition.
    pub fn merge(&mut self, other: &ItemMoments) {
        if self.items.len() < other.items.len() {
            self.items.resize(other.items.len(), ItemStats::default());
        }
        for (a, b) in self.items.iter_mut().zip(&other.items) {
            a.merge(b);
        }
        self.complete.merge(&other.complete);
    }

    /// Add one row; `states` and `shapes` are parallel to the items, `deltas` is
    /// scratch space.
    pub(crate) fn add_row(
        &mut self,
        w: f64,
        states: &[ItemState],
        shapes: &[ItemShape],
        deltas: &mut Vec<f64>,
    ) {
        deltas.clear();
        let mut complete = true;
        for ((stats, state), shape) in self.items.iter_mut().zip(states).zip(shapes) {
            match *state {
                ItemState::Missing => {
                    stats.missing += 1;
                    complete = false;
                }
                ItemState::Invalid => {
                    stats.invalid += 1;
                    complete = false;
                }
                ItemState::Valid(x) => {
                    let d = x - shape.center;
                    stats.n += 1;
                    stats.sw += w;
                    stats.s1 += w * d;
                    stats.s2 += w * d * d;
                    if let Some(first) = shape.points.first() {
                        #[expect(clippy::cast_possible_truncation, reason = "checked integral")]
                        let k = x as i64;
                        if x.fract() == 0.0 {
                            if let Some(p) = usize::try_from(k - first)
                                .ok()
                                .and_then(|i| stats.points.get_mut(i))
                            {
                                *p += w;
                            }
                        }
                    }
                    deltas.push(d);
                }
            }
        }
        if complete {
            self.complete.add_shifted(w, deltas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_points_only_for_short_integer_scales() {
        assert_eq!(
            scale_points(Scale { min: 1.0, max: 5.0 }),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            scale_points(Scale {
                min: 0.0,
                max: 10.0
            })
            .len(),
            11
        );
        assert!(scale_points(Scale {
            min: 0.0,
            max: 11.0
        })
        .is_empty());
        assert!(scale_points(Scale { min: 0.5, max: 5.0 }).is_empty());
        assert_eq!(
            scale_points(Scale {
                min: -2.0,
                max: 2.0
            }),
            vec![-2, -1, 0, 1, 2]
        );
    }

    #[test]
    fn rows_fill_counts_sums_points_and_the_complete_block() {
        let shapes = vec![
            ItemShape {
                center: 3.0,
                points: vec![1, 2, 3, 4, 5],
            },
            ItemShape {
                center: 5.0,
                points: Vec::new(),
            },
        ];
        let mut m = ItemMoments::new(&shapes);
        let mut scratch = Vec::new();
        m.add_row(
            2.0,
            &[ItemState::Valid(5.0), ItemState::Valid(7.5)],
            &shapes,
            &mut scratch,
        );
        m.add_row(
            1.0,
            &[ItemState::Valid(1.0), ItemState::Missing],
            &shapes,
            &mut scratch,
        );
        m.add_row(
            1.0,
            &[ItemState::Invalid, ItemState::Valid(0.0)],
            &shapes,
            &mut scratch,
        );
        let a = &m.items[0];
        assert_eq!((a.n, a.missing, a.invalid), (2, 0, 1));
        assert_eq!((a.sw, a.s1, a.s2), (3.0, 2.0, 12.0));
        assert_eq!(a.points, vec![1.0, 0.0, 0.0, 0.0, 2.0]);
        let b = &m.items[1];
        assert_eq!(
            (b.n, b.missing, b.invalid, b.sw, b.s1, b.s2),
            (2, 1, 0, 3.0, 0.0, 37.5)
        );
        assert_eq!((m.complete.n, m.complete.sw), (1, 2.0));
        assert_eq!(m.complete.sum, vec![4.0, 5.0]);
        assert_eq!(m.complete.cross, vec![8.0, 10.0, 12.5]);
    }
}
