//! Response bodies: the client's own models (`crate::api::models`) filled with the household's
//! values, so the sim answers in exactly the shapes the client decodes (and the fixtures in
//! `tests/fixtures/chargepoint/` show).

use chrono::{DateTime, Duration, Utc};

use super::schedule::{Schedule, Window};
use super::world::World;
use super::{CHARGER_ID, EQUINOX_VEHICLE_ID, PRIMARY_VEHICLE_ID, USER_ID};
use crate::api::models::{
    AccountBalance, AccountsError, AmperageAnswer, AmperageSettings, BotChallenge, ChargerConfig,
    ChargerSettings, ChargerStatus, ChargingStation, Discovery, HcmPlan, HomeChargerRef,
    HomeChargers, Led, LedBrightness, ModelYear, ModelYearColor, Money, Pagination, Plan, Profile,
    ProfileUser, Schedule as ScheduleAnswer, TechnicalInfo, UserCharging, UserStatus,
    UserStatusAnswer, Utility, Vehicle, VehicleMake, VehicleModel, Vehicles, WeekSchedule,
    Window as WindowAnswer,
};

/// The real discovery answer (the fixture itself), its endpoints to be rewritten to the sim.
const DISCOVERY: &str =
    include_str!("../../tests/fixtures/chargepoint/discovery_global_config.json");

/// The household's utility.
const UTILITY_ID: u64 = 101_204;
const UTILITY_NAME: &str = "Clean Energy Alliance";
/// Its one rate plan.
const PLAN_ID: u64 = 3_436_794;
const PLAN_CODE: &str = "EV-TOU-5-NEM3";
const PLAN_NAME: &str = "Domestic - Cost-Based, Time of Use, Electric Vehicles (NEM 3.0)";
/// The charger's serial number and MAC address as the answers write them.
const SERIAL: &str = "000000000001";
const MAC: &str = "00:00:00:00:00:01";

/// The discovery answer with every `https://` endpoint pointing at `base`: `{base}/<key>/`,
/// except `internal_api_gateway_endpoint`, which is `{base}/gw` without a slash like the
/// real one. Everything else is the real answer's.
pub(crate) fn discovery(base: &str) -> Result<Discovery, serde_json::Error> {
    let mut d: Discovery = serde_json::from_str(DISCOVERY)?;
    for (key, ep) in &mut d.end_points {
        if ep.value.starts_with("https://") {
            ep.value = if key == "internal_api_gateway_endpoint" {
                format!("{base}/gw")
            } else {
                format!("{base}/{key}/")
            };
        }
    }
    Ok(d)
}

/// `GET v1/driver/profile/user`.
pub(crate) fn profile() -> Profile {
    let text = |s: &str| Some(s.to_owned());
    Profile {
        user: ProfileUser {
            email: text("driver@example.com"),
            evatar_url: text("https://example.com/evatar.png"),
            family_name: text("Driver"),
            full_name: text("Test Driver"),
            given_name: text("Test"),
            phone: text("5550100000"),
            phone_country_id: Some(1),
            user_id: USER_ID,
            username: text("testdriver"),
        },
        account_balance: Some(AccountBalance {
            account_number: "300000001".into(),
            account_state: "test".into(),
            balance: Money {
                amount: "0.0".into(),
                currency: "USD".into(),
            },
        }),
    }
}

/// `GET v1/driver/vehicle`: the household's two cars, the Volvo primary.
pub(crate) fn vehicles() -> Vehicles {
    let car = |id: u64, make: &str, model: &str, year: i32, kw: f64, color: &str| Vehicle {
        id,
        make: VehicleMake {
            id,
            name: make.into(),
        },
        model: VehicleModel {
            default_select: false,
            id,
            name: model.into(),
        },
        model_year: ModelYear {
            charging_speed: kw,
            dc_charging_speed: 150.0,
            year,
        },
        model_year_color: ModelYearColor {
            color_id: id,
            color_name: color.into(),
            default_select: false,
            image_url: "https://example.com/ev.png".into(),
        },
        primary_vehicle: id == PRIMARY_VEHICLE_ID,
    };
    vec![
        car(
            PRIMARY_VEHICLE_ID,
            "Volvo",
            "XC40 Recharge",
            2021,
            11.0,
            "Blue",
        ),
        car(
            EQUINOX_VEHICLE_ID,
            "Chevrolet",
            "Equinox EV",
            2024,
            11.5,
            "Gray",
        ),
    ]
}

/// `GET .../users/{userId}/chargers` (`id` is a string, like the real one).
pub(crate) fn chargers() -> HomeChargers {
    HomeChargers {
        data: vec![HomeChargerRef {
            id: CHARGER_ID,
            label: None,
            protocol_identifier: None,
            coordinates: None,
            location: None,
        }],
        pagination: Some(Pagination {
            next_cursor: "none".into(),
        }),
    }
}

/// `GET .../chargers/{chargerId}/status` at `now`.
pub(crate) fn status(w: &World, now: DateTime<Utc>) -> ChargerStatus {
    let charging = if w.charging(now) {
        "CHARGING"
    } else {
        "AVAILABLE"
    };
    ChargerStatus {
        brand: Some("CP".into()),
        is_plugged_in: w.plugged.is_some(),
        is_connected: w.connected,
        charging_status: charging.into(),
        is_reminder_enabled: Some(false),
        plug_in_reminder_time: Some("0:00".into()),
        model: Some("HOME FLEX".into()),
        mac_address: Some(MAC.into()),
        has_utility_info: Some(true),
        is_during_scheduled_time: w.during_schedule(now),
        charge_amperage_settings: Some(AmperageSettings {
            charge_limit: f64::from(w.amperage),
            in_progress: Some(now < w.amperage_until),
            possible_charge_limit: (20..=40).map(f64::from).collect(),
        }),
    }
}

/// `GET .../chargers/{chargerId}/technical-info` at `now`: the last firmware update 40 days
/// before `start` (at midnight UTC), last seen now (or when the charger went offline).
pub(crate) fn technical_info(w: &World, now: DateTime<Utc>, start: DateTime<Utc>) -> TechnicalInfo {
    let seen = if w.connected { now } else { w.last_connected };
    let ota = (start - Duration::days(40)).timestamp() / 86_400 * 86_400;
    TechnicalInfo {
        model_number: Some("CPH50-NEMA6-50-L23".into()),
        serial_number: Some(SERIAL.into()),
        wifi_mac: Some(MAC.into()),
        mac_address: Some(MAC.into()),
        software_version: Some("1.2.3.4".into()),
        last_ota_update: DateTime::from_timestamp(ota, 0),
        device_ip: Some("192.0.2.10".into()),
        last_connected_at: DateTime::from_timestamp(seen.timestamp(), 0),
        stop_charge_supported: Some(true),
    }
}

/// `GET .../chargers/{chargerId}/configurations`.
pub(crate) fn config() -> ChargerConfig {
    ChargerConfig {
        settings: ChargerSettings {
            serial_number: Some(SERIAL.into()),
            mac_address: Some("0024B10000000001".into()),
            station_nickname: Some("ChargePoint Home".into()),
            street_address: Some("123 Example St".into()),
            has_utility_info: Some(true),
            utility: Some(hcm_utility()),
            indicator_light_eco_mode: Some("OFF".into()),
            flashlight_reset: Some(false),
            works_with_nest: Some(false),
            is_paired_with_nest: Some(false),
            is_installed_by_installer: Some(false),
            led: Some(Led {
                brightness: LedBrightness {
                    level: "5".into(),
                    in_progress: false,
                    supported_levels: (0..=5).map(|l: u8| l.to_string()).collect(),
                    is_enabled: true,
                },
            }),
        },
    }
}

/// The household's utility as the session answers write it (snake_case plans).
pub(crate) fn utility() -> Utility {
    Utility {
        plans: Some(vec![Plan {
            code: PLAN_CODE.into(),
            name: PLAN_NAME.into(),
            id: PLAN_ID,
            is_ev_plan: true,
        }]),
        name: Some(UTILITY_NAME.into()),
        id: Some(UTILITY_ID),
    }
}

/// The household's utility as the charger-management answers write it (camelCase plans).
fn hcm_utility() -> Utility<HcmPlan> {
    Utility {
        plans: Some(vec![HcmPlan {
            id: PLAN_ID,
            name: PLAN_NAME.into(),
            code: PLAN_CODE.into(),
            is_ev_plan: true,
        }]),
        name: Some(UTILITY_NAME.into()),
        id: Some(UTILITY_ID),
    }
}

/// Windows with their days: weekdays 1-5, weekends 6-7.
fn week(weekdays: Window, weekends: Window) -> WeekSchedule {
    let window = |w: Window, days: (u32, u32)| WindowAnswer {
        start_weekday: Some(days.0),
        start_time: w.start_text(),
        end_weekday: Some(days.1),
        end_time: w.end_text(),
    };
    WeekSchedule {
        weekdays: window(weekdays, (1, 5)),
        weekends: window(weekends, (6, 7)),
    }
}

/// `GET`/`PUT .../schedule/charger/{chargerId}/schedule`: the user schedule when enabled,
/// the utility's default schedule when disabled.
pub(crate) fn schedule(s: Option<Schedule>) -> ScheduleAnswer {
    let at = |h: u32| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    let utility = week(
        Window {
            start: at(23),
            end: at(7),
        },
        Window {
            start: at(19),
            end: at(15),
        },
    );
    let enabled = s.is_some();
    let (user, default) = match s {
        Some(s) => (Some(week(s.weekdays, s.weekends)), None),
        None => (None, Some(utility.clone())),
    };
    ScheduleAnswer {
        has_tou_pricing: Some(false),
        user_schedule: user,
        default_schedule: default,
        utility_schedule: enabled.then_some(utility),
        based_on_utility: Some(hcm_utility()),
        has_utility_info: Some(true),
        schedule_enabled: enabled,
    }
}

/// The answer to `PUT .../charge-amperage-limit`.
pub(crate) fn amperage_put(amps: u32) -> AmperageAnswer {
    AmperageAnswer {
        name: Some("Charge Amperage Limit".into()),
        desired_value: f64::from(amps),
        status: Some("APPLYING".into()),
    }
}

/// `user_status`: empty when nothing is charging, else the running session.
pub(crate) fn user_status(w: &World) -> UserStatusAnswer {
    let charging = w
        .current
        .and_then(|id| w.sessions.get(&id))
        .map(|s| UserCharging {
            session_id: Some(s.id),
            state: Some("in_use".into()),
            start_time: Some(s.start),
            stations: Some(vec![ChargingStation {
                device_id: CHARGER_ID,
                name: "CP HOME".into(),
                lat: 34.0,
                lon: -118.0,
            }]),
        });
    UserStatusAnswer {
        user_status: UserStatus { charging },
    }
}

/// The Datadome captcha answer (403).
pub(crate) fn datadome() -> BotChallenge {
    BotChallenge {
        url: "https://geo.captcha-delivery.com/captcha/?initialCid=EXAMPLE&hash=EXAMPLE&cid=EXAMPLE&t=fe&s=0&e=EXAMPLE".into(),
    }
}

/// The Datadome captcha page some gateways answer with instead (403, `text/html`).
pub(crate) const DATADOME_HTML: &str = "<html><head><title>chargepoint.com</title>\
<style>#cmsg{animation: A 1.5s;}@keyframes A{0%{opacity:0;}99%{opacity:0;}100%{opacity:1;}}</style></head>\
<body style=\"margin:0\"><p id=\"cmsg\">Please enable JS and disable any ad blocker</p>\
<script data-cfasync=\"false\">var dd={'rt':'c','cid':'EXAMPLE','hsh':'EXAMPLE','t':'fe','s':0,'e':'EXAMPLE','host':'geo.captcha-delivery.com','cookie':'EXAMPLE'}</script>\
<script data-cfasync=\"false\" src=\"https://ct.captcha-delivery.com/c.js\"></script></body></html>\n";

/// A maintenance page served with 200 where JSON was expected (the `html` fault).
pub(crate) const MAINTENANCE_HTML: &str = "<html><head><title>ChargePoint | Scheduled Maintenance</title></head>\n\
<body><h1>We'll be back soon</h1><p>ChargePoint is performing scheduled maintenance.</p></body></html>\n";

/// 401: the token is missing, unknown or expired.
pub(crate) fn invalid_session() -> AccountsError {
    error(
        401,
        "AUTHENTICATION",
        "Session token has expired. Please login again!",
    )
}

/// 422: the station has not confirmed the command yet.
pub(crate) fn ack_pending() -> AccountsError {
    error(
        0,
        "STATION_NOT_YET_CONFIRMED",
        "Waiting for the station to confirm the command.",
    )
}

/// 422: the station refused the command, in the shape of the refusal the real API answers
/// (errorId 89, category `CHARGE`, mbillow/ha-chargepoint#52), with `message`.
pub(crate) fn ack_refused(message: &str) -> AccountsError {
    error(89, "CHARGE", message)
}

/// An error body in the API's `errorId`/`errorCategory`/`errorMessage` shape.
pub(crate) fn error(id: i64, category: &str, message: &str) -> AccountsError {
    AccountsError {
        id: Some(id),
        category: Some(category.into()),
        message: Some(message.into()),
    }
}
