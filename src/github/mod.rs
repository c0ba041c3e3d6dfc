//! A small client for the parts of the GitHub REST API the workflows need: issues, their
//! comments and labels (incident issues) and the list of workflow runs. It knows HTTP and
//! GitHub's JSON, nothing of the crate's data; the command layer gives it its configuration
//! (`GITHUB_API_URL`, `GITHUB_REPOSITORY`, `GITHUB_TOKEN`, read in `settings`).
//! The token is sent only in the `Authorization` header and is never part of a message.

mod issues;
mod runs;

use std::fmt;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use issues::{Comment, Issue, Label};
pub use runs::WorkflowRun;

use crate::text::printable;

/// The API version every request asks for.
const API_VERSION: &str = "2022-11-28";

/// The longest piece of GitHub's own `message` quoted in an error, in characters.
const MAX_MESSAGE: usize = 200;

/// A token for the GitHub API, never shown by `Debug` or `Display`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps the token.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Where the API is and which repository it is asked about.
#[derive(Debug, Clone)]
pub struct GitHubConfig {
    /// The REST API's base URL, without a trailing slash (`https://api.github.com`).
    pub api_url: String,
    /// `owner/name`, checked to hold only the characters GitHub allows.
    pub repository: String,
    /// The token (`GITHUB_TOKEN` on Actions).
    pub token: Token,
    /// The per-request timeout.
    pub timeout: Duration,
}

/// A failed call to the GitHub API, naming the method and the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitHubError {
    /// An answer other than the ones the call expects.
    #[error("GitHub API {method} {path}: HTTP {status}: {message}{hint}")]
    Http {
        /// `GET`, `POST`, ...
        method: String,
        /// The path under the API's base URL.
        path: String,
        /// HTTP status.
        status: u16,
        /// GitHub's `message`, printable and capped, or the start of the body.
        message: String,
        /// What usually causes this status here, or empty.
        hint: &'static str,
    },
    /// No answer: connection refused, timeout, TLS.
    #[error("GitHub API {method} {path}: no answer: {message}")]
    Transport {
        /// `GET`, `POST`, ...
        method: String,
        /// The path under the API's base URL.
        path: String,
        /// The transport's reason.
        message: String,
    },
    /// A 2xx answer that is not the JSON the call expects.
    #[error("GitHub API {method} {path}: malformed answer: {message}")]
    Malformed {
        /// `GET`, `POST`, ...
        method: String,
        /// The path under the API's base URL.
        path: String,
        /// The decoder's reason.
        message: String,
    },
    /// The answer is well formed but not what was asked for (e.g. labels dropped).
    #[error("GitHub API {method} {path}: {message}")]
    Unexpected {
        /// `GET`, `POST`, ...
        method: String,
        /// The path under the API's base URL.
        path: String,
        /// What was wrong.
        message: String,
    },
}

/// The client: one repository, one token.
#[derive(Debug)]
pub struct GitHub {
    http: reqwest::Client,
    config: GitHubConfig,
    requests: u32,
}

/// A raw answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl GitHub {
    /// A client for `config.repository`.
    ///
    /// # Errors
    /// [`GitHubError::Transport`] when the HTTP client cannot be built (no TLS roots).
    pub fn new(config: GitHubConfig) -> Result<Self, GitHubError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("cph50/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GitHubError::Transport {
                method: "-".into(),
                path: "-".into(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            config,
            requests: 0,
        })
    }

    /// Requests made so far.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// `/repos/{owner}/{name}` followed by `tail`.
    fn repo_path(&self, tail: &str) -> String {
        format!("/repos/{}{tail}", self.config.repository)
    }

    /// Sends one request; any status is an answer.
    async fn send<B: Serialize>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Answer, GitHubError> {
        let url = format!("{}{path}", self.config.api_url);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .bearer_auth(&self.config.token.0);
        if let Some(b) = body {
            request = request.json(b);
        }
        self.requests += 1;
        let transport = |e: reqwest::Error| GitHubError::Transport {
            method: method.to_string(),
            path: path.to_owned(),
            message: printable(&without_url(&e)),
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        Ok(Answer { status, body })
    }

    /// Sends one request and decodes an answer whose status is in `ok` into `T`.
    async fn call<T: DeserializeOwned, B: Serialize>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&B>,
        ok: &[u16],
    ) -> Result<T, GitHubError> {
        let answer = self.send(method.clone(), path, body).await?;
        if !ok.contains(&answer.status) {
            return Err(http_error(&method, path, &answer));
        }
        serde_json::from_slice(&answer.body).map_err(|e| GitHubError::Malformed {
            method: method.to_string(),
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

/// A reqwest error's text without the URL (it is named by the path already).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "");
    }
    if e.is_timeout() {
        text = format!("timeout ({text})");
    }
    text.replace("()", "").trim().to_owned()
}

/// The error for an answer with an unexpected status, quoting GitHub's `message`.
fn http_error(method: &Method, path: &str, answer: &Answer) -> GitHubError {
    let message = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).trim().to_owned());
    let mut message: String = printable(&message).chars().take(MAX_MESSAGE).collect();
    if message.is_empty() {
        message = "(empty body)".into();
    }
    let hint = match answer.status {
        401 => "; the token is missing or invalid (GITHUB_TOKEN)",
        403 | 404 => {
            "; the job's token may lack a permission (issues: write for incident issues, actions: read or write for workflow runs)"
        }
        410 => {
            "; issues are turned off for this repository (Settings > General > Features > Issues)"
        }
        _ => "",
    };
    GitHubError::Http {
        method: method.to_string(),
        path: path.to_owned(),
        status: answer.status,
        message,
        hint,
    }
}

/// `owner/name` as GitHub allows it: letters, digits and `-` for the owner; letters, digits,
/// `.`, `_` and `-` for the name (and not `.` or `..`).
pub fn valid_repository(repo: &str) -> bool {
    let Some((owner, name)) = repo.split_once('/') else {
        return false;
    };
    let owner_ok = !owner.is_empty()
        && owner.len() <= 39
        && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let name_ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    owner_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_are_checked_and_the_token_is_hidden() {
        assert!(valid_repository("octo-cat/my.repo_1"));
        for bad in [
            "octocat", "a/b/c", "../x", "o/..", "o/", "/r", "o/r?x=1", "o/r#",
        ] {
            assert!(!valid_repository(bad), "{bad}");
        }
        assert_eq!(
            format!("{:?}", Token::new("fake-token-for-a-test")),
            "Token(***)"
        );
    }

    #[test]
    fn an_http_error_quotes_the_message_and_hints() {
        let e = http_error(
            &Method::POST,
            "/repos/o/r/issues",
            &Answer {
                status: 410,
                body: br#"{"message":"Issues are disabled for this repo\n"}"#.to_vec(),
            },
        );
        assert_eq!(
            e.to_string(),
            "GitHub API POST /repos/o/r/issues: HTTP 410: Issues are disabled for this repo\\n; issues are turned off for this repository (Settings > General > Features > Issues)"
        );
    }
}
