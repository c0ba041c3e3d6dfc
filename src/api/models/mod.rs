//! Request and response bodies of the ChargePoint driver API, as the real (sanitized) answers in
//! `tests/fixtures/chargepoint/` show them. Unknown fields are ignored; fields some answers lack
//! are `Option`. Numbers the API sometimes sends as strings are accepted either way, and epoch
//! milliseconds become UTC timestamps at this edge.
//!
//! One module per area; every type is re-exported here, so `crate::api::models::X` names it.

mod account;
mod activity;
mod charger;
mod command;
mod session;
mod wire;

pub use account::*;
pub use activity::*;
pub use charger::*;
pub use command::*;
pub use session::*;
pub use wire::*;

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
