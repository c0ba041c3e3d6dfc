//! The generated history: the monthly activity list, its pages, the sessions behind it, and
//! the same answers for the same seed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use cph50::sim::{Scenario, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, MORNING, config, utc};

async fn page(api: &mut Api, size: u64, offset: Option<&str>) -> Value {
    let mut q = json!({"page_size": size, "show_address_for_home_sessions": true});
    if let Some(o) = offset {
        q["page_offset"] = json!(o);
    }
    let body = json!({"charging_activity_monthly": q});
    api.ok(Method::POST, "mapcache_endpoint", "v2", Some(body))
        .await
}

/// Every list item, following the cursors; and the month entries seen.
async fn all_items(api: &mut Api, size: u64) -> (Vec<Value>, Vec<Value>, usize) {
    let (mut items, mut months, mut pages) = (Vec::new(), Vec::new(), 0);
    let mut offset: Option<String> = None;
    loop {
        let p = page(api, size, offset.as_deref()).await;
        pages += 1;
        let cam = &p["charging_activity_monthly"];
        for m in cam["month_info"].as_array().unwrap() {
            let sessions = m["sessions"].as_array().unwrap();
            assert!(sessions.len() as u64 <= size);
            items.extend(sessions.iter().cloned());
            months.push(m.clone());
        }
        let next = cam["page_offset"].as_str().unwrap().to_owned();
        if next == "last_page" {
            return (items, months, pages);
        }
        assert!(next.starts_with("p_20"), "{next}");
        assert_ne!(offset.as_deref(), Some(next.as_str()), "the cursor repeats");
        offset = Some(next);
        assert!(pages < 100, "no last_page after 100 pages");
    }
}

fn local_date(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&chrono_tz::America::Los_Angeles)
        .date_naive()
}

#[tokio::test]
async fn pages_run_newest_first_to_last_page_and_cover_the_history_days() {
    let mut cfg = config(Scenario::Idle, MORNING);
    cfg.history_days = 60;
    let mut api = Api::logged_in(cfg).await;
    let (items, months, pages) = all_items(&mut api, 10).await;
    assert!(pages >= 5, "{pages} pages");
    let ids: Vec<u64> = items
        .iter()
        .map(|i| i["session_id"].as_u64().unwrap())
        .collect();
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a session is listed twice");
    let starts: Vec<i64> = items
        .iter()
        .map(|i| i["start_time"].as_i64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "not newest first");
    assert_eq!(items.len() as u64, api.state().await["history_sessions"]);
    assert!(
        (45..=80).contains(&items.len()),
        "{} sessions in 60 days",
        items.len()
    );

    let today = local_date(utc(MORNING).timestamp_millis());
    let first = local_date(*starts.last().unwrap());
    let last = local_date(starts[0]);
    assert!(
        (today - first).num_days() <= 60,
        "{first} is before the history"
    );
    assert!(
        (today - first).num_days() >= 57,
        "history starts late: {first}"
    );
    assert!(last < today, "{last}");
    for i in &items {
        assert!(i["end_time"].as_i64().unwrap() < utc(MORNING).timestamp_millis());
        assert_eq!(i["session_id_string"], i["session_id"].to_string());
        assert_eq!(i["vehicle_id"], 700000001);
    }

    // month totals cover the whole month, the same on every page it appears on
    let mut sums: BTreeMap<(i64, i64), f64> = BTreeMap::new();
    for i in &items {
        let d = local_date(i["start_time"].as_i64().unwrap());
        *sums.entry((d.year() as i64, d.month() as i64)).or_default() +=
            i["energy_kwh"].as_f64().unwrap();
    }
    for m in &months {
        let key = (m["year"].as_i64().unwrap(), m["month"].as_i64().unwrap());
        let total = m["energy_kwh"]["home"].as_i64().unwrap();
        assert!(
            (total as f64 - sums[&key]).abs() <= 1.0,
            "{key:?}: {total} vs {}",
            sums[&key]
        );
        for s in m["sessions"].as_array().unwrap() {
            let d = local_date(s["start_time"].as_i64().unwrap());
            assert_eq!(
                (d.year() as i64, d.month() as i64),
                key,
                "listed under the wrong month"
            );
        }
    }
}

#[tokio::test]
async fn listed_sessions_fetch_with_their_curves_and_answer_the_same_twice() {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    let p = page(&mut api, 8, None).await;
    let items: Vec<Value> = p["charging_activity_monthly"]["month_info"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["sessions"].as_array().unwrap().clone())
        .collect();
    assert_eq!(items.len(), 8);
    for item in &items {
        let id = item["session_id"].as_u64().unwrap();
        let a = api.session(id).await;
        assert_eq!(a, api.session(id).await);
        let cs = &a["charging_status"];
        for key in [
            "energy_kwh",
            "start_time",
            "end_time",
            "session_time",
            "total_amount",
        ] {
            assert_eq!(cs[key], item[key], "{id}: {key}");
        }
        let points = cs["update_data"].as_array().unwrap();
        assert!(
            points.len() >= 4 && points.len() <= 60,
            "{id}: {} points",
            points.len()
        );
        assert_eq!(points[0]["timestamp"], cs["start_time"]);
        assert_eq!(points.last().unwrap()["timestamp"], cs["end_time"]);
    }
    // overnight schedule sessions end at 06:00 local like the real ones
    let at_six = items.iter().any(|i| {
        let end = chrono::DateTime::from_timestamp_millis(i["end_time"].as_i64().unwrap())
            .unwrap()
            .with_timezone(&chrono_tz::America::Los_Angeles);
        end.format("%H:%M:%S").to_string() == "06:00:00"
    });
    assert!(at_six, "no session ended with the schedule window");
}

#[tokio::test]
async fn a_bad_cursor_is_a_400_that_names_it() {
    let mut api = Api::logged_in(config(Scenario::Idle, MORNING)).await;
    let body = json!({"charging_activity_monthly": {"page_size": 5, "page_offset": "p_x"}});
    let r = api
        .call(Method::POST, "mapcache_endpoint", "v2", Some(body))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("p_x"), "{}", r.text);
}

/// A fixed script of calls; their answers, in order.
async fn transcript(cfg: SimConfig) -> Vec<Value> {
    let mut api = Api::logged_in(cfg).await;
    let mut out = vec![page(&mut api, 25, None).await, api.status().await];
    let us = api.user_status().await;
    let id = us["user_status"]["charging"]["sessionId"].as_u64().unwrap();
    out.push(us);
    api.advance(1800.0).await;
    out.push(api.session(id).await);
    let old = out[0]["charging_activity_monthly"]["month_info"][0]["sessions"][3]["session_id"]
        .as_u64()
        .unwrap();
    out.push(api.session(old).await);
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_answers() {
    let cfg = config(Scenario::Default, MORNING);
    let a = transcript(cfg.clone()).await;
    assert_eq!(a, transcript(cfg.clone()).await);
    let mut other = cfg;
    other.seed = 43;
    let b = transcript(other).await;
    assert_ne!(a[0], b[0], "another seed, another history");
    assert_ne!(a[3], b[3], "another seed, another curve");
}
