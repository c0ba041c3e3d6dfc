//! The random instants of the kill tests (`kill`, `archive_kill`): xorshift64*, replayable
//! from its seed (each test prints its seed), without a crate for a dozen lines.

use std::time::Duration;

/// xorshift64*: enough randomness for kill instants, replayable from its seed.
pub struct Rng(pub u64);

impl Rng {
    /// A duration in `0..max`.
    pub fn below(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        max.mul_f64(r as f64 / (1u64 << 53) as f64)
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self
            .below(Duration::from_secs(items.len() as u64))
            .as_secs() as usize;
        &items[i.min(items.len() - 1)]
    }
}
