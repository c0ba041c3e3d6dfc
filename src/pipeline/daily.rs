//! Which scheduled `charge` run acts. GitHub delivers top-of-the-hour crons late (60-95 minutes
//! have been seen) or drops them, so the local hour of a run says little. The rule: a scheduled
//! run acts when it is the first at or after the local start time, within a grace window,
//! that finds no `scheduled` record of that local day in `runs.json`. Every other run says why
//! it does nothing.
//!
//! A record's local day comes from its `date` and `time_utc` (both UTC), converted with the
//! configured zone; its `time_pt` is not read, so records written under another zone still
//! count on the right day.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime};
use chrono::{NaiveDateTime, Utc};

use crate::clock::Clock;
use crate::store::records::{Run, RunType, Runs};

/// What a scheduled run at a given instant does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Start: nothing was recorded yet for `day`, whose start time was `start`.
    Act {
        /// The local day the start belongs to.
        day: NaiveDate,
        /// Its start instant.
        start: DateTime<Utc>,
    },
    /// Before today's start time.
    Before {
        /// Today's start instant.
        start: DateTime<Utc>,
    },
    /// Later than today's start time plus the grace window.
    PastGrace {
        /// Today's start instant.
        start: DateTime<Utc>,
    },
    /// A scheduled record of the day exists.
    Done {
        /// Its run id.
        run_id: String,
        /// When it ran.
        at: DateTime<Utc>,
        /// Its result word (`success`, `failure`, `other`).
        result: &'static str,
    },
}

/// The decision for a scheduled run at `now`: local start time `at`, `grace` after it.
/// The start window of a day is `[start, start + grace]`, where `start` is `at` on that local
/// date (a time that a DST gap skips is read as the clock module says: 02:30 on a
/// spring-forward day is 03:30). A window that runs past midnight still belongs to its day.
pub fn decide(
    clock: &Clock,
    now: DateTime<Utc>,
    at: NaiveTime,
    grace: Duration,
    runs: &Runs,
) -> Decision {
    let start_of = |d: NaiveDate| clock.local_to_utc(d.and_time(at));
    let today = clock.local_date(now);
    let today_start = start_of(today);
    let (day, start) = if now >= today_start {
        if now > today_start + grace {
            return Decision::PastGrace { start: today_start };
        }
        (today, today_start)
    } else {
        match today.pred_opt().map(|d| (d, start_of(d))) {
            Some((d, s)) if now >= s && now <= s + grace => (d, s),
            _ => return Decision::Before { start: today_start },
        }
    };
    // a stop record belongs to a start that has a record of its own
    let done = runs.runs.iter().rev().find(|r| {
        r.run_type == RunType::Scheduled
            && !r.is_stop()
            && instant_of(r)
                .is_some_and(|t| clock.local_date(t) == day || (t >= start && t <= start + grace))
    });
    match done {
        Some(r) => Decision::Done {
            run_id: r.run_id.clone(),
            at: instant_of(r).unwrap_or(now),
            result: result_word(r),
        },
        None => Decision::Act { day, start },
    }
}

/// When a record's run was: its UTC `date` and `time_utc`.
pub fn instant_of(run: &Run) -> Option<DateTime<Utc>> {
    Some(NaiveDateTime::new(run.date.0, run.time_utc.0).and_utc())
}

fn result_word(run: &Run) -> &'static str {
    match run.result {
        crate::store::records::RunResult::Success => "success",
        crate::store::records::RunResult::Failure => "failure",
        crate::store::records::RunResult::Other => "other",
    }
}

/// The line a run that does nothing prints; `None` for [`Decision::Act`].
pub fn explain(
    decision: &Decision,
    clock: &Clock,
    now: DateTime<Utc>,
    grace: Duration,
) -> Option<String> {
    let hm = |t: DateTime<Utc>| {
        let (local, zone) = clock.local(t);
        format!("{} {zone}", local.format("%H:%M"))
    };
    Some(match decision {
        Decision::Act { .. } => return None,
        Decision::Before { start } => format!(
            "before the start time: it is {}, the daily start is at {}; nothing to do",
            hm(now),
            hm(*start)
        ),
        Decision::PastGrace { start } => format!(
            "past the grace window: it is {}, the daily start at {} may begin until {}; nothing to do",
            hm(now),
            hm(*start),
            hm(*start + grace)
        ),
        Decision::Done { run_id, at, result } => format!(
            "already started today (run {run_id} at {}, {result}); nothing to do",
            hm(*at)
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{Days, TimeZone, Timelike};
    use chrono_tz::Tz;

    use super::*;
    use crate::store::records::RunResult;
    use crate::store::values::{ClockTime, Date};

    fn six() -> NaiveTime {
        NaiveTime::from_hms_opt(6, 0, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// The record `charge` appends for a run at `now`.
    fn record(clock: &Clock, now: DateTime<Utc>, id: &str, run_type: RunType) -> Run {
        Run {
            run_id: id.into(),
            date: Date(now.date_naive()),
            time_utc: ClockTime(now.time()),
            time_pt: ClockTime(clock.local(now).0.time()),
            result: RunResult::Success,
            reason: "Charging started and confirmed".into(),
            run_type,
            polling_duration_sec: None,
            stop: None,
            extra: Default::default(),
        }
    }

    /// Two crons a day at the UTC hours that hold 06:00 local in winter and in summer, each
    /// delivered 0, 20 or 70 minutes late, every day of 2026 (both DST changes) in Los Angeles,
    /// Berlin and Sydney (where 06:00 is the evening before in UTC): one record per local day,
    /// each between 06:00 and the end of the grace window.
    #[test]
    fn one_scheduled_start_per_local_day_in_any_zone_season_or_delay() {
        let zones: [(Tz, [u32; 2]); 3] = [
            (chrono_tz::America::Los_Angeles, [13, 14]),
            (chrono_tz::Europe::Berlin, [4, 5]),
            (chrono_tz::Australia::Sydney, [19, 20]),
        ];
        let grace = Duration::minutes(90);
        for (tz, crons) in zones {
            for late in [0, 20, 70] {
                let clock = Clock::fixed(tz, utc("2026-01-01T00:00:00Z"));
                let mut runs = Runs::default();
                let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                for n in 0..365 {
                    let day = first.checked_add_days(Days::new(n)).unwrap();
                    for hour in crons {
                        let now = Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
                            + Duration::minutes(late);
                        let decision = decide(&clock, now, six(), grace, &runs);
                        if matches!(decision, Decision::Act { .. }) {
                            runs.runs.push(record(&clock, now, "r", RunType::Scheduled));
                        } else {
                            assert!(explain(&decision, &clock, now, grace).is_some());
                        }
                    }
                }
                let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
                for r in &runs.runs {
                    let at = instant_of(r).unwrap();
                    *per_day.entry(clock.local_date(at)).or_default() += 1;
                    let minutes = clock.local(at).0.time().num_seconds_from_midnight() / 60;
                    assert!((360..=450).contains(&minutes), "{tz} late {late}: {r:?}");
                }
                assert_eq!(
                    per_day.len(),
                    365,
                    "{tz}, {late} min late: days with a start"
                );
                assert!(per_day.values().all(|n| *n == 1), "{tz}, {late} min late");
            }
        }
    }

    /// The instants of the charge-late-cron case: summer runs 95 and 140 minutes after 06:00
    /// PDT, winter runs 2 and 10 minutes after 06:00 PST.
    #[test]
    fn late_runs_of_the_case_act_once_and_say_why_the_others_do_not() {
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, utc("2026-01-10T14:02:00Z"));
        let grace = Duration::minutes(90);
        let mut runs = Runs::default();
        let winter = utc("2026-01-10T14:02:00Z");
        let first = decide(&clock, winter, six(), grace, &runs);
        assert!(matches!(first, Decision::Act { .. }), "{first:?}");
        runs.runs
            .push(record(&clock, winter, "101", RunType::Scheduled));
        let second = utc("2026-01-10T14:10:00Z");
        let d = decide(&clock, second, six(), grace, &runs);
        assert_eq!(
            explain(&d, &clock, second, grace).unwrap(),
            "already started today (run 101 at 06:02 PST, success); nothing to do"
        );
        // summer, 95 minutes late: past the default window, inside a 3-hour one
        let summer = utc("2026-07-10T14:35:00Z");
        let d = decide(&clock, summer, six(), grace, &runs);
        assert_eq!(
            explain(&d, &clock, summer, grace).unwrap(),
            "past the grace window: it is 07:35 PDT, the daily start at 06:00 PDT may begin until 07:30 PDT; nothing to do"
        );
        let wide = Duration::hours(3);
        assert!(matches!(
            decide(&clock, summer, six(), wide, &runs),
            Decision::Act { .. }
        ));
        let early = utc("2026-07-10T12:55:00Z");
        assert_eq!(
            explain(
                &decide(&clock, early, six(), grace, &runs),
                &clock,
                early,
                grace
            )
            .unwrap(),
            "before the start time: it is 05:55 PDT, the daily start is at 06:00 PDT; nothing to do"
        );
    }

    #[test]
    fn a_manual_start_does_not_stand_in_for_the_scheduled_one() {
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, utc("2026-01-10T14:02:00Z"));
        let mut runs = Runs::default();
        let manual = utc("2026-01-10T14:01:00Z");
        runs.runs
            .push(record(&clock, manual, "m", RunType::ManualStart));
        let now = utc("2026-01-10T14:05:00Z");
        let d = decide(&clock, now, six(), Duration::minutes(90), &runs);
        assert!(matches!(d, Decision::Act { .. }), "{d:?}");
    }

    /// A start at 23:30 whose window runs past midnight: the run at 00:20 belongs to the day
    /// before, and a record written then counts for that day.
    #[test]
    fn a_window_past_midnight_belongs_to_its_day() {
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, utc("2026-01-10T08:20:00Z"));
        let at = NaiveTime::from_hms_opt(23, 30, 0).unwrap();
        let grace = Duration::minutes(90);
        let mut runs = Runs::default();
        let now = utc("2026-01-11T08:20:00Z"); // 00:20 PST on the 11th
        let d = decide(&clock, now, at, grace, &runs);
        assert_eq!(
            d,
            Decision::Act {
                day: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
                start: utc("2026-01-11T07:30:00Z"),
            }
        );
        runs.runs
            .push(record(&clock, now, "late", RunType::Scheduled));
        let later = utc("2026-01-11T08:50:00Z");
        assert!(matches!(
            decide(&clock, later, at, grace, &runs),
            Decision::Done { .. }
        ));
    }
}
