//! The SQLite form: one file with the four tables, their primary and foreign keys, indexes for
//! the history queries (by local month, by vehicle), and an `info` table (schema version, time
//! zone, every column's meaning). Written through `rusqlite` with SQLite built in (`bundled`),
//! so no system library is needed. Rows go in in a fixed order, in one transaction, with no
//! time recorded anywhere: the same data gives the same bytes (with the same SQLite version).

use std::path::Path;

use rusqlite::{Connection, params_from_iter};

use super::schema::{ALL, TableSchema};
use super::{Kind, SCHEMA_VERSION, Table, Tables, Value};
use crate::error::{Error, Result};

/// The first 16 bytes of every SQLite 3 file.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether `path` is a file an earlier `cph50 export --format sqlite` (or the site) wrote: a
/// SQLite file whose `info` table has a `schema_version` row. Any other database, however
/// valid, is the user's and must not be replaced. Read only; an unreadable file is `false`.
pub fn is_export(path: &Path) -> bool {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return false;
    };
    conn.query_row(
        "SELECT value FROM info WHERE key = 'schema_version'",
        [],
        |row| row.get::<_, String>(0),
    )
    .is_ok()
}

/// Writes the SQLite file to `out`: into a temporary file beside it (`.cph50-XXXXXX.tmp`,
/// skipped by readers and deleted by the next writer if a kill leaves it), then renamed over
/// `out`. Returns (files, bytes) written.
///
/// # Errors
/// [`Error::Io`] naming the file when it cannot be created, written or renamed;
/// [`Error::Usage`] naming the table when SQLite refuses a statement (a bug).
pub fn write_file(tables: &Tables, out: &Path) -> Result<(usize, u64)> {
    let dir = crate::fsio::parent_of(out);
    let tmp = tempfile::Builder::new()
        .prefix(".cph50-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("create temporary file in", &dir, e))?;
    fill(tmp.path(), tables)?;
    // readable like any file the user writes (a temporary file is created 0600)
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io("set permissions of", tmp.path(), e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("sync", tmp.path(), e))?;
    let bytes = tmp
        .as_file()
        .metadata()
        .map_err(|e| Error::io("read size of", tmp.path(), e))?
        .len();
    tmp.persist(out)
        .map_err(|e| Error::io("rename temporary file to", out, e.error))?;
    Ok((1, bytes))
}

/// The SQLite file's bytes (for the site's download), made in a temporary file.
///
/// # Errors
/// As [`write_file`], naming the temporary file.
pub fn to_bytes(tables: &Tables) -> Result<Vec<u8>> {
    let tmp = tempfile::Builder::new()
        .prefix(".cph50-")
        .suffix(".tmp")
        .tempfile()
        .map_err(|e| Error::io("create temporary file in", std::env::temp_dir(), e))?;
    fill(tmp.path(), tables)?;
    std::fs::read(tmp.path()).map_err(|e| Error::io("read", tmp.path(), e))
}

/// Creates the schema in the empty file at `path` and inserts every row.
fn fill(path: &Path, tables: &Tables) -> Result<()> {
    let sql_err = |what: String| move |e: rusqlite::Error| Error::Usage(format!("{what}: {e}"));
    let shown = path.display().to_string();
    let mut conn = Connection::open(path).map_err(sql_err(format!("open SQLite file {shown}")))?;
    // No journal file beside the output, no sync of a file that is copied or renamed into
    // place by our own crash-safe writes afterwards, and the keys checked as rows go in.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
    )
    .map_err(sql_err(format!("set up {shown}")))?;
    let tx = conn
        .transaction()
        .map_err(sql_err(format!("begin writing {shown}")))?;
    tx.execute_batch(&info_ddl())
        .map_err(sql_err("create table info".into()))?;
    insert_info(&tx, tables).map_err(sql_err("fill table info".into()))?;
    for table in &tables.tables {
        let name = table.schema.name;
        tx.execute_batch(&create_table(table.schema))
            .map_err(sql_err(format!("create table {name}")))?;
        insert_rows(&tx, table).map_err(sql_err(format!("fill table {name}")))?;
        for index in table.schema.indexes {
            tx.execute_batch(index)
                .map_err(sql_err(format!("index table {name}")))?;
        }
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(sql_err(format!("set user_version of {shown}")))?;
    tx.commit().map_err(sql_err(format!("commit {shown}")))?;
    conn.close()
        .map_err(|(_, e)| Error::Usage(format!("close {shown}: {e}")))?;
    Ok(())
}

/// `CREATE TABLE` of one table.
pub fn create_table(t: &TableSchema) -> String {
    let mut lines: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            let ty = match c.kind {
                Kind::Text => "TEXT",
                Kind::Int => "INTEGER",
                Kind::Real => "REAL",
            };
            let null = if c.nullable { "" } else { " NOT NULL" };
            format!("  {} {ty}{null}", c.name)
        })
        .collect();
    lines.extend(t.constraints.iter().map(|c| format!("  {c}")));
    format!("CREATE TABLE {} (\n{}\n)", t.name, lines.join(",\n"))
}

/// The `info` table: `(key, value)` pairs, and one `column:<table>.<name>` row per column
/// giving what it holds.
fn info_ddl() -> String {
    "CREATE TABLE info (\n  key TEXT NOT NULL PRIMARY KEY,\n  value TEXT NOT NULL\n)".into()
}

fn insert_info(tx: &rusqlite::Transaction, tables: &Tables) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare("INSERT INTO info (key, value) VALUES (?1, ?2)")?;
    stmt.execute(["schema_version", &SCHEMA_VERSION.to_string()])?;
    stmt.execute(["tz", &tables.tz])?;
    for t in ALL {
        for c in t.columns {
            stmt.execute([format!("column:{}.{}", t.name, c.name), c.doc.to_owned()])?;
        }
    }
    Ok(())
}

fn insert_rows(tx: &rusqlite::Transaction, table: &Table) -> rusqlite::Result<()> {
    let cols = table.schema.columns;
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let mut stmt = tx.prepare(&format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.schema.name,
        names.join(", "),
        marks.join(", ")
    ))?;
    for row in &table.rows {
        stmt.execute(params_from_iter(row.cells.iter().map(to_sql)))?;
    }
    Ok(())
}

fn to_sql(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Text(t) => V::Text(t.clone()),
        Value::Int(i) => V::Integer(*i),
        Value::Real(r) => V::Real(*r),
        Value::Null => V::Null,
    }
}
