//! A scripted ChargePoint on wiremock for end-to-end tests of the real binary, for answers
//! `cph50 sim` does not give (or gives only on demand). It serves the fixtures of
//! `tests/fixtures/chargepoint/` by default (an idle charger, an empty user status), overridden
//! per route by a scenario in the format of the failing cases' `mock.py`:
//! `{"status": [{"code": 200, "body": {...}}, ...], "sessions_by_id": {"<id>": {...}}}`, the
//! answers of a route served in order and the last one repeated. Anything no route expects
//! gets a 418, so it fails loudly.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use wiremock::matchers::{any, body_partial_json, method, path, path_regex};
use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

/// The account's user id and home charger in the fixtures.
pub const USER: &str = "/hcpo_hcm_endpoint/api/v1/configuration/users/200000001/chargers";
/// The home charger's device id.
pub const HOME: u64 = 100_000_001;
const PASSWORD: &str = "mock-password";

/// A fixture answer from `tests/fixtures/chargepoint/`.
pub fn fixture(name: &str) -> Value {
    read_json(&fixtures().join("chargepoint").join(name))
}

/// `tests/fixtures/`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A JSON file.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Answers in order; the last one repeats.
struct InOrder {
    answers: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for InOrder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

/// One answer of a scenario: `{"code": 200, "body": {...}}` or `{"code": 200, "text": "..."}`.
pub fn answer(spec: &Value) -> ResponseTemplate {
    let code = spec["code"].as_u64().unwrap_or(200) as u16;
    let mut t = ResponseTemplate::new(code).insert_header(
        "set-cookie",
        "coulomb_sess=mock-cookie-1; Path=/; Max-Age=7200",
    );
    if let Some(text) = spec["text"].as_str() {
        t = t.set_body_raw(text.to_owned(), "text/html");
    } else if !spec["body"].is_null() {
        t = t.set_body_json(spec["body"].clone());
    }
    t
}

/// The routes of a scenario, as `mock.py` names them.
fn route(name: &str) -> MockBuilder {
    let charger = |tail: &str| format!("{USER}/{HOME}{tail}");
    match name {
        "status" => Mock::given(method("GET")).and(path(charger("/status"))),
        "technical" => Mock::given(method("GET")).and(path(charger("/technical-info"))),
        "user_status" => Mock::given(method("POST"))
            .and(path("/mapcache_endpoint/v2"))
            .and(body_partial_json(json!({"user_status": {}}))),
        "activity" => Mock::given(method("POST"))
            .and(path("/mapcache_endpoint/v2"))
            .and(body_partial_json(json!({"charging_activity_monthly": {}}))),
        "session" => {
            Mock::given(method("POST")).and(path_regex(r"^/gw/driver-bff/v1/sessions/\d+$"))
        }
        "start" => Mock::given(method("POST"))
            .and(path("/accounts_endpoint/v1/driver/station/startsession")),
        "ack" => Mock::given(method("POST"))
            .and(path("/accounts_endpoint/v1/driver/station/session/ack")),
        other => panic!("the mock has no route {other:?}"),
    }
}

/// A mock ChargePoint on its own thread; the binary runs against it while the test waits.
pub struct MockChargePoint {
    rt: tokio::runtime::Runtime,
    server: MockServer,
}

impl MockChargePoint {
    /// Discovery, login, profile and the chargers list, the idle defaults, and the
    /// scenario's routes (a `Value::Null` scenario: the defaults only).
    pub fn start(scenario: &Value) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        let mock = Self { rt, server };
        let mut discovery = fixture("discovery_global_config.json");
        for (key, ep) in discovery["endPoints"].as_object_mut().unwrap() {
            let value = if key == "internal_api_gateway_endpoint" {
                format!("{}/gw", mock.server.uri())
            } else {
                format!("{}/{key}/", mock.server.uri())
            };
            ep["value"] = json!(value);
        }
        let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
        mock.mount(
            Mock::given(method("POST")).and(path("/discovery/v3/globalconfig")),
            vec![ok(discovery)],
            5,
        );
        mock.mount(
            Mock::given(method("POST"))
                .and(path("/sso_endpoint/v1/user/login"))
                .and(body_partial_json(json!({"password": PASSWORD}))),
            vec![answer(&json!({"code": 200, "body": {}}))],
            5,
        );
        mock.mount(
            Mock::given(method("GET")).and(path("/accounts_endpoint/v1/driver/profile/user")),
            vec![answer(
                &json!({"body": fixture("account_profile_user.json")}),
            )],
            5,
        );
        mock.mount(
            Mock::given(method("GET")).and(path(USER)),
            vec![answer(&json!({"body": fixture("home_chargers.json")}))],
            5,
        );
        for (name, file) in [
            ("status", "home_charger_status_idle.json"),
            ("user_status", "user_status_idle.json"),
            ("session", "charging_status_error.json"),
        ] {
            mock.mount(
                route(name),
                vec![answer(&json!({"body": fixture(file)}))],
                10,
            );
        }
        if let Some(by_id) = scenario["sessions_by_id"].as_object() {
            for (id, body) in by_id {
                let p = format!("/gw/driver-bff/v1/sessions/{id}");
                mock.mount(
                    Mock::given(method("POST")).and(path(p)),
                    vec![answer(&json!({"body": body}))],
                    1,
                );
            }
        }
        for (name, answers) in scenario.as_object().into_iter().flatten() {
            if name == "sessions_by_id" {
                continue;
            }
            let answers = answers.as_array().unwrap().iter().map(answer).collect();
            mock.mount(route(name), answers, 2);
        }
        mock.mount(
            Mock::given(any()),
            vec![ResponseTemplate::new(418).set_body_string("unexpected request")],
            u8::MAX,
        );
        mock
    }

    /// A scenario file of `tests/fixtures/`.
    pub fn with_scenario(file: &str) -> Self {
        Self::start(&read_json(&fixtures().join(file)))
    }

    fn mount(&self, mock: MockBuilder, answers: Vec<ResponseTemplate>, priority: u8) {
        let respond = InOrder {
            answers,
            next: AtomicUsize::new(0),
        };
        self.rt.block_on(
            mock.respond_with(respond)
                .with_priority(priority)
                .mount(&self.server),
        );
    }

    /// `cph50 <args>` pointed at this mock, with a token file in `dir`.
    pub fn cph50(&self, dir: &Path) -> assert_cmd::Command {
        let mut cmd = super::cph50(dir);
        cmd.env(
            "CP_DISCOVERY_URL",
            format!("{}/discovery/v3/globalconfig", self.server.uri()),
        )
        .env("CP_USERNAME", "driver@example.com")
        .env("CP_PASSWORD", PASSWORD)
        .env("CP_TOKEN_FILE", dir.join("cache/token.json"))
        .env_remove("CP_SESSION_TOKEN")
        .env_remove("CP_STATION_ID")
        .env_remove("CP_TOKEN_KEY")
        .env_remove("GITHUB_RUN_ID");
        cmd
    }

    /// The requests received so far whose path ends with `tail` (and, for `mapcache v2`,
    /// whose body holds `key`).
    pub fn requests(&self, tail: &str, key: Option<&str>) -> usize {
        let received = self
            .rt
            .block_on(self.server.received_requests())
            .unwrap_or_default();
        received
            .iter()
            .filter(|r| r.url.path().ends_with(tail))
            .filter(|r| key.is_none_or(|k| String::from_utf8_lossy(&r.body).contains(k)))
            .count()
    }
}
