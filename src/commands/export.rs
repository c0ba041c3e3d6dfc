//! `cph50 export`: the data as a SQLite file, a Hive-partitioned Parquet folder or CSV files.

use std::path::Path;

use serde::Serialize;

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Result, SettingsError};
use crate::export::{self, Format, MARKER};
use crate::output::Output;
use crate::settings::Settings;

/// The `--json` answer.
#[derive(Debug, Serialize)]
struct Answer {
    format: Format,
    out: String,
    rows: Vec<(String, usize)>,
    files: usize,
    bytes: u64,
}

/// Runs `cph50 export`.
///
/// # Errors
/// [`SettingsError::Flags`] (exit 2) for an `--out` that would destroy something else (the
/// data folder, the working folder, a git repository, a file or folder that is not an earlier
/// export); [`crate::error::Error::Data`] naming the file and field when the data does not
/// read or `validate` refuses it; [`crate::error::Error::Io`] naming the path when the export
/// cannot be written. Nothing is changed at `--out` on any failure.
pub fn run(settings: &Settings, out: &Output, args: &ExportArgs) -> Result<()> {
    let format = match args.format {
        ExportFormat::Sqlite => Format::Sqlite,
        ExportFormat::Parquet => Format::Parquet,
        ExportFormat::Csv => Format::Csv,
    };
    refuse_out(format, &args.out, &settings.data)?;
    super::build::refuse_invalid_data(settings)?;
    let tables = crate::render::database::read_tables(
        &settings.data,
        settings.tz,
        settings.numbers.currency(),
    )?;
    let report = export::write(format, &tables, &args.out)?;
    if args.json {
        return super::print_json(
            out,
            &Answer {
                format,
                out: args.out.display().to_string(),
                rows: report.rows,
                files: report.files,
                bytes: report.bytes,
            },
        );
    }
    let rows: Vec<String> = report
        .rows
        .iter()
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    out.result(&format!(
        "exported {} ({}: {}; {} file(s), {} KB)",
        args.out.display(),
        format_name(format),
        rows.join(", "),
        report.files,
        report.bytes / 1024
    ));
    Ok(())
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Sqlite => "sqlite",
        Format::Parquet => "parquet",
        Format::Csv => "csv",
    }
}

/// Refuses an `--out` whose replacement would destroy something that is not an earlier export:
/// the data folder (or a path inside it or around it), the working folder, a git repository,
/// a file that is not a SQLite file (`--format sqlite`), a folder without `cph50-export.json`.
fn refuse_out(format: Format, target: &Path, data: &Path) -> Result<()> {
    let inputs = [("data", data)];
    match format {
        Format::Sqlite => {
            let shown = target.display();
            if target.is_dir() {
                return Err(SettingsError::Flags(format!(
                    "--out {shown} is a folder; --format sqlite writes one file: choose a file name such as cph50.sqlite"
                ))
                .into());
            }
            super::refuse_to_replace("--out", target, &inputs, |_| false)?;
            let is_sqlite = |p: &Path| {
                let mut head = [0u8; 16];
                std::fs::File::open(p)
                    .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                    .is_ok_and(|()| &head == export::sqlite::MAGIC)
            };
            if target.exists() && !is_sqlite(target) {
                return Err(SettingsError::Flags(format!(
                    "--out {shown} would be replaced, but it is not a SQLite file; choose another --out"
                ))
                .into());
            }
            if target.exists() && !export::sqlite::is_export(target) {
                return Err(SettingsError::Flags(format!(
                    "--out {shown} would be replaced, but it is a SQLite database that cph50 export did not write (no info.schema_version); choose another --out"
                ))
                .into());
            }
            refuse_missing_parent(target)
        }
        Format::Parquet | Format::Csv => {
            if target.exists() && !target.is_dir() {
                return Err(SettingsError::Flags(format!(
                    "--out {} is a file; --format {} writes a folder: choose a folder name",
                    target.display(),
                    format_name(format)
                ))
                .into());
            }
            super::refuse_to_replace("--out", target, &inputs, |dir| dir.join(MARKER).is_file())?;
            refuse_missing_parent(target)
        }
    }
}

/// Every format writes beside `--out`: its folder must exist (no folder is made on the way,
/// as `cp` or `sqlite3` would not either).
///
/// # Errors
/// [`SettingsError::Flags`] naming the missing folder.
fn refuse_missing_parent(target: &Path) -> Result<()> {
    let parent = crate::fsio::parent_of(target);
    if parent.as_os_str().is_empty() || parent.is_dir() {
        return Ok(());
    }
    Err(SettingsError::Flags(format!(
        "--out {}: the folder {} does not exist; make it first",
        target.display(),
        parent.display()
    ))
    .into())
}
