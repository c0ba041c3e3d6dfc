//! A power curve to classify: `(seconds since its start, kW)` points, what kind of curve they
//! are, and the local date the car charged on. The one place where a session file's samples
//! and a session's `update_data` become points.

use chrono::{DateTime, NaiveDate, Utc};

use super::features::{self, FeatureError, Features, Source};
use crate::clock::Clock;
use crate::store::records::SessionFile;

/// A curve ready for [`super::Identifier::identify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    points: Vec<(f64, f64)>,
    source: Source,
    date: Option<NaiveDate>,
    amperage_limit: Option<u32>,
}

impl Curve {
    /// A curve of `(seconds since the first point, kW)` points of kind `source`, charged on the
    /// local `date` (`None`: every vehicle of the household is a candidate, whatever its valid
    /// periods).
    pub fn new(points: Vec<(f64, f64)>, source: Source, date: Option<NaiveDate>) -> Self {
        Self {
            points,
            source,
            date,
            amperage_limit: None,
        }
    }

    /// The same curve, charged under an amperage limit of `amps` amperes (`None`: not known).
    /// A limit that holds cars down to the same power makes the classifier answer `unknown`
    /// (see [`super::limit`]).
    #[must_use]
    pub fn with_amperage_limit(mut self, amps: Option<u32>) -> Self {
        self.amperage_limit = amps;
        self
    }

    /// The 10 s samples of a session file, in seconds since its `collection_start` (a sample
    /// before it counts as 0 s); failed readings are left out. Dated by the local date of
    /// `collection_start`, with the file's `amperage_limit_amps`.
    pub fn from_session(session: &SessionFile, clock: &Clock) -> Self {
        let t0 = session.collection_start.to_utc();
        let points = session
            .samples
            .iter()
            .filter_map(|x| {
                let p = x.power_kw?.0;
                Some((seconds_since(t0, x.timestamp.to_utc()), p))
            })
            .collect();
        Self::new(points, Source::Samples, Some(clock.local_date(t0))).with_amperage_limit(
            session
                .amperage_limit_amps
                .and_then(|a| u32::try_from(a).ok()),
        )
    }

    /// A session's server-side `update_data`, as `(time, kW)` points, in seconds since the
    /// session's `start` (or, without one, its first point; a point before it counts as 0 s).
    /// Dated by the local date of that start; undated when there is neither.
    pub fn from_update_data(
        start: Option<DateTime<Utc>>,
        points: &[(DateTime<Utc>, f64)],
        clock: &Clock,
    ) -> Self {
        let t0 = start.or(points.first().map(|(t, _)| *t));
        let points = points
            .iter()
            .map(|&(t, kw)| (t0.map_or(0.0, |t0| seconds_since(t0, t)), kw))
            .collect();
        Self::new(points, Source::UpdateData, t0.map(|t| clock.local_date(t)))
    }

    /// The `(seconds, kW)` points.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// What kind of curve it is.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The amperage limit in force while it charged, amperes, when known.
    pub fn amperage_limit(&self) -> Option<u32> {
        self.amperage_limit
    }

    /// The local date the car charged on, when known.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// The curve's features (see [`features::extract`]).
    ///
    /// # Errors
    ///
    /// A [`FeatureError`] when the curve cannot be described: bad values, or too few steady
    /// points (an idle charger, a full car).
    pub fn features(&self) -> Result<Features, FeatureError> {
        features::extract(&self.points, self.source)
    }
}

/// Seconds from `t0` to `t`, millisecond resolution, never negative.
fn seconds_since(t0: DateTime<Utc>, t: DateTime<Utc>) -> f64 {
    ((t - t0).num_milliseconds() as f64 / 1000.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn clock() -> Clock {
        Clock::fixed(chrono_tz::America::Los_Angeles, at("2026-01-10T00:00:00Z"))
    }

    #[test]
    fn update_data_counts_from_the_start_or_the_first_point() {
        let pts = [
            (at("2026-01-09T07:39:29Z"), 0.16),
            (at("2026-01-09T07:39:44.500Z"), 9.18),
        ];
        let from_first = Curve::from_update_data(None, &pts, &clock());
        assert_eq!(from_first.points(), [(0.0, 0.16), (15.5, 9.18)]);
        assert_eq!(from_first.source(), Source::UpdateData);
        // local date: the evening before in Los Angeles
        assert_eq!(from_first.date().unwrap().to_string(), "2026-01-08");
        let late_start = Curve::from_update_data(Some(at("2026-01-09T07:39:40Z")), &pts, &clock());
        assert_eq!(late_start.points(), [(0.0, 0.16), (4.5, 9.18)]);
        let empty = Curve::from_update_data(None, &[], &clock());
        assert_eq!((empty.points().len(), empty.date()), (0, None));
    }
}
