//! The simulated household: one charger, its schedule, the plugged-in car, the sessions, the
//! start/stop commands waiting for the station, and the issued session tokens.
//!
//! Time only moves forward: [`World::advance_to`] plays every schedule edge and station
//! confirmation between the last instant seen and the new one, in order.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::ack::Ack;
use super::clock::SimClock;
use super::cookies::Tokens;
use super::fault::Faults;
use super::schedule::{Edge, Schedule};
use super::session::{Car, Session};
use super::{Scenario, SimConfig, mix};

/// The car at the charger.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plugged {
    /// Which car.
    pub(crate) car: Car,
    /// Energy it still takes before it is full, kWh.
    pub(crate) need_kwh: f64,
}

/// Everything the simulator knows.
pub(crate) struct World {
    pub(crate) seed: u64,
    pub(crate) scenario: Scenario,
    pub(crate) password: String,
    pub(crate) tz: Tz,
    pub(crate) clock: SimClock,
    last_tick: DateTime<Utc>,
    pub(crate) connected: bool,
    /// When the charger was last seen (used while offline).
    pub(crate) last_connected: DateTime<Utc>,
    /// The user schedule; `None` = disabled (a plugged car charges at once).
    pub(crate) schedule: Option<Schedule>,
    pub(crate) amperage: u32,
    /// A new amperage limit is "applying" until then.
    pub(crate) amperage_until: DateTime<Utc>,
    pub(crate) plugged: Option<Plugged>,
    /// The running session.
    pub(crate) current: Option<u64>,
    pub(crate) sessions: BTreeMap<u64, Session>,
    /// How many of `sessions` are the generated past.
    pub(crate) history_sessions: usize,
    last_id: u64,
    /// Remote commands by ack id.
    pub(crate) acks: BTreeMap<u64, Ack>,
    pub(crate) next_ack: u64,
    /// Start commands so far (which ones the station refuses is seeded).
    pub(crate) starts: u64,
    /// The session tokens handed out.
    pub(crate) tokens: Tokens,
    pub(crate) faults: Faults,
    /// The real API's oddities in force.
    pub(crate) quirks: Quirks,
    /// The running session and how many user status answers named it so far.
    pub(crate) id_polls: (u64, u32),
    /// Requests per endpoint name.
    pub(crate) requests: BTreeMap<&'static str, u64>,
    pub(crate) logins: u64,
    pub(crate) failed_logins: u64,
}

impl World {
    /// The household of `cfg` before anything happened; [`super::history::replay`] plays its
    /// past into it, then [`Self::begin`] sets the scenario's state at `cfg.start`.
    pub(crate) fn bare(cfg: &SimConfig) -> Self {
        let tz = crate::clock::DEFAULT_TZ;
        let seed = cfg.seed;
        let origin = cfg.start - Duration::days(i64::from(cfg.history_days) + 2);
        Self {
            seed,
            scenario: cfg.scenario,
            password: cfg.password.clone(),
            tz,
            clock: SimClock::new(cfg.start, cfg.speed),
            last_tick: origin,
            connected: true,
            last_connected: cfg.start,
            schedule: Some(Schedule::overnight()),
            amperage: crate::demo::profiles::AMPERAGE_LIMIT_A,
            amperage_until: origin,
            plugged: None,
            current: None,
            sessions: BTreeMap::new(),
            history_sessions: 0,
            last_id: 4_800_000_000 + mix(seed, 7) % 10_000_000,
            acks: BTreeMap::new(),
            next_ack: 1 + mix(seed, 11) % 900,
            starts: 0,
            tokens: Tokens::new(seed),
            faults: Faults::default(),
            quirks: Quirks::default(),
            id_polls: (0, 0),
            requests: BTreeMap::new(),
            logins: 0,
            failed_logins: 0,
        }
    }

    /// After the history: the scenario's state at `cfg.start`, and the faults armed.
    pub(crate) fn begin(&mut self, cfg: &SimConfig) {
        let seed = cfg.seed;
        let w = self;
        w.history_sessions = w.sessions.len();
        match cfg.scenario {
            Scenario::StaleSession => w.quirks.stale_session = Some(StaleDetails::Empty),
            Scenario::IdPending => w.quirks.id_delay_polls = 3,
            _ => {}
        }
        match cfg.scenario {
            Scenario::Default | Scenario::Captcha | Scenario::IdPending => {
                // the Equinox was plugged in and started about 20 minutes ago
                let begun = cfg.start - Duration::seconds(1200 + (mix(seed, 17) % 120) as i64);
                let need = 20.0 + (mix(seed, 19) % 2500) as f64 / 100.0;
                w.advance_to(begun);
                let _ = w.plug(Car::Equinox, need, begun);
                if w.current.is_none() {
                    w.begin_session(begun);
                }
            }
            Scenario::Offline => {
                w.connected = false;
                w.last_connected =
                    cfg.start - Duration::seconds(3 * 3600 + (mix(seed, 23) % 3600) as i64);
            }
            Scenario::Idle | Scenario::StaleSession => {}
        }
        for f in &cfg.faults {
            w.faults.add(*f);
        }
        w.advance_to(cfg.start);
    }

    /// Brings the world to the clock's current time and returns it.
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = self.clock.now().max(self.last_tick);
        self.advance_to(now);
        now
    }

    /// Plays every schedule edge and station confirmation in `(last instant, t]`.
    pub(crate) fn advance_to(&mut self, t: DateTime<Utc>) {
        if t <= self.last_tick {
            return;
        }
        let after = self.last_tick;
        let mut events: Vec<(DateTime<Utc>, Option<Edge>, u64)> = self
            .schedule
            .map(|s| s.edges(self.tz, after, t))
            .unwrap_or_default()
            .into_iter()
            .map(|(at, edge)| (at, Some(edge), 0))
            .collect();
        events.extend(
            self.due_acks(after, t)
                .into_iter()
                .map(|(at, id)| (at, None, id)),
        );
        events.sort();
        for (at, edge, ack) in events {
            self.last_tick = at;
            match edge {
                Some(Edge::Open) => {
                    if self.plugged.is_some() && self.current.is_none() {
                        // the station starts a second after the window opens, like the real one
                        self.begin_session(at + Duration::seconds(1));
                    }
                }
                Some(Edge::Close) => self.end_session(at),
                None => self.resolve(ack, at),
            }
        }
        self.last_tick = t;
    }

    /// Starts a session for the plugged-in car at `at` (nothing without a car).
    pub(crate) fn begin_session(&mut self, at: DateTime<Utc>) {
        let Some(p) = self.plugged else { return };
        if self.current.is_some() {
            return;
        }
        let id = self.next_session_id();
        let s = Session::new(self.seed, id, p.car, at, p.need_kwh, self.amperage);
        self.sessions.insert(s.id, s);
        self.current = Some(id);
    }

    /// A new session id, larger than every one before.
    pub(crate) fn next_session_id(&mut self) -> u64 {
        self.last_id += 1_000_000 + mix(self.seed, self.last_id) % 2_500_000;
        self.last_id
    }

    /// Ends the running session at `at`; the car keeps what it got.
    pub(crate) fn end_session(&mut self, at: DateTime<Utc>) {
        let Some(id) = self.current.take() else {
            return;
        };
        if let Some(s) = self.sessions.get_mut(&id) {
            s.finish(at);
            let got = s.energy(at);
            if let Some(p) = &mut self.plugged {
                p.need_kwh = (p.need_kwh - got).max(0.0);
            }
        }
    }

    /// Plugs `car` in; it charges at once inside the schedule window or without a schedule.
    pub(crate) fn plug(
        &mut self,
        car: Car,
        need_kwh: f64,
        at: DateTime<Utc>,
    ) -> Result<(), String> {
        if let Some(p) = self.plugged {
            return Err(format!(
                "{} is already plugged in; POST /_sim/unplug first",
                p.car.key()
            ));
        }
        self.plugged = Some(Plugged { car, need_kwh });
        if self.schedule.is_none_or(|s| s.contains(self.tz, at)) {
            self.begin_session(at);
        }
        Ok(())
    }

    /// Unplugs the car, ending its session.
    pub(crate) fn unplug(&mut self, at: DateTime<Utc>) -> Option<Car> {
        self.end_session(at);
        self.plugged.take().map(|p| p.car)
    }

    /// Replaces the user schedule (`None` disables it: a plugged-in car then charges at once).
    pub(crate) fn set_schedule(&mut self, schedule: Option<Schedule>, at: DateTime<Utc>) {
        self.schedule = schedule;
        if self.current.is_none() && schedule.is_none_or(|s| s.contains(self.tz, at)) {
            self.begin_session(at);
        }
    }

    /// A new amperage limit; the charger reports it as applying for a few seconds. It caps
    /// the running session's power from now on (`amps` × 240 V), and every later session's.
    pub(crate) fn set_amperage(&mut self, amps: u32, at: DateTime<Utc>) {
        self.amperage = amps;
        self.amperage_until = at + Duration::seconds(10);
        if let Some(s) = self.current.and_then(|id| self.sessions.get_mut(&id)) {
            s.limit(amps, at);
        }
    }

    /// Sets the charger on- or offline; commands sent while offline are never confirmed.
    pub(crate) fn set_connected(&mut self, connected: bool, at: DateTime<Utc>) {
        if self.connected && !connected {
            self.last_connected = at;
            self.lose_pending_acks();
        }
        self.connected = connected;
    }

    /// Whether the charger's own schedule window is open at `at`.
    pub(crate) fn during_schedule(&self, at: DateTime<Utc>) -> bool {
        self.schedule.is_some_and(|s| s.contains(self.tz, at))
    }

    /// Whether energy flows at `at`.
    pub(crate) fn charging(&self, at: DateTime<Utc>) -> bool {
        self.current
            .and_then(|id| self.sessions.get(&id))
            .is_some_and(|s| s.is_charging(at))
    }

    /// Counts one request to the endpoint named `name`.
    pub(crate) fn count(&mut self, name: &'static str) {
        *self.requests.entry(name).or_default() += 1;
    }
}

/// What the session details of a stale listing answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StaleDetails {
    /// `{"charging_status": {}}`.
    Empty,
    /// `{"charging_status": {"error": "java.lang.NullPointerException"}}`.
    Error,
}

impl StaleDetails {
    /// The word of `POST /_sim/stale`: `empty`, `error`, or `off` (`None`).
    pub(crate) fn parse(word: &str) -> Result<Option<Self>, String> {
        match word {
            "empty" => Ok(Some(Self::Empty)),
            "error" => Ok(Some(Self::Error)),
            "off" => Ok(None),
            _ => Err(format!(
                "`details` must be \"empty\", \"error\" or \"off\", not {word:?}"
            )),
        }
    }
}

/// The quirks in force (all off by default).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct Quirks {
    /// While no session runs, the user status still lists the last finished home session
    /// (no `state`, no start), and its details answer so.
    pub(crate) stale_session: Option<StaleDetails>,
    /// The user status leaves out a running session's id (and state and start) for its first
    /// this many answers...
    pub(crate) id_delay_polls: u32,
    /// ...and until this many sim seconds after the session's start.
    pub(crate) id_delay_seconds: u32,
    /// Sessions that ended more than this many days ago come without `update_data` in their
    /// details (`/_sim/no-curve`): ChargePoint need not keep every old session's samples.
    pub(crate) no_curve_after_days: Option<f64>,
}
