//! One module per command, named after it: each turns its parsed arguments into validated
//! settings, runs the stages, store or renderer it needs, and prints its answer (a line for a
//! person, or with `--json` one `Serialize` struct). `app` only dispatches here.

pub mod archive;
pub mod build;
pub mod cache;
pub mod charge;
pub mod check;
pub mod classify;
pub mod collect;
pub mod demo_data;
pub mod doctor;
pub mod export;
pub mod incident;
pub mod init;
pub mod label;
pub mod limit;
pub mod login;
pub mod monitor;
pub mod schedule;
pub mod setup;
pub mod sim;
pub mod status;
pub mod stop;
pub mod train;
pub mod validate;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::api::{Client, ClientConfig};
use crate::clock::Clock;
use std::path::Path;

use crate::error::{Error, Result, SettingsError};
use crate::output::Output;
use crate::settings::Settings;

/// Runs an API command on a single-threaded tokio runtime with a fresh client, then logs how
/// many requests and logins it took.
///
/// # Errors
/// The job's error, or [`Error::Io`] when the runtime cannot start.
pub fn with_client<T>(
    settings: &Settings,
    job: impl AsyncFnOnce(&mut Client, &Clock) -> Result<T>,
) -> Result<T> {
    with_client_config(settings, settings.client_config()?, job)
}

/// [`with_client`] with a client configuration the command adjusted.
///
/// # Errors
/// As [`with_client`].
pub fn with_client_config<T>(
    settings: &Settings,
    config: ClientConfig,
    job: impl AsyncFnOnce(&mut Client, &Clock) -> Result<T>,
) -> Result<T> {
    let mut client = Client::new(config)?;
    let clock = settings.clock()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime for", "the API client", e))?;
    let result = runtime.block_on(job(&mut client, &clock));
    let stats = client.stats();
    tracing::debug!(
        "ChargePoint API: {} request(s), {} login(s)",
        stats.requests,
        stats.logins
    );
    result
}

/// A progress bar on stderr for long work, hidden with `--quiet`, with `--json` and when
/// stderr is not a terminal. `template` uses indicatif's keys (`{pos}`, `{len}`, `{eta}`).
pub fn progress_bar(
    out: &Output,
    hidden: bool,
    len: u64,
    prefix: &str,
    template: &str,
) -> ProgressBar {
    use std::io::IsTerminal;
    let bar = if out.quiet || hidden || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(len)
    };
    bar.set_style(
        ProgressStyle::with_template(&format!("{{prefix}} [{{bar:30}}] {template}")).map_or_else(
            |_| ProgressStyle::default_bar(),
            |s| s.progress_chars("=> "),
        ),
    );
    bar.set_prefix(prefix.to_owned());
    bar
}

/// Refuses to replace `target` (a folder a command deletes and writes anew, named `flag` on
/// the command line) when that would destroy something that is not the command's own output:
/// the working folder or a folder above it, a git repository, one of the command's inputs
/// (`inputs`: flag name and path), or a non-empty folder that `is_ours` does not recognise.
///
/// # Errors
/// [`SettingsError::Flags`] naming the flag, the folder and what it holds (exit 2).
pub fn refuse_to_replace(
    flag: &str,
    target: &Path,
    inputs: &[(&str, &Path)],
    is_ours: impl Fn(&Path) -> bool,
) -> Result<()> {
    let shown = target.display();
    let real = crate::settings::resolved(target);
    let refuse = |why: String| -> Result<()> {
        Err(SettingsError::Flags(format!(
            "{flag} {shown} would be deleted and written anew, but {why}; choose another {flag}"
        ))
        .into())
    };
    if let Ok(cwd) = std::env::current_dir().map(|c| crate::settings::resolved(&c)) {
        if cwd.starts_with(&real) {
            return refuse("it is the working folder or holds it".into());
        }
    }
    for (name, input) in inputs {
        let input = crate::settings::resolved(input);
        if input.starts_with(&real) || real.starts_with(&input) {
            return refuse(format!(
                "it is, holds or sits in the {name} folder {}",
                input.display()
            ));
        }
    }
    if real.join(".git").exists() || real.components().any(|c| c.as_os_str() == ".git") {
        return refuse("it is a git repository or inside one's .git folder".into());
    }
    let non_empty = std::fs::read_dir(&real).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !is_ours(&real) {
        return refuse("it is not empty and not a folder this command wrote".into());
    }
    Ok(())
}

/// Prints `value` as one line of JSON (the `--json` answer of a command).
///
/// # Errors
/// [`Error::Usage`] when the value cannot be encoded (a bug: every answer is plain data).
pub fn print_json<T: Serialize>(out: &Output, value: &T) -> Result<()> {
    let json = serde_json::to_string(value)
        .map_err(|e| Error::Usage(format!("cannot encode JSON output: {e}")))?;
    out.data(&json);
    Ok(())
}
