//! Holidays a rate plan prices as weekends: explicit dates and the US federal holidays, computed
//! for any year from their rules (5 U.S.C. 6103), never listed by year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// One US federal holiday, by the name `cph50.toml` uses for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Federal {
    /// January 1.
    NewYearsDay,
    /// Third Monday of January.
    MlkDay,
    /// Third Monday of February (Washington's Birthday).
    PresidentsDay,
    /// Last Monday of May.
    MemorialDay,
    /// June 19, from 2021 (the year it became a federal holiday).
    Juneteenth,
    /// July 4.
    IndependenceDay,
    /// First Monday of September.
    LaborDay,
    /// Second Monday of October.
    ColumbusDay,
    /// November 11.
    VeteransDay,
    /// Fourth Thursday of November.
    Thanksgiving,
    /// December 25.
    Christmas,
}

/// Every federal holiday with its config name, in calendar order.
pub const FEDERAL: [(&str, Federal); 11] = [
    ("new-years-day", Federal::NewYearsDay),
    ("mlk-day", Federal::MlkDay),
    ("presidents-day", Federal::PresidentsDay),
    ("memorial-day", Federal::MemorialDay),
    ("juneteenth", Federal::Juneteenth),
    ("independence-day", Federal::IndependenceDay),
    ("labor-day", Federal::LaborDay),
    ("columbus-day", Federal::ColumbusDay),
    ("veterans-day", Federal::VeteransDay),
    ("thanksgiving", Federal::Thanksgiving),
    ("christmas", Federal::Christmas),
];

/// Which weekday stands in for a holiday that falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// The federal rule: Saturday -> the Friday before, Sunday -> the Monday after.
    Federal,
    /// Only Sunday -> the Monday after (the rule in California utilities' tariffs, e.g.
    /// SDG&E's and PG&E's TOU schedules: "no change will be made for holidays falling on
    /// Saturday").
    Sunday,
    /// The date itself only.
    None,
}

/// The holidays of a rate plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holidays {
    /// Dates given one by one.
    pub dates: Vec<NaiveDate>,
    /// Federal holidays by rule.
    pub federal: Vec<Federal>,
    /// How a federal holiday on a weekend is observed.
    pub observed: Observed,
}

impl Holidays {
    /// Whether `date` is priced as a holiday: a listed date, a listed federal holiday, or the
    /// weekday that observes one.
    pub fn contains(&self, date: NaiveDate) -> bool {
        if self.dates.contains(&date) {
            return true;
        }
        // New Year's Day on a Saturday is observed on December 31 of the year before
        [date.year(), date.year() + 1].into_iter().any(|year| {
            self.federal
                .iter()
                .filter_map(|h| actual(*h, year))
                .any(|day| day == date || observed(day, self.observed) == date)
        })
    }
}

/// The date federal holiday `h` falls on in `year`; `None` for Juneteenth before 2021 or a
/// year chrono cannot hold.
pub fn actual(h: Federal, year: i32) -> Option<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let nth = |m, wd, n| NaiveDate::from_weekday_of_month_opt(year, m, wd, n);
    match h {
        Federal::NewYearsDay => fixed(1, 1),
        Federal::MlkDay => nth(1, Weekday::Mon, 3),
        Federal::PresidentsDay => nth(2, Weekday::Mon, 3),
        Federal::MemorialDay => {
            let june = fixed(6, 1)?;
            let back = (june.weekday().num_days_from_monday() + 6) % 7 + 1;
            Some(june - Duration::days(i64::from(back)))
        }
        Federal::Juneteenth if year < 2021 => None,
        Federal::Juneteenth => fixed(6, 19),
        Federal::IndependenceDay => fixed(7, 4),
        Federal::LaborDay => nth(9, Weekday::Mon, 1),
        Federal::ColumbusDay => nth(10, Weekday::Mon, 2),
        Federal::VeteransDay => fixed(11, 11),
        Federal::Thanksgiving => nth(11, Weekday::Thu, 4),
        Federal::Christmas => fixed(12, 25),
    }
}

/// The weekday that observes a holiday on `day` by `rule` (`day` itself on a weekday).
fn observed(day: NaiveDate, rule: Observed) -> NaiveDate {
    match (day.weekday(), rule) {
        (Weekday::Sat, Observed::Federal) => day - Duration::days(1),
        (Weekday::Sun, Observed::Federal | Observed::Sunday) => day + Duration::days(1),
        _ => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Dates checked against the OPM federal holiday calendars for 2025 and 2026.
    #[test]
    fn federal_holidays_follow_their_rules() {
        let cases = [
            (Federal::MlkDay, 2026, "2026-01-19"),
            (Federal::PresidentsDay, 2026, "2026-02-16"),
            (Federal::MemorialDay, 2026, "2026-05-25"),
            (Federal::MemorialDay, 2025, "2025-05-26"),
            (Federal::LaborDay, 2026, "2026-09-07"),
            (Federal::ColumbusDay, 2026, "2026-10-12"),
            (Federal::Thanksgiving, 2026, "2026-11-26"),
            (Federal::Thanksgiving, 2025, "2025-11-27"),
        ];
        for (h, year, want) in cases {
            assert_eq!(actual(h, year), Some(d(want)), "{h:?} {year}");
        }
        assert_eq!(actual(Federal::Juneteenth, 2020), None);
    }

    #[test]
    fn a_weekend_holiday_is_observed_by_the_chosen_rule() {
        // 2026-07-04 is a Saturday, 2027-12-25 a Saturday, 2022-12-25 a Sunday.
        let all = |observed| Holidays {
            dates: vec![],
            federal: FEDERAL.iter().map(|(_, h)| *h).collect(),
            observed,
        };
        assert!(all(Observed::Federal).contains(d("2026-07-03")));
        assert!(!all(Observed::Sunday).contains(d("2026-07-03")));
        assert!(all(Observed::Sunday).contains(d("2022-12-26")));
        assert!(!all(Observed::None).contains(d("2022-12-26")));
        // New Year's Day 2022 was a Saturday: observed on Friday 2021-12-31
        assert!(all(Observed::Federal).contains(d("2021-12-31")));
        assert!(!all(Observed::Federal).contains(d("2026-07-06")));
        let listed = Holidays {
            dates: vec![d("2026-12-24")],
            federal: vec![],
            observed: Observed::None,
        };
        assert!(listed.contains(d("2026-12-24")));
        assert!(!listed.contains(d("2026-12-25")));
    }
}
