//! Validated run settings: flags, then the config file, then defaults.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;

use crate::cli::GlobalArgs;
use crate::clock::{self, DEFAULT_TZ};
use crate::error::{Error, Result};

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
}

/// `cph50.toml`. Unknown keys are refused so a typo does not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Data folder, relative to the config file.
    data: Option<PathBuf>,
    /// Local time zone.
    tz: Option<String>,
}

impl Settings {
    /// Resolves the settings; flags win over the config file.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let (config, base) = load_config(args.config.as_deref())?;
        let tz_name = args.tz.clone().or(config.tz);
        let tz = match tz_name {
            Some(name) => clock::parse_tz(&name).map_err(Error::Usage)?,
            None => DEFAULT_TZ,
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
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
        })
    }
}

fn load_config(named: Option<&Path>) -> Result<(ConfigFile, PathBuf)> {
    let (path, required) = match named {
        Some(p) => (p.to_owned(), true),
        None => (PathBuf::from(DEFAULT_CONFIG), false),
    };
    let text = match std::fs::read_to_string(&path) {
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
        message: e.to_string().trim().replace('\n', " "),
    })?;
    let base = path.parent().map(Path::to_owned).unwrap_or_default();
    Ok((config, base))
}
