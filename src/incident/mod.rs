//! Incident issues: one open GitHub issue per kind of trouble (charger offline, login blocked or
//! cookie expired, scheduled runs failing, data invalid), opened when it starts, commented on
//! at most once a day while it lasts, closed with a note when it ends, and found again by its
//! labels so there is never a second one. [`trouble_of`] tells which kind an error is;
//! [`tracker`] talks to the issues; [`runs`] finds workflows whose scheduled runs all failed.

pub mod runs;
pub mod tracker;

use serde::Serialize;

use crate::api::ApiError;
use crate::error::Error;
use crate::pipeline::reason;
use crate::text::printable;

/// The label every incident issue carries.
pub const LABEL: &str = "cph50-incident";

/// The longest details text put into an issue, in characters.
pub const MAX_DETAILS: usize = 500;

/// A kind of trouble; each has at most one open issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The charger is not connected to ChargePoint.
    Offline,
    /// The login is blocked by bot protection or refused, or the session cookie expired and
    /// could not be renewed, or a credential is missing.
    Login,
    /// Every scheduled run of a workflow failed for a day.
    RunsFailing,
    /// The data folder does not validate.
    DataInvalid,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [
        Kind::Offline,
        Kind::Login,
        Kind::RunsFailing,
        Kind::DataInvalid,
    ];

    /// Its name on the command line, in `trouble=` outputs and in labels: `offline`, `login`,
    /// `runs-failing`, `data-invalid`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Offline => "offline",
            Kind::Login => "login",
            Kind::RunsFailing => "runs-failing",
            Kind::DataInvalid => "data-invalid",
        }
    }

    /// The kind of a name, `None` for another word.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name.trim())
    }

    /// Its own label, `incident:<name>`.
    pub fn label(self) -> String {
        format!("incident:{}", self.name())
    }

    /// The title.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Offline => "cph50: the charger is offline",
            Kind::Login => "cph50: cannot log in to ChargePoint",
            Kind::RunsFailing => "cph50: scheduled runs have been failing for a day",
            Kind::DataInvalid => "cph50: the data folder does not validate",
        }
    }

    /// What the owner can do, for the body.
    pub fn hint(self) -> &'static str {
        match self {
            Kind::Offline => {
                "Check the charger's Wi-Fi and its breaker; the ChargePoint app shows when it was last connected. While it is offline no session is recorded and the daily start cannot happen."
            }
            Kind::Login => {
                "Bot protection (DataDome) often blocks password logins from GitHub's runners. Run `cph50 login` on your own computer and store what it prints as the secrets it names, or log in at chargepoint.com in a browser and set the secret `CP_SESSION_TOKEN` to its `coulomb_sess` cookie. An expired cookie needs a fresh one; a rejected login needs `CP_USERNAME` and `CP_PASSWORD` checked."
            }
            Kind::RunsFailing => {
                "Open the failed runs below: each names what failed in its `error:` line. A run that fails for a known incident (offline, login, data) reports that incident instead and stays green, so this one is about something else."
            }
            Kind::DataInvalid => {
                "Run `cph50 validate` on a clone: it lists every problem as `file:line:col`. Fix or revert the commit that broke the file; until then the site is not rebuilt from it."
            }
        }
    }

    /// The note a closing comment starts with.
    pub fn resolved_note(self) -> &'static str {
        match self {
            Kind::Offline => "The charger is online again.",
            Kind::Login => "cph50 logs in to ChargePoint again.",
            Kind::RunsFailing => "Scheduled runs succeed again.",
            Kind::DataInvalid => "The data folder validates again.",
        }
    }

    /// Whether a run that stopped at `trouble` has shown that `self` is fine: a charger found
    /// offline was asked after a successful login.
    pub fn cleared_by(self, trouble: Kind) -> bool {
        self == Kind::Login && trouble == Kind::Offline
    }
}

/// A known kind of trouble and what happened, in words fit for a public issue (no URL, no
/// server body, no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trouble {
    /// Its kind.
    pub kind: Kind,
    /// One line.
    pub details: String,
}

/// The kind of trouble `err` is, or `None` for an error that is no known incident (it fails
/// the run).
pub fn trouble_of(err: &Error) -> Option<Trouble> {
    let (kind, details) = match err {
        Error::Offline { last_connected, .. } => (
            Kind::Offline,
            match last_connected {
                Some(t) => format!("The charger is offline; last connected {t}."),
                None => "The charger is offline.".to_owned(),
            },
        ),
        Error::Api(
            e @ (ApiError::BotProtection { .. }
            | ApiError::LoginRejected { .. }
            | ApiError::SessionExpired { .. }
            | ApiError::MissingCredential { .. }),
        ) => (Kind::Login, format!("{}.", reason::failure(e))),
        Error::Invalid {
            problems, files, ..
        } => (
            Kind::DataInvalid,
            format!("cph50 validate found {problems} problem(s) in {files} file(s)."),
        ),
        Error::Data(problem) => (Kind::DataInvalid, problem.to_string()),
        _ => return None,
    };
    Some(Trouble {
        kind,
        details: one_line(&details),
    })
}

/// `text` as one printable line of at most [`MAX_DETAILS`] characters.
pub fn one_line(text: &str) -> String {
    let flat = text.replace(['\r', '\n'], " ");
    let mut line: String = printable(flat.trim()).chars().take(MAX_DETAILS).collect();
    if printable(flat.trim()).chars().count() > MAX_DETAILS {
        line.push('…');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_have_kinds() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Kind::from_name(""), None);
        let bot = Error::Api(ApiError::BotProtection {
            endpoint: "login (POST https://sso.example/v1/user/login?id=200000001)".into(),
            captcha_url: Some("https://captcha.example/?cid=secret".into()),
        });
        let t = trouble_of(&bot).unwrap();
        assert_eq!(t.kind, Kind::Login);
        assert_eq!(t.details, "Login blocked by bot protection.");
        let offline = Error::Offline {
            charger: 100000001,
            last_connected: Some("2026-01-10 04:00 PST (5 h ago)".into()),
        };
        let t = trouble_of(&offline).unwrap();
        assert!(
            t.kind == Kind::Offline && !t.details.contains("100000001"),
            "{t:?}"
        );
        assert_eq!(trouble_of(&Error::Cannot("x".into())), None);
        assert!(Kind::Login.cleared_by(Kind::Offline));
        assert!(!Kind::Offline.cleared_by(Kind::Login));
        assert_eq!(one_line("a\nb\u{1b}"), "a b\\u{1b}");
    }
}
