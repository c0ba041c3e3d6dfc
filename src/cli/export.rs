//! Options of `cph50 export`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// The format of `cph50 export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One SQLite file: tables vehicles, sessions, samples, runs and info, with keys and
    /// indexes.
    Sqlite,
    /// A folder of Parquet files, sessions/ and samples/ partitioned by local year and month
    /// (Hive layout: sessions/year=2026/month=01/part-0.parquet).
    Parquet,
    /// A folder of CSV files, one per table.
    Csv,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The form to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// Where to write: a file for sqlite, a folder for parquet and csv. It is replaced as a
    /// whole, but only when it is an earlier export (or absent, or an empty folder).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Print one JSON object (format, out, rows per table, files, bytes) on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Examples and exit codes of `cph50 export --help`.
pub const EXPORT_AFTER_HELP: &str = "\
Examples:
  cph50 export --format sqlite --out cph50.sqlite
  sqlite3 cph50.sqlite \"SELECT local_month, sum(energy_kwh) FROM sessions GROUP BY 1\"
  cph50 export --format parquet --out export
  duckdb -c \"SELECT year, month, sum(cost) FROM 'export/sessions/**/*.parquet' GROUP BY ALL\"
  cph50 export --format csv --out export-csv --json

The schema (every table and column, with units) is in the README's \"Export\" section and in
the SQLite file's info table. Exit codes: 0 written, 1 the data does not read (the file and
field are named) or the output cannot be written, 2 bad usage (unknown format, an --out that
is the data folder, a git repository, or a file or folder that is not an earlier export).";
