//! The charger's own charging schedule: a local-time window for weekdays and one for weekends.
//! A plugged-in car charges inside the window; the window's end stops a running session.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use crate::clock::local_to_utc;

/// One daily window in local wall-clock time; `end <= start` means it ends the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// Local start time.
    pub(crate) start: NaiveTime,
    /// Local end time.
    pub(crate) end: NaiveTime,
}

impl Window {
    /// Parses `"HH:MM"` start and end times; the error names the bad value.
    pub(crate) fn parse(start: &str, end: &str) -> Result<Self, String> {
        let time = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| format!("time {s:?} is not HH:MM (00:00 to 23:59)"))
        };
        Ok(Self {
            start: time(start)?,
            end: time(end)?,
        })
    }

    /// `"HH:MM"` of the start.
    pub(crate) fn start_text(&self) -> String {
        self.start.format("%H:%M").to_string()
    }

    /// `"HH:MM"` of the end.
    pub(crate) fn end_text(&self) -> String {
        self.end.format("%H:%M").to_string()
    }
}

/// What happens at a window edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Edge {
    /// The window closes (sorted first: a close and an open at the same instant stop, then start).
    Close,
    /// The window opens.
    Open,
}

/// The user schedule of the charger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// Monday to Friday.
    pub(crate) weekdays: Window,
    /// Saturday and Sunday.
    pub(crate) weekends: Window,
}

impl Schedule {
    /// The household's schedule: 00:00 to 06:00 every day.
    pub(crate) fn overnight() -> Self {
        let w = Window {
            start: NaiveTime::MIN,
            end: NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN),
        };
        Self {
            weekdays: w,
            weekends: w,
        }
    }

    fn window_for(&self, date: NaiveDate) -> Window {
        match date.weekday() {
            Weekday::Sat | Weekday::Sun => self.weekends,
            _ => self.weekdays,
        }
    }

    /// The opening and closing instants of the window that opens on local `date`, if any.
    fn interval(&self, tz: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let w = self.window_for(date);
        if w.start == w.end {
            return None;
        }
        let end_date = if w.end > w.start {
            date
        } else {
            date.succ_opt()?
        };
        Some((
            local_to_utc(tz, date.and_time(w.start)),
            local_to_utc(tz, end_date.and_time(w.end)),
        ))
    }

    /// Whether instant `t` is inside a window.
    pub(crate) fn contains(&self, tz: Tz, t: DateTime<Utc>) -> bool {
        let today = t.with_timezone(&tz).date_naive();
        [today.pred_opt(), Some(today)]
            .into_iter()
            .flatten()
            .filter_map(|d| self.interval(tz, d))
            .any(|(open, close)| open <= t && t < close)
    }

    /// Every window edge in `(after, upto]`, in time order.
    pub(crate) fn edges(
        &self,
        tz: Tz,
        after: DateTime<Utc>,
        upto: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, Edge)> {
        let mut out = Vec::new();
        if upto <= after {
            return out;
        }
        let first = after.with_timezone(&tz).date_naive().pred_opt();
        let last = upto.with_timezone(&tz).date_naive();
        let mut day = first;
        while let Some(d) = day.filter(|d| *d <= last) {
            if let Some((open, close)) = self.interval(tz, d) {
                for (t, edge) in [(open, Edge::Open), (close, Edge::Close)] {
                    if after < t && t <= upto {
                        out.push((t, edge));
                    }
                }
            }
            day = d.succ_opt();
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LA: Tz = chrono_tz::America::Los_Angeles;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn overnight_window_follows_local_time_across_dst() {
        let s = Schedule::overnight();
        // 00:00-06:00 PST = 08:00-14:00 UTC in January, 07:00-13:00 UTC in July.
        assert!(s.contains(LA, utc("2026-01-09T08:00:00Z")));
        assert!(s.contains(LA, utc("2026-01-09T13:59:59Z")));
        assert!(!s.contains(LA, utc("2026-01-09T14:00:00Z")));
        assert!(s.contains(LA, utc("2026-07-09T07:00:00Z")));
        assert!(!s.contains(LA, utc("2026-07-09T13:00:00Z")));
        let edges = s.edges(LA, utc("2026-01-08T12:00:00Z"), utc("2026-01-10T00:00:00Z"));
        assert_eq!(
            edges,
            vec![
                (utc("2026-01-08T14:00:00Z"), Edge::Close),
                (utc("2026-01-09T08:00:00Z"), Edge::Open),
                (utc("2026-01-09T14:00:00Z"), Edge::Close),
            ]
        );
    }

    #[test]
    fn a_window_across_midnight_ends_the_next_day() {
        let w = Window::parse("23:00", "07:00").unwrap();
        let s = Schedule {
            weekdays: w,
            weekends: w,
        };
        assert!(s.contains(LA, utc("2026-01-09T07:30:00Z"))); // 23:30 PST
        assert!(s.contains(LA, utc("2026-01-09T14:30:00Z"))); // 06:30 PST
        assert!(!s.contains(LA, utc("2026-01-09T15:30:00Z"))); // 07:30 PST
        assert!(
            Window::parse("24:00", "06:00")
                .unwrap_err()
                .contains("24:00")
        );
    }

    #[test]
    fn the_spring_forward_gap_moves_a_time_an_hour_later() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let t = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        assert_eq!(local_to_utc(LA, d.and_time(t)), utc("2026-03-08T10:30:00Z")); // 03:30 PDT
    }

    #[test]
    fn a_window_opening_in_a_gap_opens_when_the_clocks_resume_after_it() {
        // Lord Howe Island's clocks skip 02:00-02:30 on 2026-10-04: a 02:15 start is read in
        // the old +10:30, i.e. at 02:45 +11:00 (it used to be an hour later, 03:15).
        let tz = chrono_tz::Australia::Lord_Howe;
        let s = Schedule {
            weekdays: Window::parse("02:15", "06:00").unwrap(),
            weekends: Window::parse("02:15", "06:00").unwrap(),
        };
        let edges = s.edges(tz, utc("2026-10-03T12:00:00Z"), utc("2026-10-03T20:00:00Z"));
        assert_eq!(
            edges,
            vec![
                (utc("2026-10-03T15:45:00Z"), Edge::Open),  // 02:45 +11:00
                (utc("2026-10-03T19:00:00Z"), Edge::Close), // 06:00 +11:00
            ]
        );
        assert!(!s.contains(tz, utc("2026-10-03T15:44:59Z")));
    }
}
