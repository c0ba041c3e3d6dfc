//! `cph50 cache`: ChargePoint's session details merged into the monthly caches
//! (`session_cache/YYYY-MM.json`, by the session's LOCAL start month), with the vehicle label.
//!
//! Everything is fetched first and written last: a failed request leaves every file as it was,
//! and every file is checked before the first is written. A session whose answer holds a value
//! outside the data limits is left out with a warning ([`super::checks`]).
//! Session details (with `update_data`) are asked only for sessions that still need a label or,
//! with a rate plan, a split by time-of-use period, so the daily run stays at a few requests
//! and a second identical run writes nothing.

mod entry;
mod labels;
mod merge;

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{StageContext, checks, is_home_session};
use crate::api::models::SessionDetails;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::layout::Month;
use crate::store::records::CacheEntry;
use crate::store::values::SessionId;
use crate::tariff::Tariff;
use labels::Labels;
use merge::MonthFiles;

/// Most sessions per run whose details are fetched only for their whole power curve
/// (`power_curve`); the rest are counted in [`Report::curves_left`] for the next runs.
pub const CURVES_PER_RUN: usize = 50;

/// Which sessions to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// One session by id.
    Session(u64),
    /// One local month.
    Month(Month),
    /// This local month.
    Current,
    /// Last local month.
    Previous,
    /// Sessions started on or after this local date.
    Since(NaiveDate),
    /// The whole activity list.
    All,
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Which sessions.
    pub selection: Selection,
    /// Write street, ZIP and coordinates (private repositories only).
    pub keep_personal_data: bool,
    /// The rate plan: each session gets its split by time-of-use period (`time_of_use`).
    /// Without one, entries keep the split they have.
    pub tariff: Option<&'a Tariff>,
}

/// What a run did; the `--json` output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Home sessions fetched and merged.
    pub sessions: usize,
    /// Of those, not cached before.
    pub new: usize,
    /// Of those, cached before and changed.
    pub updated: usize,
    /// Of those, cached before and unchanged.
    pub unchanged: usize,
    /// Local months the sessions fall in.
    pub months: usize,
    /// Cache files written (a file whose bytes would not change is not written).
    pub files_written: usize,
    /// Sessions of other stations left out (public or workplace chargers: a device id other
    /// than the home charger's, or no device id and no `is_home_charger: true`).
    pub skipped_public: usize,
    /// Home sessions left out because ChargePoint's answer holds a value outside the data
    /// limits (a start outside 2000..2100, an energy, power, duration or cost out of range);
    /// each is named in a warning with the field.
    pub skipped_invalid: usize,
    /// Sessions labelled by the classifier in this run.
    pub classified: usize,
    /// Session-details requests made for `update_data`.
    pub details_fetched: usize,
    /// Sessions split by time-of-use period in this run (with a rate plan).
    pub split: usize,
    /// Ended sessions still without their whole power curve after this run (more than
    /// [`CURVES_PER_RUN`] needed one); the next runs fetch them.
    pub curves_left: usize,
    /// ChargePoint requests, retries included.
    pub requests: u32,
    /// Password logins.
    pub logins: u32,
}

impl Report {
    /// The summary line.
    pub fn line(&self) -> String {
        let mut line = format!(
            "cached {} sessions ({} new, {} updated) in {} months; {} requests",
            self.sessions, self.new, self.updated, self.months, self.requests
        );
        if self.skipped_public > 0 {
            line.push_str(&format!(
                "; {} sessions of other stations (public, workplace) left out",
                self.skipped_public
            ));
        }
        if self.skipped_invalid > 0 {
            line.push_str(&format!(
                "; {} sessions with values outside the data limits left out (see the warnings)",
                self.skipped_invalid
            ));
        }
        if self.curves_left > 0 {
            line.push_str(&format!(
                "; {} sessions still without their whole power curve (at most {CURVES_PER_RUN} are fetched per run; run again for the next ones)",
                self.curves_left
            ));
        }
        line
    }
}

/// Runs `cph50 cache`. `progress(done, total)` is called while session details are fetched.
///
/// # Errors
/// A data error naming the cache or label file that cannot be read (before any request), the
/// API error of the first request that failed (nothing is written then), or the store's error
/// naming the cache file that cannot be written.
pub async fn run(
    ctx: &mut StageContext<'_>,
    opts: &Options<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    // Read everything first: a broken cache file stops the run before any request.
    let (caches, problems) = ctx.store.load_caches();
    if let Some(p) = problems.into_iter().next() {
        return Err(Error::Data(p));
    }
    let labels = labels::load_labels(ctx.store)?;
    let mut files = MonthFiles::new(caches);
    let mut report = Report::default();
    let mut sessions = list(ctx, opts.selection, &mut report).await?;
    let fetched = fetch_details(
        ctx,
        &mut sessions,
        &labels,
        &files,
        opts.tariff,
        &mut report,
        progress,
    )
    .await?;
    // a value outside the data limits is neither clamped into a figure that looks real nor
    // written into a file every later read would refuse: the session is left out
    sessions.retain(|(id, s)| match checks::session(s) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(
                "session {id} left out: ChargePoint's answer is outside the data limits: {e}"
            );
            report.skipped_invalid += 1;
            false
        }
    });
    let mut months = BTreeSet::new();
    for (id, s) in &sessions {
        let month = Month::of(ctx.clock.local_date(s.start_time.unwrap_or_default()));
        months.insert(month);
        let old = files.cached(id);
        let (vehicle_id, confidence, classified) = labels::label(&labels, id, s, old, ctx.clock);
        report.classified += usize::from(classified);
        let mut entry = entry::to_entry(
            id,
            s,
            old,
            vehicle_id,
            confidence,
            &labels,
            opts.keep_personal_data,
        );
        // details asked of an ended session with no `update_data`: an empty curve says so,
        // and the session is not asked again for it
        let asked = matches!(opts.selection, Selection::Session(_)) || fetched.contains(id);
        if asked && entry.power_curve.is_none() && s.end_time.is_some() {
            entry.power_curve = Some(Vec::new());
        }
        if let Some(tariff) = opts.tariff {
            // a fresh curve, or an entry whose split is missing, stale or of an open session
            if !s.update_data.is_empty() || entry::needs_split(old, &tariff.fingerprint) {
                entry.time_of_use =
                    entry::time_of_use(tariff, ctx.clock, s, labels.sessions.get(id), &entry);
                report.split += usize::from(entry.time_of_use.is_some());
            }
        }
        match old {
            None => report.new += 1,
            Some(o) if *o == entry => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
        files.put(id, month, entry);
    }
    report.sessions = sessions.len();
    report.months = months.len();
    report.files_written = files.write(ctx.store)?;
    let stats = ctx.client.stats();
    report.requests = stats.requests;
    report.logins = stats.logins;
    Ok(report)
}

/// The home sessions the selection names, with their local month checked; sessions of other
/// stations ([`is_home_session`] against the home charger's id) are counted and left out.
async fn list(
    ctx: &mut StageContext<'_>,
    selection: Selection,
    report: &mut Report,
) -> Result<Vec<(SessionId, SessionDetails)>> {
    let (since, only) = window(selection, ctx.clock);
    let listed = match selection {
        Selection::Session(id) => {
            report.details_fetched += 1;
            vec![ctx.client.session_details(id).await?]
        }
        _ => ctx.client.activity(since).await?,
    };
    let home = ctx.client.station_id().await?;
    let mut sessions = Vec::new();
    for s in listed {
        let (Some(id), Some(start)) = (s.session_id, s.start_time) else {
            tracing::warn!("activity list: a session without id or start time left out");
            continue;
        };
        if !is_home_session(s.device_id, s.is_home_charger, home) {
            tracing::debug!(
                "session {id} ran at {}, not at the home charger {home}; left out",
                s.device_id.map_or(
                    "a station ChargePoint does not name".to_owned(),
                    |d| format!("station {d}")
                )
            );
            report.skipped_public += 1;
            continue;
        }
        if only.is_some_and(|m| Month::of(ctx.clock.local_date(start)) != m) {
            continue;
        }
        sessions.push((SessionId::from_number(id), s));
    }
    Ok(sessions)
}

/// Replaces the listed answer of each session only the classifier can label, or (with a rate
/// plan) that needs its split by period, or that ended without its whole power curve cached
/// (at most [`CURVES_PER_RUN`] of those), by its details (with `update_data`). Returns the ids
/// whose details were fetched.
async fn fetch_details(
    ctx: &mut StageContext<'_>,
    sessions: &mut [(SessionId, SessionDetails)],
    labels: &Labels,
    files: &MonthFiles,
    tariff: Option<&Tariff>,
    report: &mut Report,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<BTreeSet<SessionId>> {
    let mut need = Vec::new();
    let mut for_curve_only = Vec::new();
    for (i, (id, s)) in sessions.iter().enumerate() {
        if !s.update_data.is_empty() {
            continue;
        }
        let old = files.cached(id);
        let for_label = labels::known_label(labels, id).is_none()
            && old.is_none_or(|e: &CacheEntry| e.vehicle_id.is_none());
        let for_split = tariff.is_some_and(|t| entry::needs_split(old, &t.fingerprint));
        if for_label || for_split {
            need.push(i);
        } else if entry::needs_curve(old, s) {
            for_curve_only.push(i);
        }
    }
    // the whole power curve of ended sessions cached without one, newest first and a bounded
    // number per run: a first `cache --all` of years of sessions does not send thousands of
    // requests at once; each later run takes the next ones
    for_curve_only.sort_by_key(|&i| std::cmp::Reverse(sessions[i].1.start_time));
    report.curves_left = for_curve_only.len().saturating_sub(CURVES_PER_RUN);
    need.extend(for_curve_only.into_iter().take(CURVES_PER_RUN));
    let total = need.len() as u64;
    let mut fetched = BTreeSet::new();
    for (done, i) in need.into_iter().enumerate() {
        progress(done as u64, total);
        let id = sessions[i].1.session_id.unwrap_or_default();
        let details = ctx.client.session_details(id).await?;
        // an answer for another id, or one without a start (`{}`), keeps the listed item
        if details.session_id.is_none_or(|d| d == id) && details.start_time.is_some() {
            sessions[i].1 = details;
            report.details_fetched += 1;
            fetched.insert(sessions[i].0.clone());
        }
    }
    progress(total, total);
    Ok(fetched)
}

/// The `since` for the activity list and the one local month to keep, if any.
fn window(selection: Selection, clock: &Clock) -> (Option<DateTime<Utc>>, Option<Month>) {
    let this = Month::of(clock.local_date(clock.now()));
    let month = match selection {
        Selection::Session(_) | Selection::All => return (None, None),
        Selection::Since(date) => return (Some(clock.local_day_start(date)), None),
        Selection::Month(m) => m,
        Selection::Current => this,
        Selection::Previous => this
            .first_day()
            .and_then(|d| d.pred_opt())
            .map_or(this, Month::of),
    };
    let since = month.first_day().map(|d| clock.local_day_start(d));
    (since, Some(month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn since_starts_at_local_midnight() {
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, utc("2026-03-20T12:00:00Z"));
        let (since, month) = window(Selection::Since(day("2026-01-10")), &clock);
        assert_eq!(since, Some(utc("2026-01-10T08:00:00Z")));
        assert_eq!(month, None);
        let (since, month) = window(Selection::Current, &clock);
        assert_eq!(since, Some(utc("2026-03-01T08:00:00Z")));
        assert_eq!(month, Month::parse("2026-03"));
    }

    /// Chile skips 00:00-01:00 on 2026-09-06: the day, and `--since`, start at 01:00 -03:00
    /// (it used to read the skipped midnight as UTC: 20:00 the evening before).
    #[test]
    fn since_a_skipped_midnight_starts_when_the_clocks_resume() {
        let clock = Clock::fixed(chrono_tz::America::Santiago, utc("2026-09-20T12:00:00Z"));
        let (since, _) = window(Selection::Since(day("2026-09-06")), &clock);
        assert_eq!(since, Some(utc("2026-09-06T04:00:00Z")));
    }
}
