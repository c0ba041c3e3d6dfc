//! Validated run settings: flags, then the config file, then defaults.

use std::path::{Path, PathBuf};

use std::time::Duration;

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::api::retry::RetryPolicy;
use crate::api::session::Secret;
use crate::api::{AckPolicy, ApiError, ClientConfig, Credentials, DEFAULT_DISCOVERY_URL};
use crate::cli::GlobalArgs;
use crate::clock::{self, Clock, DEFAULT_TZ};
use crate::error::{Error, Result, SettingsError};
use crate::github::{GitHubConfig, Token};
use crate::render::numbers::{DEFAULT_CURRENCY, DEFAULT_LOCALE, Numbers};
use crate::session_file::TokenFile;
use crate::session_seal::{SEALED_VARIABLE, SeededStore};
use crate::tariff::{Tariff, TariffSpec};

/// The config file looked for in the working folder when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "cph50.toml";

/// What every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data folder.
    pub data: PathBuf,
    /// The local zone.
    pub tz: Tz,
    /// Print less.
    pub quiet: bool,
    /// Running on GitHub Actions (`GITHUB_ACTIONS=true`): also print `::error::` annotations.
    pub github_actions: bool,
    /// Write street address, ZIP code and coordinates into the monthly caches (config file
    /// `keep_personal_data = true`, for private repositories only). Off by default.
    pub keep_personal_data: bool,
    /// The local time of the daily start (config file `start = "06:00"`), when set; `charge
    /// --at` wins over it.
    pub start: Option<NaiveTime>,
    /// How long after `start` a late scheduled run may still start (config file `grace =
    /// "90m"`), when set; `charge --grace` wins over it.
    pub grace: Option<Duration>,
    /// The rate plan (config file `[tariff]`), checked; `None` without one.
    pub tariff: Option<Tariff>,
    /// Where the blog's URLs start in the site (config file `blog_path = "/"`, checked, with a
    /// trailing `/`, `""` for the root); `build --blog-path` wins over it.
    pub blog_path: Option<String>,
    /// How the site writes numbers and money (config file `locale`, `currency`; `en-US` and
    /// `USD`, or the rate plan's currency, by default).
    pub numbers: Numbers,
}

/// `cph50.toml`, as read. Unknown keys are refused so a typo does not pass silently.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Data folder, relative to the config file.
    pub data: Option<PathBuf>,
    /// Local time zone (IANA name).
    pub tz: Option<String>,
    /// Keep personal data (street, ZIP, coordinates) in the monthly caches.
    pub keep_personal_data: Option<bool>,
    /// Local time of the daily start, `HH:MM`.
    pub start: Option<String>,
    /// How late after `start` a scheduled run may still start (`90m`, `2h`).
    pub grace: Option<String>,
    /// The rate plan: time-of-use periods and their prices (README, "Rate plan").
    pub tariff: Option<TariffSpec>,
    /// Where the blog's URLs start in the site: `blog/` (default) or `/` (a moved Jekyll
    /// blog keeps its addresses).
    pub blog_path: Option<String>,
    /// The site's locale for numbers (BCP 47: `en-US`, `de-DE`); `en-US` when left out.
    pub locale: Option<String>,
    /// The currency of ChargePoint's amounts and the site's costs (ISO 4217: `USD`); the rate
    /// plan's `currency` when left out, else `USD`.
    pub currency: Option<String>,
}

impl ConfigFile {
    /// `[tariff]`, checked ([`Tariff::new`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming `file` and the key at fault (`tariff.period[2].hours: ...`),
    /// with the first gap or overlap of the periods.
    pub fn tariff(&self, file: &Path) -> Result<Option<Tariff>> {
        self.tariff
            .as_ref()
            .map(|spec| {
                Tariff::new(spec).map_err(|message| Error::Config {
                    path: file.to_owned(),
                    message,
                })
            })
            .transpose()
    }

    /// `start` as a time.
    ///
    /// # Errors
    /// [`Error::Config`] naming `file` and the key when it is not `HH:MM`.
    pub fn start_time(&self, file: &Path) -> Result<Option<NaiveTime>> {
        self.start
            .as_deref()
            .map(|raw| {
                crate::cli::parse::parse_hhmm(raw.trim()).map_err(|e| Error::Config {
                    path: file.to_owned(),
                    message: format!("start: {e}; expected a local time such as \"06:00\""),
                })
            })
            .transpose()
    }

    /// `blog_path`, checked as `build --blog-path` checks it.
    ///
    /// # Errors
    /// [`Error::Config`] naming `file` and the key when the path climbs out of the site.
    pub fn blog_path(&self, file: &Path) -> Result<Option<String>> {
        self.blog_path
            .as_deref()
            .map(|raw| {
                crate::cli::parse::parse_blog_path(raw).map_err(|e| Error::Config {
                    path: file.to_owned(),
                    message: format!("blog_path: {e}"),
                })
            })
            .transpose()
    }

    /// `locale` and `currency` as the site's [`Numbers`]: `currency` left out is the rate
    /// plan's (`[tariff] currency`), else [`DEFAULT_CURRENCY`]; `locale` left out is
    /// [`DEFAULT_LOCALE`].
    ///
    /// # Errors
    /// [`Error::Config`] naming `file` and the key when `locale` is not a BCP 47 tag, `currency`
    /// is not an ISO 4217 code, or `currency` and `tariff.currency` name different currencies
    /// (the site would show one plan's prices in another's money).
    pub fn numbers(&self, file: &Path) -> Result<Numbers> {
        let config_error = |message: String| Error::Config {
            path: file.to_owned(),
            message,
        };
        let plan = self.tariff.as_ref().and_then(|t| t.currency.as_deref());
        let currency = match (self.currency.as_deref(), plan) {
            (Some(site), Some(plan)) if site != plan => {
                return Err(config_error(format!(
                    "currency: {site:?} but tariff.currency is {plan:?}: the site shows every cost in one currency; make them the same (or leave out `currency`)"
                )));
            }
            (Some(site), _) => site,
            (None, Some(plan)) => plan,
            (None, None) => DEFAULT_CURRENCY,
        };
        let locale = self.locale.as_deref().unwrap_or(DEFAULT_LOCALE);
        Numbers::new(locale, currency).map_err(config_error)
    }

    /// `grace` as a duration, within [`crate::cli::parse::GRACE_RANGE`].
    ///
    /// # Errors
    /// [`Error::Config`] naming `file` and the key when it is not a duration in range.
    pub fn grace_duration(&self, file: &Path) -> Result<Option<Duration>> {
        self.grace
            .as_deref()
            .map(|raw| {
                crate::cli::parse::parse_grace(raw).map_err(|e| Error::Config {
                    path: file.to_owned(),
                    message: format!("grace: {e}"),
                })
            })
            .transpose()
    }
}

impl Settings {
    /// The configured rate plan as `validate` checks splits against it.
    pub fn known_plan(&self) -> Option<crate::validate::KnownPlan> {
        self.tariff.as_ref().map(|t| crate::validate::KnownPlan {
            fingerprint: t.fingerprint.clone(),
            periods: t.period_names(),
        })
    }

    /// Resolves the settings; flags win over the config file.
    ///
    /// # Errors
    /// [`Error::Config`] naming the config file when the one `--config` names cannot be read
    /// (a missing default `cph50.toml` is no error) or when it is not valid TOML or has an
    /// unknown key; [`SettingsError::TimeZone`] when `--tz` or `tz` is not an IANA zone;
    /// [`SettingsError::Env`] when `CPH50_LOCK_WAIT` is set but not a duration.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        check_lock_wait()?;
        let (config, base) = load_config(args.config.as_deref())?;
        let file = args.config.as_deref().unwrap_or(Path::new(DEFAULT_CONFIG));
        let start = config.start_time(file)?;
        let grace = config.grace_duration(file)?;
        let tariff = config.tariff(file)?;
        let blog_path = config.blog_path(file)?;
        let numbers = config.numbers(file)?;
        let tz = match (&args.tz, &config.tz) {
            (Some(name), _) => {
                clock::parse_tz(name).map_err(|e| SettingsError::TimeZone(format!("--tz: {e}")))?
            }
            (None, Some(name)) => clock::parse_tz(name).map_err(|e| {
                let file = args.config.as_deref().unwrap_or(Path::new(DEFAULT_CONFIG));
                SettingsError::TimeZone(format!("{}: tz: {e}", file.display()))
            })?,
            (None, None) => DEFAULT_TZ,
        };
        let data = match (&args.data, config.data) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => base.join(d),
            (None, None) => PathBuf::from("data"),
        };
        Ok(Self {
            data,
            tz,
            quiet: args.quiet,
            github_actions: on_github_actions(),
            keep_personal_data: config.keep_personal_data.unwrap_or(false),
            start,
            grace,
            tariff,
            blog_path,
            numbers,
        })
    }
}

/// `CPH50_LOCK_WAIT`, when set, must be a duration (`30s`, `2m`): a typo would otherwise make
/// every writer wait the default instead of what was meant. The store reads it when it waits
/// ([`crate::fsio::lock::wait`]).
///
/// # Errors
/// [`SettingsError::Env`] naming the variable, its value and what is expected.
fn check_lock_wait() -> Result<()> {
    let variable = crate::fsio::lock::WAIT_VARIABLE;
    match env(variable) {
        Some(raw) if humantime::parse_duration(raw.trim()).is_err() => Err(SettingsError::Env {
            variable,
            value: raw,
            expected: "a duration such as 30s or 2m".into(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// Reads and decodes a config file; `None` when it does not exist.
///
/// # Errors
/// [`Error::Config`] naming the file when it cannot be read, is not valid TOML or has an
/// unknown key.
pub fn read_config(path: &Path) -> Result<Option<ConfigFile>> {
    match std::fs::read_to_string(path) {
        Ok(_) => load_config(Some(path)).map(|(c, _)| Some(c)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Config {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
        }),
    }
}

fn load_config(named: Option<&Path>) -> Result<(ConfigFile, PathBuf)> {
    let (path, required) = match named {
        Some(p) => (p.to_owned(), true),
        None => (PathBuf::from(DEFAULT_CONFIG), false),
    };
    let text = match crate::fsio::read_regular_text(&path, crate::fsio::MAX_INPUT_BYTES) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((ConfigFile::default(), PathBuf::new()));
        }
        Err(e) => {
            return Err(Error::Config {
                path,
                message: format!("cannot read: {e}"),
            });
        }
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| Error::Config {
        path: path.clone(),
        message: toml_message(&e, &text),
    })?;
    let base = path.parent().map(Path::to_owned).unwrap_or_default();
    Ok((config, base))
}

/// A `coulomb_sess` cookie as a person pastes it: surrounding blanks and newlines, a
/// `coulomb_sess=` prefix and cookie attributes (`; Path=/`) are dropped.
///
/// # Errors
/// [`SettingsError::Secret`] naming `CP_SESSION_TOKEN` (never its value) when what is left is
/// empty or holds blanks or control characters, which no cookie can.
fn pasted_cookie(raw: &str) -> Result<Secret> {
    let value = raw.trim();
    let value = value.strip_prefix("coulomb_sess=").unwrap_or(value);
    let value = value.split(';').next().unwrap_or("").trim();
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SettingsError::Secret {
            variable: "CP_SESSION_TOKEN",
            why: "is not a cookie value: paste only the value of the coulomb_sess cookie (one line, no spaces)",
        }
        .into());
    }
    Ok(Secret::new(value))
}

/// A TOML error on one line: the parser's message, then the line it points at (`toml`'s
/// own rendering spreads a quote of the file over several lines).
fn toml_message(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(1, |t| t.matches('\n').count() + 1);
            format!("{message} (line {line})")
        }
        None => message,
    }
}

/// Running on GitHub Actions (`GITHUB_ACTIONS=true`, which Actions sets in every job).
pub fn on_github_actions() -> bool {
    env("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// Reads an environment variable; empty counts as unset (Actions passes missing secrets as "").
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Where the session cookie is kept by default: `$RUNNER_TEMP/cph50/` on Actions, else
/// `$XDG_CACHE_HOME/cph50/` or `~/.cache/cph50/`; never inside the repository.
fn default_token_file() -> PathBuf {
    let base = env("RUNNER_TEMP")
        .map(PathBuf::from)
        .or_else(|| env("XDG_CACHE_HOME").map(PathBuf::from))
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("cph50").join("token.json")
}

/// Whether `token` (resolved) lies in `$RUNNER_TEMP/cph50/`, the folder the workflows save to
/// and restore from an Actions cache (`.github/actions/cph50`, `.github/actions/save-token`).
fn is_actions_cached_place(token: &Path) -> bool {
    env("RUNNER_TEMP").is_some_and(|t| token.starts_with(resolved(&Path::new(&t).join("cph50"))))
}

/// `path` made absolute with symbolic links and `..` resolved, as the file system will
/// resolve it: the longest part that exists is canonicalised, and the rest (which cannot
/// hold a link) is appended with `.` and `..` applied by hand. So `data/../data/x`,
/// `link-to-data/x` and `x/../site/y` compare equal to the folder they land in.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut rest = Vec::new();
    let mut existing = abs.as_path();
    let mut base = loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            break real;
        }
        let Some(parent) = existing.parent() else {
            break existing.to_owned(); // the root
        };
        // a path without a file name ends in `..`
        rest.push(existing.file_name().map(ToOwned::to_owned));
        existing = parent;
    };
    for part in rest.iter().rev() {
        match part {
            Some(name) => base.push(name),
            None => {
                base.pop();
            }
        }
    }
    base
}

impl Settings {
    /// Refuses a `CP_TOKEN_FILE` that could end up committed or break cph50's own files: inside
    /// the data folder, inside `site/` (of the working folder or of the repository), anywhere
    /// in the git repository that holds the data folder, or named like cph50's temporary and
    /// lock files (`.cph50-*`). Paths are compared resolved (`..` and symbolic links).
    ///
    /// # Errors
    /// [`SettingsError::TokenFileInRepository`] naming the path and the folder (exit 2).
    fn check_token_file(&self, token_path: &Path) -> Result<()> {
        let token = resolved(token_path);
        let data = resolved(&self.data);
        let repository = data.ancestors().find(|dir| dir.join(".git").exists());
        let mut forbidden = vec![data.clone(), resolved(Path::new("site"))];
        if let Some(parent) = data.parent() {
            forbidden.push(parent.join("site"));
        }
        forbidden.extend(repository.map(Path::to_owned));
        let refuse = |dir: PathBuf| -> Result<()> {
            Err(SettingsError::TokenFileInRepository {
                path: token_path.to_owned(),
                data: dir,
            }
            .into())
        };
        if let Some(dir) = forbidden.into_iter().find(|dir| token.starts_with(dir)) {
            return refuse(dir);
        }
        let own_name = token
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(crate::fsio::TEMP_PREFIX));
        if own_name {
            return refuse(token.parent().map(Path::to_owned).unwrap_or_default());
        }
        Ok(())
    }

    /// The id of this run as `runs.json` records it: `$GITHUB_RUN_ID` on Actions, else
    /// `local-<epoch milliseconds of the run's clock>`.
    ///
    /// # Errors
    /// As [`Self::clock`].
    pub fn run_id(&self) -> Result<String> {
        Ok(match env("GITHUB_RUN_ID") {
            Some(id) => id,
            None => format!("local-{}", self.clock()?.now().timestamp_millis()),
        })
    }

    /// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention), when set.
    ///
    /// # Errors
    /// [`SettingsError::Env`] naming the variable when it is not a whole number of seconds.
    pub fn source_date_epoch(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let Some(raw) = env("SOURCE_DATE_EPOCH") else {
            return Ok(None);
        };
        raw.trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(Some)
            .ok_or_else(|| {
                SettingsError::Env {
                    variable: "SOURCE_DATE_EPOCH",
                    value: raw.clone(),
                    expected: "a whole number of seconds since 1970-01-01 UTC".into(),
                }
                .into()
            })
    }

    /// The clock of this run: the system's, or the instant in `CPH50_NOW` (RFC 3339), which
    /// tests and simulations use to run a job "at" another time.
    ///
    /// # Errors
    /// [`SettingsError::Env`] naming `CPH50_NOW` when it is set but not RFC 3339.
    pub fn clock(&self) -> Result<Clock> {
        clock_in(self.tz)
    }

    /// The API client's configuration, from the environment (see docs/cli.md); requests time
    /// out after `CPH50_HTTP_TIMEOUT` (default 30 s), retried by [`RetryPolicy::default`].
    ///
    /// # Errors
    /// [`ApiError::MissingCredential`] when `CP_USERNAME` is unset or empty;
    /// [`SettingsError::Env`] when `CP_STATION_ID` is not digits or `CPH50_HTTP_TIMEOUT` is not
    /// a duration above zero;
    /// [`SettingsError::TokenFileInRepository`] when `CP_TOKEN_FILE` (or its default) lies
    /// inside the data folder or `site/`, also by way of `..` or a symbolic link;
    /// [`SettingsError::TokenKeyMissing`] on GitHub Actions when the token file is in the place
    /// the workflows cache (`$RUNNER_TEMP/cph50/`) and `CP_TOKEN_KEY` is not set: that cache
    /// can be restored by pull requests, so the cookie is never written there in clear.
    pub fn client_config(&self) -> Result<ClientConfig> {
        let username = env("CP_USERNAME").ok_or(ApiError::MissingCredential {
            variable: "CP_USERNAME",
            why: "every command that calls the ChargePoint API needs the account name",
        })?;
        let station_id = match env("CP_STATION_ID") {
            Some(raw) => Some(raw.trim().parse::<u64>().map_err(|_| SettingsError::Env {
                variable: "CP_STATION_ID",
                value: raw.clone(),
                expected: "a charger id (digits only)".into(),
            })?),
            None => None,
        };
        let token_path = env("CP_TOKEN_FILE").map_or_else(default_token_file, PathBuf::from);
        self.check_token_file(&token_path)?;
        let token = resolved(&token_path);
        let key = env("CP_TOKEN_KEY").map(Secret::new);
        if key.is_none() && self.github_actions && is_actions_cached_place(&token) {
            return Err(SettingsError::TokenKeyMissing { path: token_path }.into());
        }
        Ok(ClientConfig {
            discovery_url: env("CP_DISCOVERY_URL")
                .unwrap_or_else(|| DEFAULT_DISCOVERY_URL.to_owned()),
            credentials: Credentials {
                username,
                password: env("CP_PASSWORD").map(Secret::new),
                session_token: env("CP_SESSION_TOKEN")
                    .map(|raw| pasted_cookie(&raw))
                    .transpose()?,
            },
            sessions: session_store(TokenFile {
                path: token_path,
                key,
            }),
            station_id,
            timeout: http_timeout()?,
            retry: RetryPolicy::default(),
            ack: AckPolicy::default(),
        })
    }
}

impl Settings {
    /// The GitHub API's configuration for incident issues, from the environment Actions sets:
    /// `GITHUB_API_URL` (default `https://api.github.com`), `GITHUB_REPOSITORY` (`owner/name`)
    /// and `GITHUB_TOKEN` (the job's token, passed in the step's `env:`); requests time out
    /// after `CPH50_HTTP_TIMEOUT`.
    ///
    /// # Errors
    /// [`SettingsError::Missing`] when `GITHUB_REPOSITORY` or `GITHUB_TOKEN` is unset;
    /// [`SettingsError::Env`] when the repository is not `owner/name` or the API URL is not
    /// http(s).
    pub fn github_config(&self) -> Result<GitHubConfig> {
        let repository = env("GITHUB_REPOSITORY").ok_or(SettingsError::Missing {
            variable: "GITHUB_REPOSITORY",
            why: "incident issues are opened in this repository (owner/name; Actions sets it)",
        })?;
        if !crate::github::valid_repository(repository.trim()) {
            return Err(SettingsError::Env {
                variable: "GITHUB_REPOSITORY",
                value: repository,
                expected: "owner/name".into(),
            }
            .into());
        }
        let api_url = env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
        let api_url = api_url.trim().trim_end_matches('/').to_owned();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(SettingsError::Env {
                variable: "GITHUB_API_URL",
                value: api_url,
                expected: "an http(s) URL".into(),
            }
            .into());
        }
        let token = env("GITHUB_TOKEN").ok_or(SettingsError::Missing {
            variable: "GITHUB_TOKEN",
            why: "pass the job's token in the step's env (GITHUB_TOKEN: ${{ github.token }}) with permission issues: write",
        })?;
        Ok(GitHubConfig {
            api_url,
            repository: repository.trim().to_owned(),
            token: Token::new(token.trim()),
            timeout: http_timeout()?,
        })
    }

    /// The repository (`owner/name`, `GITHUB_REPOSITORY`) whose monitor runs the dashboard
    /// asks GitHub's API about, when it is set and plausible (Actions sets it for a build).
    pub fn site_repository(&self) -> Option<String> {
        env("GITHUB_REPOSITORY")
            .map(|r| r.trim().to_owned())
            .filter(|r| crate::github::valid_repository(r))
    }

    /// This run's page, `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`,
    /// when all three are set and plausible.
    pub fn run_url(&self) -> Option<String> {
        let server = env("GITHUB_SERVER_URL")?;
        let repo = env("GITHUB_REPOSITORY")?;
        let id = env("GITHUB_RUN_ID")?;
        let plausible = server.starts_with("https://")
            && crate::github::valid_repository(&repo)
            && id.chars().all(|c| c.is_ascii_digit());
        plausible.then(|| format!("{}/{repo}/actions/runs/{id}", server.trim_end_matches('/')))
    }
}

/// The clock of this run in zone `tz`: the system's, or the instant in `CPH50_NOW` (RFC
/// 3339), which tests and simulations use to run a job "at" another time.
///
/// # Errors
/// [`SettingsError::Env`] naming `CPH50_NOW` when it is set but not RFC 3339.
pub fn clock_in(tz: Tz) -> Result<Clock> {
    match env("CPH50_NOW") {
        None => Ok(Clock::system(tz)),
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| Clock::fixed(tz, t.with_timezone(&chrono::Utc)))
            .map_err(|e| {
                SettingsError::Env {
                    variable: "CPH50_NOW",
                    value: raw.clone(),
                    expected: format!("an RFC 3339 time: {e}"),
                }
                .into()
            }),
    }
}

/// The token file, seeded from `CP_SESSION_SEALED` when that is set (see
/// [`crate::session_seal`]).
fn session_store(file: TokenFile) -> std::sync::Arc<dyn crate::api::session::SessionStore> {
    match env(SEALED_VARIABLE) {
        Some(sealed) => std::sync::Arc::new(SeededStore::new(file, Secret::new(sealed))),
        None => std::sync::Arc::new(file),
    }
}

/// `CPH50_HTTP_TIMEOUT` (humantime, e.g. `2s`, `500ms`): the per-request timeout; 30 s unset.
fn http_timeout() -> Result<Duration> {
    let Some(raw) = env("CPH50_HTTP_TIMEOUT") else {
        return Ok(Duration::from_secs(30));
    };
    match humantime::parse_duration(raw.trim()) {
        Ok(d) if !d.is_zero() => Ok(d),
        parsed => Err(SettingsError::Env {
            variable: "CPH50_HTTP_TIMEOUT",
            value: raw.clone(),
            expected: match parsed {
                Err(e) => format!("a duration such as 2s or 500ms: {e}"),
                Ok(_) => "a duration above zero, such as 2s or 500ms".into(),
            },
        }
        .into()),
    }
}
