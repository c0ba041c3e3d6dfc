use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp, limits};

/// `data/session_cache/YYYY-MM.json`: every session of one local month, oldest first.
pub type MonthlyCache = Vec<CacheEntry>;

/// One session of a monthly cache: ChargePoint's details plus our vehicle label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// ChargePoint session id.
    pub session_id: SessionId,
    /// Plug-in time (UTC).
    pub session_start_time: Timestamp,
    /// Unplug time (UTC); `null` while the session is open.
    pub session_end_time: Option<Timestamp>,
    /// The car as ChargePoint and our label describe it.
    pub vehicle: CacheVehicle,
    /// Where the charger is (generic values unless personal data is kept on purpose).
    pub location: CacheLocation,
    /// The charger.
    pub charger: CacheCharger,
    /// Energy, time and money.
    pub session: CacheSession,
    /// The utility that supplied the energy.
    pub utility: CacheUtility,
    /// Key into `vehicle_config.json`, or `"unknown"`.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Confidence of `vehicle_id`, 0..1.
    pub vehicle_confidence: Option<Confidence>,
    /// The session's energy and cost by time-of-use period of the configured rate plan;
    /// absent without a `[tariff]` in `cph50.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_of_use: Option<TimeOfUse>,
    /// The whole session's power curve as ChargePoint's session details give it
    /// (`update_data`: dense in the first minute, then about every 10 minutes, to the unplug),
    /// oldest first. `None` (absent from the file) until `cph50 cache` has fetched the details
    /// of the ended session; `Some` and empty when ChargePoint's details had no `update_data`,
    /// so the session is not asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_curve: Option<Vec<CurvePoint>>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One reading of [`CacheEntry::power_curve`], written as a 3-number array
/// `[seconds since plug-in, power in kW, energy so far in kWh]` (the order of ChargePoint's
/// `update_data` points, `timestamp` made relative to keep the file small).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint(pub u64, pub NonNeg, pub NonNeg);

impl CurvePoint {
    /// Seconds since plug-in.
    pub fn offset_s(&self) -> u64 {
        self.0
    }
    /// Power, kW.
    pub fn power_kw(&self) -> f64 {
        self.1.0
    }
    /// Energy delivered since plug-in, kWh.
    pub fn energy_kwh(&self) -> f64 {
        self.2.0
    }
}

impl<'de> Deserialize<'de> for CurvePoint {
    /// Each number is held to its limit: the offset to a session's length
    /// ([`limits::Seconds`]), the power to [`limits::Power`], the energy to [`limits::Energy`].
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let shape = "a reading of power_curve is [seconds since plug-in, kW, kWh]";
        let numbers = Vec::<f64>::deserialize(d)
            .map_err(|e| D::Error::custom(format!("{shape}, 3 numbers ({e})")))?;
        let [t, kw, kwh] = numbers[..] else {
            return Err(D::Error::custom(format!(
                "{shape}: 3 numbers, not {}",
                numbers.len()
            )));
        };
        if t < 0.0 || t.fract() != 0.0 {
            return Err(D::Error::custom(format!(
                "{shape}: its seconds since plug-in must be a whole number of 0 or more, not {t}"
            )));
        }
        let t = limits::check_number::<limits::Seconds>(t)
            .map(|t| t as u64)
            .map_err(D::Error::custom)?;
        let kw = limits::check_number::<limits::Power>(kw).map_err(D::Error::custom)?;
        let kwh = limits::check_number::<limits::Energy>(kwh).map_err(D::Error::custom)?;
        Ok(Self(t, NonNeg(kw), NonNeg(kwh)))
    }
}

/// Why a power curve cannot be the session's, if it cannot: the field under `power_curve`
/// and a sentence. Its readings must go forward in time and not past the session's length
/// (`duration_s`, seconds). `validate` asks.
pub fn power_curve_problem(curve: &[CurvePoint], duration_s: u64) -> Option<(String, String)> {
    for (i, p) in curve.iter().enumerate() {
        if i > 0 && p.0 < curve[i - 1].0 {
            return Some((
                format!("power_curve/{i}"),
                format!(
                    "reading at {} s comes after one at {} s: the curve must go forward in time",
                    p.0,
                    curve[i - 1].0
                ),
            ));
        }
        // a minute of slack: ChargePoint's last reading may lag the unplug by seconds
        if p.0 > duration_s + 60 {
            return Some((
                format!("power_curve/{i}"),
                format!(
                    "reading at {} s is past the session's end ({duration_s} s after plug-in)",
                    p.0
                ),
            ));
        }
    }
    None
}

/// `time_of_use` of a cache entry: the split of the session among the rate plan's periods
/// (`crate::tariff::split`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeOfUse {
    /// The rate plan's `name`.
    #[serde(deserialize_with = "limits::text::<_, limits::Name>")]
    pub tariff: String,
    /// First 16 hex digits of the SHA-256 of the plan as configured: a split made with
    /// another plan is redone by the next `cache` of its month.
    #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
    pub tariff_fingerprint: String,
    /// ISO currency of the prices and costs.
    #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
    pub currency: String,
    /// What the split was computed from: `update_data`, `samples`, `peak_power` or `even`.
    #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
    pub curve: String,
    /// The periods the session has energy in, in the plan's order; their energies add up to
    /// `session.energy_kwh` (to 0.1 Wh).
    pub periods: Vec<PeriodUse>,
    /// What was charged after the cheap window (the stretch of a day right after a cheap one).
    pub after_cheap_window: EnergyCost,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One period of [`TimeOfUse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodUse {
    /// Season name.
    #[serde(deserialize_with = "limits::text::<_, limits::Name>")]
    pub season: String,
    /// Period name (`super_off_peak`).
    #[serde(deserialize_with = "limits::text::<_, limits::Name>")]
    pub period: String,
    /// Part of the cheap window.
    pub cheap: bool,
    /// Price per kWh when the split was made.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Cost>")]
    pub price_per_kwh: NonNeg,
    /// Energy in the period, kWh.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Energy>")]
    pub energy_kwh: NonNeg,
    /// `energy_kwh` × `price_per_kwh`, 4 decimals.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Cost>")]
    pub cost: NonNeg,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An energy and its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnergyCost {
    /// kWh.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Energy>")]
    pub energy_kwh: NonNeg,
    /// Cost, in the plan's currency.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Cost>")]
    pub cost: NonNeg,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TimeOfUse {
    /// The field (under `time_of_use`) and a sentence when the split does not add up to
    /// `total_kwh` within 0.1 % (or 0.1 Wh), or names a period twice. `validate` asks.
    pub fn problem(&self, total_kwh: f64) -> Option<(String, String)> {
        let sum: f64 = self.periods.iter().map(|p| p.energy_kwh.0).sum();
        if (sum - total_kwh).abs() > (total_kwh * 0.001).max(0.0001) {
            return Some((
                "periods".into(),
                format!(
                    "the periods add up to {sum:.4} kWh, not the session's {total_kwh:.4} kWh (0.1 % allowed)"
                ),
            ));
        }
        for (i, p) in self.periods.iter().enumerate() {
            let twice = self.periods[..i]
                .iter()
                .any(|q| q.period == p.period && q.season == p.season);
            if twice {
                return Some((
                    format!("periods/{i}"),
                    format!(
                        "period {:?} of season {:?} is listed twice",
                        p.period, p.season
                    ),
                ));
            }
            if (p.cost.0 - p.energy_kwh.0 * p.price_per_kwh.0).abs() > 0.0001 {
                return Some((
                    format!("periods/{i}/cost"),
                    format!(
                        "cost {} is not energy_kwh x price_per_kwh ({:.4})",
                        p.cost.0,
                        p.energy_kwh.0 * p.price_per_kwh.0
                    ),
                ));
            }
        }
        if self.after_cheap_window.energy_kwh.0 > sum + 0.0001 {
            return Some((
                "after_cheap_window/energy_kwh".into(),
                "more than the session's energy".into(),
            ));
        }
        None
    }
}

impl CacheEntry {
    /// The field and a sentence when the entry ends more than
    /// [`limits::MAX_SESSION_DAYS`] after it starts: no session lasts that long, and the site
    /// would split it into years of days. `validate` and `build` both ask.
    pub fn span_problem(&self) -> Option<(&'static str, String)> {
        let end = self.session_end_time?;
        limits::span_problem(self.session_start_time.to_utc(), end.to_utc())
            .map(|e| ("session_end_time", e))
    }
}

/// `vehicle` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheVehicle {
    /// Key into `vehicle_config.json`, or `"unknown"`.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub vehicle_name: Option<String>,
    /// Model name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub model: Option<String>,
    /// VIN; `null` unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vin: Option<String>,
    /// Manufacturer.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub make: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `location` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheLocation {
    /// ChargePoint's location id.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub location_id: Option<String>,
    /// Display name ("Home").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub name: Option<String>,
    /// Street address; generic unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub address: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub city: Option<String>,
    /// State.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub state: Option<String>,
    /// ZIP code; `null` unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub zip_code: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `charger` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheCharger {
    /// ChargePoint device id.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub charger_id: Option<String>,
    /// Plug type ("J1772").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub connector_type: Option<String>,
    /// Charger model ("CPH50").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub charger_model: Option<String>,
    /// Charging level (2 for a home charger).
    pub level: Option<u8>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `session` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheSession {
    /// Energy delivered, kWh.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Energy>")]
    pub energy_kwh: NonNeg,
    /// Plugged-in time, seconds.
    #[serde(deserialize_with = "limits::whole::<_, limits::Seconds>")]
    pub duration_seconds: u64,
    /// ChargePoint's amount for the session, in the account's currency.
    #[serde(default, deserialize_with = "limits::opt_number::<_, limits::Cost>")]
    pub cost: Option<f64>,
    /// Highest power seen, kW.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Power>")]
    pub peak_power_kw: Option<NonNeg>,
    /// Session state ("completed", "in_use").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub status: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `utility` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheUtility {
    /// Utility or energy provider name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub utility_name: Option<String>,
    /// Company behind it.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub utility_company: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading is `[seconds, kW, kWh]`, each held to its limit, named in the error.
    #[test]
    fn curve_points_read_as_three_numbers_within_the_limits() {
        let p: CurvePoint = serde_json::from_str("[95, 9.025, 0.1911]").unwrap();
        assert_eq!(
            (p.offset_s(), p.power_kw(), p.energy_kwh()),
            (95, 9.025, 0.1911)
        );
        assert_eq!(serde_json::to_string(&p).unwrap(), "[95,9.025,0.1911]");
        let e = serde_json::from_str::<CurvePoint>("[95, 25.0, 1.0]").unwrap_err();
        assert!(e.to_string().contains("power 25 kW is out of range"), "{e}");
        let e = serde_json::from_str::<CurvePoint>("[95, 9.0, -1]").unwrap_err();
        assert!(e.to_string().contains("energy"), "{e}");
        let e = serde_json::from_str::<CurvePoint>("[95, 9.0]").unwrap_err();
        assert!(
            e.to_string()
                .contains("[seconds since plug-in, kW, kWh]: 3 numbers, not 2"),
            "{e}"
        );
        let e = serde_json::from_str::<CurvePoint>("[95, 9.0, 1.0, 2.0]").unwrap_err();
        assert!(e.to_string().contains("3 numbers, not 4"), "{e}");
        let e = serde_json::from_str::<CurvePoint>("[-5, 9.0, 1.0]").unwrap_err();
        assert!(e.to_string().contains("0 or more, not -5"), "{e}");
        let e = serde_json::from_str::<CurvePoint>("[5.5, 9.0, 1.0]").unwrap_err();
        assert!(e.to_string().contains("whole number"), "{e}");
        let e = serde_json::from_str::<CurvePoint>("{}").unwrap_err();
        assert!(e.to_string().contains("3 numbers"), "{e}");
    }

    #[test]
    fn a_curve_goes_forward_and_ends_with_the_session() {
        let at = |t, kw| CurvePoint(t, NonNeg(kw), NonNeg(0.0));
        assert_eq!(power_curve_problem(&[at(0, 0.0), at(600, 9.0)], 600), None);
        let (field, msg) =
            power_curve_problem(&[at(0, 0.0), at(600, 9.0), at(300, 9.0)], 900).unwrap();
        assert_eq!(field, "power_curve/2");
        assert!(msg.contains("forward in time"), "{msg}");
        let (field, msg) = power_curve_problem(&[at(0, 0.0), at(700, 9.0)], 600).unwrap();
        assert_eq!(field, "power_curve/1");
        assert!(msg.contains("past the session's end"), "{msg}");
    }
}
