//! Dominance analysis (Budescu 1993; Azen & Budescu 2003).
//!
//! - *Complete*: driver `j` completely dominates `k` when adding `j` to any subset of
//!   the other drivers raises R² more than adding `k` does: `R²(S∪j) > R²(S∪k)` for
//!   every `S` without both.
//! - *Conditional*: `C_j(s)`, the mean increment of `j` over subsets of size `s`
//!   (shared with [`super::lmg`]); `j` conditionally dominates `k` when
//!   `C_j(s) > C_k(s)` at every size.
//! - *General*: the mean of `C_j(s)` over sizes, which equals the LMG share.
//!
//! Conditional and general dominance need no storage beyond sums by subset size;
//! complete dominance keeps the R² of every subset (`2^p` values), so it is computed
//! for at most [`MAX_COMPLETE_DOMINANCE`] drivers and omitted above.

use super::{lmg, subsets, Correlations, ImportanceError, MAX_COMPLETE_DOMINANCE};

/// The three levels of dominance. Pairwise matrices are row-major `p × p`: entry
/// `(j, k)` is `1` when `j` dominates `k`, `-1` when `k` dominates `j`, `0` when
/// neither does (and on the diagonal).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dominance {
    /// `C_j(s)`, row-major `p × p` (driver, subset size 0..p−1). `C_j(0)` is `r²_j`;
    /// `C_j(p−1)` is `j`'s increment over all the others.
    pub conditional: Vec<f64>,
    /// General dominance (= LMG), one per driver; sums to R².
    pub general: Vec<f64>,
    /// Complete dominance; `None` above [`MAX_COMPLETE_DOMINANCE`] drivers.
    pub complete: Option<Vec<i8>>,
    /// Conditional dominance between pairs.
    pub conditional_pairs: Vec<i8>,
}

pub fn dominance(c: &Correlations) -> Result<Dominance, ImportanceError> {
    let p = c.p;
    let conditional = lmg::conditional(c)?;
    let general = (0..p)
        .map(|j| conditional[j * p..(j + 1) * p].iter().sum::<f64>() / p as f64)
        .collect();
    let mut conditional_pairs = vec![0i8; p * p];
    for j in 0..p {
        for k in 0..p {
            if j == k {
                continue;
            }
            let row = |i: usize| &conditional[i * p..(i + 1) * p];
            if row(j).iter().zip(row(k)).all(|(a, b)| a > b) {
                conditional_pairs[j * p + k] = 1;
                conditional_pairs[k * p + j] = -1;
            }
        }
    }
    let complete = if p <= MAX_COMPLETE_DOMINANCE {
        Some(complete(c)?)
    } else {
        None
    };
    Ok(Dominance {
        conditional,
        general,
        complete,
        conditional_pairs,
    })
}

fn complete(c: &Correlations) -> Result<Vec<i8>, ImportanceError> {
    let p = c.p;
    let mut r2 = vec![0.0; 1usize << p];
    subsets::for_each_subset(c, |mask, _, value| {
        if let Some(slot) = usize::try_from(mask).ok().and_then(|m| r2.get_mut(m)) {
            *slot = value;
        }
    })?;
    let mut out = vec![0i8; p * p];
    for j in 0..p {
        for k in j + 1..p {
            let (bj, bk) = (1usize << j, 1usize << k);
            let (mut j_wins, mut k_wins) = (true, true);
            for (mask, _) in r2.iter().enumerate() {
                if mask & (bj | bk) != 0 {
                    continue;
                }
                let (a, b) = (r2[mask | bj], r2[mask | bk]);
                j_wins &= a > b;
                k_wins &= b > a;
                if !j_wins && !k_wins {
                    break;
                }
            }
            let v = if j_wins {
                1
            } else if k_wins {
                -1
            } else {
                0
            };
            out[j * p + k] = v;
            out[k * p + j] = -v;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strong_uncorrelated_driver_dominates_completely() {
        let c = Correlations {
            p: 3,
            rxx: vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.2, 0.0, 0.2, 1.0],
            rxy: vec![0.6, 0.3, 0.2],
        };
        let d = dominance(&c).expect("ok");
        let complete = d.complete.expect("small p");
        assert_eq!(complete[1], 1);
        assert_eq!(complete[2], 1);
        assert_eq!(complete[3], -1);
        assert!((d.conditional[0] - 0.36).abs() < 1e-15);
        let r2 = c.r2().expect("ok");
        assert!((d.general.iter().sum::<f64>() - r2).abs() < 1e-14);
    }
}
