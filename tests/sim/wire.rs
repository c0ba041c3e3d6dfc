//! The models of `crate::api::models` are the one description of the wire shape: every fixture
//! decodes into its model and serializes back to the same JSON value (same keys, same kinds of
//! numbers), and every answer the sim serves decodes into the model the client uses.

use cph50::api::models::{
    AccountsError, AckAnswer, AckIdAnswer, ActivityAnswer, AmperageAnswer, BotChallenge,
    ChargerConfig, ChargerStatus, Discovery, HomeChargers, Profile, Schedule, SessionAnswer,
    TechnicalInfo, UserStatusAnswer, Vehicles,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::fixture;

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
