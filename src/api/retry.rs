//! The retry policy as plain data: which failures are retried, how often, and how long to wait.
//! Pure functions, so it is tested without sleeping. A call that changes something (start, stop,
//! a PUT: see [`crate::api::Ep::idempotent`]) is sent again only when nothing reached the server;
//! whether to try such a command again is its caller's decision.

use std::time::Duration;

/// What happened to one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// An HTTP answer with this status and, if sent, `Retry-After`.
    Status(u16, Option<Duration>),
    /// No answer within the timeout.
    Timeout,
    /// No connection could be made: the request never reached the server.
    Connect,
    /// The connection broke, perhaps after the request was sent.
    Network,
}

impl std::fmt::Display for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(s, _) => write!(f, "HTTP {s}"),
            Self::Timeout => f.write_str("timeout"),
            Self::Connect => f.write_str("connection failed"),
            Self::Network => f.write_str("connection broken"),
        }
    }
}

/// How failed requests are retried: 5xx, 429, timeouts and connection failures, with jittered
/// exponential backoff, at most `max_attempts` tries, honouring `Retry-After` (up to
/// `max_retry_after`). Other 4xx answers are never retried, and a request that is not
/// idempotent only when no connection could be made (see [`RetryPolicy::retryable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// Backoff before the second try; doubled each time.
    pub base: Duration,
    /// Longest backoff.
    pub cap: Duration,
    /// Longest `Retry-After` honoured; a longer one is cut to this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Whether this outcome is worth another try at all, for a request that is `idempotent`
    /// (sending it twice is harmless) or not (a start, a stop, a PUT: the server may have acted
    /// on the first one, so only a request that never left is sent again).
    pub fn retryable(outcome: Attempt, idempotent: bool) -> bool {
        match outcome {
            Attempt::Connect => true,
            Attempt::Status(s, _) => idempotent && (s == 429 || (500..600).contains(&s)),
            Attempt::Timeout | Attempt::Network => idempotent,
        }
    }

    /// How long to wait before the next try after attempt number `attempt` (1-based) of a
    /// request (`idempotent` or not, see [`Self::retryable`]) ended in `outcome`, or `None` to
    /// give up. `jitter` in `[0, 1)` spreads the wait over the upper
    /// half of the backoff ("equal jitter", as named in Marc Brooker's "Exponential Backoff And
    /// Jitter", AWS Architecture Blog, 2015), so clients that failed together do not retry
    /// together.
    pub fn next_delay(
        &self,
        attempt: u32,
        outcome: Attempt,
        idempotent: bool,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !Self::retryable(outcome, idempotent) {
            return None;
        }
        if let Attempt::Status(_, Some(after)) = outcome {
            return Some(after.min(self.max_retry_after));
        }
        let exp = self
            .base
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.cap);
        let half = exp / 2;
        Some(half + half.mul_f64(jitter.clamp(0.0, 1.0)))
    }
}

/// Parses `Retry-After` in its delay-seconds form (RFC 9110 §10.2.3; the HTTP-date form is
/// ignored: backoff applies).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A jitter value in `[0, 1)` from the clock's nanoseconds; not for anything secret.
pub fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(500),
        cap: Duration::from_secs(8),
        max_retry_after: Duration::from_secs(60),
    };

    #[test]
    fn server_errors_timeouts_and_429_are_retried_twice_then_given_up() {
        for outcome in [
            Attempt::Status(503, None),
            Attempt::Status(429, None),
            Attempt::Timeout,
            Attempt::Connect,
            Attempt::Network,
        ] {
            assert!(P.next_delay(1, outcome, true, 0.0).is_some(), "{outcome:?}");
            assert!(P.next_delay(2, outcome, true, 0.0).is_some(), "{outcome:?}");
            assert_eq!(P.next_delay(3, outcome, true, 0.0), None, "{outcome:?}");
        }
    }

    #[test]
    fn a_command_is_sent_again_only_when_it_never_left() {
        for outcome in [
            Attempt::Status(500, None),
            Attempt::Status(503, None),
            Attempt::Status(429, Some(Duration::ZERO)),
            Attempt::Timeout,
            Attempt::Network,
        ] {
            assert!(!RetryPolicy::retryable(outcome, false), "{outcome:?}");
            assert_eq!(P.next_delay(1, outcome, false, 0.0), None, "{outcome:?}");
        }
        assert!(RetryPolicy::retryable(Attempt::Connect, false));
    }

    #[test]
    fn client_errors_are_never_retried() {
        for s in [400, 401, 403, 404, 409, 422] {
            let outcome = Attempt::Status(s, None);
            assert_eq!(P.next_delay(1, outcome, true, 0.5), None, "{s}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_in_the_upper_half_and_is_capped() {
        let d = |a, j| P.next_delay(a, Attempt::Timeout, true, j).unwrap();
        assert_eq!(d(1, 0.0), Duration::from_millis(250));
        assert!(
            d(1, 0.999_999) < Duration::from_millis(500)
                && d(1, 0.999_999) > Duration::from_millis(499)
        );
        assert_eq!(d(2, 0.0), Duration::from_millis(500));
        let long = RetryPolicy {
            max_attempts: 10,
            ..P
        };
        assert_eq!(
            long.next_delay(9, Attempt::Timeout, true, 0.0),
            Some(Duration::from_secs(4))
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_bound() {
        let after = |s| Attempt::Status(429, Some(Duration::from_secs(s)));
        assert_eq!(
            P.next_delay(1, after(7), true, 0.3),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            P.next_delay(1, after(3600), true, 0.3),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after(" 12 "), Some(Duration::from_secs(12)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
