//! The Shapley value / LMG decomposition of R² (Lindeman, Merenda & Gold 1980;
//! Grömping 2006; Lipovetsky & Conklin 2001).
//!
//! Driver `j`'s share is its increment in R² averaged over all orders in which the
//! drivers can enter the model: `LMG_j = (1/p) Σ_s C_j(s)` with the conditional
//! contribution `C_j(s)` = the mean over subsets `S ∌ j` of size `s` of
//! `R²(S ∪ {j}) − R²(S)`. The shares sum to R² of the full model. Matches R
//! `relaimpo::calc.relimp(type = "lmg")`.
//!
//! Exact for up to [`MAX_EXACT`](super::MAX_EXACT) drivers: the R² of every subset is
//! summed by size and by member driver in one tree walk ([`super::subset_sums`]), so
//! nothing per subset is kept:
//! with `T[s] = Σ_{|S|=s} R²(S)` and `A_j[s] = Σ_{|S|=s, S∋j} R²(S)`,
//! `C_j(s) = (A_j[s+1] − T[s] + A_j[s]) / C(p−1, s)`. Above, [`lmg_sampled`] averages
//! increments over random orders and reports each share's standard error.

use super::{subset_sums, Correlations, ImportanceError, MAX_EXACT};
use crate::stats::rng::Rng;

/// Conditional contributions `C_j(s)`, row-major `p × p` (driver `j`, subset size `s`
/// from 0 to `p − 1`): exact, by enumerating all subsets on one thread.
pub fn conditional(c: &Correlations) -> Result<Vec<f64>, ImportanceError> {
    conditional_threads(c, 1)
}

/// [`conditional`] on up to `threads` threads; the result does not depend on `threads`.
pub fn conditional_threads(c: &Correlations, threads: usize) -> Result<Vec<f64>, ImportanceError> {
    let p = c.p;
    if p > MAX_EXACT {
        return Err(ImportanceError::TooManyDrivers { p, max: MAX_EXACT });
    }
    let sums = subset_sums::size_sums(c, threads)?;
    let (total, with) = (&sums.total, &sums.with);
    let mut out = vec![0.0; p * p];
    for j in 0..p {
        let a = &with[j * (p + 1)..(j + 1) * (p + 1)];
        let mut count = 1.0; // C(p − 1, s)
        for s in 0..p {
            out[j * p + s] = (a[s + 1] - total[s] + a[s]) / count;
            count = count * (p - 1 - s) as f64 / (s + 1) as f64;
        }
    }
    Ok(out)
}

/// Exact LMG shares, one per driver; they sum to R².
pub fn lmg(c: &Correlations) -> Result<Vec<f64>, ImportanceError> {
    lmg_threads(c, 1)
}

/// [`lmg`] on up to `threads` threads; the result does not depend on `threads`.
pub fn lmg_threads(c: &Correlations, threads: usize) -> Result<Vec<f64>, ImportanceError> {
    let p = c.p;
    let cond = conditional_threads(c, threads)?;
    Ok((0..p)
        .map(|j| cond[j * p..(j + 1) * p].iter().sum::<f64>() / p as f64)
        .collect())
}

/// LMG estimated from random orders of the drivers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sampling {
    /// Orders sampled.
    pub permutations: usize,
    /// Orders asked for; more than `permutations` when the work budget capped them.
    pub requested: usize,
    pub seed: u64,
    /// The estimated shares; they sum to R² exactly (every order's increments do).
    pub lmg: Vec<f64>,
    /// Monte Carlo standard error of each share.
    pub se: Vec<f64>,
}

/// Floating-point operations the sampled estimate may spend (a few seconds):
/// each order costs one elimination, about (p + 1)³ / 3, so 20,000 orders of 200
/// drivers (37 s) are cut to what the budget allows and the output says so.
pub const SAMPLED_WORK_BUDGET: f64 = 4e9;

/// Orders sampled for `p` drivers when `requested` are asked for: at most what
/// [`SAMPLED_WORK_BUDGET`] pays for, at least 2 (a standard error needs two).
pub fn orders_within_budget(p: usize, requested: usize) -> usize {
    let per_order = ((p + 1) as f64).powi(3) / 3.0 + ((p + 1) as f64).powi(2);
    let affordable = (SAMPLED_WORK_BUDGET / per_order).floor();
    let affordable = if affordable >= requested as f64 {
        requested
    } else {
        // Below `requested`, so it fits in usize.
        affordable as usize
    };
    affordable.max(2)
}

/// LMG by averaging each driver's R² increment over `permutations` uniformly random
/// orders (Fisher–Yates with the seeded generator), capped by the work budget
/// ([`orders_within_budget`]); deterministic per seed.
pub fn lmg_sampled(
    c: &Correlations,
    permutations: usize,
    seed: u64,
) -> Result<Sampling, ImportanceError> {
    c.factor()?;
    let p = c.p;
    let m = p + 1;
    let mut rng = Rng::new(seed, 0x004c_4d47);
    let mut sum = vec![0.0; p];
    let mut sum2 = vec![0.0; p];
    let mut order: Vec<usize> = (0..p).collect();
    let mut a = vec![0.0; m * m];
    let n = orders_within_budget(p, permutations.max(2));
    for _ in 0..n {
        for i in (1..p).rev() {
            let k = below(&mut rng, i as u64 + 1) as usize;
            order.swap(i, k);
        }
        let var = |i: usize| if i < p { order[i] } else { p };
        for i in 0..m {
            for j in 0..m {
                a[i * m + j] = match (var(i), var(j)) {
                    (x, y) if x < p && y < p => c.rxx[x * p + y],
                    (x, _) if x < p => c.rxy[x],
                    (_, y) if y < p => c.rxy[y],
                    _ => 1.0,
                };
            }
        }
        let mut before = 0.0;
        for d in 0..p {
            let pivot = a[d * m + d];
            for i in d + 1..m {
                let f = a[i * m + d] / pivot;
                for j in d + 1..m {
                    a[i * m + j] -= f * a[d * m + j];
                }
            }
            let after = 1.0 - a[p * m + p];
            let gain = after - before;
            sum[order[d]] += gain;
            sum2[order[d]] += gain * gain;
            before = after;
        }
    }
    let nf = n as f64;
    let lmg: Vec<f64> = sum.iter().map(|s| s / nf).collect();
    let se = sum2
        .iter()
        .zip(&lmg)
        .map(|(s2, mean)| ((s2 / nf - mean * mean).max(0.0) * nf / (nf - 1.0) / nf).sqrt())
        .collect();
    Ok(Sampling {
        permutations: n,
        requested: permutations.max(2),
        seed,
        lmg,
        se,
    })
}

/// Uniform integer in `0..n` (Lemire's multiply-shift with rejection), `n ≥ 1`.
pub(crate) fn below(rng: &mut Rng, n: u64) -> u64 {
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Correlations {
        Correlations {
            p: 4,
            rxx: vec![
                1.0, 0.3, 0.2, 0.1, //
                0.3, 1.0, 0.4, 0.2, //
                0.2, 0.4, 1.0, 0.3, //
                0.1, 0.2, 0.3, 1.0,
            ],
            rxy: vec![0.5, 0.4, 0.3, 0.35],
        }
    }

    #[test]
    fn shares_sum_to_r2_and_match_orders_averaged_by_brute_force() {
        let c = example();
        let shares = lmg(&c).expect("ok");
        let r2 = c.r2().expect("ok");
        assert!((shares.iter().sum::<f64>() - r2).abs() < 1e-14);
        let sampled = lmg_sampled(&c, 20_000, 3).expect("ok");
        assert_eq!(
            sampled.permutations, sampled.requested,
            "small p is not capped"
        );
        for ((s, e), se) in sampled.lmg.iter().zip(&shares).zip(&sampled.se) {
            assert!((s - e).abs() < 5.0 * se + 1e-12, "{s} vs {e} ± {se}");
        }
        assert!((sampled.lmg.iter().sum::<f64>() - r2).abs() < 1e-12);
    }

    #[test]
    fn uncorrelated_drivers_get_their_squared_correlation() {
        let c = Correlations {
            p: 3,
            rxx: vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
            rxy: vec![0.5, -0.3, 0.1],
        };
        let shares = lmg(&c).expect("ok");
        for (s, r) in shares.iter().zip(&c.rxy) {
            assert!((s - r * r).abs() < 1e-15);
        }
    }

    /// Issue 17 item 12: 200 drivers × 20,000 orders took 37 s; the orders are
    /// cut to the work budget, and the result says how many were used.
    #[test]
    fn sampled_orders_respect_the_work_budget() {
        assert_eq!(orders_within_budget(30, 20_000), 20_000);
        let capped = orders_within_budget(200, 20_000);
        assert!((100..20_000).contains(&capped), "{capped}");
        let cost = |p: usize, n: usize| n as f64 * ((p + 1) as f64).powi(3) / 3.0;
        assert!(cost(200, capped) <= SAMPLED_WORK_BUDGET);
        assert!(cost(499, orders_within_budget(499, 20_000)) <= SAMPLED_WORK_BUDGET);
        assert_eq!(orders_within_budget(5_000, 20_000), 2);
    }
}
