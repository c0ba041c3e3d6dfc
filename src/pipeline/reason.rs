//! API failures in words that may be committed (`runs.json` reasons) or shown next to a live
//! reading: a short, fixed vocabulary that names the call and the kind of failure. Never a
//! request URL (it carries the account's user id and the charger id), a server body or a
//! captcha address; of ChargePoint's own wording only a refusal's `errorMessage` is quoted,
//! printable and capped at [`MAX_QUOTED`] characters.

use crate::api::ApiError;
use crate::text::printable;

/// The longest piece of ChargePoint's own wording that is quoted, in characters.
pub const MAX_QUOTED: usize = 160;

/// The call an error names, without its method and URL: `charger status` of
/// `charger status (GET https://...)`.
pub fn call_of(endpoint: &str) -> &str {
    endpoint.split(" (").next().unwrap_or(endpoint).trim()
}

/// Whether asking again cannot help: the login is blocked by bot protection or refused, the
/// session cannot be renewed, or the credentials or the token file are missing or unusable.
/// Such a failure ends a job's attempts at once.
pub fn is_auth_failure(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::BotProtection { .. }
            | ApiError::LoginRejected { .. }
            | ApiError::SessionExpired { .. }
            | ApiError::MissingCredential { .. }
            | ApiError::Token { .. }
    )
}

/// One short sentence about `e`: `<call>: <kind of failure>` (`charger status: HTTP 503`,
/// `session details: no answer (timeout)`), or for the login and the charger's refusal
/// `Login blocked by bot protection`, `Login rejected (HTTP 401)`,
/// `Start refused by the charger: <errorMessage>`.
pub fn failure(e: &ApiError) -> String {
    let call = |endpoint: &str| call_of(endpoint).to_owned();
    match e {
        ApiError::BotProtection { endpoint, .. } if call_of(endpoint) == "login" => {
            "Login blocked by bot protection".into()
        }
        ApiError::BotProtection { endpoint, .. } => {
            format!("{}: blocked by bot protection", call(endpoint))
        }
        ApiError::LoginRejected { status, .. } => format!("Login rejected (HTTP {status})"),
        ApiError::SessionExpired { endpoint, .. } => {
            format!("{}: session expired (HTTP 401)", call(endpoint))
        }
        ApiError::Http {
            endpoint, status, ..
        } => format!("{}: HTTP {status}", call(endpoint)),
        ApiError::Timeout { endpoint, .. } => format!("{}: no answer (timeout)", call(endpoint)),
        ApiError::Network { endpoint, .. } => format!("{}: cannot connect", call(endpoint)),
        ApiError::Malformed { endpoint, .. } => format!("{}: malformed answer", call(endpoint)),
        ApiError::NotJson { endpoint, .. } => {
            format!("{}: not JSON (a web page or text)", call(endpoint))
        }
        ApiError::Reported { endpoint, .. } => {
            format!("{}: error reported by ChargePoint", call(endpoint))
        }
        ApiError::MissingCredential { variable, .. } => format!("{variable} is not set"),
        ApiError::Token { .. } => "The token file is unusable".into(),
        ApiError::AckTimeout { action, .. } => format!(
            "{} not confirmed by the charger",
            action_word(action).to_lowercase()
        ),
        ApiError::Refused {
            action, message, ..
        } => format!(
            "{} refused by the charger: {}",
            action_word(action),
            quoted(message)
        ),
        ApiError::NoCharger(_) => "No home charger on the account".into(),
        // variants added later get a sentence of their own; until then, only the kind
        #[allow(unreachable_patterns)]
        _ => "ChargePoint API error".into(),
    }
}

/// `Start` / `Stop` of `start_session` / `stop_session`; `Amperage limit change` /
/// `Schedule change` of `set_amperage_limit` / `set_schedule`.
fn action_word(action: &str) -> &'static str {
    match action {
        a if a.starts_with("stop") => "Stop",
        "set_amperage_limit" => "Amperage limit change",
        "set_schedule" => "Schedule change",
        _ => "Start",
    }
}

/// ChargePoint's reason as it may be quoted: its `errorMessage`, printable, capped; a reason
/// the client could only build from the answer's status and body keeps just the status, and
/// anything that holds an address is withheld.
fn quoted(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("HTTP ") {
        let status: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("HTTP {status}");
    }
    if message.contains("://") || message.contains('@') {
        return "(reason withheld: it holds an address)".into();
    }
    let text = printable(message.trim());
    let mut short: String = text.chars().take(MAX_QUOTED).collect();
    if text.chars().count() > MAX_QUOTED {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "charger status (GET https://example.test/api/v1/configuration/users/200000001/chargers/100000001/status)";

    #[test]
    fn reasons_name_the_call_and_never_the_url_or_the_body() {
        let http = ApiError::Http {
            endpoint: URL.into(),
            status: 503,
            excerpt: "{\"errorMessage\":\"upstream 10.0.0.7 down\"}".into(),
        };
        assert_eq!(failure(&http), "charger status: HTTP 503");
        let bot = ApiError::BotProtection {
            endpoint: "login (POST https://sso.example.test/v1/user/login)".into(),
            captcha_url: Some("https://geo.captcha-delivery.com/captcha/?cid=X".into()),
        };
        assert_eq!(failure(&bot), "Login blocked by bot protection");
        let reported = ApiError::Reported {
            endpoint: "session details (POST https://x.test/driver-bff/v1/sessions/1)".into(),
            message: "java.lang.NullPointerException at 200000001".into(),
        };
        assert_eq!(
            failure(&reported),
            "session details: error reported by ChargePoint"
        );
        for e in [http, bot, reported] {
            let r = failure(&e);
            assert!(!r.contains("http") && !r.contains("200000001"), "{r}");
        }
    }

    #[test]
    fn a_refusal_quotes_the_charger_s_message_capped_or_only_the_status() {
        let refused = |message: &str| ApiError::Refused {
            endpoint: "session ack (POST https://x.test/ack)".into(),
            action: "start_session".into(),
            message: message.into(),
        };
        assert_eq!(
            failure(&refused("Please return the plug and try again")),
            "Start refused by the charger: Please return the plug and try again"
        );
        assert_eq!(
            failure(&refused("HTTP 409: <html>station 100000001 busy</html>")),
            "Start refused by the charger: HTTP 409"
        );
        let long = failure(&refused(&"x\u{1b}".repeat(200)));
        assert!(
            long.chars().count() < 210 && !long.contains('\u{1b}'),
            "{long}"
        );
        assert!(
            failure(&refused("see https://example.test/u/200000001"))
                .ends_with("withheld: it holds an address)")
        );
    }

    #[test]
    fn auth_failures_are_the_ones_no_retry_can_mend() {
        let expired = ApiError::SessionExpired {
            endpoint: URL.into(),
            hint: "log in".into(),
        };
        assert!(is_auth_failure(&expired));
        assert_eq!(
            failure(&expired),
            "charger status: session expired (HTTP 401)"
        );
        let http = ApiError::Http {
            endpoint: URL.into(),
            status: 502,
            excerpt: String::new(),
        };
        assert!(!is_auth_failure(&http));
    }
}
