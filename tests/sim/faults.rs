//! Injected faults, from the config (`--fault`) and from `POST /_sim/fault`.

use std::time::Instant;

use cph50::sim::{DEFAULT_PASSWORD, Scenario};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::json;

use super::{Api, MORNING, assert_shape, config};

async fn arm(api: &Api, spec: &str) {
    api.control("fault", json!({"spec": spec})).await;
}

const PROFILE: &str = "v1/driver/profile/user";

async fn profile(api: &mut Api) -> super::Resp {
    api.call(Method::GET, "accounts_endpoint", PROFILE, None)
        .await
}

#[tokio::test]
async fn status_faults_answer_their_code_count_times() {
    let mut cfg = config(Scenario::Default, MORNING);
    cfg.faults = vec!["status=503x2".parse().unwrap()];
    let mut api = Api::logged_in(cfg).await;
    let path = "api/v1/configuration/users/200000001/chargers/100000001/status";
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(
            api.call(Method::GET, "hcpo_hcm_endpoint", path, None)
                .await
                .status,
        );
    }
    assert_eq!(codes, [503, 503, 200]);
    for code in [500, 502] {
        arm(&api, &format!("profile={code}")).await;
        let r = profile(&mut api).await;
        assert_eq!(r.status, code);
        assert!(r.json()["errorMessage"].as_str().unwrap().contains("fault"));
        assert_eq!(profile(&mut api).await.status, 200);
    }
    let state = api.state().await;
    assert_eq!(state["requests"]["status"], 3);
    assert_eq!(state["faults"], json!([]));
}

#[tokio::test]
async fn a_429_says_when_to_retry() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "user_status=429").await;
    let body = json!({"user_status": {"mfhs": {}}});
    let r = api
        .call(Method::POST, "mapcache_endpoint", "v2", Some(body))
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers.get(RETRY_AFTER).unwrap(), "1");
}

#[tokio::test]
async fn a_delay_answers_normally_but_late() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "profile=delay400").await;
    let t = Instant::now();
    let r = profile(&mut api).await;
    assert!(t.elapsed().as_millis() >= 400, "{:?}", t.elapsed());
    assert_eq!(r.status, 200);
    assert_shape(&r.json(), "account_profile_user.json");
}

#[tokio::test]
async fn expire_kills_every_token_until_the_next_login() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let old = api.token.clone().unwrap();
    arm(&api, "chargers=expire").await;
    let r = api
        .call(
            Method::GET,
            "hcpo_hcm_endpoint",
            "api/v1/configuration/users/200000001/chargers",
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    assert_shape(&r.json(), "invalid_session_401.json");
    assert_eq!(profile(&mut api).await.status, 401);
    let url = api.url("accounts_endpoint", PROFILE);
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&old)).await.status,
        401
    );
    assert_eq!(api.login(DEFAULT_PASSWORD).await.status, 200);
    assert_eq!(profile(&mut api).await.status, 200);
}

#[tokio::test]
async fn captcha_faults_answer_403_as_json_or_as_a_page() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "login=captcha_json").await;
    let r = api.login(DEFAULT_PASSWORD).await;
    assert_eq!(r.status, 403);
    assert_shape(&r.json(), "datadome_403.json");

    arm(&api, "profile=captcha_html").await;
    let r = profile(&mut api).await;
    assert_eq!(r.status, 403);
    let ct = r.headers.get(CONTENT_TYPE).unwrap().to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(r.text.contains("var dd={"), "{}", r.text);
    assert!(r.text.contains("captcha-delivery.com"));
}

#[tokio::test]
async fn unauthorized_answers_401_even_right_after_a_fresh_login() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "profile=unauthorizedx2").await;
    let r = profile(&mut api).await;
    assert_eq!(r.status, 401);
    assert_shape(&r.json(), "invalid_session_401.json");
    assert_eq!(api.login(DEFAULT_PASSWORD).await.status, 200);
    assert_eq!(
        profile(&mut api).await.status,
        401,
        "a fresh token does not help"
    );
    assert_eq!(
        profile(&mut api).await.status,
        200,
        "used up; tokens were never killed"
    );
}

#[tokio::test]
async fn html_answers_a_200_page_where_json_was_expected() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "profile=html").await;
    let r = profile(&mut api).await;
    assert_eq!(r.status, 200);
    let ct = r.headers.get(CONTENT_TYPE).unwrap().to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(r.text.starts_with("<html><head><title>"), "{}", r.text);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
}

/// Starts a command on a sim with the Equinox plugged in; its ack id.
async fn command(api: &mut Api, what: &str, body: serde_json::Value) -> u64 {
    let r = api
        .call(Method::POST, "accounts_endpoint", what, Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["ackId"].as_u64().unwrap()
}

async fn poll(api: &mut Api, id: u64, action: &str) -> (u16, serde_json::Value) {
    let body = json!({"ackId": id, "action": action});
    let r = api
        .call(
            Method::POST,
            "accounts_endpoint",
            "v1/driver/station/session/ack",
            Some(body),
        )
        .await;
    (r.status, r.json())
}

const CHARGE_89: &str =
    "Failed to start charging. May be in use by another user or return plug and try again.";

#[tokio::test]
async fn refuse_answers_an_ack_with_chargepoints_refusal_at_once() {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    api.control("plug", json!({"vehicle": "volvo_xc40_2021"}))
        .await;
    arm(&api, "ack=refuse").await;
    let start = "v1/driver/station/startsession";
    let id = command(&mut api, start, json!({"deviceId": 100000001})).await;
    let (status, body) = poll(&mut api, id, "start_session").await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"errorId": 89, "errorCategory": "CHARGE", "errorMessage": CHARGE_89})
    );
    assert_eq!(
        poll(&mut api, id, "start_session").await.1,
        body,
        "a refusal stays"
    );
    assert_eq!(api.state().await["charging"], false);
}

#[tokio::test]
async fn refuse_on_start_or_stop_is_refused_when_the_station_answers() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let session = api.state().await["current_session_id"].as_u64().unwrap();
    arm(&api, "stop=refuse").await;
    let stop = "v1/driver/station/stopSession";
    let body = json!({"deviceId": 100000001, "portNumber": 1, "sessionId": session});
    let id = command(&mut api, stop, body.clone()).await;
    let (status, answer) = api.confirm(id, "stop_session").await;
    assert_eq!(
        (status, &answer["errorCategory"]),
        (422, &json!("CHARGE")),
        "{answer}"
    );
    assert_eq!(
        api.state().await["current_session_id"],
        session,
        "still charging"
    );
    // unarmed, the next stop goes through; then a refused start
    let id = command(&mut api, stop, body).await;
    assert_eq!(api.confirm(id, "stop_session").await.0, 200);
    arm(&api, "start=refuse").await;
    let (status, answer) = api.start_and_confirm().await;
    assert_eq!((status, &answer["errorMessage"]), (422, &json!(CHARGE_89)));
}

#[tokio::test]
async fn a_browser_cookie_is_a_live_token_without_a_login() {
    let mut api = Api::start(config(Scenario::Idle, MORNING)).await;
    let answer = api.control("cookie", json!({})).await;
    let token = answer["coulomb_sess"].as_str().unwrap().to_owned();
    assert_eq!(answer["max_age_s"], 7200);
    api.token = Some(token.clone());
    assert_eq!(profile(&mut api).await.status, 200);
    assert_eq!(api.state().await["logins"], 0);
    api.advance(7201.0).await;
    let url = api.url("accounts_endpoint", PROFILE);
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&token)).await.status,
        401
    );
}

#[tokio::test]
async fn truncated_and_empty_answers_are_200s_that_do_not_parse() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let whole = profile(&mut api).await.text;
    arm(&api, "profile=truncated").await;
    let r = profile(&mut api).await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
    assert!(
        whole.starts_with(&r.text),
        "{} is not a prefix of {whole}",
        r.text
    );
    assert_eq!(r.text.len(), whole.len() / 2);

    arm(&api, "any=empty").await;
    let r = profile(&mut api).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "");
    assert_eq!(profile(&mut api).await.status, 200, "used up");
}

#[tokio::test]
async fn x0_means_forever_and_any_means_every_endpoint() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    arm(&api, "any=503x0").await;
    for _ in 0..3 {
        assert_eq!(profile(&mut api).await.status, 503);
    }
    let d = api
        .raw(
            Method::POST,
            &api.handle.discovery_url,
            Some(json!({})),
            None,
        )
        .await;
    assert_eq!(d.status, 503);
    let state = api.state().await;
    assert_eq!(
        state["faults"],
        json!(["any=503x0"]),
        "control endpoints are not faulted"
    );
    assert_eq!(state["requests"]["profile"], 3);
}

#[tokio::test]
async fn a_bad_fault_spec_is_refused_with_the_reason() {
    let api = Api::start(config(Scenario::Default, MORNING)).await;
    let url = format!("{}/_sim/fault", api.handle.base_url);
    let r = api
        .raw(
            Method::POST,
            &url,
            Some(json!({"spec": "status=418"})),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("unknown kind \\\"418\\\""), "{}", r.text);
}

#[tokio::test]
async fn control_endpoints_and_unknown_routes_explain_bad_requests() {
    let api = Api::start(config(Scenario::Idle, MORNING)).await;
    let base = api.handle.base_url.clone();
    let post = |path: &str, body: serde_json::Value| {
        let url = format!("{base}/_sim/{path}");
        let api = &api;
        async move { api.raw(Method::POST, &url, Some(body), None).await }
    };
    for bad in [json!({"seconds": -1}), json!({"seconds": 4e7}), json!({})] {
        let r = post("advance", bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(r.text.contains("seconds"), "{}", r.text);
    }
    let r = post("plug", json!({"vehicle": "tesla"})).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("volvo_xc40_2021"), "{}", r.text);
    assert_eq!(post("unplug", json!({})).await.status, 409);
    assert_eq!(post("plug", json!({"vehicle": "guest"})).await.status, 200);
    let again = post("plug", json!({"vehicle": "guest"})).await;
    assert_eq!(again.status, 409);
    assert!(again.text.contains("already plugged in"), "{}", again.text);
    assert_eq!(
        post("connect", json!({"connected": "no"})).await.status,
        400
    );

    let r = api
        .raw(Method::GET, &format!("{base}/nowhere/v9"), None, None)
        .await;
    assert_eq!(r.status, 404);
    assert!(
        r.json()["errorMessage"]
            .as_str()
            .unwrap()
            .contains("GET /nowhere/v9")
    );
}

#[test]
fn every_fault_kind_is_documented_in_the_help_and_the_readme() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args(["sim", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for name in cph50::sim::FaultKind::NAMES {
        assert!(
            help.contains(&format!(" {name} ")),
            "{name} not in sim --help:\n{help}"
        );
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} not in the README"
        );
    }
    assert!(help.contains("/_sim/cookie") && readme.contains("/_sim/cookie"));
}

#[tokio::test]
async fn start_refuses_an_impossible_speed() {
    let mut cfg = config(Scenario::Idle, MORNING);
    cfg.speed = -1.0;
    let err = cph50::sim::start(cfg, 0).await.unwrap_err();
    assert!(err.to_string().contains("speed -1"), "{err}");
    assert_eq!(err.exit_code(), 2);
}
