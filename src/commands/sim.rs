//! `cph50 sim`: serves the local fake ChargePoint until Ctrl-C or SIGTERM. Its first line on
//! stdout is `CP_DISCOVERY_URL=<url>`, the value to export.

use std::io::Write;

use crate::cli::SimArgs;
use crate::error::{Error, Result};
use crate::sim::SimConfig;

/// Runs `cph50 sim`.
///
/// # Errors
/// [`Error::Usage`] for an impossible speed or history, [`Error::Io`] when the port cannot be
/// bound or stdout cannot be written.
pub fn run(args: &SimArgs) -> Result<()> {
    let cfg = SimConfig {
        seed: args.seed,
        scenario: args.scenario,
        history_days: args.history_days,
        speed: args.speed,
        faults: args.faults.clone(),
        password: args.password.clone(),
        start: args.start.unwrap_or_else(chrono::Utc::now),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime for", "cph50 sim", e))?;
    runtime.block_on(async {
        let handle = crate::sim::start(cfg, args.port).await?;
        let stopped = stop_signal()?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "CP_DISCOVERY_URL={}", handle.discovery_url)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("write to", "stdout", e))?;
        // Best effort: a caller may close the pipe once it has the URL; the sim keeps serving.
        let _ = writeln!(
            out,
            "cph50 sim: fake ChargePoint at {} (scenario {}, seed {}, {} days of history, speed {}x); log in with any username and the --password",
            handle.base_url, args.scenario, args.seed, args.history_days, args.speed
        )
        .and_then(|()| {
            writeln!(
                out,
                "cph50 sim: control it under {}/_sim/ (state, advance, plug, unplug, connect, fault, stale, id-delay, workplace, no-curve); stop with Ctrl-C",
                handle.base_url
            )
        })
        .and_then(|()| out.flush());
        drop(out);
        stopped.await;
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), handle.stop()).await;
        Ok(())
    })
}

/// Registers the Ctrl-C and SIGTERM handlers now (before the URL is printed, so a caller that
/// stops the sim as soon as it has read it still gets a clean exit) and resolves on either.
fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let err = |e| Error::io("listen for signals in", "cph50 sim", e);
        let mut term = signal(SignalKind::terminate()).map_err(err)?;
        let mut int = signal(SignalKind::interrupt()).map_err(err)?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
