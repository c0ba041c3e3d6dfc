//! The CSV form: one RFC 4180 file per table (`vehicles.csv`, `sessions.csv`, `samples.csv`,
//! `runs.csv`) with a header row, written by the `csv` crate as the site's `sessions.csv` is:
//! CRLF line ends, a text cell a spreadsheet would run as a formula neutralised
//! ([`crate::text::neutralise`]), numbers as they are, an empty cell for no value.

use super::{Tables, Value};
use crate::error::{Error, Result};
use crate::text::neutralise;

/// `(file name, bytes)` of every table's CSV file, in table order.
///
/// # Errors
/// [`Error::Usage`] naming the file when the `csv` crate fails (it does not, writing into
/// memory).
pub fn files(tables: &Tables) -> Result<Vec<(String, Vec<u8>)>> {
    tables
        .tables
        .iter()
        .map(|t| {
            let name = format!("{}.csv", t.schema.name);
            let bytes =
                table_csv(t).map_err(|e| Error::Usage(format!("cannot encode {name}: {e}")))?;
            Ok((name, bytes))
        })
        .collect()
}

fn table_csv(table: &super::Table) -> std::result::Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(table.schema.columns.iter().map(|c| c.name))?;
    for row in &table.rows {
        w.write_record(row.cells.iter().map(cell))?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

/// A cell's text: numbers as Rust prints them (shortest form that reads back the same).
fn cell(v: &Value) -> String {
    match v {
        Value::Text(t) => neutralise(t),
        Value::Int(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Null => String::new(),
    }
}
