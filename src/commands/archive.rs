//! `cph50 archive`: packs the session files of old months into one gzip file per month
//! (`sessions/YYYY/MM.jsonl.gz`), or unpacks one month (`--restore YYYY-MM`). The store does
//! the work ([`crate::store::archive`]); every reader sees archived months as unpacked.

use serde::Serialize;

use crate::cli::ArchiveArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;
use crate::store::archive::{Packed, Restored};
use crate::store::layout::Month;

/// What `archive --json` prints.
#[derive(Debug, Serialize)]
pub struct ArchiveAnswer {
    /// Nothing was written: this is what a run would do.
    pub dry_run: bool,
    /// The first month left unpacked (`YYYY-MM`); months before it are packed. `null` with
    /// `--restore`.
    pub cutoff: Option<String>,
    /// The months packed (or that would be).
    pub archived: Vec<Packed>,
    /// The month unpacked (or that would be), with `--restore`.
    pub restored: Option<Restored>,
    /// Months before the cut-off that were archived already.
    pub already_archived: usize,
}

/// Runs `cph50 archive`.
///
/// # Errors
/// [`Error::Usage`] for `--restore` of a month that has neither an archive nor a folder;
/// the store's errors naming the file or the archive and the file inside it.
pub fn run(settings: &Settings, out: &Output, args: &ArchiveArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let _lock = store.lock()?;
    let answer = match args.restore {
        Some(month) => restore(&store, month, args.dry_run)?,
        None => {
            let now = settings.clock()?.local_date(settings.clock()?.now());
            pack(
                &store,
                cutoff(Month::of(now), args.older_than),
                args.dry_run,
            )?
        }
    };
    if args.json {
        return super::print_json(out, &answer);
    }
    let verb = |done: &str, would: &str| if args.dry_run { would } else { done }.to_owned();
    for p in &answer.archived {
        let line = if p.finished_interrupted {
            format!(
                "{} {}: {} was archived already; {} the folder an interrupted run left",
                verb("finished", "would finish"),
                p.month,
                p.archive.display(),
                verb("removed", "would remove")
            )
        } else {
            format!(
                "{} {}: {} files, {} bytes -> {} ({} bytes)",
                verb("archived", "would archive"),
                p.month,
                p.files,
                p.bytes,
                p.archive.display(),
                p.archive_bytes
            )
        };
        out.result(&line);
    }
    match (&answer.restored, &answer.cutoff) {
        (Some(r), _) => out.result(&format!(
            "{} {}: {} files into {}",
            verb("restored", "would restore"),
            r.month,
            r.files,
            r.folder.display()
        )),
        (None, Some(cut)) => out.result(&format!(
            "{} {} month(s) before {cut}; {} archived already",
            verb("archived", "would archive"),
            answer.archived.len(),
            answer.already_archived
        )),
        (None, None) => out.result(&format!(
            "nothing to restore: {} has no archive; its folder is unpacked",
            args.restore.map(|m| m.to_string()).unwrap_or_default()
        )),
    }
    Ok(())
}

/// The first month left unpacked: the month of `now` (local) minus `older_than` months.
fn cutoff(now: Month, older_than: u32) -> Month {
    let index = i64::from(now.year) * 12 + i64::from(now.month) - 1 - i64::from(older_than);
    Month {
        year: i32::try_from(index.div_euclid(12)).unwrap_or(i32::MIN),
        month: u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
    }
}

fn pack(store: &Store, cutoff: Month, dry_run: bool) -> Result<ArchiveAnswer> {
    let (folders, archives) = store.session_months()?;
    // what killed unpackings left beside archived months (packing tidies its own months)
    archives.iter().for_each(|m| store.tidy_month(*m));
    let mut archived = Vec::new();
    for month in folders.into_iter().filter(|m| *m < cutoff) {
        archived.extend(store.pack_month(month, dry_run)?);
    }
    // a month whose folder an interrupted run left beside its archive is counted once, as
    // finished by this run
    let finished = archived.iter().filter(|p| p.finished_interrupted).count();
    let already = archives.iter().filter(|m| **m < cutoff).count();
    Ok(ArchiveAnswer {
        dry_run,
        cutoff: Some(cutoff.to_string()),
        archived,
        restored: None,
        already_archived: already.saturating_sub(finished),
    })
}

fn restore(store: &Store, month: Month, dry_run: bool) -> Result<ArchiveAnswer> {
    let restored = store.restore_month(month, dry_run)?;
    if restored.is_none() && !store.layout().month_dir(month).is_dir() {
        return Err(Error::Usage(format!(
            "--restore {month}: there is no {} (nor a folder {})",
            store
                .layout()
                .display(&store.layout().month_archive(month))
                .display(),
            store
                .layout()
                .display(&store.layout().month_dir(month))
                .display()
        )));
    }
    Ok(ArchiveAnswer {
        dry_run,
        cutoff: None,
        archived: Vec::new(),
        restored,
        already_archived: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_counts_calendar_months_back() {
        let nov = Month::parse("2026-11").unwrap();
        assert_eq!(cutoff(nov, 6).to_string(), "2026-05");
        assert_eq!(cutoff(nov, 11).to_string(), "2025-12");
        assert_eq!(cutoff(nov, 0).to_string(), "2026-11");
        assert_eq!(cutoff(nov, 120).to_string(), "2016-11");
    }
}
