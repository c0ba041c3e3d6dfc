//! `cph50 export`: every format read back by an independent reader (the `sqlite3` tool,
//! DuckDB from PyPI) and checked against totals computed here from the JSON data files; the
//! same data gives the same bytes; bad usage is exit 2 and changes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Demo, cph50, require, require_tool, snapshot};

/// Per local month: sessions, energy (kWh), cost.
type Totals = BTreeMap<String, (u64, f64, f64)>;

/// The totals per local month, straight from the data files: every entry of
/// `session_cache/YYYY-MM.json` counts in that month, and a session file without a cache
/// entry counts in its folder's month with the most energy its samples reached.
fn json_totals(data: &Path) -> (Totals, usize) {
    let mut totals = Totals::new();
    let mut cached = std::collections::BTreeSet::new();
    for entry in fs::read_dir(data.join("session_cache")).unwrap() {
        let path = entry.unwrap().path();
        let month = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let entries: Vec<Value> = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        for e in entries {
            cached.insert(e["session_id"].as_str().unwrap().to_owned());
            let t = totals.entry(month.clone()).or_default();
            t.0 += 1;
            t.1 += e["session"]["energy_kwh"].as_f64().unwrap();
            t.2 += e["session"]["cost"].as_f64().unwrap_or(0.0);
        }
    }
    let mut samples = 0;
    for f in walkdir::WalkDir::new(data.join("sessions")) {
        let f = f.unwrap();
        if !f.file_type().is_file() {
            continue;
        }
        let s: Value = serde_json::from_slice(&fs::read(f.path()).unwrap()).unwrap();
        let list = s["samples"].as_array().unwrap();
        samples += list.len();
        let id = s["session_id"].as_str().unwrap();
        if !cached.contains(id) {
            let rel: Vec<String> = f
                .path()
                .strip_prefix(data.join("sessions"))
                .unwrap()
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            let t = totals.entry(format!("{}-{}", rel[0], rel[1])).or_default();
            t.0 += 1;
            t.1 += list
                .iter()
                .filter_map(|x| x["energy_kwh"].as_f64())
                .fold(0.0, f64::max);
        }
    }
    (totals, samples)
}

fn assert_totals(reader: &str, got: &Totals, want: &Totals) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{reader}: months"
    );
    for (month, (n, kwh, cost)) in want {
        let (gn, gkwh, gcost) = got[month];
        assert_eq!(gn, *n, "{reader}: sessions of {month}");
        assert!(
            (gkwh - kwh).abs() < 1e-6,
            "{reader}: energy of {month}: {gkwh} != {kwh}"
        );
        assert!(
            (gcost - cost).abs() < 1e-6,
            "{reader}: cost of {month}: {gcost} != {cost}"
        );
    }
}

/// `month|count|energy|cost` lines as [`Totals`].
fn parse_totals(text: &str) -> Totals {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim().split('|').collect();
            (
                f[0].to_owned(),
                (
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                ),
            )
        })
        .collect()
}

fn export(demo: &Demo, format: &str, out: &str) {
    cph50(demo.root())
        .args(["export", "--format", format, "--out", out])
        .assert()
        .success();
}

fn sqlite3(db: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn runs_in(data: &Path) -> usize {
    let runs: Value = serde_json::from_slice(&fs::read(data.join("runs.json")).unwrap()).unwrap();
    runs["runs"].as_array().unwrap().len()
}

#[test]
fn the_sqlite_export_reads_back_in_sqlite3_with_the_json_totals() {
    if !require_tool("sqlite3") {
        return;
    }
    let demo = Demo::new(3);
    export(&demo, "sqlite", "cph50.sqlite");
    let db = demo.root().join("cph50.sqlite");
    let (want, samples) = json_totals(&demo.data());
    let got = sqlite3(
        &db,
        "SELECT local_month, count(*), sum(energy_kwh), coalesce(sum(cost), 0) \
         FROM sessions GROUP BY local_month ORDER BY local_month",
    );
    assert_totals("sqlite3", &parse_totals(&got), &want);
    let counts = sqlite3(
        &db,
        "PRAGMA user_version; SELECT count(*) FROM samples; SELECT count(*) FROM runs; \
         SELECT count(*) FROM sessions s JOIN vehicles v USING (vehicle_id); \
         SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' \
         AND name NOT LIKE 'sqlite_%' ORDER BY name); PRAGMA foreign_key_check;",
    );
    let lines: Vec<&str> = counts.lines().collect();
    let sessions: u64 = want.values().map(|t| t.0).sum();
    assert_eq!(
        lines,
        [
            "1".to_owned(),
            samples.to_string(),
            runs_in(&demo.data()).to_string(),
            sessions.to_string(),
            "runs_by_date,sessions_by_date,sessions_by_month,sessions_by_vehicle".to_owned(),
        ],
        "user_version, samples, runs, sessions with their vehicle, indexes, broken keys"
    );
}

/// Runs `script` with Python's duckdb module in `cwd`; `None` (after SKIPPED) without it.
fn duckdb(cwd: &Path, script: &str) -> Option<String> {
    let has = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !require(
        "duckdb (the Python module)",
        has,
        "python3 -m pip install duckdb (what .ci/run does)",
    ) {
        return None;
    }
    let out = Command::new("python3")
        .args(["-c", script])
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

const DUCKDB_TOTALS: &str = r#"
import duckdb
def show(sql):
    for r in duckdb.sql(sql).fetchall():
        print("|".join(str(x) for x in r))
show("""SELECT printf('%04d-%02d', year::INT, month::INT), count(*), sum(energy_kwh),
        coalesce(sum(cost), 0)
        FROM read_parquet('pq/sessions/**/*.parquet', hive_partitioning = true)
        GROUP BY ALL ORDER BY 1""")
print("--")
show("""SELECT local_month, count(*), sum(energy_kwh), coalesce(sum(cost), 0)
        FROM read_csv('csv/sessions.csv') GROUP BY ALL ORDER BY 1""")
print("--")
show("""SELECT
  (SELECT count(*) FROM read_parquet('pq/samples/**/*.parquet', hive_partitioning = true)),
  (SELECT count(*) FROM read_csv('csv/samples.csv')),
  (SELECT count(*) FROM read_parquet('pq/runs/*.parquet')),
  (SELECT count(*) FROM read_csv('csv/runs.csv')),
  (SELECT count(*) FROM read_parquet('pq/sessions/**/*.parquet', hive_partitioning = true)
   WHERE local_month <> printf('%04d-%02d', year::INT, month::INT))""")
"#;

#[test]
fn parquet_and_csv_exports_read_back_in_duckdb_with_the_json_totals() {
    let demo = Demo::new(3);
    export(&demo, "parquet", "pq");
    export(&demo, "csv", "csv");
    assert!(
        demo.root()
            .join("pq/sessions/year=2026/month=10/part-0.parquet")
            .is_file(),
        "Hive layout: sessions/year=YYYY/month=MM/part-0.parquet"
    );
    let Some(out) = duckdb(demo.root(), DUCKDB_TOTALS) else {
        return;
    };
    let parts: Vec<&str> = out.split("--\n").collect();
    let (want, samples) = json_totals(&demo.data());
    assert_totals("duckdb over parquet", &parse_totals(parts[0]), &want);
    assert_totals("duckdb over csv", &parse_totals(parts[1]), &want);
    let runs = runs_in(&demo.data());
    assert_eq!(
        parts[2].trim(),
        format!("{samples}|{samples}|{runs}|{runs}|0"),
        "samples (parquet, csv), runs (parquet, csv), rows in the wrong partition"
    );
}

fn bytes_of(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    if path.is_dir() {
        snapshot(path)
    } else {
        vec![(PathBuf::new(), fs::read(path).unwrap())]
    }
}

#[test]
fn the_same_data_gives_the_same_bytes_and_the_site_publishes_the_sqlite_file() {
    let demo = Demo::new(2);
    for (format, a, b) in [
        ("sqlite", "a.sqlite", "b.sqlite"),
        ("parquet", "pa", "pb"),
        ("csv", "ca", "cb"),
    ] {
        export(&demo, format, a);
        export(&demo, format, b);
        let first = bytes_of(&demo.root().join(a));
        assert!(!first.is_empty());
        assert!(
            first == bytes_of(&demo.root().join(b)),
            "{format}: two exports differ"
        );
        // a second export over the first replaces it with the same bytes
        export(&demo, format, a);
        assert!(
            first == bytes_of(&demo.root().join(a)),
            "{format}: re-export differs"
        );
    }
    cph50(demo.root())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    assert!(
        fs::read(demo.root().join("site/data/cph50.sqlite")).unwrap()
            == fs::read(demo.root().join("a.sqlite")).unwrap(),
        "the site's data/cph50.sqlite is the export's file"
    );
}

#[test]
fn bad_usage_is_exit_2_naming_the_flag_and_writes_nothing() {
    let demo = Demo::new(1);
    let root = demo.root();
    fs::write(root.join("notes.txt"), "mine").unwrap();
    fs::create_dir_all(root.join("repo/.git")).unwrap();
    fs::create_dir_all(root.join("photos")).unwrap();
    fs::write(root.join("photos/cat.jpg"), "jpeg").unwrap();
    // a database of the user's: valid SQLite, but no export of cph50's
    let theirs = rusqlite::Connection::open(root.join("mine.sqlite")).unwrap();
    theirs
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
        .unwrap();
    drop(theirs);
    let ours = |files: Vec<(PathBuf, Vec<u8>)>| -> Vec<(PathBuf, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(p, _)| !p.to_string_lossy().contains(".cph50-"))
            .collect()
    };
    let before = ours(snapshot(root));
    for (format, out, says) in [
        ("xml", "x", "--format"),
        ("sqlite", "data", "--out"),
        ("parquet", "data", "--out"),
        ("sqlite", "data/cph50.sqlite", "--out"),
        ("csv", ".", "--out"),
        ("parquet", "repo", "--out"),
        ("sqlite", "notes.txt", "--out"),
        ("csv", "photos", "--out"),
        ("parquet", "notes.txt", "--out"),
        ("sqlite", "mine.sqlite", "cph50 export did not write"),
        (
            "sqlite",
            "missing/x.sqlite",
            "the folder missing does not exist",
        ),
        ("parquet", "missing/x", "the folder missing does not exist"),
    ] {
        let run = cph50(root)
            .args(["export", "--format", format, "--out", out])
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error:") && first.contains(says),
            "{format} {out}: {err}"
        );
    }
    let after = ours(snapshot(root));
    assert!(before == after, "a refused export changed files");
}

#[test]
fn the_readme_documents_every_exported_column() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("## Export: SQLite, Parquet, CSV")
        .expect("README has an Export section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for table in cph50::export::schema::ALL {
        let at = section
            .find(&format!("`{}`: `PRIMARY KEY", table.name))
            .unwrap_or_else(|| panic!("README: no keys line for table {}", table.name));
        // the column table sits just above the table's keys line
        let above = &section[..at];
        let block = &above[above.rfind("| column | type | meaning |").unwrap()..];
        for c in table.columns {
            assert!(
                block.contains(&format!("| `{}` |", c.name)),
                "README's {} table lacks column {}",
                table.name,
                c.name
            );
        }
    }
}
