use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::America::Los_Angeles as LA;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use super::split::{Reading, SplitInput, energy_curve, split};
use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn spec(text: &str) -> TariffSpec {
    #[derive(Deserialize)]
    struct File {
        tariff: TariffSpec,
    }
    toml::from_str::<File>(text).unwrap().tariff
}

/// Every day alike: super off-peak 00:00-06:00 at 0.10, off-peak 06:00-16:00 and 21:00-24:00
/// at 0.40, on-peak 16:00-21:00 at 0.60.
const SIMPLE: &str = r#"
[tariff]
name = "simple"
[[tariff.season]]
name = "all year"
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
[[tariff.period]]
name = "super_off_peak"
season = "all year"
hours = "00:00-06:00"
price_per_kwh = 0.10
[[tariff.period]]
name = "off_peak"
season = "all year"
hours = ["06:00-16:00", "21:00-24:00"]
price_per_kwh = 0.40
[[tariff.period]]
name = "on_peak"
season = "all year"
hours = "16:00-21:00"
price_per_kwh = 0.60
"#;

fn simple() -> Tariff {
    Tariff::new(&spec(SIMPLE)).unwrap()
}

/// The energy of each named period, kWh.
fn by_name(t: &Tariff, s: &Split) -> Vec<(String, f64)> {
    s.periods
        .iter()
        .map(|p| (t.periods[p.period].name.clone(), p.energy_kwh))
        .collect()
}

/// A constant-power session: `update_data` every `step` minutes (not on any boundary), kWh
/// since plug-in.
fn constant(start: DateTime<Utc>, end: DateTime<Utc>, kw: f64, step: i64) -> SplitInput {
    let mut update_data = Vec::new();
    let mut t = start + Duration::minutes(step);
    while t < end {
        let h = (t - start).num_seconds() as f64 / 3600.0;
        update_data.push(Reading {
            at: t,
            energy_kwh: Some(kw * h),
            power_kw: Some(kw),
        });
        t += Duration::minutes(step);
    }
    let hours = (end - start).num_seconds() as f64 / 3600.0;
    update_data.push(Reading {
        at: end,
        energy_kwh: Some(kw * hours),
        power_kw: Some(kw),
    });
    SplitInput {
        start,
        end: Some(end),
        total_kwh: kw * hours,
        update_data,
        samples: Vec::new(),
        peak_kw: Some(kw),
    }
}

#[test]
fn the_simple_plan_has_three_slots_a_day_and_the_cheapest_is_the_cheap_window() {
    let t = simple();
    let day = t.day(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
    let shape: Vec<(u16, u16, &str, bool)> = day
        .iter()
        .map(|s| {
            (
                s.start,
                s.end,
                t.periods[s.period].name.as_str(),
                s.after_cheap,
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (0, 360, "super_off_peak", false),
            (360, 960, "off_peak", true),
            (960, 1260, "on_peak", false),
            (1260, 1440, "off_peak", false),
        ]
    );
    assert!(t.periods[0].cheap && !t.periods[1].cheap);
    assert_eq!(t.boundaries(), &[0, 360, 960, 1260]);
}

/// Spring forward (2026-03-08, LA): plugged in 23:00 PST on the 7th, 10 kW until 07:00 PDT.
/// Seven real hours: 23:00-24:00 off-peak (10 kWh), 00:00 PST to 06:00 PDT is five real hours
/// of super off-peak (50 kWh; 02:00-03:00 never happens), 06:00-07:00 off-peak (10 kWh).
#[test]
fn a_session_across_spring_forward_loses_the_skipped_hour_from_its_period() {
    let t = simple();
    let input = constant(
        utc("2026-03-08T07:00:00Z"),
        utc("2026-03-08T14:00:00Z"),
        10.0,
        25,
    );
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(
        by_name(&t, &s),
        vec![("super_off_peak".into(), 50.0), ("off_peak".into(), 20.0)]
    );
    assert_eq!(s.curve, CurveSource::UpdateData);
    // only 06:00-07:00 follows the cheap window; 23:00-24:00 follows on-peak
    assert_eq!(s.after_cheap_kwh, 10.0);
    assert_eq!(s.after_cheap_cost, 4.0);
    let cost: f64 = s.periods.iter().map(|p| p.cost).sum();
    assert!((cost - (50.0 * 0.10 + 20.0 * 0.40)).abs() < 1e-9, "{cost}");
}

/// Fall back (2026-11-01, LA): plugged in 23:30 PDT on Oct 31, 10 kW until 06:30 PST. Eight
/// real hours: 23:30-24:00 off-peak (5 kWh), 00:00 PDT to 06:00 PST is seven real hours of
/// super off-peak (70 kWh; 01:00-02:00 happens twice), 06:00-06:30 off-peak (5 kWh).
#[test]
fn a_session_across_fall_back_counts_the_repeated_hour_in_its_period() {
    let t = simple();
    let input = constant(
        utc("2026-11-01T06:30:00Z"),
        utc("2026-11-01T14:30:00Z"),
        10.0,
        7,
    );
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(
        by_name(&t, &s),
        vec![("super_off_peak".into(), 70.0), ("off_peak".into(), 10.0)]
    );
    assert_eq!(s.after_cheap_kwh, 5.0);
}

/// One session across both DST changes: plugged in at 00:00 PST on 2026-03-01, 0.5 kW until
/// 00:00 PST on 2026-12-01 (275 local days). Every day has 6 h super off-peak, 13 h off-peak
/// and 5 h on-peak, except that 2026-03-08 lacks one super off-peak hour and 2026-11-01 has
/// one more: 1650 h, 3575 h and 1375 h, the 6600 real hours of the session.
#[test]
fn a_session_across_both_dst_changes_and_every_boundary_adds_up_by_hand() {
    let t = simple();
    let start = utc("2026-03-01T08:00:00Z");
    let end = utc("2026-12-01T08:00:00Z");
    assert_eq!((end - start).num_hours(), 275 * 24);
    let s = split(&t, LA, &constant(start, end, 0.5, 97)).unwrap();
    assert_eq!(
        by_name(&t, &s),
        vec![
            ("super_off_peak".into(), 0.5 * 1650.0),
            ("off_peak".into(), 0.5 * 3575.0),
            ("on_peak".into(), 0.5 * 1375.0),
        ]
    );
}

/// A charge that stops before the session ends: energy only where the curve rose.
#[test]
fn idle_time_plugged_in_gets_no_energy() {
    let t = simple();
    // 20:00 PST plug-in, 7 kW for two hours (20:00-22:00), then idle until 07:00
    let start = utc("2026-01-15T04:00:00Z");
    let input = SplitInput {
        start,
        end: Some(utc("2026-01-15T15:00:00Z")),
        total_kwh: 14.0,
        update_data: vec![
            Reading {
                at: start + Duration::hours(2),
                energy_kwh: Some(14.0),
                power_kw: Some(7.0),
            },
            Reading {
                at: start + Duration::hours(3),
                energy_kwh: Some(14.0),
                power_kw: Some(0.0),
            },
        ],
        samples: vec![],
        peak_kw: Some(7.0),
    };
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(
        by_name(&t, &s),
        vec![("off_peak".into(), 7.0), ("on_peak".into(), 7.0)]
    );
}

#[test]
fn without_readings_the_peak_power_or_an_even_spread_places_the_energy() {
    let t = simple();
    // 05:00 PST, 10 kWh at a 5 kW peak: 05:00-06:00 super off-peak, 06:00-07:00 off-peak
    let start = utc("2026-01-15T13:00:00Z");
    let mut input = SplitInput {
        start,
        end: Some(start + Duration::hours(10)),
        total_kwh: 10.0,
        peak_kw: Some(5.0),
        ..Default::default()
    };
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(s.curve, CurveSource::PeakPower);
    assert_eq!(
        by_name(&t, &s),
        vec![("super_off_peak".into(), 5.0), ("off_peak".into(), 5.0)]
    );
    input.peak_kw = None;
    input.end = Some(start + Duration::hours(4));
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(s.curve, CurveSource::Even);
    assert_eq!(
        by_name(&t, &s),
        vec![("super_off_peak".into(), 2.5), ("off_peak".into(), 7.5)]
    );
    input.end = None;
    assert_eq!(split(&t, LA, &input), None);
    assert!(energy_curve(&input).is_none());
}

/// Collected samples cover the first minutes only: the rest is delivered at their last power.
#[test]
fn samples_alone_are_extended_at_their_last_power() {
    let t = simple();
    // 05:50 PST plug-in, 6 kW: 1 kWh by 06:00, the other 5 kWh after
    let start = utc("2026-01-15T13:50:00Z");
    let input = SplitInput {
        start,
        end: Some(start + Duration::hours(5)),
        total_kwh: 6.0,
        samples: vec![Reading {
            at: start + Duration::minutes(5),
            energy_kwh: Some(0.5),
            power_kw: Some(6.0),
        }],
        ..Default::default()
    };
    let s = split(&t, LA, &input).unwrap();
    assert_eq!(s.curve, CurveSource::Samples);
    assert_eq!(
        by_name(&t, &s),
        vec![("super_off_peak".into(), 1.0), ("off_peak".into(), 5.0)]
    );
}

/// Seeded random sessions (any start from 2024 to 2027, up to three days, readings at random
/// times, totals that differ from the last reading): every split is non-negative, adds up to
/// the total within 0.1 % (in fact to 0.1 Wh), and each cost is its energy times its price.
#[test]
fn random_sessions_always_add_up_to_their_total() {
    let tariffs = [simple(), Tariff::new(&spec(&sdge())).unwrap()];
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    for case in 0..2_000 {
        let t = &tariffs[case % 2];
        let start = utc("2024-01-01T00:00:00Z")
            + Duration::seconds((unit() * 4.0 * 365.0 * 86_400.0) as i64);
        let length = Duration::seconds((unit() * 3.0 * 86_400.0) as i64 + 1);
        let total = (unit() * 90.0 * 1e4).round() / 1e4;
        let mut update_data = Vec::new();
        let mut e = 0.0;
        for _ in 0..(unit() * 40.0) as usize {
            e += unit() * total / 10.0;
            update_data.push(Reading {
                at: start + Duration::seconds((unit() * length.num_seconds() as f64) as i64),
                energy_kwh: Some(e.min(total * 1.01)),
                power_kw: Some(unit() * 11.0),
            });
        }
        let input = SplitInput {
            start,
            end: (unit() < 0.9).then_some(start + length),
            total_kwh: total,
            update_data,
            samples: vec![],
            peak_kw: (unit() < 0.8).then(|| 1.0 + unit() * 10.0),
        };
        let Some(s) = split(t, LA, &input) else {
            assert!(
                input.end.is_none() && input.peak_kw.is_none(),
                "case {case}"
            );
            continue;
        };
        let sum = s.energy_kwh();
        assert!(
            (sum - total).abs() <= (total * 0.001).max(1e-9),
            "case {case}: {sum} vs {total}"
        );
        assert!((sum - total).abs() < 1e-6, "case {case}: {sum} vs {total}");
        for p in &s.periods {
            assert!(p.energy_kwh > 0.0 && p.cost >= 0.0, "case {case}: {p:?}");
            let want = p.energy_kwh * t.periods[p.period].price_per_kwh;
            assert!((p.cost - want).abs() < 1e-4, "case {case}: {p:?}");
        }
        assert!(s.after_cheap_kwh >= 0.0 && s.after_cheap_kwh <= total + 1e-4);
    }
}

fn sdge() -> String {
    readme_sample()
}

#[test]
fn the_readme_sample_is_a_valid_plan_with_sdge_hours() {
    let t = Tariff::new(&spec(&sdge())).unwrap();
    let names = |date: &str| -> Vec<(String, u16, u16)> {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        t.day(d)
            .iter()
            .map(|s| (t.periods[s.period].name.clone(), s.start, s.end))
            .collect()
    };
    let hm = |h: u16| h * 60;
    // a summer weekday
    assert_eq!(
        names("2025-07-15"),
        vec![
            ("super_off_peak".into(), 0, hm(6)),
            ("off_peak".into(), hm(6), hm(16)),
            ("on_peak".into(), hm(16), hm(21)),
            ("off_peak".into(), hm(21), hm(24)),
        ]
    );
    // a March weekday has super off-peak 10:00-14:00 too
    assert_eq!(
        names("2025-03-12"),
        vec![
            ("super_off_peak".into(), 0, hm(6)),
            ("off_peak".into(), hm(6), hm(10)),
            ("super_off_peak".into(), hm(10), hm(14)),
            ("off_peak".into(), hm(14), hm(16)),
            ("on_peak".into(), hm(16), hm(21)),
            ("off_peak".into(), hm(21), hm(24)),
        ]
    );
    // weekends, and holidays (Thanksgiving 2025), have super off-peak until 14:00
    let weekend = vec![
        ("super_off_peak".into(), 0, hm(14)),
        ("off_peak".into(), hm(14), hm(16)),
        ("on_peak".into(), hm(16), hm(21)),
        ("off_peak".into(), hm(21), hm(24)),
    ];
    assert_eq!(names("2025-11-29"), weekend);
    assert_eq!(names("2025-11-27"), weekend);
    // the season follows the month
    let july = t.slot(NaiveDate::from_ymd_opt(2025, 7, 15).unwrap(), 17 * 60);
    let december = t.slot(NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(), 17 * 60);
    assert_eq!(t.periods[july.period].season, "summer");
    assert_eq!(t.periods[december.period].season, "winter");
}

fn error(text: &str) -> String {
    Tariff::new(&spec(text)).unwrap_err()
}

#[test]
fn a_gap_or_an_overlap_is_named_with_its_key_month_and_day_type() {
    let gap = SIMPLE.replace("\"16:00-21:00\"", "\"17:00-21:00\"");
    assert_eq!(
        error(&gap),
        "tariff.period: January weekdays: 16:00-17:00 is in no period (a gap)"
    );
    let overlap = SIMPLE.replace("\"16:00-21:00\"", "\"15:00-21:00\"");
    assert_eq!(
        error(&overlap),
        "tariff.period[2].hours: January weekdays: 15:00-16:00 overlaps tariff.period[1] (\"off_peak\")"
    );
    let short = SIMPLE.replace("[\"06:00-16:00\", \"21:00-24:00\"]", "\"06:00-16:00\"");
    assert_eq!(
        error(&short),
        "tariff.period: January weekdays: 21:00-24:00 is in no period (a gap)"
    );
    let bad = SIMPLE.replace("\"00:00-06:00\"", "\"0:00-6:00\"");
    assert!(
        error(&bad).starts_with("tariff.period[0].hours: \"0:00-6:00\" is not a window"),
        "{}",
        error(&bad)
    );
    let months = SIMPLE.replace("11, 12]", "11]");
    assert_eq!(error(&months), "tariff.season: month 12 is in no season");
    let season = SIMPLE.replace(
        "season = \"all year\"\nhours = \"16",
        "season = \"al year\"\nhours = \"16",
    );
    assert!(error(&season).starts_with("tariff.period[2].season: \"al year\""));
    let price = SIMPLE.replace("0.60", "-1");
    assert!(error(&price).starts_with("tariff.period[2].price_per_kwh:"));
    let days = SIMPLE.replace(
        "hours = \"16:00-21:00\"",
        "days = \"weekdays and sundays\"\nhours = \"16:00-21:00\"",
    );
    assert!(error(&days).starts_with("tariff.period[2].days:"));
    // near misses of the documented words are refused too, naming the key
    for near in ["weekdays", "weekends", "Weekday", "ALL"] {
        let days = SIMPLE.replace(
            "hours = \"16:00-21:00\"",
            &format!("days = \"{near}\"\nhours = \"16:00-21:00\""),
        );
        let e = error(&days);
        assert!(
            e.starts_with(&format!(
                "tariff.period[2].days: \"{near}\" is not a day type"
            )) && e.contains("\"weekday\", \"weekend\""),
            "{e}"
        );
    }
    let holiday = SIMPLE.replace(
        "name = \"simple\"",
        "name = \"simple\"\nholidays = [\"boxing-day\"]",
    );
    assert!(error(&holiday).starts_with("tariff.holidays[0]: \"boxing-day\""));
}

#[test]
fn a_window_past_midnight_covers_both_ends_of_each_day() {
    let night = SIMPLE
        .replace("\"00:00-06:00\"", "\"21:00-06:00\"")
        .replace("[\"06:00-16:00\", \"21:00-24:00\"]", "\"06:00-16:00\"");
    let t = Tariff::new(&spec(&night)).unwrap();
    let d = NaiveDate::from_ymd_opt(2026, 5, 5).unwrap();
    assert_eq!(t.periods[t.slot(d, 22 * 60).period].name, "super_off_peak");
    assert_eq!(t.periods[t.slot(d, 5 * 60).period].name, "super_off_peak");
    assert_eq!(t.periods[t.slot(d, 7 * 60).period].name, "off_peak");
}

#[test]
fn the_fingerprint_changes_with_a_price() {
    let a = simple();
    let b = Tariff::new(&spec(&SIMPLE.replace("0.60", "0.61"))).unwrap();
    assert_ne!(a.fingerprint, b.fingerprint);
    assert_eq!(a.fingerprint, simple().fingerprint);
    assert_eq!(a.fingerprint.len(), 16);
}
