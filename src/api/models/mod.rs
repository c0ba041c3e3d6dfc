//! Request and response bodies of the ChargePoint driver API, as the real (sanitized) answers in
//! `tests/fixtures/chargepoint/` show them: the one description of the wire shape. The client
//! decodes them; `cph50 sim` serializes them, so serializing gives the real shape back
//! (camelCase or snake_case as each answer has it, epoch milliseconds, ids as strings where the
//! API sends strings).
//!
//! Decoding is lenient: unknown fields are ignored; fields some answers lack are `Option`;
//! numbers the API sometimes sends as strings are accepted either way; epoch milliseconds
//! become UTC timestamps at this edge. Fields the client does not read (marked "not read") are
//! decoded with [`tolerant`], so an unexpected value there never fails an answer.
//!
//! One module per area; every type is re-exported here, so `crate::api::models::X` names it.

mod account;
mod activity;
mod charger;
mod command;
mod schedule;
mod session;
mod user_status;
mod wire;

pub use account::*;
pub use activity::*;
pub use charger::*;
pub use command::*;
pub use schedule::*;
pub use session::*;
pub use user_status::*;
pub use wire::*;

use serde::{Deserialize, Serialize};

/// An empty JSON object, `{}`: the answer of a login, a logout, a restart, a confirmed stop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_numbers_are_accepted_as_strings() {
        let c: HomeChargers = serde_json::from_str(r#"{"data": [{"id": "100000001"}]}"#).unwrap();
        assert_eq!(c.data[0].id, 100000001);
        let a: AmperageAnswer =
            serde_json::from_str(r#"{"desiredValue": "40", "status": "APPLYING"}"#).unwrap();
        assert_eq!(a.desired_value, 40.0);
        assert!(serde_json::from_str::<HomeChargerRef>(r#"{"id": "abc"}"#).is_err());
    }

    #[test]
    fn epoch_units_become_utc_times() {
        let u: UserStatusAnswer = serde_json::from_str(
            r#"{"user_status": {"charging": {"sessionId": 4754846071, "state": "in_use", "startTimeUTC": 1767944361.0}}}"#,
        )
        .unwrap();
        let c = u.user_status.charging.unwrap();
        assert_eq!(
            c.start_time.unwrap().to_rfc3339(),
            "2026-01-09T07:39:21+00:00"
        );
        let p: UpdatePoint = serde_json::from_str(
            r#"{"energy_kwh": 5e-05, "power_kw": 0.16375, "timestamp": 1767944369000}"#,
        )
        .unwrap();
        assert_eq!(p.timestamp.to_rfc3339(), "2026-01-09T07:39:29+00:00");
    }
}
