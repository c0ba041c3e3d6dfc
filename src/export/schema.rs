//! The exported tables, described once: every format writes these columns, in this order, and
//! the README's "Export" section documents them. Units are in the column names (`_kwh`, `_kw`,
//! `_s`, `_mi`); times are ISO 8601 text, `_utc` in UTC (`2026-01-05T22:10:00Z`), `_local` in
//! the zone of the `info` table (`2026-01-05T14:10:00`).

use super::{Column, Kind};

/// A table's name, columns, keys and indexes.
#[derive(Debug)]
pub struct TableSchema {
    /// Table name (also the CSV file's and the Parquet folder's).
    pub name: &'static str,
    /// Columns in order.
    pub columns: &'static [Column],
    /// SQL table constraints after the columns (`PRIMARY KEY (...)`, `FOREIGN KEY ...`).
    pub constraints: &'static [&'static str],
    /// `CREATE INDEX` statements for the history queries.
    pub indexes: &'static [&'static str],
    /// Whether the Parquet form is partitioned by the session's local year and month.
    pub partitioned: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool, doc: &'static str) -> Column {
    Column {
        name,
        kind,
        nullable,
        doc,
    }
}

use Kind::{Int, Real, Text};

/// `vehicles`: the household's cars from `vehicle_config.json`, and `unknown` for sessions no
/// car was named for.
pub static VEHICLES: TableSchema = TableSchema {
    name: "vehicles",
    columns: &[
        col(
            "vehicle_id",
            Text,
            false,
            "vehicle id (`unknown` for unlabelled sessions)",
        ),
        col(
            "name",
            Text,
            false,
            "display name: nickname, else model, else the id",
        ),
        col("year", Int, true, "model year"),
        col("make", Text, true, "make"),
        col("model", Text, true, "model"),
        col("trim", Text, true, "trim"),
        col("battery_kwh", Real, true, "usable battery capacity, kWh"),
        col(
            "max_charge_rate_kw",
            Real,
            true,
            "the car's AC charging limit, kW",
        ),
        col(
            "efficiency_mi_per_kwh",
            Real,
            true,
            "miles per kWh, for `miles`",
        ),
        col(
            "display_color",
            Text,
            true,
            "the site's colour for the car (CSS)",
        ),
    ],
    constraints: &["PRIMARY KEY (vehicle_id)"],
    indexes: &[],
    partitioned: false,
};

/// `sessions`: one row per charging session (monthly cache joined with the session file).
pub static SESSIONS: TableSchema = TableSchema {
    name: "sessions",
    columns: &[
        col("session_id", Text, false, "ChargePoint session id (digits)"),
        col("start_utc", Text, false, "plug-in time, UTC"),
        col("end_utc", Text, true, "unplug time, UTC; empty while open"),
        col("start_local", Text, false, "plug-in time, local wall clock"),
        col("local_date", Text, false, "local plug-in date, YYYY-MM-DD"),
        col("local_month", Text, false, "local plug-in month, YYYY-MM"),
        col("duration_s", Int, false, "plugged-in time, seconds"),
        col("energy_kwh", Real, false, "energy delivered, kWh"),
        col(
            "cost",
            Real,
            true,
            "ChargePoint's amount, in the account's currency",
        ),
        col(
            "currency",
            Text,
            true,
            "ISO 4217 code of `cost` (the config file's `currency`); empty when `cost` is",
        ),
        col("peak_power_kw", Real, true, "highest power, kW"),
        col(
            "miles",
            Real,
            true,
            "estimated miles added (energy × efficiency)",
        ),
        col("vehicle_id", Text, false, "the car, a `vehicles` key"),
        col(
            "vehicle_confidence",
            Real,
            true,
            "confidence of the label, 0..1",
        ),
        col("labeled_by", Text, true, "`classifier` or `manual`"),
    ],
    constraints: &[
        "PRIMARY KEY (session_id)",
        "FOREIGN KEY (vehicle_id) REFERENCES vehicles (vehicle_id)",
    ],
    indexes: &[
        "CREATE INDEX sessions_by_month ON sessions (local_month, vehicle_id)",
        "CREATE INDEX sessions_by_vehicle ON sessions (vehicle_id, local_month)",
        "CREATE INDEX sessions_by_date ON sessions (local_date)",
    ],
    partitioned: true,
};

/// `samples`: the sampled power curve of the sessions that have a session file.
pub static SAMPLES: TableSchema = TableSchema {
    name: "samples",
    columns: &[
        col("session_id", Text, false, "the session, a `sessions` key"),
        col(
            "sample_index",
            Int,
            false,
            "0, 1, 2... in time order within the session",
        ),
        col("at_utc", Text, false, "reading time, UTC"),
        col(
            "power_kw",
            Real,
            true,
            "power, kW; empty for a failed reading",
        ),
        col("energy_kwh", Real, true, "energy since plug-in, kWh"),
    ],
    constraints: &[
        "PRIMARY KEY (session_id, sample_index)",
        "FOREIGN KEY (session_id) REFERENCES sessions (session_id)",
    ],
    indexes: &[],
    partitioned: true,
};

/// `runs`: one row per daily-start run of `runs.json`, in file order.
pub static RUNS: TableSchema = TableSchema {
    name: "runs",
    columns: &[
        col(
            "run_number",
            Int,
            false,
            "1, 2, 3... in the order of runs.json",
        ),
        col("run_id", Text, false, "GITHUB_RUN_ID, or a local id"),
        col("at_utc", Text, false, "run time, UTC"),
        col(
            "local_date",
            Text,
            false,
            "local date of the run, YYYY-MM-DD",
        ),
        col("local_time", Text, false, "local time of the run, HH:MM:SS"),
        col("result", Text, false, "`success`, `failure` or `other`"),
        col("run_type", Text, false, "`scheduled` or `manual-start`"),
        col("reason", Text, false, "one sentence saying why"),
        col(
            "polling_duration_s",
            Real,
            true,
            "seconds spent waiting and confirming",
        ),
    ],
    constraints: &["PRIMARY KEY (run_number)"],
    indexes: &["CREATE INDEX runs_by_date ON runs (local_date)"],
    partitioned: false,
};

/// Every table, in write order (a referenced table before the tables that reference it).
pub static ALL: [&TableSchema; 4] = [&VEHICLES, &SESSIONS, &SAMPLES, &RUNS];
