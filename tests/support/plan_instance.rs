//! The random 60-candidate planning instances of the plan benchmark, shared with the
//! test against HiGHS (`fixtures/reference/plan60_highs.py` rebuilds them in Python
//! from the same xorshift stream).

use sattrace::plan::{Candidate, Problem};

/// A deterministic pseudo-random stream (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random instance: 60 candidates on 20 drivers (three each), whole costs 1–10,
/// 10 % of actions too slow for each target, targets at `fraction` of what every
/// action together reaches.
pub fn instance(seed: u64, fraction: f64) -> Problem {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let groups = 20;
    let candidates: Vec<Candidate> = (0..60)
        .map(|i| Candidate {
            cost: (1.0 + 9.0 * rng.next()).round(),
            group: i % groups,
            also: Vec::new(),
            delta: 2.0 + 10.0 * rng.next(),
            in_time: (0..3).map(|_| rng.next() < 0.9).collect(),
        })
        .collect();
    let effects: Vec<Vec<f64>> = (0..groups)
        .map(|_| (0..3).map(|_| 0.3 * rng.next()).collect())
        .collect();
    let caps: Vec<f64> = (0..groups).map(|_| 10.0 + 20.0 * rng.next()).collect();
    let mut problem = Problem {
        candidates,
        caps,
        effects,
        need: vec![0.0; 3],
        budget: None,
    };
    let all: Vec<usize> = (0..60).collect();
    let reachable = problem.gain(&all);
    problem.need = reachable.iter().map(|g| fraction * g).collect();
    problem
}
