//! JSON decoding that says where it failed: the JSON pointer of the field, the line and column,
//! and serde's reason. The store adds the file name, the API client the endpoint.

use serde::de::DeserializeOwned;

/// Why a JSON document did not match its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// JSON pointer (RFC 6901) of the failing field (`/samples/3/power_kw`; empty for the
    /// whole document).
    pub pointer: String,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Decodes `bytes` into `T`, refusing trailing garbage.
///
/// # Errors
/// [`DecodeError`] with the JSON pointer, line and column when `bytes` are not JSON, a field
/// does not fit `T`, or something other than whitespace follows the document.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|err| at(json_pointer(err.path()), err.inner()))?;
    de.end().map_err(|err| at(String::new(), &err))?;
    Ok(value)
}

fn at(pointer: String, err: &serde_json::Error) -> DecodeError {
    // serde_json says column 0 when it fails before consuming a character of the line.
    let position = (err.line() > 0).then(|| (err.line(), err.column().max(1)));
    DecodeError {
        pointer,
        position,
        message: describe(err),
    }
}

/// serde_json's message without its trailing " at line L column C" (callers print the position
/// in their own form), plus a hint for the two most common mistakes.
fn describe(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let cut = text
        .rfind(" at line ")
        .filter(|_| err.line() > 0)
        .map_or(text.as_str(), |i| &text[..i]);
    let mut msg = cut.to_owned();
    if err.is_eof() {
        msg.push_str(" (the document is truncated)");
    }
    if msg.contains("invalid type: map, expected a sequence") {
        msg.push_str("; this file must be a JSON array");
    }
    shorten_quoted(&msg, MAX_QUOTED_CHARS)
}

/// The longest quoted value a message repeats, in characters.
const MAX_QUOTED_CHARS: usize = 80;

/// `msg` with every quoted string longer than `max` characters cut (serde quotes the offending
/// value whole, so a 10 MB string in a number field would make a 10 MB message).
fn shorten_quoted(msg: &str, max: usize) -> String {
    let mut out = String::with_capacity(msg.len().min(1024));
    let mut chars = msg.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        let (mut kept, mut total, mut escaped) = (0usize, 0usize, false);
        for q in chars.by_ref() {
            if !escaped && q == '"' {
                if total > max {
                    out.push_str(&format!("…\" ({total} characters)"));
                } else {
                    out.push('"');
                }
                break;
            }
            escaped = !escaped && q == '\\';
            total += 1;
            if kept < max {
                out.push(q);
                kept += 1;
            }
        }
    }
    out
}

/// `samples[3].power_kw` as a JSON pointer: `/samples/3/power_kw` (RFC 6901 escaping).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(variant);
            }
            // a key that was never read completely (e.g. the text ends inside it): the
            // pointer ends at the last field that was known
            Segment::Unknown => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        kw: f64,
    }

    #[test]
    fn a_huge_value_is_quoted_short_in_the_message() {
        let text = format!("{{\"kw\": \"{}\"}}", "x".repeat(1_000_000));
        let e = decode::<Doc>(text.as_bytes()).unwrap_err();
        assert!(e.message.len() < 200, "{}", e.message);
        assert!(
            e.message.contains("(1000000 characters)") && e.message.contains("expected f64"),
            "{}",
            e.message
        );
        let short = decode::<Doc>(b"{\"kw\": \"fast\"}").unwrap_err();
        assert_eq!(short.message, "invalid type: string \"fast\", expected f64");
    }
}
