//! Every answer has the shape (keys at every level, kinds of values) of the real one in
//! `tests/fixtures/chargepoint/`.

use cph50::sim::Scenario;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, CHARGER, MORNING, USER, assert_shape, config};

const HCM: &str = "hcpo_hcm_endpoint";

fn charger(tail: &str) -> String {
    format!("api/v1/configuration/users/{USER}/chargers/{CHARGER}{tail}")
}

#[tokio::test]
async fn account_and_charger_answers_have_the_fixture_shapes() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let acc = "accounts_endpoint";
    let profile = api
        .ok(Method::GET, acc, "v1/driver/profile/user", None)
        .await;
    assert_shape(&profile, "account_profile_user.json");
    let vehicles = api.ok(Method::GET, acc, "v1/driver/vehicle", None).await;
    assert_shape(&vehicles, "account_vehicles.json");
    assert_eq!(vehicles[0]["id"], 700000001);
    assert_eq!(vehicles[0]["primaryVehicle"], true);
    assert_eq!(vehicles[1]["id"], 700000002);

    let chargers = api
        .ok(
            Method::GET,
            HCM,
            &format!("api/v1/configuration/users/{USER}/chargers"),
            None,
        )
        .await;
    assert_shape(&chargers, "home_chargers.json");
    assert_eq!(chargers["data"][0]["id"], "100000001");

    let status = api.status().await;
    assert_shape(&status, "home_charger_status_charging.json");
    assert_eq!(status["chargingStatus"], "CHARGING");
    assert_eq!(status["isPluggedIn"], true);
    let tech = api
        .ok(Method::GET, HCM, &charger("/technical-info"), None)
        .await;
    assert_shape(&tech, "home_charger_technical_info.json");
    let cfg = api
        .ok(Method::GET, HCM, &charger("/configurations"), None)
        .await;
    assert_shape(&cfg, "home_charger_config.json");
    let restart = api
        .call(Method::POST, HCM, &charger("/restart"), None)
        .await;
    assert_eq!(restart.status, 200);
}

#[tokio::test]
async fn schedule_answers_and_changes_have_the_fixture_shapes() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let path = format!("api/v1/schedule/charger/{CHARGER}/schedule");
    let got = api.ok(Method::GET, HCM, &path, None).await;
    assert_shape(&got, "home_charger_schedule.json");
    assert_eq!(got["userSchedule"]["weekdays"]["startTime"], "00:00");
    assert_eq!(got["userSchedule"]["weekdays"]["endTime"], "06:00");

    let off = api.ok(Method::PUT, HCM, &path, Some(json!({}))).await;
    assert_shape(&off, "home_charger_schedule_disabled.json");
    assert_eq!(api.ok(Method::GET, HCM, &path, None).await, off);

    let window = json!({"startTime": "01:30", "endTime": "05:00"});
    let body = json!({"schedule": {"weekdays": window, "weekends": window}});
    let on = api.ok(Method::PUT, HCM, &path, Some(body)).await;
    assert_shape(&on, "home_charger_schedule.json");
    assert_eq!(on["userSchedule"]["weekends"]["startTime"], "01:30");

    let bad = json!({"schedule": {"weekdays": {"startTime": "25:00", "endTime": "05:00"}}});
    let r = api.call(Method::PUT, HCM, &path, Some(bad)).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("25:00"), "{}", r.text);
}

#[tokio::test]
async fn amperage_limit_is_checked_and_reported() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let path = format!("api/v1/configuration/chargers/{CHARGER}/charge-amperage-limit");
    let ok = api
        .ok(
            Method::PUT,
            HCM,
            &path,
            Some(json!({"chargeAmperageLimit": 32})),
        )
        .await;
    assert_shape(&ok, "home_charger_amperage_limit_put.json");
    assert_eq!(ok["desiredValue"], "32");
    let status = api.status().await;
    assert_eq!(status["chargeAmperageSettings"]["chargeLimit"], 32);
    assert_eq!(status["chargeAmperageSettings"]["inProgress"], true);
    api.advance(30.0).await;
    assert_eq!(
        api.status().await["chargeAmperageSettings"]["inProgress"],
        false
    );
    for bad in [19, 41] {
        let r = api
            .call(
                Method::PUT,
                HCM,
                &path,
                Some(json!({"chargeAmperageLimit": bad})),
            )
            .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
}

#[tokio::test]
async fn session_answers_have_the_fixture_shapes() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let us = api.user_status().await;
    assert_shape(&us, "user_status_charging.json");
    let id = us["user_status"]["charging"]["sessionId"].as_u64().unwrap();

    let running = api.session(id).await;
    assert_shape(&running, "charging_status_session_in_progress.json");
    assert_eq!(running["charging_status"]["current_charging"], "in_use");
    assert_eq!(running["charging_status"]["session_id"], id);
    // vehicle_info always names the primary vehicle, though the Equinox is charging
    assert_eq!(
        running["charging_status"]["vehicle_info"]["vehicle_id"],
        700000001
    );

    // the legacy mapcache route answers the same
    let body = json!({"charging_status": {"mfhs": {}, "session_id": id}});
    let legacy = api
        .ok(Method::POST, "mapcache_endpoint", "v2", Some(body))
        .await;
    assert_eq!(legacy, running);

    let page = activity_page(&mut api).await;
    assert_shape(&page, "charging_activity_monthly_page1.json");
    let old = page["charging_activity_monthly"]["month_info"][0]["sessions"][0]["session_id"]
        .as_u64()
        .unwrap();
    let done = api.session(old).await;
    assert_shape(&done, "charging_status_session_done_volvo_xc40.json");
    assert_eq!(done["charging_status"]["current_charging"], "done");

    let unknown = api.session(1234).await;
    assert_shape(&unknown, "charging_status_error.json");
    assert!(
        unknown["charging_status"]["error"]
            .as_str()
            .unwrap()
            .contains("1234")
    );
}

async fn activity_page(api: &mut Api) -> Value {
    let body = json!({"charging_activity_monthly": {"page_size": 25, "show_address_for_home_sessions": true}});
    api.ok(Method::POST, "mapcache_endpoint", "v2", Some(body))
        .await
}

#[tokio::test]
async fn idle_scenario_has_nothing_plugged_in() {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    let status = api.status().await;
    assert_shape(&status, "home_charger_status_idle.json");
    assert_eq!(status["isPluggedIn"], false);
    assert_eq!(status["chargingStatus"], "AVAILABLE");
    assert_eq!(status["isConnected"], true);
    let us = api.user_status().await;
    assert_shape(&us, "user_status_idle.json");
    assert_eq!(us, json!({"user_status": {}}));
    assert!(api.state().await["history_sessions"].as_u64().unwrap() > 20);
}

#[tokio::test]
async fn offline_scenario_shows_an_unreachable_charger() {
    let mut api = Api::logged_in(config(Scenario::Offline, MORNING)).await;
    let status = api.status().await;
    assert_shape(&status, "home_charger_status_offline.json");
    assert_eq!(status["isConnected"], false);
    let tech = api
        .ok(Method::GET, HCM, &charger("/technical-info"), None)
        .await;
    let seen = tech["lastConnectedAt"].as_i64().unwrap();
    let now = super::utc(MORNING).timestamp_millis();
    let hours = (now - seen) as f64 / 3_600_000.0;
    assert!((3.0..=4.0).contains(&hours), "last connected {hours} h ago");

    // commands are accepted but the station never confirms them
    let body = json!({"deviceId": 100000001});
    let ack = api
        .ok(
            Method::POST,
            "accounts_endpoint",
            "v1/driver/station/startsession",
            Some(body),
        )
        .await;
    for _ in 0..5 {
        api.advance(30.0).await;
        let r = api
            .call(
                Method::POST,
                "accounts_endpoint",
                "v1/driver/station/session/ack",
                Some(json!({"ackId": ack["ackId"], "action": "start_session"})),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_shape(&r.json(), "session_ack_pending.json");
    }
    // and a connected charger reports now as its last contact
    api.control("connect", json!({"connected": true})).await;
    let tech = api
        .ok(Method::GET, HCM, &charger("/technical-info"), None)
        .await;
    assert!(tech["lastConnectedAt"].as_i64().unwrap() > now);
}
