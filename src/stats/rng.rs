//! A small deterministic random number generator: xoshiro256** seeded through
//! SplitMix64, with Marsaglia polar normals.
//!
//! Everything here uses only integer operations, IEEE +, −, ×, ÷ and `sqrt` (all
//! correctly rounded), plus a hand-written logarithm, so the same seed gives the same
//! bits on every platform: no dependence on the C library's `ln`, `cos` or `exp`.

/// SplitMix64 step (Steele, Lea & Flood 2014), used for seeding.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** (Blackman & Vigna 2018).
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
    spare: Option<f64>,
}

impl Rng {
    /// A generator for stream `stream` of run `seed`: each respondent gets its own
    /// stream, so rows can be generated in any order or in parallel with the same result.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut state = seed ^ splitmix64(&mut stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let s = [
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
        ];
        Self { s, spare: None }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1) with 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Marsaglia polar method; the second value of each pair is kept
    /// for the next call).
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * ln(s) / s).sqrt();
                self.spare = Some(v * factor);
                return u * factor;
            }
        }
    }
}

/// Natural logarithm of a positive finite `x` from basic IEEE operations only:
/// `x = m·2^e` with `m ∈ [√½, √2)`, `ln m = 2·atanh((m − 1)/(m + 1))` by a fixed-length
/// series (error below 1e-16 relative). Returns NaN outside the domain.
pub(crate) fn ln(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    if !(x.is_finite() && x > 0.0) {
        return f64::NAN;
    }
    let mut bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64;
    let mut shift = 0i64;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        bits = (x * (1u64 << 54) as f64).to_bits();
        exponent = ((bits >> 52) & 0x7ff) as i64;
        shift = -54;
    }
    let mut e = exponent - 1023 + shift;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let u = (m - 1.0) / (m + 1.0);
    let u2 = u * u;
    // Σ u^(2k+1)/(2k+1), k = 0..=13: |u| ≤ 0.1716, so the next term is below 1e-22.
    let mut sum = 0.0;
    let mut k = 13.0;
    while k >= 0.0 {
        sum = sum * u2 + 1.0 / (2.0 * k + 1.0);
        k -= 1.0;
    }
    e as f64 * LN2 + 2.0 * u * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_ln_matches_std() {
        for x in [
            1e-300, 1e-5, 0.3, 0.5, 0.999_999, 1.0, 1.5, 2.0, 10.0, 1e10, 5e-324,
        ] {
            let got = ln(x);
            let want = x.ln();
            assert!(
                (got - want).abs() <= 4.0 * f64::EPSILON * want.abs().max(1.0),
                "{x}: {got} {want}"
            );
        }
        assert!(ln(0.0).is_nan() && ln(-1.0).is_nan());
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(7, 1).next_u64(), Rng::new(7, 2).next_u64());
        assert_ne!(Rng::new(7, 1).next_u64(), Rng::new(8, 1).next_u64());
    }

    #[test]
    fn normals_have_unit_moments() {
        let mut rng = Rng::new(42, 0);
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = rng.normal();
            s += z;
            s2 += z * z;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }
}
