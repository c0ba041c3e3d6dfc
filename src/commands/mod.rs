//! One module per command, named after it: each turns its parsed arguments into validated
//! settings, runs the stages, store or renderer it needs, and prints its answer (a line for a
//! person, or with `--json` one `Serialize` struct). `app` only dispatches here.

pub mod build;
pub mod cache;
pub mod charge;
pub mod check;
pub mod classify;
pub mod collect;
pub mod demo_data;
pub mod label;
pub mod monitor;
pub mod sim;
pub mod status;
pub mod train;
pub mod validate;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::api::{Client, ClientConfig};
use crate::clock::Clock;
use crate::error::{Error, Result};
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
