//! The simulator's clock: a fixed start, real time scaled by a speed factor, plus manual
//! advances (`POST /_sim/advance`).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

/// Sim time = `start` + real elapsed x `speed` + everything advanced by hand.
#[derive(Debug, Clone)]
pub(crate) struct SimClock {
    start: DateTime<Utc>,
    origin: Instant,
    speed: f64,
    advanced_ms: i64,
}

impl SimClock {
    /// A clock reading `start` now and running `speed` times faster than real time (0 = frozen).
    pub(crate) fn new(start: DateTime<Utc>, speed: f64) -> Self {
        Self {
            start,
            origin: Instant::now(),
            speed,
            advanced_ms: 0,
        }
    }

    /// The current sim instant (millisecond resolution).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let real_ms = self.origin.elapsed().as_secs_f64() * self.speed * 1000.0;
        // float-to-int casts saturate; a clock run past chrono's range stops at its end
        let offset = Duration::milliseconds((real_ms as i64).saturating_add(self.advanced_ms));
        self.start
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Moves the clock forward by `seconds` (not negative: sim time never runs backwards).
    pub(crate) fn advance(&mut self, seconds: f64) {
        self.advanced_ms = self
            .advanced_ms
            .saturating_add((seconds.max(0.0) * 1000.0).round() as i64);
    }

    /// The speed factor.
    pub(crate) fn speed(&self) -> f64 {
        self.speed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_frozen_clock_moves_only_when_advanced() {
        let start = Utc.with_ymd_and_hms(2026, 1, 9, 8, 0, 0).unwrap();
        let mut c = SimClock::new(start, 0.0);
        assert_eq!(c.now(), start);
        c.advance(90.5);
        assert_eq!(c.now(), start + Duration::milliseconds(90_500));
        c.advance(-10.0);
        assert_eq!(c.now(), start + Duration::milliseconds(90_500));
    }
}
