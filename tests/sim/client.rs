//! The real API client (`cph50::api::Client`) against a started sim, in each state the sim can
//! be in: whatever the sim serves, the client's models read. Together with `wire.rs` (each raw
//! answer decodes into its model and serializes back unchanged) this keeps client and sim in
//! step.

use std::path::Path;
use std::time::Duration;

use cph50::api::retry::RetryPolicy;
use cph50::api::session::Secret;
use cph50::api::{AckPolicy, Client, ClientConfig, Credentials};
use cph50::session_file::TokenFile;
use cph50::sim::{self, Scenario, SimHandle};

use super::{MORNING, config};

fn client(handle: &SimHandle, dir: &Path) -> Client {
    Client::new(ClientConfig {
        discovery_url: handle.discovery_url.clone(),
        credentials: Credentials {
            username: "driver@example.com".into(),
            password: Some(Secret::new(sim::DEFAULT_PASSWORD)),
            session_token: None,
        },
        sessions: std::sync::Arc::new(TokenFile {
            path: dir.join("token.json"),
            key: None,
        }),
        station_id: None,
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            base: Duration::from_millis(2),
            ..RetryPolicy::default()
        },
        ack: AckPolicy {
            attempts: 5,
            interval: Duration::from_millis(1),
        },
    })
    .unwrap()
}

/// Charging: every read call, the activity pages, and the settings calls.
#[tokio::test]
async fn the_client_reads_a_charging_household() {
    let handle = sim::start(config(Scenario::Default, MORNING), 0)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&handle, dir.path());

    assert_eq!(c.station_id().await.unwrap(), sim::CHARGER_ID);
    let status = c.charger_status().await.unwrap();
    assert!(status.is_charging() && status.is_plugged_in && status.is_connected);
    let amps = status.charge_amperage_settings.unwrap();
    assert_eq!(amps.charge_limit, 40.0);
    assert_eq!(amps.possible_charge_limit.len(), 21);
    let tech = c.technical_info().await.unwrap();
    assert_eq!(tech.last_connected_at, Some(super::utc(MORNING)));
    assert!(tech.last_ota_update.is_some() && tech.software_version.is_some());
    let cfg = c.charger_config().await.unwrap();
    assert_eq!(
        cfg.settings.station_nickname.as_deref(),
        Some("ChargePoint Home")
    );
    assert_eq!(cfg.settings.utility.unwrap().id, Some(101204));

    let running = c.user_status().await.unwrap().charging.unwrap();
    let id = running.session_id.unwrap();
    assert!(running.start_time.unwrap() < super::utc(MORNING));
    let details = c.session_details(id).await.unwrap();
    assert_eq!(details.current_charging.as_deref(), Some("in_use"));
    assert!(details.end_time.is_none() && details.energy_kwh.unwrap() > 0.0);
    assert!(!details.update_data.is_empty());

    // 30 days of history are several pages of 25: the client follows the cursor to the end
    let listed = c.activity(None).await.unwrap();
    assert!(listed.len() > 25, "{} sessions", listed.len());
    assert!(
        listed
            .iter()
            .all(|s| s.end_time.is_some() && s.session_id.is_some() && s.update_data.is_empty())
    );
    assert!(listed.iter().all(|s| s.session_id != Some(id)));

    let schedule = c.schedule().await.unwrap();
    assert!(schedule.schedule_enabled);
    let windows = schedule.user_schedule.unwrap();
    assert_eq!(windows.weekdays.start_time, "00:00");
    let off = c.set_schedule(None).await.unwrap();
    assert!(!off.schedule_enabled && off.default_schedule.is_some());
    let on = c.set_schedule(Some(windows)).await.unwrap();
    assert!(on.schedule_enabled && on.user_schedule.is_some());
    assert_eq!(c.set_amperage_limit(32).await.unwrap().desired_value, 32.0);
    handle.stop().await;
}

/// Stopping and starting: the acks, a finished session's details, and the new session.
#[tokio::test]
async fn the_client_stops_and_starts_a_session() {
    let handle = sim::start(config(Scenario::Default, MORNING), 0)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&handle, dir.path());

    let id = c.user_status().await.unwrap().charging.unwrap();
    let id = id.session_id.unwrap();
    c.stop(id).await.unwrap();
    assert!(c.user_status().await.unwrap().charging.is_none());
    let done = c.session_details(id).await.unwrap();
    assert_eq!(done.current_charging.as_deref(), Some("done"));
    assert!(done.end_time.is_some() && done.power_kw == Some(0.0));
    assert_eq!(done.update_data.last().unwrap().power_kw, 0.0);

    // a remote start charges outside the schedule window too
    let started = c.start().await.unwrap();
    let new = started.session_id.unwrap();
    assert_ne!(new, id);
    let now = c.user_status().await.unwrap().charging.unwrap();
    assert_eq!(now.session_id, Some(new));
    assert_eq!(now.state.as_deref(), Some("in_use"));
    let e = c.session_details(1).await.unwrap_err();
    assert!(e.to_string().contains("session 1 not found"), "{e}");
    handle.stop().await;
}

/// Idle and offline: nothing charging, the charger unreachable.
#[tokio::test]
async fn the_client_reads_an_idle_and_an_offline_charger() {
    for scenario in [Scenario::Idle, Scenario::Offline] {
        let handle = sim::start(config(scenario, MORNING), 0).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut c = client(&handle, dir.path());
        let status = c.charger_status().await.unwrap();
        assert!(!status.is_charging() && !status.is_plugged_in, "{scenario}");
        assert_eq!(status.is_connected, scenario == Scenario::Idle);
        let seen = c.technical_info().await.unwrap().last_connected_at.unwrap();
        assert_eq!(seen == super::utc(MORNING), scenario == Scenario::Idle);
        assert!(c.user_status().await.unwrap().charging.is_none());
        assert!(!c.activity(None).await.unwrap().is_empty());
        handle.stop().await;
    }
}
