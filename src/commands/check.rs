//! `cph50 check`: the charger's health. Exit 0 online, 3 offline (with the time it was last
//! connected), 1 when ChargePoint cannot be asked.

use crate::api::Client;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;

/// Runs `cph50 check`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when the charger is offline; the API error otherwise (exit 1).
pub fn run(settings: &Settings, out: &Output) -> Result<()> {
    let line = super::with_client(settings, async |client, clock| check(client, clock).await)?;
    out.result(&line);
    Ok(())
}

/// `Ok(line)` when online; `Error::Offline` (exit 3) with the last-connected time.
///
/// # Errors
/// [`Error::Offline`], or the API error of the first request that failed.
pub async fn check(client: &mut Client, clock: &Clock) -> Result<String> {
    let charger = client.station_id().await?;
    let status = client.charger_status().await?;
    if status.is_connected {
        return Ok(format!(
            "charger {charger} is online ({})",
            if status.is_plugged_in {
                "vehicle plugged in"
            } else {
                "no vehicle plugged in"
            }
        ));
    }
    // The last-connected time is evidence, not a condition: a failure to read it still
    // reports the charger as offline.
    let last = match client.technical_info().await {
        Ok(info) => info.last_connected_at.map(|t| {
            let (local, zone) = clock.local(t);
            format!(
                "{} {zone} ({})",
                local.format("%Y-%m-%d %H:%M"),
                ago(clock.now() - t)
            )
        }),
        Err(e) => {
            tracing::warn!("cannot read the last-connected time: {e}");
            None
        }
    };
    Err(Error::Offline {
        charger,
        last_connected: last,
    })
}

/// "12 min ago", "5 h ago", "3 days ago".
fn ago(d: chrono::Duration) -> String {
    let min = d.num_minutes().max(0);
    match min {
        0..120 => format!("{min} min ago"),
        120..2880 => format!("{} h ago", min / 60),
        _ => format!("{} days ago", min / 1440),
    }
}
