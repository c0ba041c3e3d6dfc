//! The API client against what ChargePoint really answers, beyond the happy path: a pasted
//! cookie that must replace a stored session, ack refusals that are not "pending", commands that
//! must not be sent twice, bot protection, and an HTML page where JSON was expected. Same
//! wiremock style as `api_client.rs` (its `Mocked` server and catch-all); the inputs of the
//! reported cases are under `tests/fixtures/cases/api/`.

use std::path::PathBuf;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use cph50::api::session::Secret;
use cph50::api::{ApiError, Client};

use crate::api_client::{Mocked, Sequence, USER, fixture, ok};

const ACK: &str = "/accounts_endpoint/v1/driver/station/session/ack";
const START: &str = "/accounts_endpoint/v1/driver/station/startsession";
const STOP: &str = "/accounts_endpoint/v1/driver/station/stopSession";
/// ChargePoint's refusal of a start (mbillow/ha-chargepoint#52).
const CHARGE_89: &str =
    "Failed to start charging. May be in use by another user or return plug and try again.";

fn case_file(case: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cases/api")
        .join(case)
        .join(name)
}

fn case_json(case: &str, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(case_file(case, name)).unwrap()).unwrap()
}

/// Serves one run of the `session-token-ignored` case (`run1.json`, `run2.json`: per route, an
/// answer that needs one `coulomb_sess` value, else 401 as ChargePoint answers an expired one).
async fn serve_run(m: &Mocked, run: &Value) {
    let status = format!("{USER}/100000001/status");
    for (route, verb, p) in [
        (
            "profile",
            "GET",
            "/accounts_endpoint/v1/driver/profile/user",
        ),
        ("chargers", "GET", USER),
        ("status", "GET", status.as_str()),
        ("user_status", "POST", "/mapcache_endpoint/v2"),
    ] {
        let answer = run[route][0].clone();
        let needed = format!(
            "coulomb_sess={}",
            answer["require_cookie"].as_str().unwrap()
        );
        Mock::given(method(verb))
            .and(path(p))
            .respond_with(move |r: &Request| {
                let cookie = r.headers.get("cookie").and_then(|v| v.to_str().ok());
                if cookie != Some(needed.as_str()) {
                    return ResponseTemplate::new(401)
                        .set_body_json(fixture("invalid_session_401.json"));
                }
                ResponseTemplate::new(200)
                    .insert_header("set-cookie", answer["set_cookie"].as_str().unwrap())
                    .set_body_json(answer["body"].clone())
            })
            .mount(&m.server)
            .await;
    }
}

fn token_only(m: &Mocked, token: &str) -> cph50::api::ClientConfig {
    let mut cfg = m.config();
    cfg.credentials.password = None;
    cfg.credentials.session_token = Some(Secret::new(token));
    cfg
}

#[tokio::test]
async fn a_freshly_pasted_session_token_replaces_the_stored_session() {
    // run 1: CP_SESSION_TOKEN=old-cookie, no password; the session is stored
    let m = Mocked::new().await;
    serve_run(&m, &case_json("session-token-ignored", "run1.json")).await;
    let mut run1 = Client::new(token_only(&m, "old-cookie")).unwrap();
    run1.charger_status().await.unwrap();
    // run 2: the old cookie has expired; the user pasted a fresh one
    m.server.reset().await;
    serve_run(&m, &case_json("session-token-ignored", "run2.json")).await;
    let mut run2 = Client::new(token_only(&m, "fresh-cookie")).unwrap();
    let status = run2.charger_status().await.unwrap();
    assert!(status.is_connected && !status.is_plugged_in);
    assert_eq!(run2.stats().logins, 0);
    assert_eq!(
        run2.stats().requests,
        1,
        "the stored discovery and ids are kept"
    );
    let stored = std::fs::read_to_string(m.dir.path().join("token.json")).unwrap();
    assert!(
        stored.contains("fresh-cookie") && !stored.contains("old-cookie"),
        "{stored}"
    );
}

#[tokio::test]
async fn a_token_file_of_the_release_binary_gives_way_to_a_new_pasted_token() {
    // the token file as the released cph50 wrote it in run 1 (no record of the pasted token)
    let m = Mocked::new().await;
    let written = std::fs::read_to_string(case_file(
        "session-token-ignored",
        "stored_session_of_release.json",
    ))
    .unwrap()
    .replace("http://127.0.0.1:47123", &m.server.uri());
    std::fs::write(m.dir.path().join("token.json"), written).unwrap();
    serve_run(&m, &case_json("session-token-ignored", "run2.json")).await;
    let mut cfg = token_only(&m, "fresh-cookie");
    cfg.credentials.username = "driver@example.com".into();
    cfg.discovery_url = format!("{}/discovery/v3/globalconfig", m.server.uri());
    let mut c = Client::new(cfg).unwrap();
    c.charger_status().await.unwrap();
    assert_eq!((c.stats().requests, c.stats().logins), (1, 0));
}

#[tokio::test]
async fn a_dead_stored_cookie_is_retried_once_with_the_pasted_token() {
    // run 1 pastes PASTED; the server refreshes it to ROTATED, which later dies
    let m = Mocked::new().await;
    let status = format!("{USER}/100000001/status");
    Mock::given(method("GET"))
        .and(path("/accounts_endpoint/v1/driver/profile/user"))
        .respond_with(ok("account_profile_user.json"))
        .with_priority(1)
        .mount(&m.server)
        .await;
    Mock::given(method("GET"))
        .and(path(status.as_str()))
        .respond_with(
            |r: &Request| match r.headers.get("cookie").and_then(|v| v.to_str().ok()) {
                Some("coulomb_sess=PASTED") => ok("home_charger_status_idle.json")
                    .insert_header("set-cookie", "coulomb_sess=ROTATED; Max-Age=7200"),
                _ => ResponseTemplate::new(401).set_body_json(fixture("invalid_session_401.json")),
            },
        )
        .mount(&m.server)
        .await;
    let mut cfg = token_only(&m, "PASTED");
    cfg.station_id = Some(100000001);
    Client::new(cfg.clone())
        .unwrap()
        .charger_status()
        .await
        .unwrap();
    let mut again = Client::new(cfg).unwrap();
    again.charger_status().await.unwrap();
    assert_eq!(again.stats().requests, 2, "ROTATED (401), then PASTED once");
}

#[tokio::test]
async fn an_ack_refusal_is_polled_once_and_carries_chargepoints_message() {
    // the ack-422-refusal case: start accepted, every ack poll answers 422 CHARGE/89
    let scenario = case_json("ack-422-refusal", "scenario.json");
    let m = Mocked::new().await;
    m.on(
        "POST",
        START,
        ResponseTemplate::new(200).set_body_json(&scenario["start"][0]["body"]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(ACK))
        .respond_with(ResponseTemplate::new(422).set_body_json(&scenario["ack"][0]["body"]))
        .expect(1)
        .mount(&m.server)
        .await;
    let e = m.client().start().await.unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("session ack (POST http://"), "{text}");
    assert!(
        text.contains(&format!("start_session refused: {CHARGE_89}")),
        "{text}"
    );
}

#[tokio::test]
async fn each_real_ack_answer_has_its_outcome() {
    let pending = || ResponseTemplate::new(422).set_body_json(fixture("session_ack_pending.json"));
    let refusal = |status: u16, body: Value| ResponseTemplate::new(status).set_body_json(body);
    let cases: Vec<(Vec<ResponseTemplate>, u64, Option<&str>)> = vec![
        (vec![ok("session_ack_ok_stop.json")], 1, None),
        (
            vec![pending(), pending(), ok("session_ack_ok_stop.json")],
            3,
            None,
        ),
        (
            vec![pending()],
            5,
            Some("stop_session not confirmed after 5 polls"),
        ),
        (
            vec![
                pending(),
                refusal(
                    422,
                    json!({"errorId": 89, "errorCategory": "CHARGE", "errorMessage": CHARGE_89}),
                ),
            ],
            2,
            Some(CHARGE_89),
        ),
        (
            vec![refusal(
                409,
                json!({"errorId": 2, "errorCategory": "PLUG", "errorMessage": "Return the plug to the holster and try again."}),
            )],
            1,
            Some("stop_session refused: Return the plug to the holster and try again."),
        ),
        (
            vec![refusal(
                422,
                json!({"errorId": 7, "errorCategory": "STATION_BUSY"}),
            )],
            1,
            Some("stop_session refused: STATION_BUSY"),
        ),
        (
            vec![ResponseTemplate::new(422)],
            1,
            Some("stop_session refused: HTTP 422: (empty body)"),
        ),
    ];
    for (answers, polls, error) in cases {
        let m = Mocked::new().await;
        m.on("POST", STOP, ok("stop_session_response.json")).await;
        Mock::given(method("POST"))
            .and(path(ACK))
            .respond_with(Sequence::new(answers))
            .expect(polls)
            .mount(&m.server)
            .await;
        let result = m.client().stop(4754846071).await;
        match (result, error) {
            (Ok(()), None) => {}
            (Err(e), Some(text)) => assert!(e.to_string().contains(text), "{e}"),
            (other, _) => panic!("{other:?}, expected {error:?}"),
        }
        m.server.verify().await;
    }
}

#[tokio::test]
async fn commands_are_sent_once_even_when_the_server_fails() {
    // start, stop and the PUTs change the charger: sending them twice is the caller's choice
    for (verb, p, status) in [
        ("POST", START, 503),
        ("POST", STOP, 502),
        (
            "PUT",
            "/hcpo_hcm_endpoint/api/v1/configuration/chargers/100000001/charge-amperage-limit",
            500,
        ),
        (
            "PUT",
            "/hcpo_hcm_endpoint/api/v1/schedule/charger/100000001/schedule",
            429,
        ),
    ] {
        let m = Mocked::new().await;
        Mock::given(method(verb))
            .and(path(p))
            .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "0"))
            .expect(1)
            .mount(&m.server)
            .await;
        let mut c = m.client();
        let e = match p {
            START => c.start().await.map(|_| ()),
            STOP => c.stop(4754846071).await,
            _ if p.ends_with("amperage-limit") => c.set_amperage_limit(32).await.map(|_| ()),
            _ => c.set_schedule(None).await.map(|_| ()),
        }
        .unwrap_err();
        assert!(
            matches!(e, ApiError::Http { status: s, .. } if s == status),
            "{p}: {e:?}"
        );
        m.server.verify().await;
    }
}

#[tokio::test]
async fn bot_protection_on_a_call_is_never_retried() {
    for p in [format!("{USER}/100000001/status"), START.to_owned()] {
        let m = Mocked::new().await;
        Mock::given(wiremock::matchers::any())
            .and(path(p.as_str()))
            .respond_with(ResponseTemplate::new(403).set_body_json(fixture("datadome_403.json")))
            .expect(1)
            .mount(&m.server)
            .await;
        let mut c = m.client();
        let e = if p == START {
            c.start().await.map(|_| ()).unwrap_err()
        } else {
            c.charger_status().await.map(|_| ()).unwrap_err()
        };
        assert!(matches!(e, ApiError::BotProtection { .. }), "{e:?}");
        m.server.verify().await;
    }
}

#[tokio::test]
async fn an_html_page_where_json_was_expected_names_the_content_type() {
    let m = Mocked::new().await;
    let page = "<html><head><title>ChargePoint | Scheduled Maintenance</title></head>\n<body><h1>We'll be back soon</h1></body></html>";
    m.on(
        "POST",
        "/gw/driver-bff/v1/sessions/4754846071",
        ResponseTemplate::new(200).set_body_raw(page, "text/html; charset=utf-8"),
    )
    .await;
    let e = m.client().session_details(4754846071).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("session details (POST http://")
            && text.contains(
                "/gw/driver-bff/v1/sessions/4754846071): expected JSON, got text/html; charset=utf-8 (200): \"<html><head><title>ChargePoint | Scheduled"
            ),
        "{text}"
    );
    assert!(!text.contains('\n') && text.len() < 300, "{text}");
}
