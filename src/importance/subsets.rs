//! R² of every subset of drivers, visited in reflected Gray-code order.
//!
//! The enumeration walks the binary tree that decides driver 0, then 1, …: at depth
//! `d` it holds the partial correlation matrix of the undecided drivers `d..p` and the
//! outcome given the drivers already included (the Schur complement). Excluding
//! driver `d` drops its row; including it is one sweep, `M' = M − m_d m_d' / m_dd`,
//! on a matrix that shrinks with depth. At a leaf, `R²(S) = 1 − M_yy`. Visiting the
//! "exclude" child first at even reflection and the "include" child first at odd
//! reflection lists the leaves in reflected Gray-code order, so consecutive subsets
//! differ by one driver. The work is `Σ_d 2^d (p − d + 1)² ≈ 2^p · 13` flops
//! (amortized O(1) per subset, against O(p²) for a sweep per Gray-code step or O(p³)
//! for a refit), and each subset's R² is at most `p` sweeps from the input, so
//! rounding errors do not accumulate along the walk.

use super::{Correlations, ImportanceError};

/// Calls `visit(mask, size, r2)` for every subset of the drivers (bit `j` of `mask`
/// set when driver `j` is in), the empty set included (R² = 0). `p` must be below 64.
pub(crate) fn for_each_subset(
    c: &Correlations,
    mut visit: impl FnMut(u64, usize, f64),
) -> Result<(), ImportanceError> {
    c.factor()?;
    let p = c.p;
    if p >= 64 {
        return Err(ImportanceError::TooManyDrivers { p, max: 63 });
    }
    // Level d holds variables d..p (driver indices) then the outcome: m = p − d + 1.
    let mut levels: Vec<Vec<f64>> = (0..=p).map(|d| vec![0.0; (p - d + 1).pow(2)]).collect();
    if let Some(top) = levels.first_mut() {
        let m = p + 1;
        for i in 0..m {
            for j in 0..m {
                top[i * m + j] = match (i < p, j < p) {
                    (true, true) => c.rxx[i * p + j],
                    (true, false) => c.rxy[i],
                    (false, true) => c.rxy[j],
                    (false, false) => 1.0,
                };
            }
        }
    }
    walk(&mut levels, p, 0, 0, 0, false, &mut visit);
    Ok(())
}

fn walk(
    levels: &mut [Vec<f64>],
    p: usize,
    d: usize,
    mask: u64,
    size: usize,
    reflected: bool,
    visit: &mut impl FnMut(u64, usize, f64),
) {
    if d == p {
        let ryy = levels
            .get(p)
            .and_then(|l| l.first())
            .copied()
            .unwrap_or(1.0);
        visit(mask, size, (1.0 - ryy).max(0.0));
        return;
    }
    for include in [reflected, !reflected] {
        step(levels, p, d, include);
        let (mask, size) = if include {
            (mask | 1 << d, size + 1)
        } else {
            (mask, size)
        };
        // The second child's subtree is visited in reverse (reflected) order.
        walk(levels, p, d + 1, mask, size, include != reflected, visit);
    }
}

/// Fill level `d + 1` from level `d`, excluding or including driver `d` (one
/// sweep step of the Gray-code subset walk; shared with [`super::subset_sums`]).
#[inline]
pub(super) fn step(levels: &mut [Vec<f64>], p: usize, d: usize, include: bool) {
    let (upper, lower) = levels.split_at_mut(d + 1);
    let (Some(cur), Some(next)) = (upper.last(), lower.first_mut()) else {
        return;
    };
    let m = p - d + 1;
    let n = m - 1;
    let pivot = cur[0];
    for i in 0..n {
        let row = &cur[(i + 1) * m..(i + 2) * m];
        let out = &mut next[i * n..(i + 1) * n];
        if include {
            let f = row[0] / pivot;
            for ((o, &a), &b) in out.iter_mut().zip(&row[1..]).zip(&cur[1..m]) {
                *o = a - f * b;
            }
        } else {
            out.copy_from_slice(&row[1..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_come_in_gray_code_order_with_the_r2_of_a_refit() {
        let c = Correlations {
            p: 3,
            rxx: vec![1.0, 0.3, 0.2, 0.3, 1.0, 0.4, 0.2, 0.4, 1.0],
            rxy: vec![0.5, 0.4, 0.3],
        };
        let mut seen = Vec::new();
        for_each_subset(&c, |mask, size, r2| seen.push((mask, size, r2))).expect("ok");
        assert_eq!(seen.len(), 8);
        for pair in seen.windows(2) {
            assert_eq!((pair[0].0 ^ pair[1].0).count_ones(), 1, "{seen:?}");
        }
        for &(mask, size, r2) in &seen {
            let x: Vec<usize> = (0..3).filter(|j| mask & 1 << j != 0).collect();
            assert_eq!(x.len(), size);
            let expected = if x.is_empty() {
                0.0
            } else {
                let sub = Correlations {
                    p: x.len(),
                    rxx: x
                        .iter()
                        .flat_map(|&a| x.iter().map(move |&b| (a, b)))
                        .map(|(a, b)| c.rxx[a * 3 + b])
                        .collect(),
                    rxy: x.iter().map(|&a| c.rxy[a]).collect(),
                };
                sub.r2().expect("ok")
            };
            assert!((r2 - expected).abs() < 1e-14, "{mask}: {r2} vs {expected}");
        }
    }
}
