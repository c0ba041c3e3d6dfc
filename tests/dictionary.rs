//! Every example of the data dictionary parses into its model and re-serializes to the same
//! value. Numbers are compared as numbers (`85` and `85.0` are the same value).

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use cph50::store::json;
use cph50::store::records::{
    LastSession, LastSessionId, MonthlyCache, Runs, SessionFile, VehicleConfig,
};

fn fixture(name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dictionary")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    (path, bytes)
}

fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

fn round_trips<T: DeserializeOwned + Serialize>(name: &str) {
    let (path, bytes) = fixture(name);
    let model: T = json::decode(&path, &bytes).unwrap_or_else(|p| panic!("{p}"));
    let written = json::encode(&path, &model).expect("encodes");
    let before: Value = serde_json::from_slice(&bytes).unwrap();
    let after: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(
        normalize(after),
        normalize(before),
        "{name} changed on a round trip"
    );
    // and writing what we wrote changes nothing at all
    let again: T = json::decode(&path, &written).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        json::encode(&path, &again).unwrap(),
        written,
        "{name} is not stable"
    );
}

#[test]
fn last_session_example_round_trips() {
    round_trips::<LastSession>("last_session.json");
}

#[test]
fn session_file_example_round_trips() {
    round_trips::<SessionFile>("session.json");
}

#[test]
fn vehicle_config_example_round_trips() {
    round_trips::<VehicleConfig>("vehicle_config.json");
}

#[test]
fn session_cache_example_round_trips() {
    round_trips::<MonthlyCache>("session_cache.json");
}

#[test]
fn last_session_id_example_round_trips() {
    round_trips::<LastSessionId>("last_session_id.json");
}

#[test]
fn runs_example_round_trips() {
    round_trips::<Runs>("runs.json");
}

#[test]
fn unknown_fields_are_kept_on_rewrite() {
    let (path, bytes) = fixture("last_session.json");
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["firmware"] = serde_json::json!({"version": "5.5.2", "channel": "stable"});
    let text = serde_json::to_vec(&v).unwrap();
    let model: LastSession = json::decode(&path, &text).unwrap();
    let written: Value = serde_json::from_slice(&json::encode(&path, &model).unwrap()).unwrap();
    assert_eq!(written["firmware"]["version"], "5.5.2");
    assert_eq!(normalize(written), normalize(v));
}

#[test]
fn written_json_is_two_space_pretty_with_trailing_newline_in_model_order() {
    let (path, bytes) = fixture("last_session_id.json");
    // keys out of order and compact on input
    let model: LastSessionId = json::decode(
        &path,
        br#"{"timestamp":"2026-01-07T06:00:01+00:00","session_id":"4751613101"}"#,
    )
    .unwrap();
    assert_eq!(json::encode(&path, &model).unwrap(), bytes);
}
