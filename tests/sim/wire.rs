//! The models of `crate::api::models` are the one description of the wire shape: every fixture
//! decodes into its model and serializes back to the same JSON value (same keys, same kinds of
//! numbers), and every answer the sim serves decodes into the model the client uses.

use cph50::api::models::{
    AccountsError, AckAnswer, AckIdAnswer, ActivityAnswer, AmperageAnswer, BotChallenge,
    ChargerConfig, ChargerStatus, Discovery, Empty, HomeChargers, Profile, Schedule, SessionAnswer,
    TechnicalInfo, UserStatusAnswer, Vehicles,
};
use cph50::sim::Scenario;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Api, CHARGER, MORNING, Resp, USER, config, fixture};

const HCM: &str = "hcpo_hcm_endpoint";
const ACCOUNTS: &str = "accounts_endpoint";
const MAPCACHE: &str = "mapcache_endpoint";

/// Decodes fixture `name` into `T` the way the client does, serializes it, and asserts the
/// result is the fixture's JSON value.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) {
    let original = fixture(name);
    let text = serde_json::to_vec(&original).unwrap();
    let model: T = cph50::decode::decode(&text)
        .unwrap_or_else(|e| panic!("{name} does not decode: {} {}", e.pointer, e.message));
    let back = serde_json::to_value(&model).unwrap();
    if back != original {
        let mut diffs = Vec::new();
        value_diff(&back, &original, "", &mut diffs);
        panic!("{name} does not serialize back:\n  {}", diffs.join("\n  "));
    }
}

/// Where two JSON values differ (all array elements compared).
fn value_diff(actual: &Value, expected: &Value, at: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for k in e.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{at}/{k}: missing"));
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{at}/{k}: not in the fixture"));
            }
            for (k, ev) in e {
                if let Some(av) = a.get(k) {
                    value_diff(av, ev, &format!("{at}/{k}"), out);
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                value_diff(av, ev, &format!("{at}/{i}"), out);
            }
        }
        _ if actual != expected => {
            out.push(format!("{at}: {actual} where the fixture has {expected}"))
        }
        _ => {}
    }
}

#[test]
fn every_fixture_serializes_back_from_its_model() {
    round_trip::<Discovery>("discovery_global_config.json");
    round_trip::<Profile>("account_profile_user.json");
    round_trip::<Vehicles>("account_vehicles.json");
    round_trip::<HomeChargers>("home_chargers.json");
    for name in [
        "home_charger_status_charging.json",
        "home_charger_status_idle.json",
        "home_charger_status_offline.json",
    ] {
        round_trip::<ChargerStatus>(name);
    }
    round_trip::<TechnicalInfo>("home_charger_technical_info.json");
    round_trip::<ChargerConfig>("home_charger_config.json");
    round_trip::<Schedule>("home_charger_schedule.json");
    round_trip::<Schedule>("home_charger_schedule_disabled.json");
    round_trip::<AmperageAnswer>("home_charger_amperage_limit_put.json");
    round_trip::<AmperageAnswer>("home_charger_led_brightness_put.json");
    round_trip::<UserStatusAnswer>("user_status_charging.json");
    round_trip::<UserStatusAnswer>("user_status_idle.json");
    for name in [
        "charging_status_session_in_progress.json",
        "charging_status_session_done_equinox_ev.json",
        "charging_status_session_done_volvo_xc40.json",
        "charging_status_session_done_unknown_no_energy.json",
        "charging_status_session_done_unknown_public_station.json",
        "charging_status_session_done_unknown_topup.json",
        "charging_status_error.json",
    ] {
        round_trip::<SessionAnswer>(name);
    }
    round_trip::<ActivityAnswer>("charging_activity_monthly_page1.json");
    round_trip::<ActivityAnswer>("charging_activity_monthly_page2.json");
    round_trip::<AckIdAnswer>("start_session_response.json");
    round_trip::<AckIdAnswer>("stop_session_response.json");
    round_trip::<AckAnswer>("session_ack_ok.json");
    round_trip::<AckAnswer>("session_ack_ok_stop.json");
    round_trip::<AccountsError>("session_ack_pending.json");
    round_trip::<AccountsError>("invalid_session_401.json");
    round_trip::<BotChallenge>("datadome_403.json");
}

/// Decodes the exact bytes of a sim answer into `T` the way the client does, and asserts that
/// serializing the model gives the same JSON value back: nothing the sim sends is dropped or
/// reshaped by the model (a field the model reads as `None` would show up here).
fn served<T: DeserializeOwned + Serialize>(what: &str, r: &Resp, status: u16) -> T {
    assert_eq!(r.status, status, "{what}: {}", r.text);
    let model: T = cph50::decode::decode(r.text.as_bytes())
        .unwrap_or_else(|e| panic!("{what} does not decode: {} {}", e.pointer, e.message));
    let back = serde_json::to_value(&model).unwrap();
    let mut diffs = Vec::new();
    value_diff(&back, &r.json(), "", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{what} does not serialize back:\n  {}",
        diffs.join("\n  ")
    );
    model
}

fn charger(tail: &str) -> String {
    format!("api/v1/configuration/users/{USER}/chargers/{CHARGER}{tail}")
}

/// The account and charger answers, and the schedule and amperage changes.
async fn account_and_charger(api: &mut Api) {
    let url = api.handle.discovery_url.clone();
    let r = api
        .raw(Method::POST, &url, Some(json!({"username": "x"})), None)
        .await;
    served::<Discovery>("discovery", &r, 200);
    let r = api
        .call(Method::GET, ACCOUNTS, "v1/driver/profile/user", None)
        .await;
    served::<Profile>("profile", &r, 200);
    let r = api
        .call(Method::GET, ACCOUNTS, "v1/driver/vehicle", None)
        .await;
    served::<Vehicles>("vehicles", &r, 200);
    let list = format!("api/v1/configuration/users/{USER}/chargers");
    let r = api.call(Method::GET, HCM, &list, None).await;
    served::<HomeChargers>("chargers", &r, 200);
    let r = api.call(Method::GET, HCM, &charger("/status"), None).await;
    served::<ChargerStatus>("status", &r, 200);
    let r = api
        .call(Method::GET, HCM, &charger("/technical-info"), None)
        .await;
    served::<TechnicalInfo>("technical info", &r, 200);
    let r = api
        .call(Method::GET, HCM, &charger("/configurations"), None)
        .await;
    served::<ChargerConfig>("configuration", &r, 200);
    let r = api
        .call(Method::POST, HCM, &charger("/restart"), None)
        .await;
    served::<Empty>("restart", &r, 200);
    let path = format!("api/v1/schedule/charger/{CHARGER}/schedule");
    let r = api.call(Method::GET, HCM, &path, None).await;
    served::<Schedule>("schedule", &r, 200);
    let r = api.call(Method::PUT, HCM, &path, Some(json!({}))).await;
    assert!(!served::<Schedule>("schedule disabled", &r, 200).schedule_enabled);
    let window = json!({"startTime": "01:00", "endTime": "05:00"});
    let body = json!({"schedule": {"weekdays": window, "weekends": window}});
    let r = api.call(Method::PUT, HCM, &path, Some(body)).await;
    assert!(served::<Schedule>("schedule enabled", &r, 200).schedule_enabled);
    let path = format!("api/v1/configuration/chargers/{CHARGER}/charge-amperage-limit");
    let body = json!({"chargeAmperageLimit": 30});
    let r = api.call(Method::PUT, HCM, &path, Some(body)).await;
    served::<AmperageAnswer>("amperage", &r, 200);
}

/// Every page of the activity list, following the cursor.
async fn activity_pages(api: &mut Api) -> usize {
    let (mut cursor, mut sessions) = (None::<String>, 0);
    loop {
        let mut q = json!({"page_size": 7, "show_address_for_home_sessions": true});
        if let Some(c) = &cursor {
            q["page_offset"] = json!(c);
        }
        let body = json!({"charging_activity_monthly": q});
        let r = api.call(Method::POST, MAPCACHE, "v2", Some(body)).await;
        let page = served::<ActivityAnswer>("activity page", &r, 200).charging_activity_monthly;
        sessions += page
            .month_info
            .iter()
            .map(|m| m.sessions.len())
            .sum::<usize>();
        match page.page_offset {
            Some(next) if next != "last_page" => cursor = Some(next),
            _ => return sessions,
        }
    }
}

/// Ack polls of `id` (at most `polls`) until the station answers; the pending ones are error
/// bodies. The last answer.
async fn confirm(api: &mut Api, id: u64, action: &str, polls: u32) -> Resp {
    let body = json!({"ackId": id, "action": action});
    for _ in 1..polls {
        let r = api
            .call(
                Method::POST,
                ACCOUNTS,
                "v1/driver/station/session/ack",
                Some(body.clone()),
            )
            .await;
        if r.status != 422 || r.json()["errorCategory"] != "STATION_NOT_YET_CONFIRMED" {
            return r;
        }
        served::<AccountsError>("pending ack", &r, 422);
    }
    api.call(
        Method::POST,
        ACCOUNTS,
        "v1/driver/station/session/ack",
        Some(body),
    )
    .await
}

/// `POST mapcache v2` with `user_status`.
async fn user_status(api: &mut Api, what: &str) -> UserStatusAnswer {
    let body = json!({"user_status": {"mfhs": {}}});
    let r = api.call(Method::POST, MAPCACHE, "v2", Some(body)).await;
    served(what, &r, 200)
}

/// Session details through driver-bff.
async fn session(api: &mut Api, id: u64, what: &str) -> SessionAnswer {
    let path = format!("/driver-bff/v1/sessions/{id}");
    let body = json!({"charging_status": {"session_id": id, "mfhs": []}});
    let r = api
        .call(
            Method::POST,
            "internal_api_gateway_endpoint",
            &path,
            Some(body),
        )
        .await;
    served(what, &r, 200)
}

/// A start (no `session`) or stop command; its ack id.
async fn command(api: &mut Api, session: Option<u64>) -> u64 {
    let (path, body) = match session {
        None => ("startsession", json!({"deviceId": 100000001})),
        Some(id) => (
            "stopSession",
            json!({"deviceId": 100000001, "portNumber": 1, "sessionId": id}),
        ),
    };
    let path = format!("v1/driver/station/{path}");
    let r = api.call(Method::POST, ACCOUNTS, &path, Some(body)).await;
    served::<AckIdAnswer>(&path, &r, 200).ack_id
}

/// The session answers while charging, after a stop and after a start, and the errors.
async fn sessions_and_commands(api: &mut Api) {
    let running = user_status(api, "user status, charging").await;
    let id = running.user_status.charging.unwrap().session_id.unwrap();
    let details = session(api, id, "session in progress").await;
    assert_eq!(
        details.charging_status.current_charging.as_deref(),
        Some("in_use")
    );

    let ack = command(api, Some(id)).await;
    let r = confirm(api, ack, "stop_session", 5).await;
    served::<AckAnswer>("stop confirmed", &r, 200);
    let idle = user_status(api, "user status, idle").await;
    assert!(idle.user_status.charging.is_none());
    let done = session(api, id, "session done").await;
    assert!(done.charging_status.end_time.is_some());

    let ack = command(api, None).await;
    let r = confirm(api, ack, "start_session", 5).await;
    let confirmed = served::<AckAnswer>("start confirmed", &r, 200);
    assert!(confirmed.session_id.is_some());

    let unknown = session(api, 1, "unknown session").await;
    assert!(unknown.charging_status.error.is_some());
    let body = json!({"charging_status": {"session_id": id, "mfhs": []}});
    let r = api.call(Method::POST, MAPCACHE, "v2", Some(body)).await;
    served::<SessionAnswer>("session through mapcache", &r, 200);
}

#[tokio::test]
async fn every_answer_of_the_sim_decodes_into_the_clients_model_and_back() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    account_and_charger(&mut api).await;
    assert!(activity_pages(&mut api).await > 7);
    sessions_and_commands(&mut api).await;

    // error bodies: no token, a captcha
    let url = api.url("accounts_endpoint", "v1/driver/profile/user");
    let r = api.raw(Method::GET, &url, None, None).await;
    served::<AccountsError>("401", &r, 401);
    api.control("fault", json!({"spec": "profile=captcha_json"}))
        .await;
    let r = api
        .call(Method::GET, ACCOUNTS, "v1/driver/profile/user", None)
        .await;
    served::<BotChallenge>("captcha", &r, 403);
}

#[tokio::test]
async fn idle_and_offline_answers_decode_into_the_clients_model_and_back() {
    for scenario in [Scenario::Idle, Scenario::Offline] {
        let mut api = Api::logged_in(config(scenario, MORNING)).await;
        let r = api.call(Method::GET, HCM, &charger("/status"), None).await;
        let status = served::<ChargerStatus>("status", &r, 200);
        assert_eq!(status.is_connected, scenario == Scenario::Idle);
        let r = api
            .call(Method::GET, HCM, &charger("/technical-info"), None)
            .await;
        served::<TechnicalInfo>("technical info", &r, 200);
        let idle = user_status(&mut api, "user status").await;
        assert!(idle.user_status.charging.is_none());
        assert!(activity_pages(&mut api).await > 7);
        let ack = command(&mut api, None).await;
        let r = confirm(&mut api, ack, "start_session", 5).await;
        // idle: the station refuses (no car); offline: it never answers (both are 422s)
        let answer = served::<AccountsError>("start refused or pending", &r, 422);
        let category = if scenario == Scenario::Idle {
            "CHARGE"
        } else {
            "STATION_NOT_YET_CONFIRMED"
        };
        assert_eq!(answer.category.as_deref(), Some(category));
    }
}
