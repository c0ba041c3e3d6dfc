//! "Now" and UTC <-> local conversion, behind one type that tests can fix in time.
//!
//! Every local → UTC conversion in cph50 goes through [`local_to_utc`] (or the [`Clock`] method
//! of the same name), so a local time that a DST change makes ambiguous or nonexistent gets the
//! same answer everywhere.
//!
//! # Local → UTC policy
//!
//! A local wall-clock time in a zone names one, two or no instants:
//!
//! - **one**: that instant;
//! - **two** (an overlap, when clocks fall back and a stretch of wall-clock time repeats): the
//!   **earlier** instant, the one in the offset in force before the change. 01:30 on 2026-11-01
//!   in America/Los_Angeles is 01:30 PDT = 08:30 UTC, not 01:30 PST = 09:30 UTC;
//! - **none** (a gap, when clocks jump forward): the time is read in the offset in force
//!   **before** the gap, which lands it after the jump, shifted forward by the gap's length.
//!   02:30 on 2026-03-08 in America/Los_Angeles is read as 02:30 PST = 10:30 UTC, which the
//!   wall clock shows as 03:30 PDT. Where the gap covers midnight (America/Santiago,
//!   Asia/Beirut, America/Havana), local midnight thus becomes 01:00, the first instant of
//!   that day.
//!
//! This is the rule most tools share: java.time's `ZonedDateTime.ofLocal` / `LocalDateTime.atZone`
//! ("the local date-time is adjusted to be later by the length of the gap"; in an overlap, the
//! earlier offset), RFC 5545 §3.3.5 (a DATE-TIME with a TZID that occurs twice "refers to the
//! first occurrence"; one that does not occur "is interpreted using the UTC offset before the
//! gap in local times"), and Python's `zoneinfo` with the default `fold=0` (PEP 495).
//!
//! Day and month boundaries follow from it: a local day runs from [`local_day_start`] of its
//! date to [`local_day_start`] of the next, so it is 23 or 25 hours long on a DST change.

use chrono::{
    DateTime, Duration, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;

/// The default local zone: the data dictionary's Pacific time.
pub const DEFAULT_TZ: Tz = chrono_tz::America::Los_Angeles;

/// The time zone every local date and display string is computed in, and the current time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    tz: Tz,
    fixed_now: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock reading the system time in zone `tz`.
    pub fn system(tz: Tz) -> Self {
        Self {
            tz,
            fixed_now: None,
        }
    }

    /// A clock stopped at `now`, for tests and deterministic generators.
    pub fn fixed(tz: Tz, now: DateTime<Utc>) -> Self {
        Self {
            tz,
            fixed_now: Some(now),
        }
    }

    /// The local zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The current instant, to the second (what every data file records).
    pub fn now(&self) -> DateTime<Utc> {
        let now = self.fixed_now.unwrap_or_else(Utc::now);
        now.with_nanosecond(0).unwrap_or(now)
    }

    /// The local calendar date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Local wall-clock time of an instant and the zone's abbreviation then (`PST`/`PDT`).
    pub fn local(&self, at: DateTime<Utc>) -> (NaiveDateTime, String) {
        let local = at.with_timezone(&self.tz);
        (local.naive_local(), local.format("%Z").to_string())
    }

    /// The instant of local wall-clock time `local` in this clock's zone: [`local_to_utc`].
    pub fn local_to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        local_to_utc(self.tz, local)
    }

    /// The first instant of local `date` in this clock's zone: [`local_day_start`].
    pub fn local_day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        local_day_start(self.tz, date)
    }

    /// The half-open UTC range `[start, end)` of local `date`: [`local_day_bounds`].
    pub fn local_day_bounds(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        local_day_bounds(self.tz, date)
    }

    /// The half-open UTC range `[start, end)` of a local month: [`local_month_bounds`].
    pub fn local_month_bounds(
        &self,
        year: i32,
        month: u32,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        local_month_bounds(self.tz, year, month)
    }
}

/// The instant (UTC) that local wall-clock time `local` names in zone `tz`, by the module's
/// policy: an ambiguous time (fall-back overlap) is the earlier instant; a nonexistent time
/// (spring-forward gap) is read in the offset before the gap, i.e. shifted forward by the
/// gap's length (02:30 on a US spring-forward day is 03:30 daylight time).
///
/// Total: every local time gets an instant. Only at the very ends of chrono's date range,
/// where the arithmetic would overflow, is `local` read as UTC.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        MappedLocalTime::Single(t) | MappedLocalTime::Ambiguous(t, _) => t.with_timezone(&Utc),
        MappedLocalTime::None => in_gap(tz, local),
    }
}

/// [`local_to_utc`] with Ruby's rule for an ambiguous time (the later instant, in standard
/// time: `Time.local` as Jekyll reads a post's date); a time in a gap as [`local_to_utc`].
pub fn local_to_utc_later(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        MappedLocalTime::Ambiguous(_, later) => later.with_timezone(&Utc),
        _ => local_to_utc(tz, local),
    }
}

/// A local time in a gap, read in the offset in force just before the gap.
///
/// If the gap runs from instant `T`, from offset `before` to a larger offset `after`, `local`
/// lies in `[T + before, T + after)`: so `local - after` is an instant before `T` (where the
/// offset is `before`) and `local - before` one at or after `T` (where it is `after`). Two
/// look-ups from any nearby offset therefore find both, and the smaller is `before`.
fn in_gap(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let offset_at = |t: NaiveDateTime| tz.offset_from_utc_datetime(&t).fix().local_minus_utc();
    let read_in = |seconds: i32| local.checked_sub_signed(Duration::seconds(i64::from(seconds)));
    let guess = offset_at(local);
    let first = read_in(guess).map(offset_at);
    let second = first.and_then(read_in).map(offset_at);
    let before = match (first, second) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) => a,
        _ => guess,
    };
    read_in(before).unwrap_or(local).and_utc()
}

/// The first instant (UTC) of local `date` in zone `tz`: local midnight, or where a DST gap
/// covers midnight (America/Santiago, Asia/Beirut, America/Havana), the instant the clocks
/// jump to (01:00 local). See [`local_to_utc`].
pub fn local_day_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, date.and_time(NaiveTime::MIN))
}

/// The half-open UTC range `[start, end)` of local `date` in zone `tz`: from its
/// [`local_day_start`] to the next day's. 24 hours long, or 23 / 25 hours on a DST change.
/// On chrono's last representable date, `end` is `start`.
pub fn local_day_bounds(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_day_start(tz, date);
    let end = date.succ_opt().map_or(start, |d| local_day_start(tz, d));
    (start, end)
}

/// The half-open UTC range `[start, end)` of local month `month` (1..=12) of `year` in zone
/// `tz`: from the [`local_day_start`] of its first day to that of the next month's first day.
/// `None` if `month` is not 1..=12 or the month is outside chrono's date range.
pub fn local_month_bounds(tz: Tz, year: i32, month: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((local_day_start(tz, first), local_day_start(tz, next)))
}

/// The local wall-clock time of instant `at` in zone `tz`. Total and unambiguous: every
/// instant shows exactly one wall-clock time (the other direction is [`local_to_utc`]).
pub fn local_wall(tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tz).naive_local()
}

/// Every instant whose wall clock in zone `tz` shows `local`: one for an ordinary time, two
/// in a fall-back overlap (earlier first), none in a spring-forward gap. Unlike
/// [`local_to_utc`], which must name one instant, this is for finding where something that
/// depends on the wall clock (a time-of-use period) changes.
pub fn local_instants(tz: Tz, local: NaiveDateTime) -> Vec<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        MappedLocalTime::Single(t) => vec![t.with_timezone(&Utc)],
        MappedLocalTime::Ambiguous(a, b) => vec![a.with_timezone(&Utc), b.with_timezone(&Utc)],
        MappedLocalTime::None => Vec::new(),
    }
}

/// The instants in `[from, to)` at which zone `tz`'s UTC offset changes (DST starts or ends),
/// each to the second, oldest first. Found by comparing the offset hour by hour and bisecting
/// where it differs, so two changes less than an hour apart may be missed (no zone in the
/// tz database has them since 1990).
pub fn offset_changes(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let mut out = Vec::new();
    let mut a = from;
    while a < to {
        let b = (a + Duration::hours(1)).min(to);
        if offset(a) != offset(b) {
            // the first second of `(a, b]` with `b`'s offset
            let (mut lo, mut hi) = (a, b);
            while (hi - lo).num_seconds() > 1 {
                let mid = lo + Duration::seconds((hi - lo).num_seconds() / 2);
                if offset(mid) == offset(a) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            if hi < to {
                out.push(hi);
            }
        }
        a = b;
    }
    out
}

/// Parses an IANA zone name, with a message that says what was expected.
///
/// # Errors
///
/// A message naming `name` when it is not an IANA zone chrono-tz knows.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone {name:?}; expected an IANA name such as \"America/Los_Angeles\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::{Havana, Los_Angeles as LA, Santiago};
    use chrono_tz::Asia::Beirut;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wall(tz: Tz, t: DateTime<Utc>) -> String {
        t.with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    }

    #[test]
    fn local_abbreviation_follows_dst() {
        let c = Clock::system(DEFAULT_TZ);
        let winter = Utc.with_ymd_and_hms(2026, 1, 10, 22, 30, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 10, 22, 30, 0).unwrap();
        assert_eq!(c.local(winter).1, "PST");
        assert_eq!(c.local(winter).0.to_string(), "2026-01-10 14:30:00");
        assert_eq!(c.local(summer).1, "PDT");
        // 06:00 UTC on Jan 7 is still Jan 6 in California.
        let early = Utc.with_ymd_and_hms(2026, 1, 7, 6, 0, 1).unwrap();
        assert_eq!(c.local_date(early).to_string(), "2026-01-06");
    }

    #[test]
    fn bad_zone_names_are_explained() {
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
        assert!(parse_tz("Europe/Paris").is_ok());
    }

    #[test]
    fn an_ordinary_local_time_is_its_one_instant() {
        let c = Clock::system(LA);
        assert_eq!(
            c.local_to_utc(at("2026-01-10 14:30:00")),
            utc("2026-01-10T22:30:00Z") // PST, -08:00
        );
        assert_eq!(
            c.local_to_utc(at("2026-07-10 15:30:00")),
            utc("2026-07-10T22:30:00Z") // PDT, -07:00
        );
        // The round trip holds for ordinary times.
        let t = utc("2026-05-05T17:45:12Z");
        assert_eq!(c.local_to_utc(c.local(t).0), t);
    }

    #[test]
    fn a_spring_forward_gap_time_moves_forward_by_the_gap() {
        // 2026-03-08 in Los Angeles: 02:00 PST becomes 03:00 PDT (10:00 UTC).
        assert_eq!(
            LA.from_local_datetime(&at("2026-03-08 02:30:00")),
            MappedLocalTime::None
        );
        for (local, instant, shown) in [
            (
                "2026-03-08 02:00:00",
                "2026-03-08T10:00:00Z",
                "2026-03-08 03:00:00 -07:00",
            ),
            (
                "2026-03-08 02:30:00",
                "2026-03-08T10:30:00Z",
                "2026-03-08 03:30:00 -07:00",
            ),
            (
                "2026-03-08 02:59:59",
                "2026-03-08T10:59:59Z",
                "2026-03-08 03:59:59 -07:00",
            ),
        ] {
            let t = local_to_utc(LA, at(local));
            assert_eq!(t, utc(instant), "{local}");
            assert_eq!(wall(LA, t), shown, "{local}");
        }
        // Just outside the gap, nothing moves.
        assert_eq!(
            local_to_utc(LA, at("2026-03-08 01:59:59")),
            utc("2026-03-08T09:59:59Z")
        );
        assert_eq!(
            local_to_utc(LA, at("2026-03-08 03:00:00")),
            utc("2026-03-08T10:00:00Z")
        );
    }

    #[test]
    fn a_fall_back_overlap_time_is_the_earlier_instant() {
        // 2026-11-01 in Los Angeles: 01:00-02:00 happens in PDT, then again in PST.
        assert!(matches!(
            LA.from_local_datetime(&at("2026-11-01 01:30:00")),
            MappedLocalTime::Ambiguous(..)
        ));
        let t = local_to_utc(LA, at("2026-11-01 01:30:00"));
        assert_eq!(t, utc("2026-11-01T08:30:00Z"));
        assert_eq!(wall(LA, t), "2026-11-01 01:30:00 -07:00");
        assert_eq!(
            local_to_utc(LA, at("2026-11-01 02:00:00")),
            utc("2026-11-01T10:00:00Z") // after the overlap: PST
        );
    }

    #[test]
    fn where_the_gap_covers_midnight_the_day_starts_at_one() {
        // Chile, Lebanon and Cuba move their clocks at 00:00 local: 00:00-01:00 does not exist.
        for (tz, date, start) in [
            (Santiago, "2026-09-06", "2026-09-06T04:00:00Z"), // -04:00 -> -03:00
            (Beirut, "2026-03-29", "2026-03-28T22:00:00Z"),   // +02:00 -> +03:00
            (Havana, "2026-03-08", "2026-03-08T05:00:00Z"),   // -05:00 -> -04:00
        ] {
            let midnight = day(date).and_time(NaiveTime::MIN);
            assert_eq!(
                tz.from_local_datetime(&midnight),
                MappedLocalTime::None,
                "{tz} {date}"
            );
            let t = local_day_start(tz, day(date));
            assert_eq!(t, utc(start), "{tz} {date}");
            assert_eq!(wall(tz, t)[..19], format!("{date} 01:00:00"), "{tz}");
            // It is the first instant of the day: a second earlier is the day before.
            assert!((t - Duration::seconds(1)).with_timezone(&tz).date_naive() < day(date));
            assert_eq!(Clock::system(tz).local_day_start(day(date)), t);
        }
    }

    #[test]
    fn day_bounds_are_23_or_25_hours_on_a_dst_change() {
        let c = Clock::system(LA);
        let hours = |(a, b): (DateTime<Utc>, DateTime<Utc>)| (b - a).num_hours();
        assert_eq!(
            c.local_day_bounds(day("2026-03-08")),
            (utc("2026-03-08T08:00:00Z"), utc("2026-03-09T07:00:00Z"))
        );
        assert_eq!(hours(c.local_day_bounds(day("2026-03-08"))), 23);
        assert_eq!(
            c.local_day_bounds(day("2026-11-01")),
            (utc("2026-11-01T07:00:00Z"), utc("2026-11-02T08:00:00Z"))
        );
        assert_eq!(hours(c.local_day_bounds(day("2026-11-01"))), 25);
        assert_eq!(hours(c.local_day_bounds(day("2026-06-15"))), 24);
        // A 23-hour day whose missing hour is its first.
        assert_eq!(
            local_day_bounds(Santiago, day("2026-09-06")),
            (utc("2026-09-06T04:00:00Z"), utc("2026-09-07T03:00:00Z"))
        );
        // Consecutive days tile time with no hole and no overlap.
        let (_, end) = c.local_day_bounds(day("2026-03-07"));
        assert_eq!(end, c.local_day_bounds(day("2026-03-08")).0);
    }

    #[test]
    fn month_bounds_span_a_dst_change() {
        let c = Clock::system(LA);
        let march = c.local_month_bounds(2026, 3).unwrap();
        assert_eq!(
            march,
            (utc("2026-03-01T08:00:00Z"), utc("2026-04-01T07:00:00Z"))
        );
        assert_eq!((march.1 - march.0).num_hours(), 31 * 24 - 1);
        let november = c.local_month_bounds(2026, 11).unwrap();
        assert_eq!((november.1 - november.0).num_hours(), 30 * 24 + 1);
        assert_eq!(
            c.local_month_bounds(2026, 12).unwrap(),
            (utc("2026-12-01T08:00:00Z"), utc("2027-01-01T08:00:00Z"))
        );
        assert_eq!(c.local_month_bounds(2026, 13), None);
        assert_eq!(c.local_month_bounds(2026, 0), None);
        // Chile's September starts normally and loses its hour on the 6th.
        let sep = local_month_bounds(Santiago, 2026, 9).unwrap();
        assert_eq!(
            sep,
            (utc("2026-09-01T04:00:00Z"), utc("2026-10-01T03:00:00Z"))
        );
    }

    #[test]
    fn wall_clock_instants_and_offset_changes_follow_dst() {
        // 01:30 happens twice on 2026-11-01, 02:30 never on 2026-03-08.
        assert_eq!(
            local_instants(LA, at("2026-11-01 01:30:00")),
            vec![utc("2026-11-01T08:30:00Z"), utc("2026-11-01T09:30:00Z")]
        );
        assert!(local_instants(LA, at("2026-03-08 02:30:00")).is_empty());
        assert_eq!(
            local_instants(LA, at("2026-03-08 06:00:00")),
            vec![utc("2026-03-08T13:00:00Z")]
        );
        assert_eq!(
            offset_changes(LA, utc("2026-03-07T00:00:00Z"), utc("2026-11-05T00:00:00Z")),
            vec![utc("2026-03-08T10:00:00Z"), utc("2026-11-01T09:00:00Z")]
        );
        assert!(
            offset_changes(LA, utc("2026-06-01T00:00:00Z"), utc("2026-06-20T00:00:00Z")).is_empty()
        );
        assert_eq!(
            local_wall(LA, utc("2026-11-01T09:30:00Z")),
            at("2026-11-01 01:30:00")
        );
    }

    /// Every gap in a few zones' 1990-2035 rules gets java.time's answer: read in the offset
    /// before the gap. Includes a 30-minute gap (Lord Howe) and a whole skipped day (Samoa).
    #[test]
    fn every_gap_time_is_read_in_the_offset_before_the_gap() {
        let offset = |tz: Tz, t: DateTime<Utc>| {
            Duration::seconds(i64::from(
                tz.offset_from_utc_datetime(&t.naive_utc())
                    .fix()
                    .local_minus_utc(),
            ))
        };
        let zones = [
            LA,
            Santiago,
            Beirut,
            Havana,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Pacific::Apia,
            chrono_tz::Europe::London,
            chrono_tz::Asia::Tehran,
        ];
        let mut gaps = 0;
        for tz in zones {
            let mut d = day("1990-01-01");
            while d < day("2035-01-01") {
                let next = d.succ_opt().unwrap();
                let near = |n: NaiveDate, h: i64| {
                    offset(
                        tz,
                        n.and_time(NaiveTime::MIN).and_utc() + Duration::hours(h),
                    )
                };
                if near(d, -15) != near(next, 15) {
                    for q in 0..96 {
                        let local = d.and_time(NaiveTime::MIN) + Duration::minutes(15 * q);
                        if tz.from_local_datetime(&local) != MappedLocalTime::None {
                            continue;
                        }
                        gaps += 1;
                        let t = local_to_utc(tz, local);
                        let shown = t.with_timezone(&tz).naive_local();
                        let shift = shown - local;
                        let (before, after) = (offset(tz, t - shift), offset(tz, t));
                        assert!(shift > Duration::zero(), "{tz} {local}");
                        assert_eq!(t.naive_utc() + before, local, "{tz} {local}");
                        assert_eq!(after - before, shift, "{tz} {local}");
                    }
                    let (start, end) = local_day_bounds(tz, d);
                    assert!(start <= end, "{tz} {d}");
                    if start < end {
                        assert_eq!(start.with_timezone(&tz).date_naive(), d, "{tz} {d}");
                        let before = (start - Duration::seconds(1)).with_timezone(&tz);
                        assert!(before.date_naive() < d, "{tz} {d}");
                    }
                }
                d = next;
            }
        }
        assert!(gaps > 1000, "{gaps} gap times checked");
        // The two odd ones by name: a 30-minute gap, and 2011-12-30, which Samoa skipped.
        let lord_howe = chrono_tz::Australia::Lord_Howe;
        let t = local_to_utc(lord_howe, at("2026-10-04 02:15:00"));
        assert_eq!(wall(lord_howe, t), "2026-10-04 02:45:00 +11:00");
        let (start, end) = local_day_bounds(chrono_tz::Pacific::Apia, day("2011-12-30"));
        assert_eq!(
            (start, end),
            (utc("2011-12-30T10:00:00Z"), utc("2011-12-30T10:00:00Z"))
        );
    }
}
