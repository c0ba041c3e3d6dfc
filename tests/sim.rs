//! `cph50 sim`, the fake ChargePoint: started in-process on a free port and called over HTTP
//! the way the real client does (discovery, then `<endpoint value> + <path>`).

mod activity;
mod auth;
mod binary;
mod charging;
mod client;
mod faults;
mod shapes;
mod wire;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use cph50::sim::{self, Scenario, SimConfig, SimHandle};
use reqwest::Method;
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};

/// 10:00 PST: outside the charger's 00:00-06:00 schedule window.
pub const MORNING: &str = "2026-01-09T18:00:00Z";

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A frozen-clock config (speed 0, 30 days of history) starting at `start`.
pub fn config(scenario: Scenario, start: &str) -> SimConfig {
    let mut cfg = SimConfig::new(utc(start));
    cfg.scenario = scenario;
    cfg.speed = 0.0;
    cfg.history_days = 30;
    cfg
}

/// A fixture answer from `tests/fixtures/chargepoint/`.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chargepoint")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The JSON kind of a value; integers and floats are different kinds.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences in shape between `actual` and `expected`: the same keys at every level (arrays
/// compared by their first element) and the same kind of value under each key.
pub fn shape_diff(actual: &Value, expected: &Value, at: &str, out: &mut Vec<String>) {
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
                    shape_diff(av, ev, &format!("{at}/{k}"), out);
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if let (Some(a0), Some(e0)) = (a.first(), e.first()) {
                shape_diff(a0, e0, &format!("{at}/0"), out);
            }
        }
        _ if kind(actual) != kind(expected) => out.push(format!(
            "{at}: {} {actual} where the fixture has {} {expected}",
            kind(actual),
            kind(expected)
        )),
        _ => {}
    }
}

/// Asserts that `actual` has the shape of fixture `name`.
pub fn assert_shape(actual: &Value, name: &str) {
    let mut diffs = Vec::new();
    shape_diff(actual, &fixture(name), "", &mut diffs);
    assert!(
        diffs.is_empty(),
        "answer differs in shape from {name}:\n  {}\nanswer: {actual}",
        diffs.join("\n  ")
    );
}

/// One answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `coulomb_sess` value of the `Set-Cookie` header, if any.
    pub fn cookie(&self) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("coulomb_sess="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// A client of one running sim, keeping the newest session token like the real client.
pub struct Api {
    pub handle: SimHandle,
    pub client: reqwest::Client,
    /// `endPoints.<key>.value` of the discovery answer.
    pub endpoints: BTreeMap<String, String>,
    pub token: Option<String>,
}

pub const USER: &str = "200000001";
pub const CHARGER: &str = "100000001";

impl Api {
    /// Starts a sim for `cfg` and asks discovery where everything is.
    pub async fn start(cfg: SimConfig) -> Self {
        let handle = sim::start(cfg, 0).await.unwrap();
        let client = reqwest::Client::new();
        let answer: Value = client
            .post(&handle.discovery_url)
            .json(&json!({"username": "testdriver"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let endpoints = answer["endPoints"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["value"].as_str().unwrap().to_owned()))
            .collect();
        Self {
            handle,
            client,
            endpoints,
            token: None,
        }
    }

    /// Starts a sim and logs in with the default password.
    pub async fn logged_in(cfg: SimConfig) -> Self {
        let mut api = Self::start(cfg).await;
        let r = api.login(sim::DEFAULT_PASSWORD).await;
        assert_eq!(r.status, 200, "{}", r.text);
        api
    }

    /// `<endpoint value> + <path>`.
    pub fn url(&self, key: &str, path: &str) -> String {
        format!("{}{path}", self.endpoints[key])
    }

    pub async fn login(&mut self, password: &str) -> Resp {
        let url = self.url("sso_endpoint", "v1/user/login");
        let body = json!({"username": "testdriver", "password": password});
        let r = self.raw(Method::POST, &url, Some(body), None).await;
        if let Some(t) = r.cookie() {
            self.token = Some(t);
        }
        r
    }

    /// A request carrying `token` as cookie and `cp-session-*` headers, when given.
    pub async fn raw(
        &self,
        method: Method,
        url: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Resp {
        let mut req = self.client.request(method, url);
        if let Some(t) = token {
            req = req
                .header("cookie", format!("coulomb_sess={t}"))
                .header("cp-session-type", "CP_SESSION_TOKEN")
                .header("cp-session-token", t)
                .header("cp-region", "NA-US");
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            text: r.text().await.unwrap(),
        }
    }

    /// An authenticated call; keeps the refreshed token.
    pub async fn call(
        &mut self,
        method: Method,
        key: &str,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        let url = self.url(key, path);
        let token = self.token.clone();
        let r = self.raw(method, &url, body, token.as_deref()).await;
        if let Some(t) = r.cookie() {
            self.token = Some(t);
        }
        r
    }

    /// An authenticated call that must answer 200; its JSON.
    pub async fn ok(
        &mut self,
        method: Method,
        key: &str,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let r = self.call(method, key, path, body).await;
        assert_eq!(r.status, 200, "{key} {path}: {}", r.text);
        r.json()
    }

    pub async fn status(&mut self) -> Value {
        let path = format!("api/v1/configuration/users/{USER}/chargers/{CHARGER}/status");
        self.ok(Method::GET, "hcpo_hcm_endpoint", &path, None).await
    }

    pub async fn user_status(&mut self) -> Value {
        let body = json!({"user_status": {"mfhs": {}}});
        self.ok(Method::POST, "mapcache_endpoint", "v2", Some(body))
            .await
    }

    /// Session details through driver-bff.
    pub async fn session(&mut self, id: u64) -> Value {
        let path = format!("/driver-bff/v1/sessions/{id}");
        let body = json!({"charging_status": {"session_id": id, "mfhs": []}});
        self.ok(
            Method::POST,
            "internal_api_gateway_endpoint",
            &path,
            Some(body),
        )
        .await
    }

    /// A simulator control call (`/_sim/...`), which must answer 200.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/_sim/{path}", self.handle.base_url);
        let r = self.raw(Method::POST, &url, Some(body), None).await;
        assert_eq!(r.status, 200, "/_sim/{path}: {}", r.text);
        r.json()
    }

    pub async fn state(&self) -> Value {
        let url = format!("{}/_sim/state", self.handle.base_url);
        self.raw(Method::GET, &url, None, None).await.json()
    }

    pub async fn advance(&self, seconds: f64) -> Value {
        self.control("advance", json!({"seconds": seconds})).await
    }

    /// Sends a start and polls its ack (advancing the clock between polls) until the station
    /// answers; returns the ack's status and body.
    pub async fn start_and_confirm(&mut self) -> (u16, Value) {
        let body = json!({"deviceId": 100000001});
        let ack = self
            .ok(
                Method::POST,
                "accounts_endpoint",
                "v1/driver/station/startsession",
                Some(body),
            )
            .await;
        self.confirm(ack["ackId"].as_u64().unwrap(), "start_session")
            .await
    }

    /// Polls ack `id` until it is no longer pending (422 `STATION_NOT_YET_CONFIRMED`; at most 10
    /// polls, 2 s apart).
    pub async fn confirm(&mut self, id: u64, action: &str) -> (u16, Value) {
        for _ in 0..10 {
            let r = self
                .call(
                    Method::POST,
                    "accounts_endpoint",
                    "v1/driver/station/session/ack",
                    Some(json!({"ackId": id, "action": action})),
                )
                .await;
            let body = r.json();
            if r.status != 422 || body["errorCategory"] != "STATION_NOT_YET_CONFIRMED" {
                return (r.status, body);
            }
            self.advance(2.0).await;
        }
        panic!("ack {id} still pending after 10 polls");
    }
}
