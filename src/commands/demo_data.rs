//! `cph50 demo-data`: writes a complete, deterministic demo data folder, built in a staging
//! folder beside the target and swapped in only when complete.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::cli::DemoDataArgs;
use crate::demo::{self, DemoData, Params};
use crate::error::{Error, Result, SettingsError};
use crate::fsio::lock::FolderLock;
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;
use crate::store::layout;
use crate::store::values::limits;

/// Validated settings of `demo-data`.
#[derive(Debug, Clone)]
pub struct DemoSettings {
    /// What to generate.
    pub params: Params,
    /// The folder to write (replaced as a whole).
    pub target: PathBuf,
    /// First and last local day of the history.
    pub days: (NaiveDate, NaiveDate),
}

impl DemoSettings {
    /// Checks the flags: the months must fit the calendar, and a non-empty target needs
    /// `--force`.
    ///
    /// # Errors
    /// [`SettingsError::Flags`] naming the flag that cannot work.
    pub fn new(settings: &Settings, args: &DemoDataArgs) -> Result<Self> {
        let target = args.out.clone().unwrap_or_else(|| settings.data.clone());
        if has_entries(&target) && !args.force {
            return Err(SettingsError::Flags(format!(
                "{} is not empty; demo-data writes a complete data folder. Choose an empty --out, or add --force to replace it (its current content is deleted)",
                target.display()
            ))
            .into());
        }
        // even with --force: never the working folder or one above it, a repository, a folder
        // inside the live data folder, or a non-empty folder that is not a data folder
        let live = crate::settings::resolved(&settings.data);
        let inputs: &[(&str, &Path)] = if crate::settings::resolved(&target) == live {
            &[]
        } else {
            &[("data", settings.data.as_path())]
        };
        super::refuse_to_replace("--out", &target, inputs, is_data_folder)?;
        let params = Params {
            seed: args.seed,
            months: args.months,
            until: args.until,
            clock: settings.clock()?,
            tariff: settings.tariff.clone(),
        };
        let out_of_range = || {
            SettingsError::Flags(format!(
                "--until {} with --months {} is out of range: the data holds dates from {} to {} \
                 (FIRST_YEAR, END_YEAR)",
                args.until,
                args.months,
                limits::FIRST_YEAR,
                limits::END_YEAR - 1
            ))
        };
        let days = params.days().ok_or_else(out_of_range)?;
        let years = limits::FIRST_YEAR..limits::END_YEAR;
        if !(years.contains(&days.0.year()) && years.contains(&days.1.year())) {
            return Err(out_of_range().into());
        }
        Ok(Self {
            params,
            target,
            days,
        })
    }
}

/// Runs `cph50 demo-data`.
///
/// # Errors
/// A settings error (exit 2), or [`Error::Io`] naming the folder that could not be written
/// (the previous folder is then left as it was) or the lock file another run held too long.
pub fn run(settings: &Settings, out: &Output, args: &DemoDataArgs) -> Result<()> {
    let s = DemoSettings::new(settings, args)?;
    let (first, last) = s.days;
    let bar = super::progress_bar(
        out,
        false,
        (last - first).num_days() as u64 + 1,
        "simulating",
        "{pos}/{len} days",
    );
    let data = demo::generate(&s.params, || bar.inc(1))
        .ok_or_else(|| Error::Usage("the requested months are outside the calendar".into()))?;
    bar.finish_and_clear();

    // held from the staging folder to the swap: the next run knows a staging folder it finds
    // under the lock for a killed run's
    let _lock = FolderLock::acquire(&s.target)?;
    let staging = crate::fsio::staging_dir(&s.target, "demo")?;
    write_demo(&Store::new(staging.path()), &data)?;
    crate::fsio::replace_dir(staging, &s.target)?;
    out.result(&format!(
        "wrote demo data to {}: {} sessions from {first} to {last} ({} months, seed {}), {} runs",
        s.target.display(),
        data.sessions.len(),
        s.params.months,
        s.params.seed,
        data.runs.runs.len()
    ));
    Ok(())
}

fn write_demo(store: &Store, data: &DemoData) -> Result<()> {
    store.save_file(layout::VEHICLE_CONFIG, &data.vehicle_config)?;
    store.save_file(layout::RUNS, &data.runs)?;
    store.save_file(layout::CLASSIFIER_SUMMARY, &data.classifier_summary)?;
    store.save_file(layout::SESSION_VEHICLE_MAP, &data.vehicle_map)?;
    if let Some(last) = &data.last_session {
        store.save_file(layout::LAST_SESSION, last)?;
    }
    if let Some(id) = &data.last_session_id {
        store.save_file(layout::LAST_SESSION_ID, id)?;
    }
    for (date, session) in &data.sessions {
        store.save_session(*date, session)?;
    }
    for (month, entries) in &data.caches {
        store.save_cache_month(*month, &mut entries.clone())?;
    }
    Ok(())
}

/// A folder that holds any of the data folder's own files (what `--force` may replace).
fn is_data_folder(dir: &Path) -> bool {
    [
        layout::VEHICLE_CONFIG,
        layout::RUNS,
        layout::LAST_SESSION,
        layout::SESSIONS,
        layout::SESSION_CACHE,
    ]
    .iter()
    .any(|name| dir.join(name).exists())
}

fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}
