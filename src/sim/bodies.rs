//! Response bodies in the exact shapes of the real API (see `tests/fixtures/chargepoint/`).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::schedule::Schedule;
use super::world::World;
use super::{CHARGER_ID, EQUINOX_VEHICLE_ID, PRIMARY_VEHICLE_ID, USER_ID};

/// The real discovery answer, with its endpoints to be rewritten to the sim.
const DISCOVERY: &str = include_str!("discovery_global_config.json");

/// The discovery answer with every `https://` endpoint pointing at `base`: `{base}/<key>/`,
/// except `internal_api_gateway_endpoint`, which is `{base}/gw` without a slash like the
/// real one.
pub(crate) fn discovery(base: &str) -> Result<Value, serde_json::Error> {
    let mut v: Value = serde_json::from_str(DISCOVERY)?;
    if let Some(eps) = v.get_mut("endPoints").and_then(Value::as_object_mut) {
        for (key, ep) in eps.iter_mut() {
            let Some(value) = ep.get_mut("value") else {
                continue;
            };
            if value.as_str().is_some_and(|s| s.starts_with("https://")) {
                *value = if key == "internal_api_gateway_endpoint" {
                    json!(format!("{base}/gw"))
                } else {
                    json!(format!("{base}/{key}/"))
                };
            }
        }
    }
    Ok(v)
}

/// `GET v1/driver/profile/user`.
pub(crate) fn profile() -> Value {
    json!({
        "user": {
            "email": "driver@example.com", "evatarUrl": "https://example.com/evatar.png",
            "familyName": "Driver", "fullName": "Test Driver", "givenName": "Test",
            "phone": "5550100000", "phoneCountryId": 1, "userId": USER_ID,
            "username": "testdriver",
        },
        "accountBalance": {
            "accountNumber": "300000001", "accountState": "test",
            "balance": {"amount": "0.0", "currency": "USD"},
        },
    })
}

/// `GET v1/driver/vehicle`: the household's two cars, the Volvo primary.
pub(crate) fn vehicles() -> Value {
    let car = |id: u64, make: &str, model: &str, year: i32, kw: f64, color: &str, primary: bool| {
        json!({
            "id": id,
            "make": {"id": id, "name": make},
            "model": {"defaultSelect": false, "id": id, "name": model},
            "modelYear": {"chargingSpeed": kw, "dcChargingSpeed": 150.0, "year": year},
            "modelYearColor": {
                "colorId": id, "colorName": color, "defaultSelect": false,
                "imageUrl": "https://example.com/ev.png",
            },
            "primaryVehicle": primary,
        })
    };
    json!([
        car(
            PRIMARY_VEHICLE_ID,
            "Volvo",
            "XC40 Recharge",
            2021,
            11.0,
            "Blue",
            true
        ),
        car(
            EQUINOX_VEHICLE_ID,
            "Chevrolet",
            "Equinox EV",
            2024,
            11.5,
            "Gray",
            false
        ),
    ])
}

/// `GET .../users/{userId}/chargers` (`id` is a string, like the real one).
pub(crate) fn chargers() -> Value {
    json!({
        "data": [{
            "id": CHARGER_ID.to_string(), "label": null, "protocolIdentifier": null,
            "coordinates": null, "location": null,
        }],
        "pagination": {"nextCursor": "none"},
    })
}

/// `GET .../chargers/{chargerId}/status` at `now`.
pub(crate) fn status(w: &World, now: DateTime<Utc>) -> Value {
    json!({
        "brand": "CP",
        "isPluggedIn": w.plugged.is_some(),
        "isConnected": w.connected,
        "chargingStatus": if w.charging(now) { "CHARGING" } else { "AVAILABLE" },
        "isReminderEnabled": false,
        "plugInReminderTime": "0:00",
        "model": "HOME FLEX",
        "macAddress": "00:00:00:00:00:01",
        "hasUtilityInfo": true,
        "isDuringScheduledTime": w.during_schedule(now),
        "chargeAmperageSettings": {
            "chargeLimit": w.amperage,
            "inProgress": now < w.amperage_until,
            "possibleChargeLimit": (20..=40).collect::<Vec<u32>>(),
        },
    })
}

/// `GET .../chargers/{chargerId}/technical-info` at `now` (times in epoch ms).
pub(crate) fn technical_info(w: &World, now: DateTime<Utc>, start: DateTime<Utc>) -> Value {
    let seen = if w.connected { now } else { w.last_connected };
    let ota = start - Duration::days(40);
    json!({
        "modelNumber": "CPH50-NEMA6-50-L23",
        "serialNumber": "000000000001",
        "wifiMac": "00:00:00:00:00:01",
        "macAddress": "00:00:00:00:00:01",
        "softwareVersion": "1.2.3.4",
        "lastOtaUpdate": ota.timestamp() / 86_400 * 86_400_000,
        "deviceIp": "192.0.2.10",
        "lastConnectedAt": seen.timestamp() * 1000,
        "stopChargeSupported": true,
    })
}

/// `GET .../chargers/{chargerId}/configurations`.
pub(crate) fn config() -> Value {
    json!({
        "settings": {
            "serialNumber": "000000000001", "macAddress": "0024B10000000001",
            "stationNickname": "ChargePoint Home", "streetAddress": "123 Example St",
            "hasUtilityInfo": true,
            "utility": {
                "id": 101204, "name": "Clean Energy Alliance",
                "plans": [{
                    "id": 3436794,
                    "name": "Domestic - Cost-Based, Time of Use, Electric Vehicles (NEM 3.0)",
                    "code": "EV-TOU-5-NEM3", "isEvPlan": true,
                }],
            },
            "indicatorLightEcoMode": "OFF", "flashlightReset": false, "worksWithNest": false,
            "isPairedWithNest": false, "isInstalledByInstaller": false,
            "led": {"brightness": {
                "level": "5", "inProgress": false,
                "supportedLevels": ["0", "1", "2", "3", "4", "5"], "isEnabled": true,
            }},
        }
    })
}

fn week(weekdays: (&str, &str), weekends: (&str, &str)) -> Value {
    json!({
        "weekdays": {"startWeekday": 1, "startTime": weekdays.0, "endWeekday": 5, "endTime": weekdays.1},
        "weekends": {"startWeekday": 6, "startTime": weekends.0, "endWeekday": 7, "endTime": weekends.1},
    })
}

/// `GET`/`PUT .../schedule/charger/{chargerId}/schedule`: the user schedule when enabled,
/// the utility's default schedule when disabled.
pub(crate) fn schedule(s: Option<Schedule>) -> Value {
    let utility = week(("23:00", "07:00"), ("19:00", "15:00"));
    let based_on = json!({
        "plans": [{
            "code": "EV-TOU-5-NEM3",
            "name": "Domestic - Cost-Based, Time of Use, Electric Vehicles (NEM 3.0)",
            "id": 3436794, "isEvPlan": true,
        }],
        "name": "Clean Energy Alliance", "id": 101204,
    });
    match s {
        Some(s) => json!({
            "hasTouPricing": false,
            "userSchedule": week(
                (&s.weekdays.start_text(), &s.weekdays.end_text()),
                (&s.weekends.start_text(), &s.weekends.end_text()),
            ),
            "utilitySchedule": utility,
            "basedOnUtility": based_on,
            "hasUtilityInfo": true,
            "scheduleEnabled": true,
        }),
        None => json!({
            "hasTouPricing": false,
            "defaultSchedule": utility,
            "basedOnUtility": based_on,
            "hasUtilityInfo": true,
            "scheduleEnabled": false,
        }),
    }
}

/// The answer to `PUT .../charge-amperage-limit`.
pub(crate) fn amperage_put(amps: u32) -> Value {
    json!({"name": "Charge Amperage Limit", "desiredValue": amps.to_string(), "status": "APPLYING"})
}

/// `user_status`: empty when nothing is charging, else the running session.
pub(crate) fn user_status(w: &World) -> Value {
    let Some(s) = w.current.and_then(|id| w.sessions.get(&id)) else {
        return json!({"user_status": {}});
    };
    json!({"user_status": {"charging": {
        "sessionId": s.id,
        "state": "in_use",
        "startTimeUTC": s.start.timestamp() as f64,
        "stations": [{"deviceId": CHARGER_ID, "name": "CP HOME", "lat": 34.0, "lon": -118.0}],
    }}})
}

/// The Datadome captcha answer (403).
pub(crate) fn datadome() -> Value {
    json!({"url": "https://geo.captcha-delivery.com/captcha/?initialCid=EXAMPLE&hash=EXAMPLE&cid=EXAMPLE&t=fe&s=0&e=EXAMPLE"})
}

/// The Datadome captcha page some gateways answer with instead (403, `text/html`).
pub(crate) const DATADOME_HTML: &str = "<html><head><title>chargepoint.com</title>\
<style>#cmsg{animation: A 1.5s;}@keyframes A{0%{opacity:0;}99%{opacity:0;}100%{opacity:1;}}</style></head>\
<body style=\"margin:0\"><p id=\"cmsg\">Please enable JS and disable any ad blocker</p>\
<script data-cfasync=\"false\">var dd={'rt':'c','cid':'EXAMPLE','hsh':'EXAMPLE','t':'fe','s':0,'e':'EXAMPLE','host':'geo.captcha-delivery.com','cookie':'EXAMPLE'}</script>\
<script data-cfasync=\"false\" src=\"https://ct.captcha-delivery.com/c.js\"></script></body></html>\n";

/// 401: the token is missing, unknown or expired.
pub(crate) fn invalid_session() -> Value {
    json!({
        "errorId": 401,
        "errorCategory": "AUTHENTICATION",
        "errorMessage": "Session token has expired. Please login again!",
    })
}

/// 422: the station has not confirmed the command yet.
pub(crate) fn ack_pending() -> Value {
    json!({
        "errorId": 0,
        "errorCategory": "STATION_NOT_YET_CONFIRMED",
        "errorMessage": "Waiting for the station to confirm the command.",
    })
}

/// An error body in the API's `errorId`/`errorCategory`/`errorMessage` shape.
pub(crate) fn error(id: i64, category: &str, message: &str) -> Value {
    json!({"errorId": id, "errorCategory": category, "errorMessage": message})
}
