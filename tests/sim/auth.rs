//! Discovery, login and the session token.

use cph50::sim::{DEFAULT_PASSWORD, Scenario};
use reqwest::Method;
use reqwest::header::SET_COOKIE;
use serde_json::json;

use super::{Api, MORNING, assert_shape, config};

const PROFILE: &str = "v1/driver/profile/user";

#[tokio::test]
async fn discovery_points_every_endpoint_at_the_sim() {
    let api = Api::start(config(Scenario::Default, MORNING)).await;
    let base = api.handle.base_url.clone();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(
        api.endpoints["sso_endpoint"],
        format!("{base}/sso_endpoint/")
    );
    assert_eq!(
        api.endpoints["accounts_endpoint"],
        format!("{base}/accounts_endpoint/")
    );
    assert_eq!(
        api.endpoints["mapcache_endpoint"],
        format!("{base}/mapcache_endpoint/")
    );
    assert_eq!(
        api.endpoints["internal_api_gateway_endpoint"],
        format!("{base}/gw")
    );
    for (key, value) in &api.endpoints {
        assert!(
            value.starts_with(&base) || value.starts_with("wss://") || !value.contains("://"),
            "{key} = {value} does not point at the sim"
        );
    }
    let r = api
        .raw(
            Method::POST,
            &api.handle.discovery_url,
            Some(json!({"username": "x"})),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["region"], "NA-US");
    assert_shape(&r.json(), "discovery_global_config.json");
}

#[tokio::test]
async fn login_sets_a_session_cookie_and_a_wrong_password_is_401() {
    let mut api = Api::start(config(Scenario::Default, MORNING)).await;
    let bad = api.login("not-the-password").await;
    assert_eq!(bad.status, 401, "{}", bad.text);
    assert_eq!(bad.json()["errorMessage"], "Invalid username or password");
    assert_eq!(bad.json()["errorCategory"], "AUTHENTICATION");
    assert!(bad.cookie().is_none());

    let ok = api.login(DEFAULT_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let header = ok
        .headers
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(header.starts_with("coulomb_sess="), "{header}");
    for part in ["Max-Age=7200", "Path=/", "HttpOnly"] {
        assert!(header.contains(part), "{header} lacks {part}");
    }
    let state = api.state().await;
    assert_eq!(state["logins"], 1);
    assert_eq!(state["failed_logins"], 1);
    assert_eq!(state["requests"]["login"], 2);
    assert_eq!(state["requests"]["discovery"], 1);
}

#[tokio::test]
async fn the_password_can_be_chosen() {
    let mut cfg = config(Scenario::Idle, MORNING);
    cfg.password = "hunter2".into();
    let mut api = Api::start(cfg).await;
    assert_eq!(api.login(DEFAULT_PASSWORD).await.status, 401);
    assert_eq!(api.login("hunter2").await.status, 200);
}

#[tokio::test]
async fn calls_without_a_live_token_are_401() {
    let api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let url = api.url("accounts_endpoint", PROFILE);
    let none = api.raw(Method::GET, &url, None, None).await;
    assert_eq!(none.status, 401);
    assert_shape(&none.json(), "invalid_session_401.json");
    assert!(none.cookie().is_none());
    let forged = api
        .raw(Method::GET, &url, None, Some("0123456789abcdef"))
        .await;
    assert_eq!(forged.status, 401);

    // the cookie alone is enough, and so is the cp-session-token header alone
    let token = api.token.clone().unwrap();
    let by_cookie = api
        .client
        .get(&url)
        .header("cookie", format!("other=1; coulomb_sess={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);
    let by_header = api
        .client
        .get(&url)
        .header("cp-session-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);
}

#[tokio::test]
async fn every_answer_refreshes_the_cookie_and_tokens_expire_after_two_hours() {
    let mut api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let first = api.token.clone().unwrap();
    let r = api
        .call(Method::GET, "accounts_endpoint", PROFILE, None)
        .await;
    assert_eq!(r.status, 200);
    let second = r.cookie().expect("a fresh cookie");
    assert_ne!(first, second);
    let r = api
        .call(Method::GET, "accounts_endpoint", "v1/driver/vehicle", None)
        .await;
    let third = r.cookie().expect("a fresh cookie");
    assert_ne!(second, third);
    // older tokens stay valid until they expire
    let url = api.url("accounts_endpoint", PROFILE);
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&first)).await.status,
        200
    );

    api.advance(7190.0).await;
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&first)).await.status,
        200
    );
    let fresh = api
        .raw(Method::GET, &url, None, Some(&first))
        .await
        .cookie()
        .unwrap();
    api.advance(20.0).await;
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&first)).await.status,
        401
    );
    assert_eq!(
        api.raw(Method::GET, &url, None, Some(&fresh)).await.status,
        200
    );
}

#[tokio::test]
async fn logout_ends_the_token() {
    let api = Api::logged_in(config(Scenario::Default, MORNING)).await;
    let token = api.token.clone().unwrap();
    let url = api.url("sso_endpoint", "v1/user/logout");
    assert_eq!(
        api.raw(Method::POST, &url, None, Some(&token)).await.status,
        200
    );
    let profile = api.url("accounts_endpoint", PROFILE);
    assert_eq!(
        api.raw(Method::GET, &profile, None, Some(&token))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn captcha_scenario_answers_the_login_with_a_datadome_403() {
    let mut api = Api::start(config(Scenario::Captcha, MORNING)).await;
    let r = api.login(DEFAULT_PASSWORD).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_shape(&r.json(), "datadome_403.json");
    assert!(
        r.json()["url"]
            .as_str()
            .unwrap()
            .contains("captcha-delivery.com")
    );
    assert!(r.cookie().is_none());
}
