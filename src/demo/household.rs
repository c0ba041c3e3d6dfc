//! The day-by-day simulation behind `demo-data`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};

use super::derived;
use super::profiles::{self, EQUINOX, GUEST, Profile, XC40};
use super::rng::Rng;
use super::{DemoData, Params, round};
use crate::store::layout::Month;
use crate::store::records::{
    CacheEntry, LastSession, LastSessionId, Run, RunResult, RunType, Runs, SessionFile,
    VehicleConfig,
};
use crate::store::values::{ClockTime, Date, LocalDisplayTime, NonNeg, Timestamp};

/// Samples per session file and their spacing, as the collector takes them.
pub(super) const SAMPLES: u32 = 30;
pub(super) const INTERVAL_S: u32 = 10;

/// Generates the history; `progress` is called once per simulated day.
pub fn generate(params: &Params, mut progress: impl FnMut()) -> Option<DemoData> {
    let (first, last) = params.days()?;
    let mut sim = Household {
        params,
        rng: Rng::new(params.seed),
        config: profiles::vehicle_config(),
        sessions: Vec::new(),
        caches: BTreeMap::new(),
        runs: Vec::new(),
        busy_until: None,
        next_session_id: 4_800_000_000u64
            .saturating_sub((last - first).num_days() as u64 * 3_300_000)
            .max(1_000_000_000),
        next_run_id: 10_000_000_000,
    };
    let mut day = first;
    while day <= last {
        sim.day(day);
        progress();
        day = day.succ_opt()?;
    }
    Some(sim.finish())
}

/// Which car plugs in.
fn pick_car(rng: &mut Rng, guest_chance: f64) -> &'static Profile {
    if rng.chance(guest_chance) {
        &GUEST
    } else if rng.chance(0.55) {
        &EQUINOX
    } else {
        &XC40
    }
}

pub(super) struct Household<'a> {
    pub(super) params: &'a Params,
    pub(super) rng: Rng,
    pub(super) config: VehicleConfig,
    pub(super) sessions: Vec<(NaiveDate, SessionFile)>,
    pub(super) caches: BTreeMap<Month, Vec<CacheEntry>>,
    pub(super) runs: Vec<Run>,
    /// The charger is in use (a session is open) until then.
    pub(super) busy_until: Option<DateTime<Utc>>,
    pub(super) next_session_id: u64,
    pub(super) next_run_id: u64,
}

/// How a session ended: still short of the energy it wanted, or full.
pub(super) struct Outcome {
    pub(super) left_kwh: f64,
    pub(super) car: &'static Profile,
}

impl Household<'_> {
    /// The instant of local `h:m:s` on `day` (by the clock's gap/overlap policy); `None` only
    /// for an impossible time of day.
    fn at(&self, day: NaiveDate, h: u32, m: u32, s: u32) -> Option<DateTime<Utc>> {
        let t = NaiveTime::from_hms_opt(h, m, s)?;
        Some(self.params.clock.local_to_utc(day.and_time(t)))
    }

    fn free_at(&self, t: DateTime<Utc>) -> bool {
        self.busy_until
            .is_none_or(|b| b + Duration::minutes(10) < t)
    }

    fn day(&mut self, day: NaiveDate) {
        let tz = self.params.clock.tz();
        let noon_offset = |d: NaiveDate| {
            self.at(d, 12, 0, 0)
                .map(|t| t.with_timezone(&tz).format("%z").to_string())
        };
        // The evening before a DST change always has a long session across 02:00.
        let dst_tomorrow = day
            .succ_opt()
            .is_some_and(|n| noon_offset(n) != noon_offset(day));

        // 1. The charger's own schedule: 00:00-06:00 local.
        let mut night = None;
        if self.rng.chance(0.45) {
            if let (Some(start), Some(stop)) = (self.at(day, 0, 0, 1), self.at(day, 6, 0, 0)) {
                if self.free_at(start) {
                    let car = pick_car(&mut self.rng, 0.0);
                    let want = self.rng.range(10.0, 70.0);
                    night = self.session(day, start, car, want, Some(stop), 0.0);
                }
            }
        }

        // 2. cph50's daily start at 06:00 local (GitHub runs it late by a few minutes).
        let delay_s = (self.rng.unit().powi(2) * 1500.0) as i64;
        if let Some(run_at) = self
            .at(day, 6, 0, 0)
            .map(|t| t + Duration::seconds(delay_s))
        {
            self.daily_start(day, run_at, night);
        }

        // 3. A top-up during the day, sometimes started by hand.
        if self.rng.chance(0.07) {
            let minute = self.rng.int(10 * 60, 15 * 60) as u32;
            let second = self.rng.int(0, 59) as u32;
            if let Some(start) = self.at(day, minute / 60, minute % 60, second) {
                if self.free_at(start) {
                    let car = pick_car(&mut self.rng, 0.05);
                    let want = self.rng.range(1.0, 6.0);
                    let manual = self.rng.chance(0.3);
                    if self.session(day, start, car, want, None, 0.0).is_some() && manual {
                        self.run(
                            start,
                            RunResult::Success,
                            "Charging started on request",
                            RunType::ManualStart,
                        );
                    }
                }
            }
        }

        // 4. An evening plug-in that charges at once (often past midnight).
        if dst_tomorrow || self.rng.chance(0.33) {
            let (from, to) = if dst_tomorrow {
                (22 * 60, 23 * 60 + 30)
            } else {
                (17 * 60 + 30, 23 * 60 + 50)
            };
            let minute = self.rng.int(from, to) as u32;
            let second = self.rng.int(0, 59) as u32;
            if let Some(start) = self.at(day, minute / 60, minute % 60, second) {
                if self.free_at(start) {
                    let car = pick_car(&mut self.rng, if dst_tomorrow { 0.0 } else { 0.06 });
                    let want = if dst_tomorrow {
                        self.rng.range(40.0, 60.0)
                    } else {
                        self.rng.range(6.0, 50.0)
                    };
                    let linger = self.rng.range(300.0, 5400.0);
                    self.session(day, start, car, want, None, linger);
                }
            }
        }
    }

    fn daily_start(&mut self, day: NaiveDate, run_at: DateTime<Utc>, night: Option<Outcome>) {
        if self.rng.chance(0.015) {
            self.run(
                run_at,
                RunResult::Failure,
                "Charger offline",
                RunType::Scheduled,
            );
            return;
        }
        let plan = match night {
            Some(n) if n.left_kwh > 0.5 => Some((n.car, n.left_kwh)),
            Some(_) => {
                self.run(
                    run_at,
                    RunResult::Other,
                    "Vehicle already fully charged",
                    RunType::Scheduled,
                );
                return;
            }
            None if self.rng.chance(0.2) && self.free_at(run_at) => {
                let car = pick_car(&mut self.rng, 0.0);
                let want = self.rng.range(8.0, 45.0);
                Some((car, want))
            }
            None => None,
        };
        match plan {
            Some((car, want)) => {
                let start = run_at + Duration::seconds(self.rng.int(20, 60));
                let linger = self.rng.range(300.0, 3600.0);
                self.session(day, start, car, want, None, linger);
                self.run(
                    run_at,
                    RunResult::Success,
                    "Charging started and confirmed",
                    RunType::Scheduled,
                );
            }
            None => self.run(
                run_at,
                RunResult::Other,
                "No vehicle plugged in",
                RunType::Scheduled,
            ),
        }
    }

    fn run(&mut self, at: DateTime<Utc>, result: RunResult, reason: &str, run_type: RunType) {
        self.next_run_id += self.rng.int(30_000, 120_000) as u64;
        let (local, _) = self.params.clock.local(at);
        let polling = match result {
            RunResult::Success => self.rng.range(8.0, 95.0),
            RunResult::Failure => self.rng.range(30.0, 120.0),
            RunResult::Other => self.rng.range(1.0, 4.0),
        };
        self.runs.push(Run {
            run_id: self.next_run_id.to_string(),
            date: Date(at.date_naive()),
            time_utc: ClockTime(at.time().with_nanosecond(0).unwrap_or(at.time())),
            time_pt: ClockTime(local.time()),
            result,
            reason: reason.to_owned(),
            run_type,
            polling_duration_sec: Some(NonNeg(round(polling, 1))),
            stop: None,
            extra: Default::default(),
        });
    }

    fn finish(mut self) -> DemoData {
        for entries in self.caches.values_mut() {
            crate::store::sort_cache(entries);
        }
        let last = self.sessions.last().map(|(_, s)| s.clone());
        let last_entry = self.caches.values().last().and_then(|c| c.last()).cloned();
        let (last_session, last_session_id) = match (last, last_entry) {
            (Some(file), Some(entry)) => {
                let end = entry
                    .session_end_time
                    .map_or(entry.session_start_time.to_utc(), |t| t.to_utc());
                // The next 10-minute poll after the session ended.
                let poll = end + Duration::minutes(10 - i64::from(end.minute() % 10));
                let poll = poll.with_second(0).unwrap_or(poll);
                let snapshot = LastSession {
                    timestamp: Timestamp::utc(poll),
                    detected_at: display(&self.params.clock, poll),
                    power_kw: None,
                    energy_kwh: Some(entry.session.energy_kwh),
                    duration_minutes: Some(entry.session.duration_seconds / 60),
                    vehicle_id: file.vehicle_id.clone(),
                    vehicle_confidence: file.vehicle_confidence,
                    connected: false,
                    charging: false,
                    extra: Default::default(),
                };
                let tracking = LastSessionId {
                    session_id: file.session_id.clone(),
                    timestamp: entry.session_start_time,
                    extra: Default::default(),
                };
                (Some(snapshot), Some(tracking))
            }
            _ => (None, None),
        };
        DemoData {
            classifier_summary: derived::summary(&self.sessions),
            vehicle_map: derived::legacy_map(&self.sessions),
            vehicle_config: self.config,
            sessions: self.sessions,
            caches: self.caches,
            runs: Runs {
                runs: self.runs,
                extra: Default::default(),
            },
            last_session,
            last_session_id,
        }
    }
}

pub(super) fn display(clock: &crate::clock::Clock, at: DateTime<Utc>) -> LocalDisplayTime {
    let (naive, zone) = clock.local(at);
    LocalDisplayTime { naive, zone }
}

pub(super) fn secs(s: f64) -> Duration {
    Duration::milliseconds((s * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::demo::{DEFAULT_SEED, DEFAULT_UNTIL};

    fn household(params: &Params) -> Household<'_> {
        Household {
            params,
            rng: Rng::new(params.seed),
            config: profiles::vehicle_config(),
            sessions: Vec::new(),
            caches: BTreeMap::new(),
            runs: Vec::new(),
            busy_until: None,
            next_session_id: 1,
            next_run_id: 1,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Chile skips 00:00-01:00 on 2026-09-06: the schedule's 00:00:01 start that day is
    /// 01:00:01 -03:00 (it used to be no time at all, so that night had no session).
    #[test]
    fn a_local_time_in_a_gap_is_read_by_the_clock_policy() {
        let params = |tz| Params {
            seed: DEFAULT_SEED,
            months: 1,
            until: DEFAULT_UNTIL,
            clock: Clock::fixed(tz, utc("2026-10-01T00:00:00Z")),
            tariff: None,
        };
        let santiago = params(chrono_tz::America::Santiago);
        let h = household(&santiago);
        assert_eq!(
            h.at(day("2026-09-06"), 0, 0, 1),
            Some(utc("2026-09-06T04:00:01Z"))
        );
        let la = params(chrono_tz::America::Los_Angeles);
        let h = household(&la);
        assert_eq!(
            h.at(day("2026-03-08"), 0, 0, 1),
            Some(utc("2026-03-08T08:00:01Z"))
        );
        assert_eq!(h.at(day("2026-03-08"), 24, 0, 0), None);
    }
}
