//! The API client against a wiremock server that replays the real (sanitized) payloads of
//! `tests/fixtures/chargepoint/`. Anything the client asks that no test expects hits a
//! catch-all route that answers 418 "unexpected request", so it fails loudly.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{any, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use cph50::api::retry::RetryPolicy;
use cph50::api::session::Secret;
use cph50::api::{AckPolicy, ApiError, Client, ClientConfig, Credentials};
use cph50::session_file::TokenFile;

pub(crate) const PASSWORD: &str = "hunter2-very-secret";
pub(crate) const COOKIE: &str = "COOKIE-one-4f9a";
pub(crate) const USER: &str = "/hcpo_hcm_endpoint/api/v1/configuration/users/200000001/chargers";

pub(crate) fn fixture(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chargepoint")
        .join(name);
    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
}

pub(crate) fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(name))
}

/// A mock ChargePoint: discovery pointing every endpoint at the mock, a login that sets a
/// cookie, the profile, the charger list, and the catch-all.
pub(crate) struct Mocked {
    pub(crate) server: MockServer,
    pub(crate) dir: tempfile::TempDir,
}

impl Mocked {
    pub(crate) async fn new() -> Self {
        let server = MockServer::start().await;
        let mut discovery = fixture("discovery_global_config.json");
        for (key, ep) in discovery["endPoints"].as_object_mut().unwrap() {
            let value = if key == "internal_api_gateway_endpoint" {
                format!("{}/gw", server.uri())
            } else {
                format!("{}/{key}/", server.uri())
            };
            ep["value"] = json!(value);
        }
        Mock::given(method("POST"))
            .and(path("/discovery"))
            .and(body_partial_json(json!({"username": "driver"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(discovery))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/sso_endpoint/v1/user/login"))
            .and(body_partial_json(
                json!({"username": "driver", "password": PASSWORD}),
            ))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header(
                        "set-cookie",
                        format!("coulomb_sess={COOKIE}; Max-Age=7200; Path=/"),
                    )
                    .set_body_json(json!({})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/accounts_endpoint/v1/driver/profile/user"))
            .respond_with(ok("account_profile_user.json"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(USER))
            .respond_with(ok("home_chargers.json"))
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(|r: &Request| {
                ResponseTemplate::new(418).set_body_string(format!(
                    "unexpected request: {} {}",
                    r.method,
                    r.url.path()
                ))
            })
            .with_priority(u8::MAX)
            .mount(&server)
            .await;
        Self {
            server,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn token_file(&self, key: Option<&str>) -> TokenFile {
        TokenFile {
            path: self.dir.path().join("token.json"),
            key: key.map(Secret::new),
        }
    }

    pub(crate) fn config(&self) -> ClientConfig {
        ClientConfig {
            discovery_url: format!("{}/discovery", self.server.uri()),
            credentials: Credentials {
                username: "driver".into(),
                password: Some(Secret::new(PASSWORD)),
                session_token: None,
            },
            sessions: std::sync::Arc::new(self.token_file(None)),
            station_id: None,
            timeout: Duration::from_millis(800),
            retry: RetryPolicy {
                base: Duration::from_millis(2),
                ..RetryPolicy::default()
            },
            ack: AckPolicy {
                attempts: 5,
                interval: Duration::from_millis(2),
            },
        }
    }

    pub(crate) fn client(&self) -> Client {
        Client::new(self.config()).unwrap()
    }

    pub(crate) async fn on(&self, verb: &str, p: &str, response: ResponseTemplate) {
        Mock::given(method(verb))
            .and(path(p))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }
}

/// Answers the listed responses in turn, then repeats the last one.
pub(crate) struct Sequence(Mutex<Vec<ResponseTemplate>>);

impl Sequence {
    pub(crate) fn new(mut r: Vec<ResponseTemplate>) -> Self {
        r.reverse();
        Self(Mutex::new(r))
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut v = self.0.lock().unwrap();
        if v.len() > 1 {
            v.pop().unwrap()
        } else {
            v[0].clone()
        }
    }
}

#[tokio::test]
async fn first_call_discovers_logs_in_and_reads_charger_status() {
    let m = Mocked::new().await;
    m.on(
        "GET",
        &format!("{USER}/100000001/status"),
        ok("home_charger_status_charging.json"),
    )
    .await;
    let mut c = m.client();
    let s = c.charger_status().await.unwrap();
    assert!(s.is_connected && s.is_plugged_in && s.is_charging() && !s.is_during_scheduled_time);
    assert_eq!(s.charge_amperage_settings.unwrap().charge_limit, 40.0);
    // discovery, login, profile, chargers, status
    assert_eq!(c.stats().requests, 5);
    assert_eq!(c.stats().logins, 1);
    let stored = std::fs::read_to_string(m.dir.path().join("token.json")).unwrap();
    assert!(
        stored.contains(COOKIE) && stored.contains("\"station_id\":100000001"),
        "{stored}"
    );
}

#[tokio::test]
async fn stored_session_means_no_login_and_no_discovery() {
    let m = Mocked::new().await;
    m.on(
        "GET",
        &format!("{USER}/100000001/status"),
        ok("home_charger_status_idle.json"),
    )
    .await;
    m.on("POST", "/mapcache_endpoint/v2", ok("user_status_idle.json"))
        .await;
    m.client().charger_status().await.unwrap();
    let mut again = m.client();
    let s = again.charger_status().await.unwrap();
    assert!(!s.is_plugged_in && s.is_connected);
    assert!(
        again.user_status().await.unwrap().charging.is_none(),
        "an empty user_status means not charging"
    );
    assert_eq!(again.stats().logins, 0);
    assert_eq!(again.stats().requests, 2);
}

#[tokio::test]
async fn authenticated_calls_carry_cookie_and_session_headers() {
    let m = Mocked::new().await;
    Mock::given(method("GET"))
        .and(path(format!("{USER}/100000001/technical-info")))
        .and(header("cp-session-token", COOKIE))
        .and(header("cp-session-type", "CP_SESSION_TOKEN"))
        .and(header("cp-region", "NA-US"))
        .and(header("cookie", format!("coulomb_sess={COOKIE}").as_str()))
        .respond_with(ok("home_charger_technical_info.json"))
        .mount(&m.server)
        .await;
    let info = m.client().technical_info().await.unwrap();
    assert_eq!(
        info.last_connected_at.unwrap().to_rfc3339(),
        "2026-01-09T08:09:23+00:00"
    );
    assert_eq!(info.software_version.as_deref(), Some("1.2.3.4"));
}

#[tokio::test]
async fn refreshed_cookie_replaces_the_stored_one() {
    let m = Mocked::new().await;
    m.on(
        "GET",
        &format!("{USER}/100000001/status"),
        ok("home_charger_status_idle.json")
            .insert_header("set-cookie", "coulomb_sess=COOKIE-two; Max-Age=7200"),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("{USER}/100000001/configurations")))
        .and(header("cp-session-token", "COOKIE-two"))
        .respond_with(ok("home_charger_config.json"))
        .mount(&m.server)
        .await;
    let mut c = m.client();
    c.charger_status().await.unwrap();
    let stored = std::fs::read_to_string(m.dir.path().join("token.json")).unwrap();
    assert!(
        stored.contains("COOKIE-two") && !stored.contains(COOKIE),
        "{stored}"
    );
    let cfg = c.charger_config().await.unwrap();
    assert_eq!(
        cfg.settings.utility.unwrap().name.as_deref(),
        Some("Clean Energy Alliance")
    );
}

#[tokio::test]
async fn schedule_and_amperage_send_the_documented_bodies() {
    let m = Mocked::new().await;
    m.on(
        "GET",
        "/hcpo_hcm_endpoint/api/v1/schedule/charger/100000001/schedule",
        ok("home_charger_schedule.json"),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path(
            "/hcpo_hcm_endpoint/api/v1/schedule/charger/100000001/schedule",
        ))
        .and(body_partial_json(
            json!({"schedule": {"weekdays": {"startTime": "00:00", "endTime": "06:00"}}}),
        ))
        .respond_with(ok("home_charger_schedule.json"))
        .mount(&m.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(
            "/hcpo_hcm_endpoint/api/v1/configuration/chargers/100000001/charge-amperage-limit",
        ))
        .and(body_partial_json(json!({"chargeAmperageLimit": 40})))
        .respond_with(ok("home_charger_amperage_limit_put.json"))
        .mount(&m.server)
        .await;
    let mut c = m.client();
    let s = c.schedule().await.unwrap();
    assert!(s.schedule_enabled);
    assert_eq!(s.user_schedule.as_ref().unwrap().weekdays.end_time, "06:00");
    let set = c.set_schedule(s.user_schedule.clone()).await.unwrap();
    assert!(set.schedule_enabled);
    assert_eq!(c.set_amperage_limit(40).await.unwrap().desired_value, 40.0);
}

#[tokio::test]
async fn session_details_decode_times_and_samples_and_ignore_vehicle_info() {
    let m = Mocked::new().await;
    Mock::given(method("POST"))
        .and(path("/gw/driver-bff/v1/sessions/4754846071"))
        .and(body_partial_json(
            json!({"charging_status": {"session_id": 4754846071u64}}),
        ))
        .respond_with(ok("charging_status_session_done_equinox_ev.json"))
        .mount(&m.server)
        .await;
    let d = m.client().session_details(4754846071).await.unwrap();
    assert_eq!(d.session_id, Some(4754846071));
    assert_eq!(
        d.start_time.unwrap().to_rfc3339(),
        "2026-01-09T07:39:21+00:00"
    );
    assert_eq!(d.current_charging.as_deref(), Some("done"));
    assert_eq!(d.update_data.len(), 52);
    assert!((d.energy_kwh.unwrap() - 45.512299).abs() < 1e-9);
    assert_eq!(d.update_data[2].power_kw, 9.176);
}

#[tokio::test]
async fn an_error_inside_a_200_session_answer_is_a_failure() {
    let m = Mocked::new().await;
    m.on(
        "POST",
        "/gw/driver-bff/v1/sessions/1",
        ok("charging_status_error.json"),
    )
    .await;
    let e = m.client().session_details(1).await.unwrap_err();
    assert!(matches!(e, ApiError::Reported { .. }), "{e:?}");
    assert!(
        e.to_string().contains("session details (POST http://")
            && e.to_string().contains("java.lang.NullPointerException"),
        "{e}"
    );
}

#[tokio::test]
async fn activity_follows_the_cursor_to_the_last_page_and_dedupes() {
    let m = Mocked::new().await;
    Mock::given(method("POST"))
        .and(path("/mapcache_endpoint/v2"))
        .and(body_partial_json(
            json!({"charging_activity_monthly": {"page_offset": "p_2025_10"}}),
        ))
        .respond_with(ok("charging_activity_monthly_page2.json"))
        .with_priority(1)
        .mount(&m.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/mapcache_endpoint/v2"))
        .and(body_partial_json(
            json!({"charging_activity_monthly": {"page_size": 25}}),
        ))
        .respond_with(ok("charging_activity_monthly_page1.json"))
        .with_priority(2)
        .mount(&m.server)
        .await;
    let mut c = m.client();
    let all = c.activity(None).await.unwrap();
    assert_eq!(all.len(), 45);
    let mut ids: Vec<u64> = all.iter().filter_map(|s| s.session_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 45);
    // a `since` inside October keeps only the newer sessions and does not need page 2's older ones
    let since = chrono::DateTime::parse_from_rfc3339("2025-10-25T00:00:00Z")
        .unwrap()
        .to_utc();
    let recent = c.activity(Some(since)).await.unwrap();
    assert!(!recent.is_empty() && recent.len() < 45);
    assert!(recent.iter().all(|s| s.start_time.unwrap() >= since));
}

#[tokio::test]
async fn activity_stops_on_a_repeated_cursor() {
    let m = Mocked::new().await;
    // page 1 always answers with the same cursor: the client must not loop forever
    m.on(
        "POST",
        "/mapcache_endpoint/v2",
        ok("charging_activity_monthly_page1.json"),
    )
    .await;
    let mut c = m.client();
    let all = c.activity(None).await.unwrap();
    assert_eq!(all.len(), 25);
    assert_eq!(
        c.stats().requests,
        3 + 2,
        "discovery, login, profile + 2 pages (the 2nd repeats the cursor)"
    );
}

#[tokio::test]
async fn start_waits_for_the_ack_and_reads_the_real_session_id() {
    let m = Mocked::new().await;
    Mock::given(method("POST"))
        .and(path("/accounts_endpoint/v1/driver/station/startsession"))
        .and(body_partial_json(json!({"deviceId": 100000001})))
        .respond_with(ok("start_session_response.json"))
        .mount(&m.server)
        .await;
    let pending = ResponseTemplate::new(422).set_body_json(fixture("session_ack_pending.json"));
    Mock::given(method("POST"))
        .and(path("/accounts_endpoint/v1/driver/station/session/ack"))
        .and(body_partial_json(
            json!({"ackId": 1, "action": "start_session"}),
        ))
        .respond_with(Sequence::new(vec![
            pending.clone(),
            pending,
            ok("session_ack_ok.json"),
        ]))
        .expect(3)
        .mount(&m.server)
        .await;
    m.on(
        "POST",
        "/mapcache_endpoint/v2",
        ok("user_status_charging.json"),
    )
    .await;
    let started = m.client().start().await.unwrap();
    assert_eq!(started.ack_id, 1);
    assert_eq!(
        started.session_id,
        Some(4754846071),
        "the ack's sessionId 12345 is not the session id"
    );
}

#[tokio::test]
async fn a_refused_or_unconfirmed_stop_is_named() {
    let m = Mocked::new().await;
    m.on(
        "POST",
        "/accounts_endpoint/v1/driver/station/stopSession",
        ok("stop_session_response.json"),
    )
    .await;
    m.on("POST", "/accounts_endpoint/v1/driver/station/session/ack",
        ResponseTemplate::new(409).set_body_json(json!({"errorId": 2, "errorCategory": "PLUG", "errorMessage": "Return the plug to the holster and try again."}))).await;
    let e = m.client().stop(4754846071).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("stop_session refused: Return the plug to the holster and try again."),
        "{e}"
    );

    let m = Mocked::new().await;
    m.on(
        "POST",
        "/accounts_endpoint/v1/driver/station/stopSession",
        ok("stop_session_response.json"),
    )
    .await;
    m.on(
        "POST",
        "/accounts_endpoint/v1/driver/station/session/ack",
        ResponseTemplate::new(422).set_body_json(fixture("session_ack_pending.json")),
    )
    .await;
    let e = m.client().stop(4754846071).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("stop_session not confirmed after 5 polls"),
        "{e}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_up_to_three_tries() {
    let m = Mocked::new().await;
    let p = format!("{USER}/100000001/status");
    Mock::given(method("GET"))
        .and(path(p.as_str()))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(502),
            ok("home_charger_status_idle.json"),
        ]))
        .expect(3)
        .mount(&m.server)
        .await;
    assert!(m.client().charger_status().await.is_ok());

    let m = Mocked::new().await;
    Mock::given(method("GET"))
        .and(path(p.as_str()))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .expect(3)
        .mount(&m.server)
        .await;
    let e = m.client().charger_status().await.unwrap_err();
    assert!(
        e.to_string().starts_with("charger status (GET http://")
            && e.to_string().ends_with("/status): HTTP 503: upstream down"),
        "{e}"
    );
}

#[tokio::test]
async fn rate_limit_honours_retry_after_and_other_4xx_are_not_retried() {
    let m = Mocked::new().await;
    let p = format!("{USER}/100000001/status");
    Mock::given(method("GET"))
        .and(path(p.as_str()))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ok("home_charger_status_idle.json"),
        ]))
        .expect(2)
        .mount(&m.server)
        .await;
    assert!(m.client().charger_status().await.is_ok());

    let m = Mocked::new().await;
    Mock::given(method("GET"))
        .and(path(p.as_str()))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such charger"))
        .expect(1)
        .mount(&m.server)
        .await;
    let e = m.client().charger_status().await.unwrap_err();
    assert!(e.to_string().ends_with("HTTP 404: no such charger"), "{e}");
}

#[tokio::test]
async fn timeouts_are_retried_then_named() {
    let m = Mocked::new().await;
    Mock::given(method("GET"))
        .and(path(format!("{USER}/100000001/status")))
        .respond_with(ok("home_charger_status_idle.json").set_delay(Duration::from_secs(3)))
        .expect(3)
        .mount(&m.server)
        .await;
    let mut c = m.client();
    let e = c.charger_status().await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { attempts: 3, .. }), "{e:?}");
    assert!(
        e.to_string().contains("charger status (GET")
            && e.to_string().contains("timeout, 3 attempt(s)"),
        "{e}"
    );
}

#[tokio::test]
async fn broken_truncated_and_empty_bodies_name_the_field() {
    for (body, expect) in [
        (
            r#"{"isPluggedIn": "yes", "isConnected": true, "chargingStatus": "AVAILABLE"}"#,
            "malformed answer: field /isPluggedIn: invalid type: string \"yes\", expected a boolean",
        ),
        (
            r#"{"isPluggedIn": true, "isConn"#,
            "malformed answer: field (whole document): EOF while parsing",
        ),
        (
            "",
            "malformed answer: field (whole document): empty body; expected JSON",
        ),
        (
            "<html>maintenance</html>",
            "expected JSON, got text/plain (200): \"<html>maintenance</html>\"",
        ),
    ] {
        let m = Mocked::new().await;
        m.on(
            "GET",
            &format!("{USER}/100000001/status"),
            ResponseTemplate::new(200).set_body_string(body),
        )
        .await;
        let e = m.client().charger_status().await.unwrap_err();
        assert!(
            e.to_string().contains("charger status (GET") && e.to_string().contains(expect),
            "{e}"
        );
    }
}

#[tokio::test]
async fn an_expired_session_logs_in_once_more_and_retries_once() {
    let m = Mocked::new().await;
    let expired = ResponseTemplate::new(401).set_body_json(fixture("invalid_session_401.json"));
    Mock::given(method("GET"))
        .and(path(format!("{USER}/100000001/status")))
        .respond_with(Sequence::new(vec![
            expired.clone(),
            ok("home_charger_status_idle.json"),
        ]))
        .mount(&m.server)
        .await;
    let mut c = m.client();
    assert!(c.charger_status().await.is_ok());
    assert_eq!(
        c.stats().logins,
        2,
        "the first login plus one after the 401"
    );

    let m = Mocked::new().await;
    m.on("GET", &format!("{USER}/100000001/status"), expired)
        .await;
    let mut c = m.client();
    let e = c.charger_status().await.unwrap_err();
    assert!(
        e.to_string()
            .contains("session expired (HTTP 401); still refused right after a fresh login"),
        "{e}"
    );
    assert_eq!(c.stats().logins, 2, "exactly one extra login");
}

#[tokio::test]
async fn a_pasted_session_token_is_used_without_login_and_named_when_dead() {
    let m = Mocked::new().await;
    Mock::given(method("GET"))
        .and(path(format!("{USER}/100000001/status")))
        .and(header("cp-session-token", "PASTED"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("invalid_session_401.json")))
        .mount(&m.server)
        .await;
    let mut cfg = m.config();
    cfg.credentials.password = None;
    cfg.credentials.session_token = Some(Secret::new("PASTED"));
    cfg.station_id = Some(100000001);
    Mock::given(method("GET"))
        .and(path("/accounts_endpoint/v1/driver/profile/user"))
        .and(header("cp-session-token", "PASTED"))
        .respond_with(ok("account_profile_user.json"))
        .with_priority(1)
        .mount(&m.server)
        .await;
    let mut c = Client::new(cfg).unwrap();
    let e = c.charger_status().await.unwrap_err();
    assert_eq!(c.stats().logins, 0);
    assert!(
        e.to_string()
            .contains("CP_SESSION_TOKEN was not accepted: paste a fresh coulomb_sess cookie"),
        "{e}"
    );
}

#[tokio::test]
async fn bot_protection_is_named_and_never_retried() {
    for (response, url) in [
        (ResponseTemplate::new(403).set_body_json(fixture("datadome_403.json")), true),
        (ResponseTemplate::new(403).set_body_raw("<html><script>var dd={'cid':'x','hsh':'y'}</script><script src=\"https://ct.captcha-delivery.com/c.js\"></script></html>", "text/html"), false),
    ] {
        let m = Mocked::new().await;
        Mock::given(method("POST")).and(path("/sso_endpoint/v1/user/login"))
            .respond_with(response).with_priority(1).expect(1).mount(&m.server).await;
        let mut c = m.client();
        let e = c.charger_status().await.unwrap_err();
        assert!(matches!(e, ApiError::BotProtection { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.starts_with("login (POST http://") && text.contains("blocked by bot protection (HTTP 403, DataDome captcha"), "{text}");
        assert!(text.contains("set CP_SESSION_TOKEN"), "{text}");
        assert_eq!(text.contains("https://geo.captcha-delivery.com/captcha/"), url, "{text}");
        assert_eq!(c.stats().requests, 2, "discovery + one login, no retry");
    }
}

#[tokio::test]
async fn a_wrong_password_is_a_rejected_login() {
    let m = Mocked::new().await;
    let mut cfg = m.config();
    cfg.credentials.password = Some(Secret::new("wrong"));
    Mock::given(method("POST"))
        .and(path("/sso_endpoint/v1/user/login"))
        .and(body_partial_json(json!({"password": "wrong"})))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"errorMessage": "Invalid credentials"})),
        )
        .mount(&m.server)
        .await;
    let e = Client::new(cfg)
        .unwrap()
        .charger_status()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("login rejected (HTTP 401): {\"errorMessage\":\"Invalid credentials\"}"),
        "{e}"
    );
    assert!(!e.to_string().contains("wrong"));
}

#[tokio::test]
async fn encrypted_token_file_works_end_to_end_and_a_wrong_key_is_named() {
    let m = Mocked::new().await;
    m.on(
        "GET",
        &format!("{USER}/100000001/status"),
        ok("home_charger_status_idle.json"),
    )
    .await;
    let mut cfg = m.config();
    cfg.sessions = std::sync::Arc::new(m.token_file(Some("a long random key")));
    Client::new(cfg.clone())
        .unwrap()
        .charger_status()
        .await
        .unwrap();
    let raw = std::fs::read_to_string(m.token_file(None).path).unwrap();
    assert!(!raw.contains(COOKIE));
    let mut again = Client::new(cfg.clone()).unwrap();
    again.charger_status().await.unwrap();
    assert_eq!(again.stats().logins, 0, "the encrypted session was reused");
    cfg.sessions = std::sync::Arc::new(m.token_file(Some("another key")));
    let e = Client::new(cfg)
        .unwrap()
        .charger_status()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot be decrypted with CP_TOKEN_KEY"),
        "{e}"
    );
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn trace_logs_errors_and_debug_output_never_show_password_or_cookie() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests run in parallel threads with no subscriber; a callsite they reached first may
    // have cached "nobody listens", and one registering while the cache is rebuilt can keep it.
    // So the calls run twice: the first pass registers every callsite they reach, then every
    // callsite is asked again, and only the second pass is looked at.
    let mut last = None;
    for _ in 0..2 {
        tracing::callsite::rebuild_interest_cache();
        logs.0.lock().unwrap().clear();
        let m = Mocked::new().await;
        let expired = ResponseTemplate::new(401).set_body_json(fixture("invalid_session_401.json"));
        m.on("GET", &format!("{USER}/100000001/status"), expired)
            .await;
        m.on("POST", "/mapcache_endpoint/v2", ResponseTemplate::new(503))
            .await;
        let cfg = m.config();
        let mut c = Client::new(cfg.clone()).unwrap();
        let e1 = c.charger_status().await.unwrap_err();
        let e2 = c.user_status().await.unwrap_err();
        last = Some((cfg, c, e1, e2));
    }
    let (cfg, c, e1, e2) = last.unwrap();
    let text = format!(
        "{}\n{e1}\n{e1:?}\n{e2}\n{e2:?}\n{cfg:?}\n{c:?}",
        String::from_utf8_lossy(&logs.0.lock().unwrap())
    );
    assert!(
        text.contains("logged in to ChargePoint"),
        "logs were not captured: {text}"
    );
    assert!(text.contains("retrying"), "{text}");
    assert!(!text.contains(PASSWORD), "password leaked:\n{text}");
    assert!(!text.contains(COOKIE), "cookie leaked:\n{text}");
}

#[tokio::test]
async fn gzip_and_brotli_answers_are_decoded() {
    use std::io::Write;
    let body = serde_json::to_vec(&fixture("home_charger_status_charging.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let gz = gz.finish().unwrap();
    let mut br = Vec::new();
    brotli::CompressorWriter::new(&mut br, 4096, 5, 22)
        .write_all(&body)
        .unwrap();
    for (encoding, bytes) in [("gzip", gz), ("br", br)] {
        let m = Mocked::new().await;
        Mock::given(method("GET"))
            .and(path(format!("{USER}/100000001/status")))
            .and(|r: &Request| {
                let accepted = r
                    .headers
                    .get("accept-encoding")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                accepted.contains("gzip") && accepted.contains("br")
            })
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-encoding", encoding)
                    .set_body_raw(bytes.clone(), "application/json"),
            )
            .mount(&m.server)
            .await;
        let s = m
            .client()
            .charger_status()
            .await
            .unwrap_or_else(|e| panic!("{encoding}: {e}"));
        assert!(s.is_charging(), "{encoding}");
    }
}
