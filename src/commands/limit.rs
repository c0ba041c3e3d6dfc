//! `cph50 limit [AMPS]`: the charger's amperage limit and the values it allows, or a new limit
//! (checked against them before anything is sent).

use serde::Serialize;

use crate::api::models::AmperageSettings;
use crate::api::{Client, Stats};
use crate::cli::LimitArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;

/// Volts behind the power a limit allows, for the human line (a North American home charger).
const VOLTS: f64 = crate::store::values::limits::SUPPLY_VOLTS;

/// What `limit --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct LimitReport {
    /// The charger is connected to ChargePoint (its status's `isConnected`). When false the
    /// limit and range are the ones it last reported, and no new limit can be set (exit 3).
    pub connected: bool,
    /// The limit in force before any change, whole amperes.
    pub limit_a: u32,
    /// Every limit the charger allows, whole amperes, lowest first.
    pub allowed_a: Vec<u32>,
    /// The charger is applying a new limit (its status's `inProgress`).
    pub applying: bool,
    /// The change, when AMPS was given: the charger's answer.
    pub set: Option<LimitSet>,
    /// Requests and logins this command made.
    pub api: Stats,
}

/// The charger's answer to a new limit.
#[derive(Debug, Clone, Serialize)]
pub struct LimitSet {
    /// The limit the charger applies, whole amperes (its `desiredValue`).
    pub desired_a: u32,
    /// Its state (`APPLYING`), null when it gave none.
    pub status: Option<String>,
}

/// Runs `cph50 limit`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when AMPS is given and the charger status says it is not
/// connected (nothing is sent; without AMPS an offline charger's last limit is shown, exit 0);
/// [`Error::Usage`] (exit 2) when AMPS is not one of the values the charger allows (nothing is
/// sent); [`Error::Cannot`] (exit 1) when the charger status gives no amperage settings to
/// check it against; [`Error::Api`] (exit 1) naming the endpoint when a request fails or the
/// charger refuses the limit (with ChargePoint's reason); a settings error (exit 2).
pub fn run(settings: &Settings, out: &Output, args: &LimitArgs) -> Result<()> {
    let report = super::with_client(settings, async |client, _| limit(client, args.amps).await)?;
    if args.json {
        return super::print_json(out, &report);
    }
    for line in describe(&report) {
        out.result(&line);
    }
    Ok(())
}

/// Reads the settings from the charger status; with `amps`, checks and sends the new limit.
async fn limit(client: &mut Client, amps: Option<u32>) -> Result<LimitReport> {
    let status = client.charger_status().await?;
    if amps.is_some() && !status.is_connected {
        return Err(Error::Offline {
            charger: client.station_id().await?,
            last_connected: None,
        });
    }
    let Some(settings) = status.charge_amperage_settings else {
        return Err(Error::Cannot(
            "limit: the charger status gives no amperage settings (chargeAmperageSettings); nothing was sent".into(),
        ));
    };
    let mut allowed = settings.possible_charge_limit.clone();
    allowed.retain(|a| a.is_finite());
    allowed.sort_by(f64::total_cmp);
    allowed.dedup();
    let set = match amps {
        None => None,
        Some(a) => {
            check(a, &settings, &allowed)?;
            let answer = client.set_amperage_limit(a).await?;
            Some(LimitSet {
                desired_a: whole_amps(answer.desired_value),
                status: answer.status,
            })
        }
    };
    Ok(LimitReport {
        connected: status.is_connected,
        limit_a: whole_amps(settings.charge_limit),
        allowed_a: allowed.iter().map(|a| whole_amps(*a)).collect(),
        applying: settings.in_progress.unwrap_or(false),
        set,
        api: client.stats(),
    })
}

/// Amperes as the wire means them: whole numbers (a negative or absurd value reads as 0, or
/// saturates).
fn whole_amps(a: f64) -> u32 {
    // `as` saturates and maps NaN to 0
    a.round() as u32
}

/// `amps` must be one of the charger's values.
fn check(amps: u32, settings: &AmperageSettings, allowed: &[f64]) -> Result<()> {
    if allowed.is_empty() {
        return Err(Error::Cannot(format!(
            "limit: the charger lists no allowed amperage limits (its limit is {} A); nothing was sent",
            settings.charge_limit
        )));
    }
    if allowed.contains(&f64::from(amps)) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "limit {amps} A is not one the charger allows ({}); nothing was sent",
        range(&allowed.iter().map(|a| whole_amps(*a)).collect::<Vec<_>>())
    )))
}

/// `20-40 A`, or the list when it has gaps (`16, 24, 32 A`).
fn range(allowed: &[u32]) -> String {
    let whole: Vec<i64> = allowed.iter().map(|a| i64::from(*a)).collect();
    match (whole.first(), whole.last()) {
        (Some(lo), Some(hi)) if whole.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("{lo}-{hi} A")
        }
        _ => format!(
            "{} A",
            whole
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The human form: the limit, the range, and the change.
pub fn describe(r: &LimitReport) -> Vec<String> {
    let kw = |a: u32| f64::from(a) * VOLTS / 1000.0;
    let mut lines = vec![format!(
        "amperage limit {} A ({:.1} kW at {VOLTS} V); the charger allows {}{}",
        r.limit_a,
        kw(r.limit_a),
        range(&r.allowed_a),
        if r.applying {
            "; a new limit is being applied"
        } else {
            ""
        }
    )];
    if !r.connected {
        lines.push(
            "the charger is offline (not connected to ChargePoint): this is the limit it last reported; a new limit cannot be set until it is back".into(),
        );
    }
    if let Some(set) = &r.set {
        lines.push(format!(
            "new limit {} A ({:.1} kW): {}",
            set.desired_a,
            kw(set.desired_a),
            set.status
                .as_deref()
                .map_or("accepted".to_owned(), |s| s.to_lowercase())
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_a_span_when_it_has_no_gaps() {
        let span: Vec<f64> = (20..=40).map(f64::from).collect();
        let whole: Vec<u32> = (20..=40).collect();
        assert_eq!(range(&whole), "20-40 A");
        assert_eq!(range(&[16, 24, 32]), "16, 24, 32 A");
        let s = AmperageSettings {
            charge_limit: 40.0,
            in_progress: None,
            possible_charge_limit: span.clone(),
        };
        assert!(check(32, &s, &span).is_ok());
        let e = check(99, &s, &span).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("20-40 A"), "{e}");
        assert_eq!(check(32, &s, &[]).unwrap_err().exit_code(), 1);
    }
}
