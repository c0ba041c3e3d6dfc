//! The Parquet form, through the Apache Arrow Rust crates: `sessions/` and `samples/`
//! partitioned by the session's local year and month in the Hive layout
//! (`sessions/year=2026/month=01/part-0.parquet`), `vehicles/` and `runs/` one file each, so
//! DuckDB, Polars, Spark or BigQuery read each folder as one table
//! (`read_parquet('out/sessions/**/*.parquet', hive_partitioning = true)`). The partition
//! columns `year` and `month` are in the folder names only, as Hive readers expect.
//!
//! Bytes are deterministic: rows in a fixed order, Snappy compression (pure Rust), a fixed
//! `created_by`, no time in any metadata.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{Kind, Row, Table, Tables, Value};
use crate::error::{Error, Result};

/// The `created_by` of every file: the writer's name without a version, so an upgrade of the
/// Parquet crate alone does not change the bytes of an unchanged export.
pub const CREATED_BY: &str = "cph50 export";

/// Rows per row group: a month of sessions or samples is one group.
const ROW_GROUP: usize = 1 << 20;

/// `(relative path, bytes)` of every Parquet file, in path order.
///
/// # Errors
/// [`Error::Usage`] naming the file when Arrow or Parquet refuse the data (a bug: the columns
/// are built from the schema).
pub fn files(tables: &Tables) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for table in &tables.tables {
        let name = table.schema.name;
        if table.schema.partitioned {
            let mut parts: BTreeMap<(i32, u32), Vec<&Row>> = BTreeMap::new();
            for row in &table.rows {
                parts
                    .entry(row.part.unwrap_or((0, 0)))
                    .or_default()
                    .push(row);
            }
            for ((year, month), rows) in parts {
                let path = format!("{name}/year={year:04}/month={month:02}/part-0.parquet");
                out.push((path.clone(), encode(table, &rows, &path)?));
            }
        } else {
            let path = format!("{name}/part-0.parquet");
            let rows: Vec<&Row> = table.rows.iter().collect();
            out.push((path.clone(), encode(table, &rows, &path)?));
        }
    }
    Ok(out)
}

/// One Parquet file of `rows`.
fn encode(table: &Table, rows: &[&Row], path: &str) -> Result<Vec<u8>> {
    let bad = |e: &dyn std::fmt::Display| Error::Usage(format!("cannot encode {path}: {e}"));
    let columns = table.schema.columns;
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| {
                let ty = match c.kind {
                    Kind::Text => DataType::Utf8,
                    Kind::Int => DataType::Int64,
                    Kind::Real => DataType::Float64,
                };
                Field::new(c.name, ty, c.nullable)
            })
            .collect::<Vec<_>>(),
    ));
    let arrays: Vec<ArrayRef> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| array(c.kind, rows.iter().map(|r| r.cells.get(i))))
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| bad(&e))?;
    let props = WriterProperties::builder()
        .set_created_by(CREATED_BY.to_owned())
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build();
    let mut buf = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buf, schema, Some(props)).map_err(|e| bad(&e))?;
    writer.write(&batch).map_err(|e| bad(&e))?;
    writer.close().map_err(|e| bad(&e))?;
    Ok(buf)
}

/// One column as an Arrow array; a cell of another kind than the column's is a null.
fn array<'a>(kind: Kind, cells: impl Iterator<Item = Option<&'a Value>>) -> ArrayRef {
    match kind {
        Kind::Text => Arc::new(
            cells
                .map(|v| match v {
                    Some(Value::Text(t)) => Some(t.as_str()),
                    _ => None,
                })
                .collect::<StringArray>(),
        ),
        Kind::Int => Arc::new(
            cells
                .map(|v| match v {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                })
                .collect::<Int64Array>(),
        ),
        Kind::Real => Arc::new(
            cells
                .map(|v| match v {
                    Some(Value::Real(r)) => Some(*r),
                    _ => None,
                })
                .collect::<Float64Array>(),
        ),
    }
}
