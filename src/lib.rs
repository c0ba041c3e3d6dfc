//! cph50: a charging logbook and controller for a ChargePoint Home Flex (CPH50).
//!
//! Data flows one way: API client -> pipeline stages -> data store (`data/`) -> site renderer.
//! The binary is a thin wrapper around [`run`]; tests call the binary or the library.

pub mod api;
pub mod app;
pub mod classify;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod cron;
pub mod decode;
pub mod demo;
pub mod error;
pub mod export;
pub mod fsio;
pub mod github;
pub mod incident;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod session_file;
pub mod session_seal;
pub mod settings;
pub mod sim;
pub mod store;
pub mod tariff;
pub mod text;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

/// Parses `args`, runs the command and returns the process exit code (see docs/cli.md).
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    init_logging(cli.global.verbose, cli.global.quiet);
    match app::execute(cli) {
        Ok(()) => 0,
        Err(err) => {
            report_trouble(&err);
            // `validate` has already listed its problems under a headline of its own.
            if !matches!(err, error::Error::Invalid { .. }) {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "error: {}",
                    text::printable(&err.to_string())
                );
                if settings::on_github_actions() {
                    let out = output::Output {
                        quiet: false,
                        github_actions: true,
                    };
                    out.annotate(None, None, &err.to_string());
                    out.step_summary(&format!("### cph50 failed\n\n`{err}`\n"));
                }
            }
            err.exit_code()
        }
    }
}

/// On GitHub Actions, names a known kind of trouble in the step's outputs (`trouble`, and
/// `trouble_details` in words fit for a public issue), so the workflow can report the incident
/// (`cph50 incident sync --trouble ...`) instead of failing red.
fn report_trouble(err: &error::Error) {
    if let Some(t) = incident::trouble_of(err) {
        let out = output::Output {
            quiet: true,
            github_actions: settings::on_github_actions(),
        };
        out.set_output("trouble", t.kind.name());
        out.set_output("trouble_details", &t.details);
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    // Quiet by default: a scheduled job's log shows warnings (retries) and the error line.
    let level = match (quiet, verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::INFO,
        (false, 2) => tracing::Level::DEBUG,
        (false, _) => tracing::Level::TRACE,
    };
    let color =
        settings::env("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .without_time()
        .try_init();
}
