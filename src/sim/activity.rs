//! `charging_activity_monthly`: the finished sessions, newest first, in pages grouped by local
//! month, with month totals and an opaque `page_offset` cursor that ends with `last_page`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};

use super::session::{Session, primary_vehicle_info, round};
use super::world::World;
use super::{CHARGER_ID, PRIMARY_VEHICLE_ID, bodies};
use crate::api::models::{
    ActivityAnswer, ActivityMonth, ActivityPage, CostTotal, HomeTotal, SessionDetails,
    VehicleSummary,
};

/// The cursor of the last page.
pub(crate) const LAST_PAGE: &str = "last_page";

/// One page of `page_size` sessions after `offset` (a cursor from an earlier page).
pub(crate) fn page(
    w: &World,
    now: DateTime<Utc>,
    page_size: usize,
    offset: Option<&str>,
) -> Result<ActivityAnswer, String> {
    let mut done: Vec<&Session> = w
        .sessions
        .values()
        .filter(|s| s.end.is_some_and(|e| e <= now))
        .collect();
    done.sort_by(|a, b| b.start.cmp(&a.start).then(b.id.cmp(&a.id)));
    let skip = match offset {
        None => 0,
        Some(LAST_PAGE) => done.len(),
        Some(cursor) => parse_cursor(cursor)?,
    };
    let items: Vec<&Session> = done.iter().skip(skip).take(page_size).copied().collect();
    let next = skip + items.len();
    let page_offset = match done.get(next) {
        Some(s) => {
            let (y, m) = month_of(w, s);
            format!("p_{y:04}_{m:02}_{next}")
        }
        None => LAST_PAGE.to_owned(),
    };
    let mut months: Vec<((i32, u32), Vec<SessionDetails>)> = Vec::new();
    for s in items {
        let key = month_of(w, s);
        let item = s.list_item(w.tz);
        match months.last_mut() {
            Some((k, list)) if *k == key => list.push(item),
            _ => months.push((key, vec![item])),
        }
    }
    let month_info = months
        .into_iter()
        .map(|(key, sessions)| month_entry(w, &done, key, sessions))
        .collect();
    Ok(ActivityAnswer {
        charging_activity_monthly: ActivityPage {
            home_charger_id: Some(CHARGER_ID),
            primary_vehicle: Some(VehicleSummary {
                year: 2021,
                model: "XC40 Recharge".into(),
                make: "Volvo".into(),
            }),
            month_info,
            utility: Some(bodies::utility()),
            page_offset: Some(page_offset),
        },
    })
}

/// One `month_info` entry: this page's sessions of the month and the whole month's totals.
fn month_entry(
    w: &World,
    done: &[&Session],
    key: (i32, u32),
    sessions: Vec<SessionDetails>,
) -> ActivityMonth {
    let (mut energy, mut cost, mut miles) = (0.0, 0.0, 0.0);
    // the totals are the home charger's
    for s in done.iter().filter(|s| !s.away && month_of(w, s) == key) {
        let e = round(s.energy(s.end.unwrap_or(s.start)), 6);
        energy += e;
        cost += Session::amount(e);
        miles += Session::miles(e);
    }
    let (year, month) = key;
    let total = |x: f64| {
        Some(HomeTotal {
            home: x.round() as i64,
        })
    };
    ActivityMonth {
        sessions,
        energy_kwh: total(energy),
        cost: Some(CostTotal {
            currency_iso_code: "USD".into(),
            home: cost.round() as i64,
        }),
        month,
        year,
        miles_added: total(miles),
        vehicle_info: Some(BTreeMap::from([(
            PRIMARY_VEHICLE_ID.to_string(),
            primary_vehicle_info(),
        )])),
    }
}

fn month_of(w: &World, s: &Session) -> (i32, u32) {
    let local = s.start.with_timezone(&w.tz);
    (local.year(), local.month())
}

/// `p_YYYY_MM_<index>` -> index.
fn parse_cursor(cursor: &str) -> Result<usize, String> {
    let bad = || {
        format!(
            "page_offset {cursor:?} is not a cursor this server gave out (p_YYYY_MM_N or {LAST_PAGE})"
        )
    };
    let mut parts = cursor.split('_');
    if parts.next() != Some("p") {
        return Err(bad());
    }
    let fields: Vec<&str> = parts.collect();
    match fields.as_slice() {
        [y, m, n]
            if y.len() == 4
                && m.len() == 2
                && y.parse::<i32>().is_ok()
                && m.parse::<u32>().is_ok() =>
        {
            n.parse::<usize>().map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_named() {
        assert_eq!(parse_cursor("p_2025_10_25"), Ok(25));
        let e = parse_cursor("p_2025_10").unwrap_err();
        assert!(e.contains("\"p_2025_10\""), "{e}");
        assert!(parse_cursor("q_2025_10_3").is_err());
        assert!(parse_cursor("p_2025_10_x").is_err());
    }
}
