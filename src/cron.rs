//! The schedule of the daily start: the UTC crons of `charge.yml` that cover a local start time
//! in a zone on both sides of daylight saving time, and whether a given set of crons does.
//!
//! GitHub runs crons in UTC, delays those at the top of the hour most (60 to 95 minutes have
//! been seen) and drops some. So the crons run [`RUN_OFFSETS_MINUTES`] after the local start in
//! every UTC offset the zone uses at that time of day, and never within two minutes of the
//! hour; `charge` acts in the first run of the grace window that finds no start of the day
//! (see `pipeline::daily`). Every local time goes through [`crate::clock`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use crate::clock;

/// Minutes after the local start at which the crons run: one soon after it, and two more so
/// that a cron GitHub drops or delivers late is covered by the next one.
pub const RUN_OFFSETS_MINUTES: [i64; 3] = [7, 37, 67];

/// Crons keep this many minutes away from the top of the hour (:58 to :02 are moved to :03),
/// where GitHub's scheduler is busiest and delays or drops runs most.
const BUSY_MINUTES: u32 = 2;

/// Local dates looked at when working out a zone's UTC offsets: two years, so both DST
/// changes of either hemisphere are seen whatever the first date.
pub const SPAN_DAYS: u32 = 731;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// One household's daily start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyStart {
    /// The local zone.
    pub tz: Tz,
    /// The local time of the start.
    pub at: NaiveTime,
    /// How long after `at` a late run may still start.
    pub grace: Duration,
}

impl DailyStart {
    /// The instant of the start on local `date` (a time a DST gap skips is read as
    /// [`clock::local_to_utc`] says).
    pub fn start_on(&self, date: NaiveDate) -> DateTime<Utc> {
        clock::local_to_utc(self.tz, date.and_time(self.at))
    }

    /// The UTC times of day (minutes after 00:00 UTC, 0..1440) the start falls on over the
    /// local dates `[from, from + days)`: one for a zone without DST, two for most others.
    pub fn utc_start_minutes(&self, from: NaiveDate, days: u32) -> BTreeSet<u32> {
        from.iter_days()
            .take(days as usize)
            .map(|d| {
                let t = self.start_on(d);
                t.hour() * 60 + t.minute()
            })
            .collect()
    }

    /// The minutes after the start at which crons run: those of [`RUN_OFFSETS_MINUTES`] that,
    /// even moved off the top of the hour, stay inside the grace window (at least the first).
    pub fn run_offsets(&self) -> Vec<i64> {
        let room = self.grace.num_minutes() - 2 * i64::from(BUSY_MINUTES) - 1;
        let mut offsets: Vec<i64> = RUN_OFFSETS_MINUTES
            .into_iter()
            .filter(|o| *o <= room)
            .collect();
        if offsets.is_empty() {
            offsets.push(RUN_OFFSETS_MINUTES[0]);
        }
        offsets
    }

    /// The shortest grace (whole minutes) that leaves room for two runs in the window, when
    /// this one leaves room for one only; `None` when it already leaves two.
    pub fn grace_for_two_runs(&self) -> Option<Duration> {
        (self.run_offsets().len() < 2)
            .then(|| Duration::minutes(RUN_OFFSETS_MINUTES[1] + 2 * i64::from(BUSY_MINUTES) + 1))
    }

    /// The UTC times of day (minutes, 0..1440) of the runs over `[from, from + SPAN_DAYS)`.
    pub fn run_minutes(&self, from: NaiveDate) -> BTreeSet<u32> {
        let offsets = self.run_offsets();
        self.utc_start_minutes(from, SPAN_DAYS)
            .into_iter()
            .flat_map(|start| {
                offsets
                    .iter()
                    .map(move |o| off_the_hour((i64::from(start) + o).rem_euclid(MINUTES_PER_DAY)))
            })
            .collect()
    }

    /// The `cron:` values of `charge.yml` (five fields, UTC), one per minute of the hour with
    /// its hours, ordered by their first run: `["7 13,14,15 * * *", "37 13,14 * * *"]` for
    /// 06:00 in Los Angeles.
    pub fn crons(&self, from: NaiveDate) -> Vec<String> {
        let mut hours: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for m in self.run_minutes(from) {
            hours.entry(m % 60).or_default().insert(m / 60);
        }
        let mut lines: Vec<(u32, String)> = hours
            .into_iter()
            .map(|(minute, hours)| {
                let first = hours.iter().next().copied().unwrap_or(0);
                let list: Vec<String> = hours.iter().map(u32::to_string).collect();
                (
                    first * 60 + minute,
                    format!("{minute} {} * * *", list.join(",")),
                )
            })
            .collect();
        lines.sort();
        lines.into_iter().map(|(_, l)| l).collect()
    }

    /// The start in words, with its UTC times: `06:00 America/Los_Angeles (13:00 or 14:00
    /// UTC)`.
    pub fn describe(&self, from: NaiveDate) -> String {
        let utc: Vec<String> = self
            .utc_start_minutes(from, SPAN_DAYS)
            .iter()
            .map(|m| format!("{:02}:{:02}", m / 60, m % 60))
            .collect();
        format!(
            "{} {} ({} UTC)",
            self.at.format("%H:%M"),
            self.tz.name(),
            utc.join(" or ")
        )
    }
}

/// `minute` (of the day) moved off the top of the hour: :58 to :02 become :03.
fn off_the_hour(minute: i64) -> u32 {
    let in_hour = minute.rem_euclid(60);
    let busy = i64::from(BUSY_MINUTES);
    let shift = if in_hour >= 60 - busy {
        60 - in_hour + busy + 1
    } else if in_hour <= busy {
        busy + 1 - in_hour
    } else {
        0
    };
    u32::try_from((minute + shift).rem_euclid(MINUTES_PER_DAY)).unwrap_or(0)
}

/// Parsed `cron:` values of a workflow.
#[derive(Debug, Clone)]
pub struct Schedule {
    crons: Vec<(String, Cron)>,
}

/// How well a [`Schedule`] covers a [`DailyStart`] over a span of local dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Dates looked at.
    pub days: u32,
    /// Dates with no run inside the start window: the daily start never happens then.
    pub uncovered: Vec<NaiveDate>,
    /// Dates with exactly one run inside the window: one late or dropped cron skips the day.
    pub single: Vec<NaiveDate>,
    /// The crons that run at :58 to :02, where GitHub delays and drops runs most.
    pub top_of_hour: Vec<String>,
}

impl Schedule {
    /// Parses five-field cron values as GitHub reads them (UTC; `*`, lists, ranges, steps,
    /// month and weekday names).
    ///
    /// # Errors
    /// The value that does not parse, with the parser's reason.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, String> {
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build();
        let crons = values
            .iter()
            .map(|v| {
                let v = v.as_ref();
                parser
                    .parse(v)
                    .map(|c| (v.to_owned(), c))
                    .map_err(|e| format!("cron {v:?} does not parse: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { crons })
    }

    /// The longest wait between two runs of these crons over eight days from `from` (a week,
    /// and the day that closes its last gap): the poll interval a dashboard expects (hourly
    /// crons give 60 minutes); `None` without two runs.
    pub fn longest_gap(&self, from: DateTime<Utc>) -> Option<Duration> {
        let end = from + Duration::days(8);
        let mut runs: Vec<DateTime<Utc>> = self
            .crons
            .iter()
            .flat_map(|(_, cron)| cron.iter_after(from).take_while(move |t| *t <= end))
            .collect();
        runs.sort();
        runs.dedup();
        runs.windows(2).map(|w| w[1] - w[0]).max()
    }

    /// The runs inside `[start, start + grace]` of local `date`, in time order.
    pub fn runs_in_window(&self, daily: &DailyStart, date: NaiveDate) -> Vec<DateTime<Utc>> {
        let start = daily.start_on(date);
        let end = start + daily.grace;
        let mut runs: Vec<DateTime<Utc>> = self
            .crons
            .iter()
            .flat_map(|(_, cron)| {
                cron.iter_after(start - Duration::seconds(1))
                    .take_while(move |t| *t <= end)
            })
            .collect();
        runs.sort();
        runs.dedup();
        runs
    }

    /// How well these crons cover `daily` over the local dates `[from, from + days)`.
    pub fn coverage(&self, daily: &DailyStart, from: NaiveDate, days: u32) -> Coverage {
        let mut coverage = Coverage {
            days,
            ..Coverage::default()
        };
        for date in from.iter_days().take(days as usize) {
            match self.runs_in_window(daily, date).len() {
                0 => coverage.uncovered.push(date),
                1 => coverage.single.push(date),
                _ => {}
            }
        }
        let busy = i64::from(BUSY_MINUTES);
        let sample = from.and_time(NaiveTime::MIN).and_utc();
        coverage.top_of_hour = self
            .crons
            .iter()
            .filter(|(_, cron)| {
                cron.iter_after(sample)
                    .take(24 * 60)
                    .take_while(|t| *t < sample + Duration::days(1))
                    .any(|t| {
                        let m = i64::from(t.minute());
                        m <= busy || m >= 60 - busy
                    })
            })
            .map(|(v, _)| v.clone())
            .collect();
        coverage
    }
}

/// January 1 of `at`'s year: where the span of [`DailyStart::crons`] begins, so the crons a
/// run writes depend on the year only, not on the day.
pub fn span_start(at: DateTime<Utc>) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year(), 1, 1).unwrap_or(at.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily(tz: Tz, at: &str, grace_min: i64) -> DailyStart {
        DailyStart {
            tz,
            at: NaiveTime::parse_from_str(at, "%H:%M").unwrap(),
            grace: Duration::minutes(grace_min),
        }
    }

    fn jan1() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    /// The crons of each zone, and that they cover every day of two years with at least two
    /// runs, at the start time's UTC times in both offsets, never at the top of the hour.
    #[test]
    fn crons_cover_the_start_in_every_zone_on_both_sides_of_dst() {
        use chrono_tz::{America, Asia, Australia, Europe};
        let cases: [(Tz, &str, &[&str], &str); 8] = [
            (
                America::Los_Angeles,
                "06:00",
                &["7 13,14,15 * * *", "37 13,14 * * *"],
                "13:00 or 14:00",
            ),
            (
                America::New_York,
                "06:00",
                &["7 10,11,12 * * *", "37 10,11 * * *"],
                "10:00 or 11:00",
            ),
            (
                Europe::London,
                "06:00",
                &["7 5,6,7 * * *", "37 5,6 * * *"],
                "05:00 or 06:00",
            ),
            (
                Europe::Berlin,
                "06:00",
                &["7 4,5,6 * * *", "37 4,5 * * *"],
                "04:00 or 05:00",
            ),
            // 06:00 in Sydney is the evening before in UTC
            (
                Australia::Sydney,
                "06:00",
                &["7 19,20,21 * * *", "37 19,20 * * *"],
                "19:00 or 20:00",
            ),
            // no DST: one UTC time
            (
                Asia::Kolkata,
                "06:00",
                &["37 0,1 * * *", "7 1 * * *"],
                "00:30",
            ),
            // a quarter-hour zone without DST, and a start that crosses midnight UTC
            (
                Asia::Kathmandu,
                "05:30",
                &["22 0 * * *", "52 0,23 * * *"],
                "23:45",
            ),
            // a half-hour DST change: +10:30 in winter, +11:00 in summer
            (
                Australia::Lord_Howe,
                "06:00",
                &["7 19,20 * * *", "37 19,20 * * *"],
                "19:00 or 19:30",
            ),
        ];
        for (tz, at, want, utc) in cases {
            let d = daily(tz, at, 90);
            assert_eq!(d.crons(jan1()), want, "{tz}");
            assert!(
                d.describe(jan1()).ends_with(&format!("({utc} UTC)")),
                "{tz}"
            );
            let schedule = Schedule::parse(&d.crons(jan1())).unwrap();
            let c = schedule.coverage(&d, jan1(), SPAN_DAYS);
            assert_eq!(c.uncovered, [] as [NaiveDate; 0], "{tz}");
            assert_eq!(c.single, [] as [NaiveDate; 0], "{tz}");
            assert!(c.top_of_hour.is_empty(), "{tz}");
        }
    }

    /// The old fixed schedule misses the start outside Los Angeles, and its runs sit on the hour.
    #[test]
    fn the_old_fixed_crons_miss_new_york_and_sit_on_the_hour() {
        let old = Schedule::parse(&["0 13,14 * * *"]).unwrap();
        let ny = daily(chrono_tz::America::New_York, "06:00", 90);
        let c = old.coverage(&ny, jan1(), 365);
        assert_eq!(c.uncovered.len(), 365);
        let la = daily(chrono_tz::America::Los_Angeles, "06:00", 90);
        let c = old.coverage(&la, jan1(), 365);
        assert!(c.uncovered.is_empty());
        // in winter 06:00 PST is 14:00 UTC: the 13:00 run is early, so one run a day
        assert!(c.single.len() > 100, "{}", c.single.len());
        assert_eq!(c.top_of_hour, ["0 13,14 * * *"]);
    }

    #[test]
    fn runs_keep_off_the_top_of_the_hour_and_inside_the_grace_window() {
        assert_eq!(off_the_hour(60), 63);
        assert_eq!(off_the_hour(58), 63);
        assert_eq!(off_the_hour(62), 63);
        assert_eq!(off_the_hour(63), 63);
        assert_eq!(off_the_hour(1439), 3, "23:59 wraps to 00:03");
        // 05:53 + 7 = 06:00 and 05:53 + 67 = 07:00 are moved to :03
        let d = daily(chrono_tz::UTC, "05:53", 90);
        assert_eq!(d.crons(jan1()), ["3 6,7 * * *", "30 6 * * *"]);
        // a short grace window keeps only the runs that fit in it
        let short = daily(chrono_tz::America::Los_Angeles, "06:00", 30);
        assert_eq!(short.run_offsets(), [7]);
        assert_eq!(short.crons(jan1()), ["7 13,14 * * *"]);
        assert_eq!(daily(chrono_tz::UTC, "06:00", 60).run_offsets(), [7, 37]);
        assert_eq!(daily(chrono_tz::UTC, "06:00", 15).run_offsets(), [7]);
    }

    #[test]
    fn a_start_in_a_dst_gap_is_covered_on_the_day_it_is_skipped() {
        // 02:30 does not exist on 2026-03-08 in Los Angeles: the start is 03:30 PDT (10:30 UTC),
        // as on winter days
        let d = daily(chrono_tz::America::Los_Angeles, "02:30", 90);
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let schedule = Schedule::parse(&d.crons(jan1())).unwrap();
        let runs = schedule.runs_in_window(&d, gap);
        assert!(runs.len() >= 2, "{runs:?}");
        assert_eq!(runs[0].to_rfc3339(), "2026-03-08T10:37:00+00:00");
        assert!(
            schedule
                .coverage(&d, jan1(), SPAN_DAYS)
                .uncovered
                .is_empty()
        );
    }

    #[test]
    fn a_cron_that_does_not_parse_is_named() {
        let e = Schedule::parse(&["7 13 * * *", "61 25 * * *"]).unwrap_err();
        assert!(e.contains("\"61 25 * * *\""), "{e}");
        assert!(
            Schedule::parse(&["0 0 13 * * *"]).is_err(),
            "six fields are not GitHub's"
        );
        assert!(Schedule::parse(&["*/15 * * * MON-FRI"]).is_ok());
    }

    #[test]
    fn the_longest_gap_is_the_poll_interval_a_dashboard_expects() {
        let from = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 5, 0, 0, 0).unwrap();
        let gap = |crons: &[&str]| {
            Schedule::parse(crons)
                .unwrap()
                .longest_gap(from)
                .map(|d| d.num_minutes())
        };
        assert_eq!(gap(&["17 * * * *"]), Some(60));
        assert_eq!(gap(&["*/10 * * * *"]), Some(10));
        // a weekday-only cron waits over the weekend
        assert_eq!(gap(&["17 * * * 1-5"]), Some(60 * 49));
    }
}
