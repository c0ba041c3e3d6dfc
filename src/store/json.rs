//! Reading and writing JSON the one way cph50 does it: decode with the field path and the
//! position in every error; write 2-space pretty JSON with a trailing newline, atomically.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};

/// Decodes `bytes` (the content of `path`) into `T`, or describes the first problem with its
/// JSON pointer, line and column. `path` is only used in the message.
///
/// # Errors
/// A [`Problem`] naming `path` when the bytes start with a UTF-8 BOM, are empty or blank, are
/// not JSON, have trailing data, or a field does not fit `T` (pointer, line and column then).
pub fn decode<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, Problem> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Problem::field(
            path,
            "",
            Some((1, 1)),
            "file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM",
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::field(
            path,
            "",
            None,
            "file is empty; expected a JSON document",
        ));
    }
    crate::decode::decode(bytes).map_err(|e| Problem {
        path: path.to_owned(),
        pointer: Some(e.pointer),
        position: e.position,
        message: e.message,
    })
}

/// The stable text of a value: 2-space pretty JSON, fields in model order, trailing newline.
///
/// # Errors
/// [`Error::Data`] naming `path` when serde_json cannot encode the value (a map whose keys are
/// not strings).
pub fn encode<T: Serialize>(path: &Path, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Data(Problem::file(path, format!("cannot encode as JSON: {e}"))))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically and stably (see [`crate::fsio::write_atomic`]);
/// returns whether the file changed.
///
/// # Errors
/// [`Error::Io`] naming the file or folder that could not be written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool> {
    Ok(crate::fsio::write_atomic(path, bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        kw: f64,
    }

    #[test]
    fn decode_names_pointer_line_and_column() {
        let text = b"{\n  \"items\": [\n    {\"kw\": 1.0},\n    {\"kw\": \"x\"}\n  ]\n}\n";
        let p = decode::<Doc>(Path::new("f.json"), text).unwrap_err();
        assert_eq!(p.pointer.as_deref(), Some("/items/1/kw"));
        assert_eq!(p.position, Some((4, 14)));
        assert!(p.message.contains("expected f64"), "{}", p.message);
        assert_eq!(
            p.to_string(),
            "f.json:4:14: field /items/1/kw: invalid type: string \"x\", expected f64"
        );
    }

    #[test]
    fn decode_reports_truncation_bom_and_empty() {
        let p = decode::<Doc>(Path::new("f.json"), b"{\"items\": [").unwrap_err();
        assert!(p.message.contains("truncated"), "{}", p.message);
        let p = decode::<Doc>(Path::new("f.json"), b"\xEF\xBB\xBF{}").unwrap_err();
        assert!(p.message.contains("byte order mark"));
        let p = decode::<Doc>(Path::new("f.json"), b"  \n").unwrap_err();
        assert!(p.message.contains("empty"));
    }

    #[test]
    fn decode_refuses_trailing_garbage() {
        let p = decode::<Doc>(Path::new("f.json"), b"{\"items\": []} x").unwrap_err();
        assert!(p.message.contains("trailing"), "{}", p.message);
    }
}
