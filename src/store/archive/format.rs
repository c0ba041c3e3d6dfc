//! The bytes of a month archive, `sessions/YYYY/MM.jsonl.gz`: gzip (level 6, mtime 0, no file
//! name) of JSON Lines. The first line is a header, `{"format": "cph50-sessions-archive",
//! "version": 1, "month": "YYYY-MM", "files": N}`; each of the N lines after it is one file of
//! the month folder, `{"path": "DD/<id>.json", "text": "<the file's exact text>"}`, in path
//! order. The same files give the same bytes, and `zcat MM.jsonl.gz | jq` reads it.

use std::io::{Read, Write};
use std::path::{Component, Path};

use flate2::Compression;
use flate2::GzBuilder;
use flate2::read::GzDecoder;
use serde::{Deserialize, Serialize};

use crate::store::layout::Month;
use crate::store::values::limits::MAX_FILE_BYTES;

/// The `format` of the header line.
pub const FORMAT: &str = "cph50-sessions-archive";
/// The `version` of the header line this cph50 writes and reads.
pub const VERSION: u32 = 1;
/// Most bytes one archive may hold once decompressed (all its files' text and the JSON around
/// it): 256 MiB, so a small hostile file cannot expand into gigabytes (a gzip bomb). A month
/// of one charger's sessions is a few MB.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The gzip level: fixed, so the same files always give the same bytes.
pub const LEVEL: u32 = 6;

/// One month's files, decoded: paths relative to the month folder (`DD/<id>.json`, `/`
/// separated), sorted, each with its exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// The month it holds.
    pub month: Month,
    /// (relative path, text), sorted by path, no two alike.
    pub entries: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    month: String,
    files: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    text: String,
}

impl Archive {
    /// The text of `rel`, when the archive holds it.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.entries
            .binary_search_by(|(p, _)| path_order(p, rel))
            .ok()
            .map(|i| self.entries[i].1.as_str())
    }

    /// Puts `text` at `rel` (a new entry, or in place of the old one); keeps the order.
    pub fn put(&mut self, rel: &str, text: String) {
        match self.entries.binary_search_by(|(p, _)| path_order(p, rel)) {
            Ok(i) => self.entries[i].1 = text,
            Err(i) => self.entries.insert(i, (rel.to_owned(), text)),
        }
    }

    /// Sorts the entries by path (component by component, as the folder walk sorts them).
    pub fn sort(&mut self) {
        self.entries.sort_by(|a, b| path_order(&a.0, &b.0));
    }

    /// The archive's bytes (see the module docs).
    ///
    /// # Errors
    /// A message when it would hold more than [`MAX_UNPACKED_BYTES`], or an entry more than
    /// `MAX_FILE_BYTES`, so that no reader would refuse it.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        let mut plain = Vec::new();
        let header = Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            month: self.month.to_string(),
            files: self.entries.len(),
        };
        push_line(&mut plain, &header)?;
        for (path, text) in &self.entries {
            check_entry(path, text.len())?;
            let entry = Entry {
                path: path.clone(),
                text: text.clone(),
            };
            push_line(&mut plain, &entry)?;
        }
        if plain.len() as u64 > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the month's files come to {} bytes; an archive holds at most {MAX_UNPACKED_BYTES} \
                 (MAX_UNPACKED_BYTES, 256 MiB)",
                plain.len()
            ));
        }
        let mut gz = GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), Compression::new(LEVEL));
        gz.write_all(&plain)
            .and_then(|()| gz.finish())
            .map_err(|e| format!("cannot compress: {e}"))
    }

    /// Decodes an archive's bytes; `month` is the month its name says.
    ///
    /// # Errors
    /// A message naming the line and the entry path when the gzip stream is truncated or
    /// corrupt, it expands past [`MAX_UNPACKED_BYTES`], a line is not the JSON expected, the
    /// header is of another format, version or month, the count is wrong, or an entry's path
    /// leaves the month folder, is a cph50 temporary name, or comes twice.
    pub fn decode(month: Month, bytes: &[u8]) -> Result<Self, String> {
        let mut plain = Vec::new();
        GzDecoder::new(bytes)
            .take(MAX_UNPACKED_BYTES + 1)
            .read_to_end(&mut plain)
            .map_err(|e| format!("not a readable gzip file (truncated or corrupt?): {e}"))?;
        if plain.len() as u64 > MAX_UNPACKED_BYTES {
            return Err(format!(
                "it expands past {MAX_UNPACKED_BYTES} bytes (MAX_UNPACKED_BYTES, 256 MiB); \
                 refused as a possible gzip bomb"
            ));
        }
        let text = String::from_utf8(plain).map_err(|e| format!("not UTF-8 text: {e}"))?;
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header: Header = match lines.next() {
            Some((n, line)) => parse_line(n, line)?,
            None => return Err("empty: expected a header line".to_owned()),
        };
        check_header(&header, month)?;
        let mut archive = Self {
            month,
            entries: Vec::with_capacity(header.files),
        };
        for (n, line) in lines {
            let entry: Entry = parse_line(n, line)?;
            check_entry(&entry.path, entry.text.len())
                .map_err(|m| format!("line {n}, entry {:?}: {m}", entry.path))?;
            archive.entries.push((entry.path, entry.text));
        }
        if archive.entries.len() != header.files {
            return Err(format!(
                "the header says {} files but {} follow (truncated?)",
                header.files,
                archive.entries.len()
            ));
        }
        archive.sort();
        if let Some(w) = archive.entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!("entry {:?} comes twice", w[0].0));
        }
        Ok(archive)
    }
}

fn push_line<T: Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), String> {
    serde_json::to_writer(&mut *out, value).map_err(|e| format!("cannot encode: {e}"))?;
    out.push(b'\n');
    Ok(())
}

fn parse_line<T: serde::de::DeserializeOwned>(n: usize, line: &str) -> Result<T, String> {
    serde_json::from_str(line).map_err(|e| format!("line {n}: not an archive line: {e}"))
}

fn check_header(h: &Header, month: Month) -> Result<(), String> {
    if h.format != FORMAT || h.version != VERSION {
        return Err(format!(
            "line 1: format {:?} version {}; this cph50 reads {FORMAT:?} version {VERSION}",
            h.format, h.version
        ));
    }
    if h.month != month.to_string() {
        return Err(format!(
            "line 1: the header says month {} but the file name says {month}",
            h.month
        ));
    }
    Ok(())
}

/// Whether `path` may be an entry: relative, inside the month folder, plain names only.
///
/// # Errors
/// What is wrong with it.
pub fn check_entry(path: &str, len: usize) -> Result<(), String> {
    let p = Path::new(path);
    let plain = !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && !path.ends_with('/')
        && !path.contains("//")
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.split('/').any(|c| c == "." || c.is_empty());
    if !plain {
        return Err(
            "the path leaves the month folder or is not a plain relative path (DD/<id>.json)"
                .to_owned(),
        );
    }
    if path
        .split('/')
        .any(|c| c.starts_with(crate::fsio::TEMP_PREFIX))
    {
        return Err("a cph50 temporary name is not data".to_owned());
    }
    if len as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {len} bytes; at most {MAX_FILE_BYTES} are read (MAX_FILE_BYTES, 32 MiB)"
        ));
    }
    Ok(())
}

/// Orders relative paths component by component (`05/x` before `05-a/y`), as the walk of a
/// folder sorted by file name does.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month() -> Month {
        Month::parse("2020-01").unwrap()
    }

    fn sample() -> Archive {
        let mut a = Archive {
            month: month(),
            entries: vec![
                ("05/2.json".into(), "{\n  \"b\": 2\n}\n".into()),
                ("05/1.json".into(), "{\"a\":\"é\"}".into()),
            ],
        };
        a.sort();
        a
    }

    #[test]
    fn round_trip_is_exact_and_deterministic() {
        let a = sample();
        let bytes = a.encode().unwrap();
        assert_eq!(bytes, sample().encode().unwrap());
        assert_eq!(&bytes[4..8], &[0, 0, 0, 0], "gzip mtime is 0");
        assert_eq!(Archive::decode(month(), &bytes).unwrap(), a);
        assert_eq!(a.get("05/1.json"), Some("{\"a\":\"é\"}"));
    }

    #[test]
    fn refuses_truncation_escapes_and_duplicates() {
        let bytes = sample().encode().unwrap();
        let e = Archive::decode(month(), &bytes[..bytes.len() - 9]).unwrap_err();
        assert!(e.contains("gzip"), "{e}");
        for bad in [
            "../x.json",
            "/etc/passwd",
            "05/../../x",
            "05//x",
            ".cph50-a.tmp",
        ] {
            let mut a = sample();
            a.entries.push((bad.into(), "{}".into()));
            assert!(a.encode().is_err(), "{bad}");
        }
        let e = Archive::decode(Month::parse("2020-02").unwrap(), &bytes).unwrap_err();
        assert!(e.contains("file name says 2020-02"), "{e}");
    }
}
