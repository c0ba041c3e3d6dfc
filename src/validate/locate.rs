//! Where a key sits in a JSON text, so a cross-file problem can point at a line and column.

/// Line and column of the first `"key": <value string>` in `text` (any spacing), 1-based.
pub(super) fn locate_value(text: &[u8], key: &str, value: &str) -> Option<(usize, usize)> {
    let quoted = serde_json::to_string(value).ok()?;
    find_key(text, key, |rest| rest.starts_with(quoted.as_bytes()))
}

/// Line and column of the first `"key":` in `text`, 1-based.
pub(super) fn locate_key(text: &[u8], key: &str) -> Option<(usize, usize)> {
    find_key(text, key, |_| true)
}

fn find_key(text: &[u8], key: &str, value_ok: impl Fn(&[u8]) -> bool) -> Option<(usize, usize)> {
    let needle = serde_json::to_string(key).ok()?;
    let needle = needle.as_bytes();
    let mut from = 0;
    while let Some(off) = text[from..].windows(needle.len()).position(|w| w == needle) {
        let at = from + off;
        let mut rest = &text[at + needle.len()..];
        rest = trim_start(rest);
        if let Some(after_colon) = rest.strip_prefix(b":") {
            if value_ok(trim_start(after_colon)) {
                return Some(line_col(text, at));
            }
        }
        from = at + 1;
    }
    None
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_key_value_pairs_with_any_spacing() {
        let text = b"{\n  \"a\": 1,\n  \"vehicle_id\" :  \"x\"\n}";
        assert_eq!(locate_value(text, "vehicle_id", "x"), Some((3, 3)));
        assert_eq!(locate_value(text, "vehicle_id", "y"), None);
        assert_eq!(locate_key(text, "a"), Some((2, 3)));
    }
}
