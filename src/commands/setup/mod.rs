//! What `init` and `doctor` share: where a repository keeps its config file, data folder and
//! workflows, the secrets its workflows read, and how each part is checked or written
//! (`config`: `cph50.toml`; `data`: the demo data and a fresh data folder; `vehicles`:
//! `vehicle_config.json` from the account; `workflow`: the crons of `charge.yml`).

pub mod config;
pub mod data;
pub mod vehicles;
pub mod workflow;

use std::path::{Path, PathBuf};

use crate::error::{Result, SettingsError};
use crate::settings::{ConfigFile, DEFAULT_CONFIG, read_config};

/// The workflow of the daily start, under `.github/workflows/`.
pub const CHARGE_WORKFLOW: &str = "charge.yml";
/// The workflow that builds and deploys the site, under `.github/workflows/`.
pub const PAGES_WORKFLOW: &str = "pages.yml";

/// A secret the workflows read, and why.
#[derive(Debug, Clone, Copy)]
pub struct SecretSpec {
    /// Its name under Settings → Secrets and variables → Actions.
    pub name: &'static str,
    /// Whether the workflows need it (else it is optional or one of a choice).
    pub required: bool,
    /// What it holds.
    pub what: &'static str,
}

/// The secrets of the workflows. Of `CP_PASSWORD`, `CP_SESSION_TOKEN` and
/// `CP_SESSION_SEALED` one is needed (see [`LOGIN_SECRETS`]).
pub const SECRETS: [SecretSpec; 6] = [
    SecretSpec {
        name: "CP_USERNAME",
        required: true,
        what: "your ChargePoint account name (e-mail)",
    },
    SecretSpec {
        name: "CP_TOKEN_KEY",
        required: true,
        what: "a long random key that encrypts the session kept between runs",
    },
    SecretSpec {
        name: "CP_PASSWORD",
        required: false,
        what: "your ChargePoint password, for logins from the runners",
    },
    SecretSpec {
        name: "CP_SESSION_SEALED",
        required: false,
        what: "the session `cph50 login` made on your own machine, sealed with CP_TOKEN_KEY (when bot protection blocks the runners' logins)",
    },
    SecretSpec {
        name: "CP_SESSION_TOKEN",
        required: false,
        what: "the coulomb_sess cookie of a browser login (the other way round bot protection)",
    },
    SecretSpec {
        name: "CP_STATION_ID",
        required: false,
        what: "the charger to act on (default: the account's first home charger)",
    },
];

/// The secrets of which at least one must be set: how the runners get a session.
pub const LOGIN_SECRETS: [&str; 3] = ["CP_PASSWORD", "CP_SESSION_SEALED", "CP_SESSION_TOKEN"];

/// The `gh` line that sets secret `name` without its value ever being on a command line:
/// `gh secret set NAME` reads it from the terminal. For `CP_TOKEN_KEY` a fresh random value.
pub fn gh_secret_line(name: &str, repo_flag: &str) -> String {
    match name {
        "CP_TOKEN_KEY" => {
            format!("gh secret set CP_TOKEN_KEY{repo_flag} --body \"$(openssl rand -hex 32)\"")
        }
        _ => format!("gh secret set {name}{repo_flag}"),
    }
}

/// A repository's files as `init` and `doctor` see them.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The repository's root folder.
    pub root: PathBuf,
    /// `cph50.toml` at the root (the workflows run from there).
    pub config_path: PathBuf,
    /// The config file as read, `None` when there is none.
    pub config: Option<ConfigFile>,
    /// The data folder: `--data`, else `data` of the config file, else `data/`.
    pub data: PathBuf,
}

impl Repo {
    /// Reads the repository at `root`.
    ///
    /// # Errors
    /// [`SettingsError::Flags`] when `root` is not a folder; the config file's error (exit 2)
    /// when `cph50.toml` is there but cannot be read or has an unknown key.
    pub fn open(root: &Path, data_flag: Option<&Path>) -> Result<Self> {
        if !root.is_dir() {
            return Err(SettingsError::Flags(format!(
                "--repo {}: not a folder; give the root of your repository",
                root.display()
            ))
            .into());
        }
        // `cph50.toml` rather than `./cph50.toml` in messages when run from the root
        let config_path = if root == Path::new(".") {
            PathBuf::from(DEFAULT_CONFIG)
        } else {
            root.join(DEFAULT_CONFIG)
        };
        let config = read_config(&config_path)?;
        let data = match (data_flag, config.as_ref().and_then(|c| c.data.as_ref())) {
            (Some(d), _) => d.to_owned(),
            (None, Some(d)) => root.join(d),
            (None, None) => root.join("data"),
        };
        // the workflows commit `data/` at the root (commit-data.sh); another folder would be
        // set up and then never read by them
        let usual = crate::settings::resolved(&root.join("data"));
        if data_flag.is_some() && crate::settings::resolved(&data) != usual {
            return Err(SettingsError::Flags(format!(
                "--data {}: the workflows keep the data in data/ at the repository's root; leave --data out",
                data.display()
            ))
            .into());
        }
        if data.exists() && !data.is_dir() {
            return Err(SettingsError::Flags(format!(
                "{}: the data folder is a file, not a folder; move it away first",
                data.display()
            ))
            .into());
        }
        Ok(Self {
            root: root.to_owned(),
            config_path,
            config,
            data,
        })
    }

    /// A workflow file by name.
    pub fn workflow(&self, name: &str) -> PathBuf {
        self.root.join(".github").join("workflows").join(name)
    }

    /// `path` as the user would type it from the working folder: relative to the repository
    /// root when `--repo` is `.`, else as given.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(".").unwrap_or(path).display().to_string()
    }
}
