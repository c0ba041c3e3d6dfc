//! The daily start in any zone, end to end: `cph50 init` driven by flags in a copy of the
//! repository's tracked files, for Los Angeles, New York, London, Berlin and Sydney; then the
//! charge workflow's steps, run as a runner would against `cph50 sim`, for every delivery of
//! the crons init wrote, on the days either side of both DST changes of three years, 0, 20
//! and 70 minutes late; the pushed runs.json must hold exactly one start per local day.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use cph50::clock::{local_day_start, local_to_utc};
use cph50::cron::Schedule;

use crate::common::gha::{Origin, git, git_text, run_job_of, secrets, text, tracked_copy};
use crate::common::sim::SimProcess;

/// The instant each tested local day's start should be recorded at.
type Expected = BTreeMap<NaiveDate, DateTime<Utc>>;

/// The zones and the start time init is given for each (not all 06:00, so the start comes
/// from cph50.toml, not from a default).
const ZONES: [(&str, &str); 5] = [
    ("America/Los_Angeles", "06:00"),
    ("America/New_York", "05:30"),
    ("Europe/London", "07:15"),
    ("Europe/Berlin", "06:00"),
    ("Australia/Sydney", "06:45"),
];

/// How late every cron of a year is delivered: each lateness gets the DST changes of its own
/// year, so each meets both changes.
const LATE: [(i32, i64); 3] = [(2026, 0), (2027, 20), (2028, 70)];

/// The days a local clock changes its offset in `year` (the offset at local noon differs
/// from the day before's).
fn dst_changes(tz: Tz, year: i32) -> Vec<NaiveDate> {
    let noon_offset = |d: NaiveDate| {
        let t = local_to_utc(tz, d.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap()));
        tz.offset_from_utc_datetime(&t.naive_utc()).fix()
    };
    let first = NaiveDate::from_ymd_opt(year, 1, 2).unwrap();
    first
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter(|d| noon_offset(*d) != noon_offset(d.pred_opt().unwrap()))
        .collect()
}

/// Every run of `schedule` during local `day`, in time order.
fn deliveries(schedule: &Schedule, tz: Tz, day: NaiveDate) -> Vec<DateTime<Utc>> {
    let (start, end) = (
        local_day_start(tz, day),
        local_day_start(tz, day.succ_opt().unwrap()),
    );
    // every start window lies inside its day here (start + 90 min), so these are all its runs
    let daily = cph50::cron::DailyStart {
        tz,
        at: NaiveTime::MIN,
        grace: end - start - Duration::seconds(1),
    };
    let runs = schedule.runs_in_window(&daily, day);
    assert!(runs.iter().all(|t| *t >= start && *t < end));
    runs
}

/// One zone: init, push, then every scheduled charge run of the test days; returns, for each
/// local day tested, the instant the start should be recorded at (the first run at or after
/// the start time, within the grace window), and the pushed runs.json.
fn zone_run(zone: &str, start: &str, sim: &SimProcess) -> (Expected, serde_json::Value) {
    let tz: Tz = zone.parse().unwrap();
    let origin = Origin::of_repo(tracked_copy());
    let user = origin.clone("user");
    let tokens = tempfile::tempdir().unwrap();
    // the user runs init with their credentials set: the account's cars fill vehicle_config
    sim.cph50(&user)
        .env("CP_TOKEN_FILE", tokens.path().join("init.json"))
        .args(["init", "--tz", zone, "--start", start, "--yes"])
        .assert()
        .success();
    let data: Vec<String> = std::fs::read_dir(user.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        data,
        ["vehicle_config.json"],
        "{zone}: the demo data is gone"
    );
    let config = std::fs::read_to_string(user.join("data/vehicle_config.json")).unwrap();
    assert!(config.contains("\"volvo_xc40_recharge_2021\""), "{config}");
    git(&user, &["add", "-A"]);
    git(&user, &["commit", "-q", "-m", "cph50 init"]);
    git(&user, &["push", "-q", "origin", "HEAD:main"]);

    let runner = origin.clone("runner");
    let raw = std::fs::read_to_string(runner.join(".github/workflows/charge.yml")).unwrap();
    let wf: serde_norway::Value = serde_norway::from_str(&raw).unwrap();
    let crons: Vec<String> = wf["on"]["schedule"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c["cron"].as_str().unwrap().to_owned())
        .collect();
    let schedule = Schedule::parse(&crons).unwrap();
    let (values, mut env) = secrets(sim, tokens.path());
    env.push(("CPH50_NOW", String::new()));
    env.push(("GITHUB_RUN_ID", String::new()));
    let at = NaiveTime::parse_from_str(start, "%H:%M").unwrap();
    let mut days = Expected::new();
    let mut run = 0u32;
    for (year, late) in LATE {
        let changes = dst_changes(tz, year);
        assert_eq!(changes.len(), 2, "{zone} {year}: {changes:?}");
        for change in changes {
            for day in [change.pred_opt().unwrap(), change] {
                let window = local_to_utc(tz, day.and_time(at));
                let runs: Vec<DateTime<Utc>> = deliveries(&schedule, tz, day)
                    .into_iter()
                    .map(|t| t + Duration::minutes(late))
                    .collect();
                let first = runs
                    .iter()
                    .find(|t| **t >= window && **t <= window + Duration::minutes(90));
                days.insert(day, *first.expect("a run inside the start window"));
                for now in runs {
                    run += 1;
                    let n = env.len();
                    env[n - 2].1 = now.to_rfc3339();
                    env[n - 1].1 = format!("{}{run:04}", 7_000_000 + year);
                    for (name, out) in run_job_of(&wf, "charge", &runner, &values, &env) {
                        assert!(
                            out.status.success(),
                            "{zone} {day} {now}: step {name} failed:\n{}",
                            text(&out)
                        );
                    }
                }
            }
        }
    }
    let runs = git_text(&origin.bare(), &["show", "main:data/runs.json"]);
    (days, serde_json::from_str(&runs).unwrap())
}

#[test]
fn init_then_the_charge_workflow_starts_once_a_day_in_five_zones_across_dst() {
    let sim = SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "0",
        "--start",
        "2026-01-10T14:05:00Z",
    ]);
    type Result = (Expected, serde_json::Value);
    let results: Vec<((&str, &str), Result)> = std::thread::scope(|s| {
        let handles: Vec<_> = ZONES
            .iter()
            .map(|(z, start)| ((*z, *start), s.spawn(|| zone_run(z, start, &sim))))
            .collect();
        handles
            .into_iter()
            .map(|(z, h)| (z, h.join().unwrap()))
            .collect()
    });
    for ((zone, start), (expected, runs)) in results {
        let tz: Tz = zone.parse().unwrap();
        let start = NaiveTime::parse_from_str(start, "%H:%M").unwrap();
        let mut per_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
        for r in runs["runs"].as_array().unwrap() {
            assert_eq!(r["run_type"], "scheduled", "{zone}: {r}");
            let date = NaiveDate::parse_from_str(r["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let time =
                NaiveTime::parse_from_str(r["time_utc"].as_str().unwrap(), "%H:%M:%S").unwrap();
            let at = date.and_time(time).and_utc();
            let local = at.with_timezone(&tz);
            assert!(
                local.time() >= start && local.time() <= start + Duration::minutes(90),
                "{zone}: a start outside {start} + 90 min local: {r}"
            );
            per_day.entry(local.date_naive()).or_default().push(at);
        }
        assert_eq!(expected.len(), 12, "{zone}: 2 days x 2 changes x 3 years");
        let got: BTreeMap<NaiveDate, DateTime<Utc>> = per_day
            .iter()
            .map(|(day, starts)| {
                assert_eq!(starts.len(), 1, "{zone} {day}: starts {starts:?}");
                (*day, starts[0])
            })
            .collect();
        // one start on each tested day, by the first run inside its window, and no other
        assert_eq!(got, expected, "{zone}");
    }
}

/// The helper finds the changes the test relies on (and nothing in a zone without DST).
#[test]
fn dst_changes_are_found_in_both_hemispheres() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        dst_changes(chrono_tz::America::Los_Angeles, 2026),
        [d("2026-03-08"), d("2026-11-01")]
    );
    assert_eq!(
        dst_changes(chrono_tz::Australia::Sydney, 2026),
        [d("2026-04-05"), d("2026-10-04")]
    );
    assert!(dst_changes(chrono_tz::Asia::Kolkata, 2026).is_empty());
}
