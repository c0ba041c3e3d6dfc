//! `cph50 sim`: a stateful fake ChargePoint on 127.0.0.1 for demos, tests and benchmarks.
//!
//! It answers discovery, login, the account, the home charger (status, technical info,
//! configuration, schedule, amperage limit, restart), `user_status`, the monthly activity
//! list, session details and remote start/stop with their acks, in exactly the shapes of the
//! real API (`tests/fixtures/chargepoint/`). Behind them sits one household: a charger with an
//! overnight schedule, two cars and a guest whose sessions follow the demo power curves, a
//! history of `history_days` days, and a clock that can run fast or be moved by hand.
//! Faults can be injected per endpoint; `/_sim/...` endpoints control the sim and report the
//! request counts. Everything is deterministic for a given seed and start time.

mod ack;
mod activity;
mod bodies;
mod charger;
mod clock;
mod command;
mod control;
mod cookies;
mod fault;
mod history;
mod http;
mod mapcache;
mod quirks;
mod routes;
mod schedule;
mod session;
mod world;

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::Error;

pub use fault::{FaultKind, FaultSpec, FaultTarget};

/// The home charger's id (`deviceId`; a string in the chargers list).
pub const CHARGER_ID: u64 = 100_000_001;
/// The account's user id.
pub const USER_ID: u64 = 200_000_001;
/// The primary vehicle (Volvo XC40), named by every session answer's `vehicle_info`.
pub const PRIMARY_VEHICLE_ID: u64 = 700_000_001;
/// The Chevrolet Equinox EV in the account's vehicle list.
pub const EQUINOX_VEHICLE_ID: u64 = 700_000_002;
/// The password the sim accepts unless told otherwise.
pub const DEFAULT_PASSWORD: &str = "sim-password";
/// Days of finished sessions before the start, unless told otherwise.
pub const DEFAULT_HISTORY_DAYS: u32 = 90;
/// The fastest clock, sim seconds per real second.
pub const MAX_SPEED: f64 = 100_000.0;
/// The longest history the sim generates, days.
pub const MAX_HISTORY_DAYS: u32 = 3660;

/// The household's state when the sim starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// History, and the Equinox plugged in and charging (started about 20 minutes ago).
    Default,
    /// History, nothing plugged in.
    Idle,
    /// History, the charger unreachable (`isConnected: false`); start/stop are never confirmed.
    Offline,
    /// Like `default`, but a password login answers 403 with a Datadome captcha.
    Captcha,
    /// Like `idle`, but the user status still lists the last finished session (no `state`),
    /// and its details answer `{"charging_status": {}}` (as `POST /_sim/stale`).
    StaleSession,
    /// Like `default`, but the user status leaves out a session's id for its first 3 answers
    /// while the charger already reports `CHARGING` (as `POST /_sim/id-delay`).
    IdPending,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 6] = [
        Self::Default,
        Self::Idle,
        Self::Offline,
        Self::Captcha,
        Self::StaleSession,
        Self::IdPending,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Idle => "idle",
            Self::Offline => "offline",
            Self::Captcha => "captcha",
            Self::StaleSession => "stale-session",
            Self::IdPending => "id-pending",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|x| x.name()).collect();
                format!(
                    "unknown scenario {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of everything the sim invents (history, ids, noise, refusals, tokens).
    pub seed: u64,
    /// The state at the start.
    pub scenario: Scenario,
    /// Days of finished sessions before `start` (at most [`MAX_HISTORY_DAYS`]).
    pub history_days: u32,
    /// Sim seconds per real second, 0 to [`MAX_SPEED`] (0 = the clock moves only by
    /// `POST /_sim/advance`).
    pub speed: f64,
    /// Faults armed from the start.
    pub faults: Vec<FaultSpec>,
    /// The password the login accepts (any username).
    pub password: String,
    /// The sim clock's start.
    pub start: DateTime<Utc>,
}

impl SimConfig {
    /// The defaults (seed 42, `default` scenario, 90 days, real-time speed) starting at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            seed: crate::demo::DEFAULT_SEED,
            scenario: Scenario::Default,
            history_days: DEFAULT_HISTORY_DAYS,
            speed: 1.0,
            faults: Vec::new(),
            password: DEFAULT_PASSWORD.to_owned(),
            start,
        }
    }
}

/// A running simulator; dropping it (or [`SimHandle::stop`]) shuts the server down.
#[derive(Debug)]
pub struct SimHandle {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// `{base_url}/discovery/v3/globalconfig`: the value for `CP_DISCOVERY_URL`.
    pub discovery_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Binds `127.0.0.1:port` (0 = any free port), builds the household of `cfg` and serves it
/// on a spawned task of the current tokio runtime.
///
/// # Errors
/// [`Error::Usage`] when `cfg.speed` is not within 0..=[`MAX_SPEED`] or `cfg.history_days` is
/// over [`MAX_HISTORY_DAYS`] (or, a bug, the built-in discovery answer does not fit the
/// client's model); [`Error::Io`] naming `127.0.0.1:<port>` when it cannot be bound.
pub async fn start(cfg: SimConfig, port: u16) -> Result<SimHandle, Error> {
    if !(0.0..=MAX_SPEED).contains(&cfg.speed) {
        return Err(Error::Usage(format!(
            "sim speed {} is not a number from 0 to {MAX_SPEED} (1 = real time, 0 = frozen)",
            cfg.speed
        )));
    }
    if cfg.history_days > MAX_HISTORY_DAYS {
        return Err(Error::Usage(format!(
            "sim history of {} days is more than {MAX_HISTORY_DAYS}",
            cfg.history_days
        )));
    }
    let address = format!("127.0.0.1:{port}");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| Error::io("listen on", &address, e))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::io("read the address of", &address, e))?;
    let base_url = format!("http://{local}");
    let discovery = bodies::discovery(&base_url).map_err(|e| {
        Error::Usage(format!(
            "the built-in discovery answer does not fit the client's model: {e}"
        ))
    })?;
    let shared = Arc::new(http::Shared {
        world: Mutex::new(household(&cfg)),
        discovery,
        start: cfg.start,
    });
    let app = routes::router(shared);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let stopped = async {
            let _ = rx.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!("cph50 sim server stopped: {e}");
        }
    });
    Ok(SimHandle {
        discovery_url: format!("{base_url}/discovery/v3/globalconfig"),
        base_url,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// The household of `cfg`: its past played day by day, then the scenario's state at
/// `cfg.start`.
fn household(cfg: &SimConfig) -> world::World {
    let mut w = world::World::bare(cfg);
    history::replay(&mut w, cfg.history_days, cfg.start);
    w.begin(cfg);
    w
}

/// splitmix64 of `a` and `b`: independent, reproducible numbers from one seed.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_round_trip_and_unknown_ones_list_the_choices() {
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>(), Ok(s));
        }
        let e = "busy".parse::<Scenario>().unwrap_err();
        assert_eq!(
            e,
            "unknown scenario \"busy\"; expected one of default, idle, offline, captcha, stale-session, id-pending"
        );
    }

    #[test]
    fn discovery_points_every_https_endpoint_here() {
        let d = bodies::discovery("http://127.0.0.1:9").unwrap();
        let value = |key: &str| d.end_points[key].value.as_str();
        assert_eq!(value("sso_endpoint"), "http://127.0.0.1:9/sso_endpoint/");
        assert_eq!(
            value("internal_api_gateway_endpoint"),
            "http://127.0.0.1:9/gw"
        );
        assert!(value("websocket_endpoint").starts_with("wss://"));
        let text = serde_json::to_string(&d).unwrap();
        assert!(!text.contains("\"https://internal-api"));
        assert!(
            text.contains("\"homeChargerConfig\""),
            "the rest is passed through"
        );
        assert_eq!(d.region, "NA-US");
    }
}
