//! Mergeable sufficient statistics of one cell (segment values × wave).
//!
//! Every field is a count or a weighted sum, so partial moments from chunks,
//! threads or a warehouse query merge by plain addition. Addition of `f64` is
//! commutative exactly; it is associative exactly when the summed values are
//! exactly representable (integer weights and indices that are multiples of a power
//! of two, as for 1–5 items averaged over two items), and to rounding (≈1e−15
//! relative) otherwise.
//!
//! Sums are *shifted*: node values enter as `v − 50` ([`SHIFT`]), the middle of the
//! 0–100 index. The naive `Σw·v²` of values near 100 over 10⁹ rows is ≈10¹³ and
//! the centred sum of squares is recovered by cancelling two such numbers; around
//! the shift the terms are at most 50² (150² for NPS) and the cancellation is
//! limited to `(mean − 50)²` against the variance. The bound is in `docs/scale.md`.

/// The shift of node values in every `s1`/`s2` sum (the contract's `node:*` and
/// `cc:*` columns).
pub const SHIFT: f64 = 50.0;

use super::ItemMoments;

/// Weighted moments of one node over the rows where its value is present.
/// `v` is the node's respondent value (0–100 index, ±100/0 for NPS, 0/100 for rates),
/// `w` the survey weight (1 without a weight column).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct NodeMoments {
    /// Rows with a value.
    pub n: u64,
    /// Σw
    pub sw: f64,
    /// Σw²
    pub sw2: f64,
    /// Σw·(v − 50)
    pub s1: f64,
    /// Σw·(v − 50)²
    pub s2: f64,
}

impl NodeMoments {
    /// Weighted mean, `None` without any weight.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0 && self.sw > 0.0).then(|| SHIFT + self.s1 / self.sw)
    }

    /// The centred weighted sum of squares `Σw(v − mean)²`, `None` without any
    /// weight; `s2 − s1²/Σw` loses only `(mean − 50)²/variance` of relative precision.
    pub fn m2(&self) -> Option<f64> {
        (self.n > 0 && self.sw > 0.0).then(|| (self.s2 - self.s1 * self.s1 / self.sw).max(0.0))
    }

    /// Kish's effective sample size `(Σw)² / Σw²` (equal to `n` without weights).
    pub fn kish_n(&self) -> f64 {
        if self.sw2 > 0.0 {
            self.sw * self.sw / self.sw2
        } else {
            0.0
        }
    }

    /// Weighted population variance `Σw(x − mean)² / Σw`, `None` without any weight.
    pub fn variance(&self) -> Option<f64> {
        Some(self.m2()? / self.sw)
    }

    /// Add one row with value `v` (unshifted) and weight `w`.
    #[inline]
    pub fn add(&mut self, w: f64, v: f64) {
        let d = v - SHIFT;
        let wd = w * d;
        self.n += 1;
        self.sw += w;
        self.sw2 += w * w;
        self.s1 += wd;
        self.s2 += wd * d;
    }

    /// Replace one row's value `old` by `new` (both unshifted), keeping its weight.
    #[inline]
    pub fn replace(&mut self, w: f64, old: f64, new: f64) {
        let (a, b) = (old - SHIFT, new - SHIFT);
        self.s1 += w * (b - a);
        self.s2 += w * (b * b - a * a);
    }

    pub fn merge(&mut self, other: &NodeMoments) {
        self.n += other.n;
        self.sw += other.sw;
        self.sw2 += other.sw2;
        self.s1 += other.s1;
        self.s2 += other.s2;
    }
}

/// Weighted cross-products over the rows where every node is present (listwise
/// complete), for covariances and regressions.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct CrossMoments {
    /// Complete rows.
    pub n: u64,
    /// Σw
    pub sw: f64,
    /// Σw² (for the effective sample size of estimates from these rows).
    pub sw2: f64,
    /// Σw·(v_a − 50) per node.
    pub sum: Vec<f64>,
    /// Σw·(v_a − 50)(v_b − 50) for a ≤ b, the upper triangle row by row:
    /// (0,0), (0,1), …, (0,k−1), (1,1), …, (k−1,k−1); see [`CrossMoments::at`].
    /// Covariances and regression slopes do not depend on the shift; means do
    /// ([`CrossMoments::mean`]).
    pub cross: Vec<f64>,
}

impl CrossMoments {
    pub fn new(nodes: usize) -> Self {
        Self {
            n: 0,
            sw: 0.0,
            sw2: 0.0,
            sum: vec![0.0; nodes],
            cross: vec![0.0; nodes * (nodes + 1) / 2],
        }
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.sum.len()
    }

    /// Index of (a, b) in `cross`, in either order; `None` out of range.
    pub fn index(&self, a: usize, b: usize) -> Option<usize> {
        let k = self.nodes();
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        // rows before `a` hold k, k−1, …, k−a+1 entries; then b − a into row a.
        (b < k).then(|| a * k - a * a.saturating_sub(1) / 2 + (b - a))
    }

    /// Weighted mean of node `a` over the complete rows (shift added back).
    pub fn mean(&self, a: usize) -> Option<f64> {
        (self.n > 0 && self.sw > 0.0)
            .then(|| SHIFT + self.sum.get(a).copied().unwrap_or(0.0) / self.sw)
    }

    /// Σw·(v_a − 50)(v_b − 50), in either order; `None` out of range.
    pub fn at(&self, a: usize, b: usize) -> Option<f64> {
        self.index(a, b).and_then(|i| self.cross.get(i).copied())
    }

    /// Weighted covariance `Σw(v_a − m_a)(v_b − m_b) / Σw`, `None` without weight.
    pub fn covariance(&self, a: usize, b: usize) -> Option<f64> {
        if self.n == 0 || self.sw <= 0.0 {
            return None;
        }
        // Shift-invariant: the shifted means are small, so little cancels.
        let ma = self.sum.get(a)? / self.sw;
        let mb = self.sum.get(b)? / self.sw;
        Some(self.at(a, b)? / self.sw - ma * mb)
    }

    /// Add one complete row of unshifted node values; `values.len()` must equal
    /// the node count.
    #[inline]
    pub fn add(&mut self, w: f64, values: &[f64]) {
        self.accumulate(w, values, SHIFT);
    }

    /// Add one complete row of values already shifted by the caller (the item
    /// block shifts each item by its own scale midpoint).
    #[inline]
    pub fn add_shifted(&mut self, w: f64, deltas: &[f64]) {
        self.accumulate(w, deltas, 0.0);
    }

    #[inline]
    fn accumulate(&mut self, w: f64, values: &[f64], shift: f64) {
        self.n += 1;
        self.sw += w;
        self.sw2 += w * w;
        let mut i = 0;
        for (a, &va) in values.iter().enumerate() {
            let wa = w * (va - shift);
            if let Some(s) = self.sum.get_mut(a) {
                *s += wa;
            }
            let rest = values.get(a..).unwrap_or_default();
            let end = (i + rest.len()).min(self.cross.len());
            let slots = self.cross.get_mut(i..end).unwrap_or_default();
            for (slot, &vb) in slots.iter_mut().zip(rest) {
                *slot += wa * (vb - shift);
            }
            i = end;
        }
    }

    /// Exact field-wise addition. Moments of different node counts cannot come
    /// from the same model; the shorter vectors are extended with zeros.
    pub fn merge(&mut self, other: &CrossMoments) {
        self.n += other.n;
        self.sw += other.sw;
        self.sw2 += other.sw2;
        add_into(&mut self.sum, &other.sum);
        add_into(&mut self.cross, &other.cross);
    }
}

pub(crate) fn add_into(into: &mut Vec<f64>, from: &[f64]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0.0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// All the moments of one cell.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Moments {
    /// Rows of the cell.
    pub rows: u64,
    /// Σw over all rows.
    pub sw: f64,
    /// Σw² over all rows.
    pub sw2: f64,
    /// Per model node, in model order.
    pub nodes: Vec<NodeMoments>,
    /// Over the rows where all nodes are present.
    pub complete: CrossMoments,
    /// Item-level moments, when the ingest was asked for them
    /// ([`crate::data::IngestOptions::item_moments`]).
    pub items: Option<ItemMoments>,
}

impl Moments {
    pub fn new(nodes: usize) -> Self {
        Self {
            rows: 0,
            sw: 0.0,
            sw2: 0.0,
            nodes: vec![NodeMoments::default(); nodes],
            complete: CrossMoments::new(nodes),
            items: None,
        }
    }

    /// Add another cell's moments: exact field-wise addition, commutative and
    /// associative (see the module docs for floating-point rounding).
    pub fn merge(&mut self, other: &Moments) {
        self.rows += other.rows;
        self.sw += other.sw;
        self.sw2 += other.sw2;
        if self.nodes.len() < other.nodes.len() {
            self.nodes.resize(other.nodes.len(), NodeMoments::default());
        }
        for (a, b) in self.nodes.iter_mut().zip(&other.nodes) {
            a.merge(b);
        }
        self.complete.merge(&other.complete);
        match (&mut self.items, &other.items) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.items = Some(b.clone()),
            (_, None) => {}
        }
    }

    /// Add one row: `values[i]` is node `i`'s value, NaN when missing.
    #[inline]
    pub(crate) fn add_row(&mut self, w: f64, values: &[f64]) {
        self.rows += 1;
        self.sw += w;
        self.sw2 += w * w;
        let mut complete = true;
        for (m, &v) in self.nodes.iter_mut().zip(values) {
            if v.is_nan() {
                complete = false;
            } else {
                m.add(w, v);
            }
        }
        if complete {
            self.complete.add(w, values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_index_is_row_major_upper_triangle() {
        let c = CrossMoments::new(3);
        let expected = [
            (0, 0, 0),
            (0, 1, 1),
            (0, 2, 2),
            (1, 1, 3),
            (1, 2, 4),
            (2, 2, 5),
        ];
        for (a, b, i) in expected {
            assert_eq!(c.index(a, b), Some(i));
            assert_eq!(c.index(b, a), Some(i));
        }
        assert_eq!(c.index(0, 3), None);
    }

    #[test]
    fn add_row_fills_cross_products_and_skips_incomplete_rows() {
        let mut m = Moments::new(3);
        m.add_row(2.0, &[51.0, 52.0, 53.0]);
        m.add_row(1.0, &[51.0, f64::NAN, 53.0]);
        assert_eq!(m.rows, 2);
        assert_eq!(m.nodes[1].n, 1);
        assert_eq!(m.nodes[0].n, 2);
        assert_eq!(m.complete.n, 1);
        assert_eq!(m.complete.sum, vec![2.0, 4.0, 6.0]);
        assert_eq!(m.complete.cross, vec![2.0, 4.0, 6.0, 8.0, 12.0, 18.0]);
        assert_eq!(m.nodes[0].mean(), Some(51.0));
        assert_eq!(m.complete.mean(2), Some(53.0));
        assert_eq!(m.nodes[2].kish_n(), 9.0 / 5.0);
        assert_eq!(m.complete.covariance(0, 2), Some(0.0));
    }

    /// Values 1e8 + {0, 1, 2, 3} (variance 1.25): the naive Σw·x² − (Σw·x)²/Σw
    /// cancels two numbers near 4e16 and loses every digit; around a shift near
    /// the data the variance is exact. The ingest's shift of 50 plays this role for
    /// 0–100 values; here the data sit far from 50 to show the failure it avoids.
    #[test]
    fn shifted_sums_keep_the_variance_where_raw_sums_lose_it() {
        let offset = 1e8;
        let xs = [0.0, 1.0, 2.0, 3.0];
        let rows = 1000;
        let (mut sw, mut swx, mut swx2) = (0.0, 0.0, 0.0);
        let mut shifted = NodeMoments::default();
        for i in 0..rows {
            let x: f64 = offset + xs[i % 4];
            sw += 1.0;
            swx += x;
            swx2 += x * x;
            // Shift the data to the accumulator's frame so its own shift lands at `offset`.
            shifted.add(1.0, x - offset + SHIFT);
        }
        let naive = swx2 / sw - (swx / sw) * (swx / sw);
        let exact = 1.25;
        assert!(
            (naive - exact).abs() > 0.1,
            "naive formula should break: {naive}"
        );
        assert_eq!(shifted.variance(), Some(exact));
        assert_eq!(shifted.mean(), Some(SHIFT + 1.5));
    }

    /// On 0–100 values with the mean far from 50 and a tiny spread (the worst case
    /// for the shift), the variance from shifted sums stays within the bound of
    /// `docs/scale.md`: relative error ≲ n·ε·(mean − 50)²/variance.
    #[test]
    fn shifted_variance_error_stays_within_the_documented_bound() {
        let mut m = NodeMoments::default();
        let n = 200_000u32;
        let mut reference = (0.0f64, 0.0f64); // two-pass: mean, then Σ(x − mean)²
        let value = |i: u32| 99.0 + f64::from(i % 7) * 0.125;
        for i in 0..n {
            m.add(1.0, value(i));
            reference.0 += value(i);
        }
        let mean = reference.0 / f64::from(n);
        for i in 0..n {
            reference.1 += (value(i) - mean).powi(2);
        }
        let exact = reference.1 / f64::from(n);
        let got = m.variance().expect("variance");
        let bound = f64::from(n) * f64::EPSILON * (mean - SHIFT).powi(2) / exact;
        assert!(
            ((got - exact) / exact).abs() <= bound,
            "{got} vs {exact}, bound {bound}"
        );
        assert!(((got - exact) / exact).abs() < 1e-9);
    }
}
