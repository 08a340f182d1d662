//! Sums of R² over all subsets of drivers, by subset size and by member driver — all
//! that LMG and conditional dominance need — without visiting subsets one by one.
//!
//! The walk is the one of [`super::subsets`]: a depth-first tree that decides driver
//! 0, then 1, …, holding at depth `d` the partial correlation matrix (Schur
//! complement) of the undecided drivers and the outcome; excluding a driver drops its
//! row, including it is one sweep on a matrix that shrinks with depth. Here each
//! subtree returns the sums of its leaves' R² by subset size (a vector as long as the
//! subtree is deep), and a node adds its "include driver d" child's vector into
//! `with[d]`: every subset containing `d` lies in exactly one such child. Work per node
//! is proportional to the depth left, so the total is `2^p · O(1)` flops
//! (`Σ_e 2^(p−e) e² ≈ 6 · 2^p` for the sweeps), against `p/2` additions per subset for
//! accumulating each subset into each of its members. The last two levels are done in
//! closed form (a 2 × 2 matrix: `R² = 1 − c` without the driver, `1 − (c − b²/a)`
//! with it), which removes half the recursion.
//!
//! The top [`CHUNK_BITS`] levels are split into fixed chunks (subtrees) whose sums are
//! added in chunk order, so the result is bit-identical for any number of threads.

use super::subsets::step;
use super::{Correlations, ImportanceError};

/// Drivers decided before the tree is split into `2^CHUNK_BITS` independent chunks.
const CHUNK_BITS: usize = 4;
/// Below this many drivers one thread does everything (the work is microseconds).
const PARALLEL_FROM: usize = 16;

/// `total[s] = Σ_{|S|=s} R²(S)` (length `p + 1`) and
/// `with[j·(p+1) + s] = Σ_{|S|=s, S∋j} R²(S)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SizeSums {
    pub total: Vec<f64>,
    pub with: Vec<f64>,
}

impl SizeSums {
    fn zeros(p: usize) -> Self {
        Self {
            total: vec![0.0; p + 1],
            with: vec![0.0; p * (p + 1)],
        }
    }

    fn add(&mut self, other: &SizeSums) {
        for (a, b) in self.total.iter_mut().zip(&other.total) {
            *a += b;
        }
        for (a, b) in self.with.iter_mut().zip(&other.with) {
            *a += b;
        }
    }
}

/// The size sums of every subset of the drivers of `c`, on up to `threads` threads
/// (the result does not depend on `threads`). `p` must be below 64.
pub(crate) fn size_sums(c: &Correlations, threads: usize) -> Result<SizeSums, ImportanceError> {
    c.factor()?;
    let p = c.p;
    if p >= 64 {
        return Err(ImportanceError::TooManyDrivers { p, max: 63 });
    }
    let bits = CHUNK_BITS.min(p);
    let chunks = 1usize << bits;
    let threads = if p < PARALLEL_FROM {
        1
    } else {
        threads.clamp(1, chunks)
    };
    let mut parts: Vec<Option<SizeSums>> = vec![None; chunks];
    if threads == 1 {
        let mut walker = Walker::new(c);
        for (chunk, slot) in parts.iter_mut().enumerate() {
            *slot = Some(walker.chunk(chunk as u64, bits));
        }
    } else {
        // Chunk i goes to thread i mod threads; each chunk's sums are exact functions
        // of the chunk, so the assignment does not affect the result.
        let mut by_thread: Vec<Vec<(usize, &mut Option<SizeSums>)>> =
            (0..threads).map(|_| Vec::new()).collect();
        for (i, slot) in parts.iter_mut().enumerate() {
            by_thread[i % threads].push((i, slot));
        }
        std::thread::scope(|scope| {
            for work in by_thread {
                scope.spawn(move || {
                    let mut walker = Walker::new(c);
                    for (chunk, slot) in work {
                        *slot = Some(walker.chunk(chunk as u64, bits));
                    }
                });
            }
        });
    }
    let mut out = SizeSums::zeros(p);
    for part in parts.iter().flatten() {
        out.add(part);
    }
    Ok(out)
}

/// One thread's buffers: the Schur complement per depth, the size sums per depth.
struct Walker {
    p: usize,
    /// `levels[d]`: `(p − d + 1)²`, variables `d..p` then the outcome.
    levels: Vec<Vec<f64>>,
    /// `acc[d][s]`: the current depth-`d` subtree's sum of R² over subsets of size `s`.
    acc: Vec<Vec<f64>>,
    sums: SizeSums,
}

impl Walker {
    fn new(c: &Correlations) -> Self {
        let p = c.p;
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
        Self {
            p,
            levels,
            acc: vec![vec![0.0; p + 1]; p + 1],
            sums: SizeSums::zeros(p),
        }
    }

    /// The sums over the subtree whose first `bits` drivers are decided by `prefix`.
    fn chunk(&mut self, prefix: u64, bits: usize) -> SizeSums {
        let p = self.p;
        self.sums = SizeSums::zeros(p);
        let mut size = 0;
        for d in 0..bits {
            let include = prefix >> d & 1 == 1;
            step(&mut self.levels, p, d, include);
            size += usize::from(include);
        }
        self.walk(bits, size);
        // Every subset of this chunk contains the prefix's drivers.
        let (acc, sums) = (&self.acc[bits], &mut self.sums);
        let members: Vec<usize> = (0..bits).filter(|d| prefix >> d & 1 == 1).collect();
        for (s, &v) in acc.iter().enumerate().take(size + p - bits + 1).skip(size) {
            sums.total[s] += v;
            for &d in &members {
                sums.with[d * (p + 1) + s] += v;
            }
        }
        std::mem::replace(&mut self.sums, SizeSums::zeros(0))
    }

    /// Fill `acc[d][k..=k + p − d]` for the subtree at depth `d` with `k` drivers in.
    fn walk(&mut self, d: usize, k: usize) {
        let p = self.p;
        if d == p {
            let ryy = self.levels[p].first().copied().unwrap_or(1.0);
            self.acc[p][k] = (1.0 - ryy).max(0.0);
            return;
        }
        if d + 1 == p {
            // Last driver and the outcome: [[a, b], [b, c]].
            let m = &self.levels[d];
            let (a, b, cy) = (m[0], m[1], m[3]);
            let without = (1.0 - cy).max(0.0);
            let with = (1.0 - (cy - b * b / a)).max(0.0);
            self.acc[d][k] = without;
            self.acc[d][k + 1] = with;
            self.sums.with[d * (p + 1) + k + 1] += with;
            return;
        }
        let span = p - d; // the child's sizes run over k..=k+span-1 (+1 if included)
        self.acc[d][k..=k + span].fill(0.0);
        for include in [false, true] {
            step(&mut self.levels, p, d, include);
            let kk = k + usize::from(include);
            self.walk(d + 1, kk);
            let (upper, lower) = self.acc.split_at_mut(d + 1);
            let (here, child) = (&mut upper[d], &lower[0]);
            for s in kk..kk + span {
                here[s] += child[s];
            }
            if include {
                let with = &mut self.sums.with[d * (p + 1)..(d + 1) * (p + 1)];
                for s in kk..kk + span {
                    with[s] += child[s];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importance::subsets::for_each_subset;
    use crate::stats::rng::Rng;

    /// A random correlation matrix of `p` drivers and an outcome (from random data).
    fn random(p: usize, seed: u64) -> Correlations {
        let mut rng = Rng::new(seed, 0);
        let n = 4 * p + 20;
        let k = p + 1;
        let rows: Vec<Vec<f64>> = (0..n)
            .map(|_| {
                let common = rng.normal();
                let mut r: Vec<f64> = (0..p).map(|_| 0.6 * common + rng.normal()).collect();
                let y = r
                    .iter()
                    .enumerate()
                    .map(|(j, x)| x / (j + 1) as f64)
                    .sum::<f64>()
                    + rng.normal();
                r.push(y);
                r
            })
            .collect();
        let mean: Vec<f64> = (0..k)
            .map(|a| rows.iter().map(|r| r[a]).sum::<f64>() / n as f64)
            .collect();
        let cov = |a: usize, b: usize| {
            rows.iter()
                .map(|r| (r[a] - mean[a]) * (r[b] - mean[b]))
                .sum::<f64>()
        };
        let idx: Vec<usize> = (0..p).collect();
        Correlations::from_covariance(cov, p, &idx).expect("random data is full rank")
    }

    /// The same sums, subset by subset.
    fn brute(c: &Correlations) -> SizeSums {
        let p = c.p;
        let mut s = SizeSums::zeros(p);
        for_each_subset(c, |mask, size, r2| {
            s.total[size] += r2;
            for j in (0..p).filter(|j| mask >> j & 1 == 1) {
                s.with[j * (p + 1) + size] += r2;
            }
        })
        .expect("ok");
        s
    }

    #[test]
    fn matches_subset_by_subset_accumulation_for_every_size_of_model() {
        for p in 1..=18 {
            let c = random(p, p as u64);
            let fast = size_sums(&c, 1).expect("ok");
            let slow = brute(&c);
            for (a, b) in fast
                .total
                .iter()
                .chain(&fast.with)
                .zip(slow.total.iter().chain(&slow.with))
            {
                assert!(
                    (a - b).abs() < 1e-9 * b.abs().max(1.0),
                    "p = {p}: {a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn identical_for_any_thread_count() {
        let c = random(17, 5);
        let one = size_sums(&c, 1).expect("ok");
        assert_eq!(one, size_sums(&c, 2).expect("ok"));
        assert_eq!(one, size_sums(&c, 7).expect("ok"));
        assert_eq!(one, size_sums(&c, 64).expect("ok"));
    }
}
