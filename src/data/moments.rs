//! Mergeable sufficient statistics of one cell (segment values × wave).
//!
//! Every field is a count or a weighted sum, so partial moments from chunks,
//! threads or a warehouse query merge by plain addition. Addition of `f64` is
//! commutative exactly; it is associative exactly when the summed values are
//! exactly representable (integer weights and indices that are multiples of a power
//! of two, as for 1–5 items averaged over two items), and to rounding (≈1e−15
//! relative) otherwise.

/// Weighted moments of one node over the rows where its value is present.
/// `x` is the node's respondent value (0–100 index, ±100/0 for NPS, 0/100 for rates),
/// `w` the survey weight (1 without a weight column).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct NodeMoments {
    /// Rows with a value.
    pub n: u64,
    /// Σw
    pub sw: f64,
    /// Σw²
    pub sw2: f64,
    /// Σw·x
    pub swx: f64,
    /// Σw·x²
    pub swx2: f64,
}

impl NodeMoments {
    /// Weighted mean, `None` without any weight.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0 && self.sw > 0.0).then(|| self.swx / self.sw)
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
        let mean = self.mean()?;
        Some((self.swx2 / self.sw - mean * mean).max(0.0))
    }

    #[inline]
    pub fn add(&mut self, w: f64, x: f64) {
        let wx = w * x;
        self.n += 1;
        self.sw += w;
        self.sw2 += w * w;
        self.swx += wx;
        self.swx2 += wx * x;
    }

    pub fn merge(&mut self, other: &NodeMoments) {
        self.n += other.n;
        self.sw += other.sw;
        self.sw2 += other.sw2;
        self.swx += other.swx;
        self.swx2 += other.swx2;
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
    /// Σw·v_a per node.
    pub sum: Vec<f64>,
    /// Σw·v_a·v_b for a ≤ b, the upper triangle row by row:
    /// (0,0), (0,1), …, (0,k−1), (1,1), …, (k−1,k−1); see [`CrossMoments::at`].
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

    /// Σw·v_a·v_b, in either order; `None` out of range.
    pub fn at(&self, a: usize, b: usize) -> Option<f64> {
        self.index(a, b).and_then(|i| self.cross.get(i).copied())
    }

    /// Weighted covariance `Σw(v_a − m_a)(v_b − m_b) / Σw`, `None` without weight.
    pub fn covariance(&self, a: usize, b: usize) -> Option<f64> {
        if self.n == 0 || self.sw <= 0.0 {
            return None;
        }
        let ma = self.sum.get(a)? / self.sw;
        let mb = self.sum.get(b)? / self.sw;
        Some(self.at(a, b)? / self.sw - ma * mb)
    }

    /// Add one complete row; `values.len()` must equal the node count.
    #[inline]
    pub fn add(&mut self, w: f64, values: &[f64]) {
        self.n += 1;
        self.sw += w;
        self.sw2 += w * w;
        let mut i = 0;
        for (a, &va) in values.iter().enumerate() {
            let wa = w * va;
            if let Some(s) = self.sum.get_mut(a) {
                *s += wa;
            }
            let rest = values.get(a..).unwrap_or_default();
            let end = (i + rest.len()).min(self.cross.len());
            let slots = self.cross.get_mut(i..end).unwrap_or_default();
            for (slot, &vb) in slots.iter_mut().zip(rest) {
                *slot += wa * vb;
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

fn add_into(into: &mut Vec<f64>, from: &[f64]) {
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
}

impl Moments {
    pub fn new(nodes: usize) -> Self {
        Self {
            rows: 0,
            sw: 0.0,
            sw2: 0.0,
            nodes: vec![NodeMoments::default(); nodes],
            complete: CrossMoments::new(nodes),
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
        m.add_row(2.0, &[1.0, 2.0, 3.0]);
        m.add_row(1.0, &[1.0, f64::NAN, 3.0]);
        assert_eq!(m.rows, 2);
        assert_eq!(m.nodes[1].n, 1);
        assert_eq!(m.nodes[0].n, 2);
        assert_eq!(m.complete.n, 1);
        assert_eq!(m.complete.sum, vec![2.0, 4.0, 6.0]);
        assert_eq!(m.complete.cross, vec![2.0, 4.0, 6.0, 8.0, 12.0, 18.0]);
        assert_eq!(m.nodes[0].mean(), Some(1.0));
        assert_eq!(m.nodes[2].kish_n(), 9.0 / 5.0);
        assert_eq!(m.complete.covariance(0, 2), Some(0.0));
    }
}
