//! Reading and writing JSON the one way cph50 does it: decode with the field path and the
//! position in every error; write 2-space pretty JSON with a trailing newline, atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};

/// Decodes `bytes` (the content of `path`) into `T`, or describes the first problem with its
/// JSON pointer, line and column. `path` is only used in the message.
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
pub fn encode<T: Serialize>(path: &Path, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Data(Problem::file(path, format!("cannot encode as JSON: {e}"))))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one: a
/// temporary file in the same folder, fsync, rename, then fsync of the folder. Creates the
/// folder when needed. Leaves the file untouched when its content is already `bytes`.
/// The file is readable by all (0644), like any file in a repository.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool> {
    write_atomic_mode(path, bytes, 0o644)
}

/// [`write_atomic`] for a file only its owner may read (0600): credentials.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<bool> {
    write_atomic_mode(path, bytes, 0o600)
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<bool> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".cph50-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set permissions of", tmp.path().to_owned(), e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", tmp.path().to_owned(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    // The rename is durable only once the folder entry is on disk.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(true)
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

    #[test]
    fn write_atomic_replaces_and_skips_identical_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        assert!(write_atomic(&path, b"{}\n").unwrap());
        assert!(!write_atomic(&path, b"{}\n").unwrap());
        assert!(write_atomic(&path, b"[]\n").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"[]\n");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
