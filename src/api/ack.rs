//! What an answer to a start/stop confirmation poll (`POST {accounts}v1/driver/station/session/ack`)
//! means, as a table kept as data: HTTP status and ChargePoint's `errorCategory` decide whether
//! the command is confirmed, still pending (ask again), refused (stop asking; ChargePoint's
//! `errorMessage` is the reason), or whether the session died. The first matching row wins.
//!
//! Only `STATION_NOT_YET_CONFIRMED` is pending: python-chargepoint polls on any non-200 and so
//! spends its 20 polls on a refusal (mbillow/ha-chargepoint#52: 422 `{"errorId": 89,
//! "errorCategory": "CHARGE", "errorMessage": "Failed to start charging. May be in use by another
//! user or return plug and try again."}`); no other pending category is known.

use super::models::AccountsError;

/// What one ack poll came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The station did what was asked.
    Confirmed,
    /// Not yet: ask again after the interval.
    Pending,
    /// The station or ChargePoint said no: stop asking; see [`reason`].
    Refused,
    /// The session cookie is no longer accepted.
    SessionExpired,
    /// ChargePoint itself failed (5xx, 429): nothing is known about the command.
    Unavailable,
}

/// The statuses a row matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    /// 200..=299.
    Success,
    /// This one status.
    Exactly(u16),
    /// 500..=599 and 429.
    ServerSide,
    /// Every status.
    Any,
}

impl Statuses {
    fn matches(self, status: u16) -> bool {
        match self {
            Self::Success => (200..300).contains(&status),
            Self::Exactly(s) => s == status,
            Self::ServerSide => status == 429 || (500..600).contains(&status),
            Self::Any => true,
        }
    }
}

/// The `errorCategory` a row matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Exactly this category.
    Is(&'static str),
    /// Any category, or none.
    Any,
}

/// One row of [`ACK_TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckRule {
    /// The statuses it applies to.
    pub status: Statuses,
    /// The category it applies to.
    pub category: Category,
    /// What such an answer means.
    pub outcome: AckOutcome,
    /// Where the answer was seen.
    pub seen: &'static str,
}

/// The category of the "not yet" answer.
pub const NOT_YET_CONFIRMED: &str = "STATION_NOT_YET_CONFIRMED";

/// ChargePoint's ack answers and what each means; the first matching row wins.
pub const ACK_TABLE: [AckRule; 6] = [
    AckRule {
        status: Statuses::Success,
        category: Category::Any,
        outcome: AckOutcome::Confirmed,
        seen: "200 {\"sessionId\": n} for a start, {} for a stop (session_ack_ok*.json); the \
               client then checks the body is that JSON object (an HTML page, an empty body or \
               half a document confirms nothing)",
    },
    AckRule {
        status: Statuses::Exactly(422),
        category: Category::Is(NOT_YET_CONFIRMED),
        outcome: AckOutcome::Pending,
        seen: "422 errorId 0 (session_ack_pending.json)",
    },
    AckRule {
        status: Statuses::Exactly(401),
        category: Category::Any,
        outcome: AckOutcome::SessionExpired,
        seen: "401 AUTHENTICATION (invalid_session_401.json)",
    },
    AckRule {
        status: Statuses::Any,
        category: Category::Is("AUTHENTICATION"),
        outcome: AckOutcome::SessionExpired,
        seen: "the category of the 401 answer, whatever the status",
    },
    AckRule {
        status: Statuses::ServerSide,
        category: Category::Any,
        outcome: AckOutcome::Unavailable,
        seen: "5xx and 429 (after the transport's retries)",
    },
    AckRule {
        status: Statuses::Any,
        category: Category::Any,
        outcome: AckOutcome::Refused,
        seen: "422 errorId 89 CHARGE (ha-chargepoint#52); any other 4xx or category",
    },
];

/// What an ack answer with `status` and `errorCategory` `category` means (first matching row
/// of [`ACK_TABLE`]; the last row matches everything).
pub fn outcome(status: u16, category: Option<&str>) -> AckOutcome {
    ACK_TABLE
        .iter()
        .find(|r| {
            r.status.matches(status)
                && match r.category {
                    Category::Is(c) => category == Some(c),
                    Category::Any => true,
                }
        })
        .map_or(AckOutcome::Refused, |r| r.outcome)
}

/// ChargePoint's reason for a refusal: its `errorMessage`, else its `errorCategory`, else
/// `HTTP <status>: <body excerpt>`.
pub fn reason(status: u16, error: &AccountsError, body: &[u8]) -> String {
    let given = |text: &Option<String>| text.clone().filter(|t| !t.trim().is_empty());
    given(&error.message)
        .or_else(|| given(&error.category))
        .map(|m| crate::text::printable(&m))
        .unwrap_or_else(|| format!("HTTP {status}: {}", super::error::excerpt(body, 160)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use AckOutcome::*;

    #[test]
    fn each_row_of_the_table_is_reached_by_its_answer() {
        let answers = [
            (200, None, Confirmed),
            (422, Some(NOT_YET_CONFIRMED), Pending),
            (401, Some("AUTHENTICATION"), SessionExpired),
            (400, Some("AUTHENTICATION"), SessionExpired),
            (503, None, Unavailable),
            (422, Some("CHARGE"), Refused),
        ];
        for (row, (status, category, expected)) in ACK_TABLE.iter().zip(answers) {
            assert_eq!(outcome(status, category), expected, "{row:?}");
            assert_eq!(row.outcome, expected, "{row:?}");
        }
    }

    #[test]
    fn only_the_not_yet_confirmed_422_is_pending() {
        assert_eq!(outcome(422, Some(NOT_YET_CONFIRMED)), Pending);
        for (status, category) in [
            (422, Some("CHARGE")),
            (422, None),
            (422, Some("station_not_yet_confirmed")),
            (409, Some("PLUG")),
            (409, Some(NOT_YET_CONFIRMED)),
            (404, None),
            (400, Some("VALIDATION")),
        ] {
            assert_eq!(outcome(status, category), Refused, "{status} {category:?}");
        }
        assert_eq!(outcome(204, Some("CHARGE")), Confirmed);
        assert_eq!(outcome(429, Some(NOT_YET_CONFIRMED)), Unavailable);
        assert_eq!(outcome(401, None), SessionExpired);
    }

    #[test]
    fn the_reason_is_chargepoints_message_else_its_category_else_the_body() {
        let e = |category: Option<&str>, message: Option<&str>| AccountsError {
            id: Some(89),
            category: category.map(Into::into),
            message: message.map(Into::into),
        };
        let msg =
            "Failed to start charging. May be in use by another user or return plug and try again.";
        assert_eq!(reason(422, &e(Some("CHARGE"), Some(msg)), b""), msg);
        assert_eq!(reason(422, &e(Some("CHARGE"), Some(" ")), b""), "CHARGE");
        assert_eq!(
            reason(422, &e(None, None), b"<html>busy</html>"),
            "HTTP 422: <html>busy</html>"
        );
        assert_eq!(reason(422, &e(None, Some("a\nb")), b""), "a\\nb");
    }
}
