//! A small deterministic random source for the demo generator.
//!
//! Only `ChaCha8Rng::next_u64` is used (its stream is fixed by the algorithm); every
//! distribution is computed here, so a dependency upgrade cannot change the demo data.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Seeded random numbers with the few distributions the generator needs.
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator for `seed`; the same seed gives the same sequence.
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // 53 random bits -> the full precision of an f64 mantissa.
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1) as f64;
        lo + ((self.unit() * span) as i64).min(hi - lo)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Normal with the given mean and standard deviation (Box-Muller).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1], so ln is finite
        let u2 = self.unit();
        mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_sane_moments() {
        let a: Vec<f64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.unit()).collect()
        };
        let b: Vec<f64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.unit()).collect()
        };
        assert_eq!(a, b);
        let mut r = Rng::new(1);
        let xs: Vec<f64> = (0..20_000).map(|_| r.normal(9.0, 0.5)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!((mean - 9.0).abs() < 0.02, "{mean}");
        assert!((sd - 0.5).abs() < 0.02, "{sd}");
        assert!((0..1000).all(|_| (3..=5).contains(&r.int(3, 5))));
    }
}
