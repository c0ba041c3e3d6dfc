//! The crate's one error type. Every variant carries the evidence (file, field, position,
//! id) and [`Error::exit_code`] is the one place that turns an error into a process exit code.

use std::fmt;
use std::path::PathBuf;

use crate::text::printable;

/// A problem found in one data file: where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the user named it (e.g. `data/runs.json`).
    pub path: PathBuf,
    /// JSON pointer of the field (`/samples/3/power_kw`), when the problem is in one field.
    pub pointer: Option<String>,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file (unreadable, misplaced, misnamed).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            pointer: None,
            position: None,
            message: message.into(),
        }
    }

    /// A problem with one field.
    pub fn field(
        path: impl Into<PathBuf>,
        pointer: impl Into<String>,
        position: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            pointer: Some(pointer.into()),
            position,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.path.display().to_string()))?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        let message = printable(&self.message);
        match &self.pointer {
            Some(p) if p.is_empty() => write!(f, ": (whole document): {message}"),
            Some(p) => write!(f, ": field {}: {message}", printable(p)),
            None => write!(f, ": {message}"),
        }
    }
}

/// A setting that cannot work: a bad environment variable, zone or folder. Exit code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// An environment variable holds something unusable.
    #[error("{variable} {value:?} is not {expected}")]
    Env {
        /// The variable.
        variable: &'static str,
        /// Its value (never a secret's).
        value: String,
        /// What it should be, with the parser's reason when there is one.
        expected: String,
    },
    /// `--tz` or `tz` in the config file is not an IANA zone.
    #[error("{0}")]
    TimeZone(String),
    /// `CP_TOKEN_FILE` points into a folder that is committed.
    #[error("CP_TOKEN_FILE {} is inside {}, which is committed (or holds cph50's own files); keep the session cookie outside the repository", path.display(), data.display())]
    TokenFileInRepository {
        /// The token file.
        path: PathBuf,
        /// The folder it must stay out of: the data folder, site/ or the repository.
        data: PathBuf,
    },
    /// A secret variable holds something that cannot be what it names (its value is never
    /// shown).
    #[error("{variable} {why}")]
    Secret {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// On GitHub Actions, the token file would be written in clear into the folder the
    /// workflows keep in an Actions cache.
    #[error("CP_TOKEN_KEY is not set, and on GitHub Actions the session cookie in {} goes into an Actions cache that pull requests can restore, so cph50 will not write it in clear; set the secret CP_TOKEN_KEY to a long random value (`openssl rand -hex 32`, or the key `cph50 login` prints)", path.display())]
    TokenKeyMissing {
        /// The token file.
        path: PathBuf,
    },
    /// A required environment variable is not set.
    #[error("{variable} is not set; {why}")]
    Missing {
        /// The variable.
        variable: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// A command's flags do not fit together or are out of range.
    #[error("{0}")]
    Flags(String),
}

/// Everything that can make a cph50 command fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What we were doing ("read", "write", "create folder").
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// A data file does not match its model.
    #[error("{0}")]
    Data(Problem),
    /// A session id that would be unsafe or meaningless as a file name.
    #[error("invalid session id: {0}")]
    SessionId(String),
    /// `validate` found problems; each was already printed.
    #[error("validate: {problems} problem(s) in {files} file(s) under {}", data.display())]
    Invalid {
        /// Problems found.
        problems: usize,
        /// Files with at least one problem.
        files: usize,
        /// The data folder that was checked.
        data: PathBuf,
    },
    /// The job cannot do what was asked of this data or this session (e.g. sample a session
    /// that has ended, or one at another station); nothing was written.
    #[error("{0}")]
    Cannot(String),
    /// The command line or the config file asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// Talking to ChargePoint failed.
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
    /// Talking to GitHub failed.
    #[error(transparent)]
    GitHub(#[from] crate::github::GitHubError),
    /// The charger is not connected to ChargePoint.
    #[error("charger {charger} is offline (not connected to ChargePoint){}", last_connected.as_deref().map(|t| format!("; last connected {t}")).unwrap_or_default())]
    Offline {
        /// Charger id.
        charger: u64,
        /// When it was last connected, for display.
        last_connected: Option<String>,
    },
    /// A setting from a flag, the environment or the config file cannot work.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The config file could not be read.
    #[error("config file {}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl From<crate::fsio::IoError> for Error {
    fn from(e: crate::fsio::IoError) -> Self {
        Self::Io {
            action: e.action,
            path: e.path,
            source: e.source,
        }
    }
}

impl Error {
    /// The process exit code (see docs/cli.md): 1 the job failed, 2 bad usage, 3 the charger
    /// is offline.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Usage(_) | Self::Config { .. } | Self::Settings(_) => 2,
            Self::Api(e) => e.exit_code(),
            Self::Offline { .. } => 3,
            Self::Io { .. }
            | Self::Cannot(_)
            | Self::Data(_)
            | Self::SessionId(_)
            | Self::GitHub(_)
            | Self::Invalid { .. } => 1,
        }
    }

    /// Shorthand for an I/O error that names its file.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
