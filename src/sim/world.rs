//! The simulated household: one charger, its schedule, the plugged-in car, the sessions, the
//! start/stop commands waiting for the station, and the issued session tokens.
//!
//! Time only moves forward: [`World::advance_to`] plays every schedule edge and station
//! confirmation between the last instant seen and the new one, in order.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::clock::SimClock;
use super::fault::Faults;
use super::schedule::{Edge, Schedule};
use super::session::{Car, Session};
use super::{Scenario, SimConfig, history, mix};

/// Sim seconds after which the station confirms a command that was not polled three times.
const CONFIRM_S: i64 = 5;
/// Lifetime of a session token, sim seconds.
pub(crate) const TOKEN_S: i64 = 7200;

/// Refusal: no car at the charger.
pub(crate) const NO_CAR: &str = "No vehicle plugged in";
/// Refusal: the station's occasional "try again".
pub(crate) const RETURN_PLUG: &str = "Return the plug to the holster and try again.";
/// Refusal: a start while a session runs.
pub(crate) const ALREADY: &str = "A charging session is already in progress";
/// Refusal: a stop for a session that is not running.
pub(crate) const NOT_RUNNING: &str = "The session is not in progress";

/// The car at the charger.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plugged {
    /// Which car.
    pub(crate) car: Car,
    /// Energy it still takes before it is full, kWh.
    pub(crate) need_kwh: f64,
}

/// A remote command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `startsession`, acked as `start_session`.
    Start,
    /// `stopSession`, acked as `stop_session`.
    Stop,
}

impl Action {
    /// The `action` word of the ack call.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Start => "start_session",
            Self::Stop => "stop_session",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AckState {
    Pending,
    /// The station never got it (offline): pending forever.
    Lost,
    Done,
    Refused(&'static str),
}

#[derive(Debug, Clone)]
struct Ack {
    action: Action,
    created: DateTime<Utc>,
    polls: u32,
    state: AckState,
    /// Start: the seeded "try again" refusal. Stop: the session to stop.
    refuse: Option<&'static str>,
    session: Option<u64>,
}

/// What an ack poll answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckAnswer {
    /// 422: the station has not confirmed yet.
    Pending,
    /// 200 `{"sessionId": n}` (n is not the real session id) for a start, `{}` for a stop.
    Confirmed(Option<u64>),
    /// 409 with the station's reason.
    Refused(&'static str),
    /// No such ack id.
    Unknown,
    /// The ack id belongs to the other action.
    WrongAction(Action),
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
    acks: BTreeMap<u64, Ack>,
    next_ack: u64,
    starts: u64,
    tokens: BTreeMap<String, DateTime<Utc>>,
    issued: u64,
    pub(crate) faults: Faults,
    /// Requests per endpoint name.
    pub(crate) requests: BTreeMap<&'static str, u64>,
    pub(crate) logins: u64,
    pub(crate) failed_logins: u64,
}

impl World {
    /// The household of `cfg`: its history, then the scenario's state at `cfg.start`.
    pub(crate) fn new(cfg: &SimConfig) -> Self {
        let tz = crate::clock::DEFAULT_TZ;
        let seed = cfg.seed;
        let origin = cfg.start - Duration::days(i64::from(cfg.history_days) + 2);
        let mut w = Self {
            seed,
            scenario: cfg.scenario,
            password: cfg.password.clone(),
            tz,
            clock: SimClock::new(cfg.start, cfg.speed),
            last_tick: origin,
            connected: true,
            last_connected: cfg.start,
            schedule: Some(Schedule::overnight()),
            amperage: 40,
            amperage_until: origin,
            plugged: None,
            current: None,
            sessions: BTreeMap::new(),
            history_sessions: 0,
            last_id: 4_800_000_000 + mix(seed, 7) % 10_000_000,
            acks: BTreeMap::new(),
            next_ack: 1 + mix(seed, 11) % 900,
            starts: 0,
            tokens: BTreeMap::new(),
            issued: 0,
            faults: Faults::default(),
            requests: BTreeMap::new(),
            logins: 0,
            failed_logins: 0,
        };
        history::replay(&mut w, cfg.history_days, cfg.start);
        w.history_sessions = w.sessions.len();
        match cfg.scenario {
            Scenario::Default | Scenario::Captcha => {
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
            Scenario::Idle => {}
        }
        for f in &cfg.faults {
            w.faults.add(*f);
        }
        w.advance_to(cfg.start);
        w
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
        for (id, ack) in &self.acks {
            let due = ack.created + Duration::seconds(CONFIRM_S);
            if ack.state == AckState::Pending && after < due && due <= t {
                events.push((due, None, *id));
            }
        }
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
        self.last_id += 1_000_000 + mix(self.seed, self.last_id) % 2_500_000;
        let s = Session::new(
            self.seed,
            self.last_id,
            p.car,
            at,
            p.need_kwh,
            self.amperage,
        );
        self.sessions.insert(s.id, s);
        self.current = Some(self.last_id);
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

    /// A new amperage limit; the charger reports it as applying for a few seconds.
    pub(crate) fn set_amperage(&mut self, amps: u32, at: DateTime<Utc>) {
        self.amperage = amps;
        self.amperage_until = at + Duration::seconds(10);
    }

    /// Sets the charger on- or offline; commands sent while offline are never confirmed.
    pub(crate) fn set_connected(&mut self, connected: bool, at: DateTime<Utc>) {
        if self.connected && !connected {
            self.last_connected = at;
            for ack in self.acks.values_mut() {
                if ack.state == AckState::Pending {
                    ack.state = AckState::Lost;
                }
            }
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

    /// A remote start; returns the ack id.
    pub(crate) fn command(
        &mut self,
        action: Action,
        session: Option<u64>,
        at: DateTime<Utc>,
    ) -> u64 {
        let refuse = match action {
            Action::Start => {
                self.starts += 1;
                (mix(self.seed ^ 0xA11CE, self.starts) % 8 == 0).then_some(RETURN_PLUG)
            }
            Action::Stop => None,
        };
        let id = self.next_ack;
        self.next_ack += 1;
        let state = if self.connected {
            AckState::Pending
        } else {
            AckState::Lost
        };
        self.acks.insert(
            id,
            Ack {
                action,
                created: at,
                polls: 0,
                state,
                refuse,
                session,
            },
        );
        id
    }

    /// The station's answer to a command, when it confirms it at `at`.
    fn resolve(&mut self, id: u64, at: DateTime<Utc>) {
        let Some(ack) = self.acks.get(&id).cloned() else {
            return;
        };
        if ack.state != AckState::Pending {
            return;
        }
        let state = match ack.action {
            Action::Start => {
                if let Some(reason) = ack.refuse {
                    AckState::Refused(reason)
                } else if self.plugged.is_none() {
                    AckState::Refused(NO_CAR)
                } else if self.current.is_some() {
                    AckState::Refused(ALREADY)
                } else {
                    self.begin_session(at);
                    AckState::Done
                }
            }
            Action::Stop => {
                if self.current.is_some() && ack.session.is_none_or(|s| Some(s) == self.current) {
                    self.end_session(at);
                    AckState::Done
                } else {
                    AckState::Refused(NOT_RUNNING)
                }
            }
        };
        if let Some(a) = self.acks.get_mut(&id) {
            a.state = state;
        }
    }

    /// One ack poll: the station confirms on the third poll or after [`CONFIRM_S`] seconds.
    pub(crate) fn poll_ack(&mut self, id: u64, action: Action, at: DateTime<Utc>) -> AckAnswer {
        let Some(ack) = self.acks.get_mut(&id) else {
            return AckAnswer::Unknown;
        };
        if ack.action != action {
            return AckAnswer::WrongAction(ack.action);
        }
        ack.polls += 1;
        if ack.polls >= 3 && ack.state == AckState::Pending {
            self.resolve(id, at);
        }
        let Some(ack) = self.acks.get(&id) else {
            return AckAnswer::Unknown;
        };
        match (ack.state, ack.action) {
            (AckState::Pending | AckState::Lost, _) => AckAnswer::Pending,
            (AckState::Refused(r), _) => AckAnswer::Refused(r),
            (AckState::Done, Action::Start) => {
                AckAnswer::Confirmed(Some(10_000 + mix(self.seed, id) % 90_000))
            }
            (AckState::Done, Action::Stop) => AckAnswer::Confirmed(None),
        }
    }

    /// A fresh session token valid for [`TOKEN_S`] sim seconds from `at`.
    pub(crate) fn issue_token(&mut self, at: DateTime<Utc>) -> String {
        self.tokens.retain(|_, until| *until > at);
        self.issued += 1;
        let token = format!(
            "{:016x}{:016x}",
            mix(self.seed ^ 0x70CE, self.issued),
            mix(self.issued, self.seed)
        );
        self.tokens
            .insert(token.clone(), at + Duration::seconds(TOKEN_S));
        token
    }

    /// Whether `token` was issued here and has not expired at `at`.
    pub(crate) fn token_valid(&self, token: &str, at: DateTime<Utc>) -> bool {
        self.tokens.get(token).is_some_and(|until| at < *until)
    }

    /// Forgets `token` (logout).
    pub(crate) fn revoke(&mut self, token: &str) {
        self.tokens.remove(token);
    }

    /// Every token stops working (the `expire` fault).
    pub(crate) fn expire_tokens(&mut self) {
        self.tokens.clear();
    }

    /// Counts one request to the endpoint named `name`.
    pub(crate) fn count(&mut self, name: &'static str) {
        *self.requests.entry(name).or_default() += 1;
    }

    /// The number of acks still waiting for the station.
    pub(crate) fn pending_acks(&self) -> usize {
        self.acks
            .values()
            .filter(|a| matches!(a.state, AckState::Pending | AckState::Lost))
            .count()
    }
}
