//! `cph50 export`: a derived, reproducible database form of the data for the tools people
//! already use (the JSON under `data/` stays the source of truth). The tables and their columns
//! are described once, in [`schema`]; each format writes them its way: [`sqlite`] (one file,
//! keys and indexes), [`parquet`] (a Hive-partitioned folder for DuckDB, Polars, Spark,
//! BigQuery) and [`csv`] (one file per table). The same data always gives the same bytes.
//!
//! This module knows tables, not the data folder: the renderer fills them from the data it has
//! read and checked (`render::database`), so an export and the site show the same numbers.

pub mod csv;
pub mod parquet;
pub mod schema;
pub mod sqlite;

use std::path::Path;

use crate::error::{Error, Result};

/// The version of the tables' layout: SQLite's `PRAGMA user_version`, the `schema_version` of
/// `info` and of a folder's `cph50-export.json`. It goes up when a column changes meaning, is
/// renamed or removed.
pub const SCHEMA_VERSION: i64 = 1;

/// The marker file of an exported folder (Parquet, CSV): how a later export knows the folder
/// at `--out` is one it may replace.
pub const MARKER: &str = "cph50-export.json";

/// A column's storage type: SQLite's type affinity, Arrow's type, CSV's text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text (SQLite `TEXT`, Arrow `Utf8`).
    Text,
    /// 64-bit integer (SQLite `INTEGER`, Arrow `Int64`).
    Int,
    /// 64-bit float (SQLite `REAL`, Arrow `Float64`).
    Real,
}

/// One column of a table, with the unit in its name or its doc.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name (`energy_kwh`: the unit is the suffix).
    pub name: &'static str,
    /// Storage type.
    pub kind: Kind,
    /// Whether the column may be empty (SQL `NULL`, Arrow null, an empty CSV cell).
    pub nullable: bool,
    /// What the column holds, for the README and the `info` table.
    pub doc: &'static str,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// Float.
    Real(f64),
    /// No value.
    Null,
}

impl Value {
    /// `Some(text)` as [`Value::Text`], `None` as [`Value::Null`].
    pub fn opt_text(v: Option<impl Into<String>>) -> Self {
        v.map_or(Self::Null, |t| Self::Text(t.into()))
    }

    /// `Some(x)` as [`Value::Real`], `None` as [`Value::Null`].
    pub fn opt_real(v: Option<f64>) -> Self {
        v.map_or(Self::Null, Self::Real)
    }
}

/// One row: its cells in column order, and for a partitioned table the (local year, month)
/// it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Cells, one per column of the table.
    pub cells: Vec<Value>,
    /// Partition: the local year and month (1..=12) of the session; `None` for tables that are
    /// not partitioned.
    pub part: Option<(i32, u32)>,
}

/// A table to export: its schema and its rows, in a fixed order.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's schema.
    pub schema: &'static schema::TableSchema,
    /// Rows, in export order.
    pub rows: Vec<Row>,
}

/// Every table of an export, in the order they are written (referenced tables first).
#[derive(Debug, Clone)]
pub struct Tables {
    /// The IANA zone of every local date and time.
    pub tz: String,
    /// `vehicles`, `sessions`, `samples`, `runs`.
    pub tables: Vec<Table>,
}

/// What [`write`] produced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The format written.
    pub format: Format,
    /// Rows per table, in table order.
    pub rows: Vec<(String, usize)>,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// The formats `cph50 export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One SQLite file with keys and indexes.
    Sqlite,
    /// A folder of Parquet files, sessions and samples partitioned by local year and month.
    Parquet,
    /// A folder of CSV files, one per table.
    Csv,
}

/// Writes `tables` in `format` to `out` atomically: a SQLite file is written beside `out` and
/// renamed over it; a folder is written in a staging folder beside `out` and swapped in whole
/// (see [`crate::fsio::replace_dir`]), so `out` is always the old export or the new one.
///
/// # Errors
/// [`Error::Io`] naming the file or folder that could not be written; [`Error::Usage`] naming
/// the file when a library refuses the data (a bug: the tables are plain values).
pub fn write(format: Format, tables: &Tables, out: &Path) -> Result<Report> {
    let (files, bytes) = match format {
        Format::Sqlite => sqlite::write_file(tables, out)?,
        Format::Parquet | Format::Csv => write_folder(format, tables, out)?,
    };
    Ok(Report {
        format,
        rows: tables
            .tables
            .iter()
            .map(|t| (t.schema.name.to_owned(), t.rows.len()))
            .collect(),
        files,
        bytes,
    })
}

/// A folder export: every file rendered in memory, then written into a staging folder and
/// swapped in. Returns the files and bytes written.
fn write_folder(format: Format, tables: &Tables, out: &Path) -> Result<(usize, u64)> {
    let mut files = match format {
        Format::Parquet => parquet::files(tables)?,
        _ => csv::files(tables)?,
    };
    let marker = serde_json::json!({
        "format": format,
        "schema_version": SCHEMA_VERSION,
        "tz": tables.tz,
    });
    let mut marker = serde_json::to_vec_pretty(&marker)
        .map_err(|e| Error::Usage(format!("cannot encode {MARKER}: {e}")))?;
    marker.push(b'\n');
    files.push((MARKER.to_owned(), marker));
    let _lock = crate::fsio::lock::FolderLock::acquire(out)?;
    let staging = crate::fsio::staging_dir(out, "export")?;
    let mut bytes = 0u64;
    for (rel, content) in &files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
        }
        std::fs::write(&path, content).map_err(|e| Error::io("write", &path, e))?;
        bytes += content.len() as u64;
    }
    crate::fsio::replace_dir(staging, out)?;
    Ok((files.len(), bytes))
}
