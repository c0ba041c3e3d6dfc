//! Remote start/stop with their acks, the charger's schedule, and sessions growing with time.

use cph50::sim::Scenario;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, MORNING, assert_shape, config, utc};

const ACC: &str = "accounts_endpoint";
/// The real API's refusal of a start (mbillow/ha-chargepoint#52), the sim's "try again".
const TRY_AGAIN: &str =
    "Failed to start charging. May be in use by another user or return plug and try again.";

/// Whether an ack answer is the real API's refusal (422, errorId 89, `CHARGE`) with `message`.
fn refused(status: u16, body: &Value, message: &str) -> bool {
    status == 422
        && body["errorId"] == 89
        && body["errorCategory"] == "CHARGE"
        && body["errorMessage"] == message
}

/// An idle sim at 10:00 PST with the Equinox plugged in (waiting: outside the window).
async fn plugged(need_kwh: f64) -> Api {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    let state = api
        .control(
            "plug",
            json!({"vehicle": "serenity_equinox_2024", "soc_kwh_needed": need_kwh}),
        )
        .await;
    assert_eq!(state["plugged"]["vehicle"], "serenity_equinox_2024");
    let status = api.status().await;
    assert_eq!(status["isPluggedIn"], true);
    assert_eq!(status["chargingStatus"], "AVAILABLE");
    assert_eq!(status["isDuringScheduledTime"], false);
    assert_eq!(api.user_status().await, json!({"user_status": {}}));
    api
}

/// Starts until the station accepts (it now and then says "return the plug and try again").
async fn start_charging(api: &mut Api) -> (u64, u64) {
    for _ in 0..8 {
        let (status, body) = api.start_and_confirm().await;
        if refused(status, &body, TRY_AGAIN) {
            continue;
        }
        assert_eq!(status, 200, "{body}");
        assert_shape(&body, "session_ack_ok.json");
        let us = api.user_status().await;
        let real = us["user_status"]["charging"]["sessionId"].as_u64().unwrap();
        return (body["sessionId"].as_u64().unwrap(), real);
    }
    panic!("the station refused 8 starts in a row");
}

#[tokio::test]
async fn a_start_is_pending_then_confirmed_and_user_status_names_the_real_session() {
    let mut api = plugged(30.0).await;
    let body = json!({"deviceId": 100000001});
    let ack = api
        .ok(
            Method::POST,
            ACC,
            "v1/driver/station/startsession",
            Some(body),
        )
        .await;
    assert_shape(&ack, "start_session_response.json");
    let poll = json!({"ackId": ack["ackId"], "action": "start_session"});
    let r = api
        .call(
            Method::POST,
            ACC,
            "v1/driver/station/session/ack",
            Some(poll.clone()),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_shape(&r.json(), "session_ack_pending.json");
    api.advance(6.0).await;
    let r = api
        .call(
            Method::POST,
            ACC,
            "v1/driver/station/session/ack",
            Some(poll),
        )
        .await;
    if r.json()["errorCategory"] == "CHARGE" {
        // the seeded "try again" refusal: the next start goes through the helper
        assert!(refused(r.status, &r.json(), TRY_AGAIN), "{}", r.text);
        start_charging(&mut api).await;
    } else {
        assert_eq!(r.status, 200, "{}", r.text);
        let shown = r.json()["sessionId"].as_u64().unwrap();
        let us = api.user_status().await;
        assert_shape(&us, "user_status_charging.json");
        let real = us["user_status"]["charging"]["sessionId"].as_u64().unwrap();
        assert_ne!(shown, real, "the ack's sessionId is not the session id");
        assert!(real > 4_000_000_000, "{real}");
    }
    api.advance(60.0).await;
    let status = api.status().await;
    assert_eq!(status["chargingStatus"], "CHARGING");
}

#[tokio::test]
async fn the_station_confirms_on_the_third_poll_even_with_a_frozen_clock() {
    let mut api = plugged(30.0).await;
    let body = json!({"deviceId": 100000001});
    let ack = api
        .ok(
            Method::POST,
            ACC,
            "v1/driver/station/startsession",
            Some(body),
        )
        .await;
    let poll = json!({"ackId": ack["ackId"], "action": "start_session"});
    let mut codes = Vec::new();
    for _ in 0..4 {
        let r = api
            .call(
                Method::POST,
                ACC,
                "v1/driver/station/session/ack",
                Some(poll.clone()),
            )
            .await;
        let body = r.json();
        codes.push((r.status, body["errorCategory"].as_str().map(str::to_owned)));
    }
    let pending = (422, Some("STATION_NOT_YET_CONFIRMED".to_owned()));
    assert_eq!(&codes[..2], &[pending.clone(), pending]);
    assert!(
        codes[2] == (200, None) || codes[2] == (422, Some("CHARGE".into())),
        "{codes:?}"
    );
    assert_eq!(codes[3], codes[2], "a confirmed ack keeps its answer");
}

#[tokio::test]
async fn a_start_without_a_car_is_refused() {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    let mut reasons = Vec::new();
    for _ in 0..3 {
        let (status, body) = api.start_and_confirm().await;
        assert_eq!(
            (status, &body["errorCategory"]),
            (422, &json!("CHARGE")),
            "{body}"
        );
        assert_eq!(body["errorId"], 89);
        reasons.push(body["errorMessage"].as_str().unwrap().to_owned());
    }
    assert!(
        reasons.iter().any(|r| r == "No vehicle plugged in"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn about_one_start_in_eight_is_refused_the_same_way_for_a_seed() {
    async fn refusals(seed: u64) -> Vec<bool> {
        let mut cfg = config(Scenario::Idle, MORNING);
        cfg.seed = seed;
        let mut api = Api::logged_in(cfg).await;
        let mut out = Vec::new();
        for _ in 0..40 {
            let (_, body) = api.start_and_confirm().await;
            out.push(body["errorMessage"] == TRY_AGAIN);
        }
        out
    }
    let a = refusals(7).await;
    assert_eq!(a, refusals(7).await);
    let n = a.iter().filter(|r| **r).count();
    assert!((1..=12).contains(&n), "{n} of 40 refused");
}

#[tokio::test]
async fn a_stop_ends_the_session() {
    let mut api = plugged(30.0).await;
    let (_, id) = start_charging(&mut api).await;
    api.advance(600.0).await;
    let body = json!({"deviceId": 100000001, "portNumber": 1, "sessionId": id});
    let ack = api
        .ok(
            Method::POST,
            ACC,
            "v1/driver/station/stopSession",
            Some(body),
        )
        .await;
    assert_shape(&ack, "stop_session_response.json");
    let (status, body) = api
        .confirm(ack["ackId"].as_u64().unwrap(), "stop_session")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_shape(&body, "session_ack_ok_stop.json");
    assert_eq!(api.user_status().await, json!({"user_status": {}}));
    let done = api.session(id).await;
    assert_eq!(done["charging_status"]["current_charging"], "done");
    assert_eq!(done["charging_status"]["power_kw"], 0.0);
    assert!(done["charging_status"]["energy_kwh"].as_f64().unwrap() > 1.0);
    assert_eq!(api.status().await["chargingStatus"], "AVAILABLE");
    assert_eq!(api.status().await["isPluggedIn"], true);
}

#[tokio::test]
async fn the_schedule_window_stops_a_session_at_six_local_and_starts_one_at_midnight() {
    // 05:00 PST: the default scenario's Equinox is charging inside the window
    let mut api = Api::logged_in(config(Scenario::Default, "2026-01-09T13:00:00Z")).await;
    let status = api.status().await;
    assert_eq!(status["isDuringScheduledTime"], true);
    assert_eq!(status["chargingStatus"], "CHARGING");
    let id = api.user_status().await["user_status"]["charging"]["sessionId"]
        .as_u64()
        .unwrap();
    api.advance(3600.0 + 30.0).await;
    assert_eq!(api.user_status().await, json!({"user_status": {}}));
    let done = api.session(id).await["charging_status"].clone();
    let six = utc("2026-01-09T14:00:00Z").timestamp_millis();
    assert_eq!(done["end_time"], six, "{done}");
    assert_eq!(done["current_charging"], "done");
    let status = api.status().await;
    assert_eq!(status["isDuringScheduledTime"], false);
    assert_eq!(status["chargingStatus"], "AVAILABLE");
    assert_eq!(status["isPluggedIn"], true);

    // the car stays plugged in; the next window opens at 00:00 PST and charges it again
    api.advance(18.0 * 3600.0).await;
    // 18 hours later the token has expired: log in again
    assert_eq!(api.login(cph50::sim::DEFAULT_PASSWORD).await.status, 200);
    let next = api.user_status().await;
    let new_id = next["user_status"]["charging"]["sessionId"]
        .as_u64()
        .unwrap();
    assert!(new_id > id);
    let started = next["user_status"]["charging"]["startTimeUTC"]
        .as_f64()
        .unwrap();
    assert_eq!(started, utc("2026-01-10T08:00:01Z").timestamp() as f64);
}

fn offsets(session: &Value) -> Vec<i64> {
    let cs = &session["charging_status"];
    let start = cs["start_time"].as_i64().unwrap();
    cs["update_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["timestamp"].as_i64().unwrap() - start) / 1000)
        .collect()
}

#[tokio::test]
async fn update_data_grows_dense_first_then_sparse() {
    let mut api = plugged(40.0).await;
    let (_, id) = start_charging(&mut api).await;
    let t0 = offsets(&api.session(id).await).last().copied().unwrap();
    api.advance(60.0).await;
    let early = api.session(id).await;
    let o = offsets(&early);
    assert_eq!(&o[..3], &[0, 8, 23], "{o:?}");
    assert_eq!(*o.last().unwrap(), t0 + 60, "the last point is now");

    api.advance(3600.0).await;
    let later = api.session(id).await;
    let o2 = offsets(&later);
    assert!(o2.len() > o.len(), "{o:?} -> {o2:?}");
    assert_eq!(&o2[..4], &[0, 8, 23, 95], "{o2:?}");
    assert!(
        o2.windows(2)
            .skip(4)
            .all(|w| w[1] - w[0] <= 600 && w[1] > w[0]),
        "{o2:?}"
    );
    assert!(
        o2.windows(2).skip(4).filter(|w| w[1] - w[0] == 600).count() >= 4,
        "{o2:?}"
    );
    let cs = &later["charging_status"];
    let points = cs["update_data"].as_array().unwrap();
    let energies: Vec<f64> = points
        .iter()
        .map(|p| p["energy_kwh"].as_f64().unwrap())
        .collect();
    assert!(energies.windows(2).all(|w| w[1] >= w[0]), "{energies:?}");
    let last = points.last().unwrap();
    assert_eq!(cs["energy_kwh"], last["energy_kwh"]);
    assert_eq!(cs["power_kw"], last["power_kw"]);
    assert_eq!(cs["last_update_data_timestamp"], last["timestamp"]);
    let power = cs["power_kw"].as_f64().unwrap();
    assert!((8.0..10.0).contains(&power), "Equinox steady power {power}");
    let energy = cs["energy_kwh"].as_f64().unwrap();
    assert!(
        (8.0..10.0).contains(&energy),
        "{energy} kWh after about an hour"
    );
    assert_eq!(cs["session_time"], o2.last().unwrap() * 1000);
    assert_eq!(cs["power_kw_display"], format!("{power:.2}"));
}

#[tokio::test]
async fn a_full_car_stops_drawing_power_but_stays_in_its_session_until_unplugged() {
    let mut api = plugged(1.0).await;
    let (_, id) = start_charging(&mut api).await;
    api.advance(3600.0).await;
    assert_eq!(api.status().await["chargingStatus"], "AVAILABLE");
    assert_eq!(
        api.user_status().await["user_status"]["charging"]["sessionId"],
        id
    );
    let cs = api.session(id).await["charging_status"].clone();
    assert_eq!(cs["power_kw"], 0.0);
    let energy = cs["energy_kwh"].as_f64().unwrap();
    assert!((energy - 1.0).abs() < 0.01, "{energy}");
    assert!(cs["charging_time"].as_i64().unwrap() < cs["session_time"].as_i64().unwrap() / 3);

    api.control("unplug", json!({})).await;
    let done = api.session(id).await["charging_status"].clone();
    assert_eq!(done["current_charging"], "done");
    let points = done["update_data"].as_array().unwrap();
    let tail = &points[points.len() - 3..];
    assert!(
        tail.iter()
            .all(|p| p["power_kw"] == 0.0 && p["timestamp"] == done["end_time"])
    );
    assert!(tail[1].get("update_date").is_some(), "{tail:?}");
    assert_eq!(api.status().await["isPluggedIn"], false);
}
