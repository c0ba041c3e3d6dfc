//! Jekyll front matter: split the leading `---` block off a post or page and read its YAML.
//!
//! The block is what Jekyll's `Document::YAML_FRONT_MATTER_REGEXP` takes: a first line `---`
//! (trailing spaces allowed), then YAML, then a line `---` or `...`. A byte-order mark before it
//! is skipped (Jekyll reads files as `bom|utf-8`). Values may be any YAML scalar where Jekyll
//! takes one: a number or `true` as a title, tag or category is its text, as Ruby's `to_s`
//! prints it.

use serde_norway::{Mapping, Value};

use super::config::scalar_text;

/// A post's or page's front matter, merged over the `_config.yml` defaults that apply to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Every key, for Liquid's `page`.
    pub data: Mapping,
    /// Jekyll's layout name; posts are rendered with cph50's post template whatever it says,
    /// and a layout other than `post`, `default` or `page` is named in a warning.
    pub layout: Option<String>,
    /// `title`, as text.
    pub title: Option<String>,
    /// `date`, as written (see [`super::date::parse`]).
    pub date: Option<String>,
    /// Whether `date` is an unquoted YAML timestamp with seconds and no zone
    /// (`date: 2026-01-10 14:30:00`): Ruby's YAML (Psych) reads it as UTC, so Jekyll does.
    pub date_is_utc: bool,
    /// `last_modified_at`, as written (jekyll-feed's `<updated>`).
    pub last_modified_at: Option<String>,
    /// Tags: `tag` when present, else `tags` (a string is split on spaces, as Jekyll does).
    pub tags: Vec<String>,
    /// Categories: `categories` and `category` (strings split on spaces), in order, once each.
    pub categories: Vec<String>,
    /// Explicit URL path or style name, with Jekyll placeholders (`/:year/:title/`).
    pub permalink: Option<String>,
    /// `slug`: the `:slug` and `:title` of the permalink instead of the file name's.
    pub slug: Option<String>,
    /// Explicit excerpt (Markdown).
    pub excerpt: Option<String>,
    /// The post's own `excerpt_separator`.
    pub excerpt_separator: Option<String>,
    /// Whether the post is published: Jekyll publishes unless `published` is `false` or null
    /// (`published: "false"`, a string, is published).
    pub published: bool,
}

/// Splits `text` into (front matter YAML, body). Text without a leading `---` line has no
/// front matter; an opening `---` without a closing line is an error that says so.
///
/// # Errors
/// A message saying the closing `---` line is missing.
pub fn split(text: &str) -> Result<(Option<&str>, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = opening(text) else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("front matter starts with `---` but has no closing `---` line".to_owned())
}

/// Whether `text` starts with a front matter block (Jekyll's `Utils.has_yaml_header?`): a page
/// with one is rendered, a file without one is copied as it is.
pub fn has_front_matter(text: &[u8]) -> bool {
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    let Some(rest) = text.strip_prefix(b"---") else {
        return false;
    };
    rest.iter()
        .position(|b| *b == b'\n')
        .is_some_and(|end| rest[..end].iter().all(u8::is_ascii_whitespace))
}

/// The text after an opening `---` line (spaces and tabs allowed after it).
fn opening(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let line_end = rest.find('\n')?;
    rest[..line_end]
        .chars()
        .all(char::is_whitespace)
        .then(|| &rest[line_end + 1..])
}

/// Parses the YAML of a front matter block over `defaults` (the `_config.yml` defaults that
/// apply to the file; its own keys win).
///
/// # Errors
/// `front matter: <reason>` when the YAML does not parse, is not a map, or a key has a shape
/// Jekyll cannot use (a map as `title`, a list as `permalink`).
pub fn parse(yaml: &str, defaults: &Mapping) -> Result<FrontMatter, String> {
    let own = if yaml.trim().is_empty() {
        Mapping::new()
    } else {
        let mut v =
            serde_norway::from_str::<Value>(yaml).map_err(|e| format!("front matter: {e}"))?;
        // YAML merge keys (`<<: *defaults`), which Ruby's YAML applies
        v.apply_merge().map_err(|e| format!("front matter: {e}"))?;
        match v {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            _ => return Err("front matter: must be a map of keys (`title: …`)".to_owned()),
        }
    };
    let mut own = own;
    yaml11_booleans(yaml, &mut own);
    let mut data = defaults.clone();
    for (k, v) in own {
        data.insert(k, v);
    }
    let mut fm = from_data(data)?;
    fm.date_is_utc = yaml
        .lines()
        .find_map(|l| l.strip_prefix("date:"))
        .is_some_and(|v| zoneless_timestamp(v.trim()));
    Ok(fm)
}

/// Top-level keys whose value is an unquoted `yes`, `no`, `on` or `off`: YAML 1.1 booleans,
/// as Ruby's YAML (Psych) reads them for Jekyll (`title: yes` is the title "true",
/// `published: no` leaves the post out), where YAML 1.2 reads text.
fn yaml11_booleans(yaml: &str, own: &mut Mapping) {
    for line in yaml.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or("").trim();
        let b = match value {
            "yes" | "Yes" | "YES" | "on" | "On" | "ON" => true,
            "no" | "No" | "NO" | "off" | "Off" | "OFF" => false,
            _ => continue,
        };
        let key = Value::String(key.trim().to_owned());
        if own.get(&key).and_then(Value::as_str) == Some(value) {
            own.insert(key, Value::Bool(b));
        }
    }
}

/// A YAML 1.1 timestamp (as Psych reads it) with a time and no zone:
/// `2026-01-10 14:30:00`, `2026-01-10T14:30:00.5`; quoted text is not one.
fn zoneless_timestamp(v: &str) -> bool {
    let Some(i) = v.find([' ', '\t', 'T', 't']) else {
        return false;
    };
    let (date, time) = (&v[..i], v[i + 1..].trim_start());
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let d: Vec<&str> = date.split('-').collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let t: Vec<&str> = hms.split(':').collect();
    d.len() == 3
        && digits(d[0], 4, 4)
        && digits(d[1], 1, 2)
        && digits(d[2], 1, 2)
        && t.len() == 3
        && digits(t[0], 1, 2)
        && digits(t[1], 2, 2)
        && digits(t[2], 2, 2)
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn from_data(data: Mapping) -> Result<FrontMatter, String> {
    let text = |key: &str| -> Result<Option<String>, String> {
        match data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => scalar_text(v)
                .map(Some)
                .ok_or_else(|| format!("front matter: {key}: must be text, not a list or map")),
        }
    };
    let words = |key: &str, split: bool| -> Result<Option<Vec<String>>, String> {
        match data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Sequence(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::Null => {}
                        Value::Sequence(inner) => out.extend(inner.iter().filter_map(scalar_text)),
                        v => out.push(scalar_text(v).ok_or_else(|| {
                            format!("front matter: {key}: a list of names, not of maps")
                        })?),
                    }
                }
                Ok(Some(out))
            }
            Some(v) => {
                let s = scalar_text(v)
                    .ok_or_else(|| format!("front matter: {key}: must be a name or a list"))?;
                Ok(Some(if split {
                    s.split_whitespace().map(str::to_owned).collect()
                } else {
                    vec![s]
                }))
            }
        }
    };
    // Jekyll: `tag` (not split) when present, else `tags` (a string split on spaces)
    let tags = match words("tag", false)? {
        Some(t) => t,
        None => words("tags", true)?.unwrap_or_default(),
    };
    let mut categories = words("categories", true)?.unwrap_or_default();
    let more = words("category", false)?.unwrap_or_default();
    for c in more {
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    let published = !matches!(
        data.get("published"),
        Some(Value::Bool(false) | Value::Null)
    );
    Ok(FrontMatter {
        layout: text("layout")?,
        title: text("title")?,
        date: text("date")?,
        date_is_utc: false,
        last_modified_at: text("last_modified_at")?,
        tags,
        categories,
        permalink: text("permalink")?,
        slug: text("slug")?,
        excerpt: text("excerpt")?,
        excerpt_separator: text("excerpt_separator")?,
        published,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(yaml: &str) -> FrontMatter {
        parse(yaml, &Mapping::new()).unwrap()
    }

    #[test]
    fn splits_front_matter_as_jekyll_does() {
        assert_eq!(
            split("---\na: 1\n---\nbody").unwrap(),
            (Some("a: 1\n"), "body")
        );
        assert_eq!(
            split("---\r\na: 1\r\n---\r\nbody").unwrap(),
            (Some("a: 1\r\n"), "body")
        );
        // trailing spaces on both lines, `...` as the end, a BOM, an empty block
        assert_eq!(
            split("\u{feff}---  \na: 1\n...  \nbody").unwrap(),
            (Some("a: 1\n"), "body")
        );
        assert_eq!(split("---\n---\nbody").unwrap(), (Some(""), "body"));
        assert_eq!(split("no front matter").unwrap(), (None, "no front matter"));
        assert_eq!(split("--- not\nx").unwrap(), (None, "--- not\nx"));
        assert!(has_front_matter(b"---  \r\ntitle: x\n---\n"));
        assert!(!has_front_matter(b"plain text"));
    }

    #[test]
    fn an_unclosed_block_is_an_error_that_says_so() {
        let e = split("---\ntitle: x\nbody").unwrap_err();
        assert!(e.contains("no closing `---`"), "{e}");
    }

    #[test]
    fn yaml_scalars_of_any_type_are_read_as_jekyll_reads_them() {
        let f = fm(
            "title: 2026\ntags: [2026, ev, [nested]]\ncategories: Data Notes\ncategory: extra\npublished: \"false\"\n",
        );
        assert_eq!(f.title.as_deref(), Some("2026"));
        assert_eq!(f.tags, vec!["2026", "ev", "nested"]);
        assert_eq!(f.categories, vec!["Data", "Notes", "extra"]);
        // a string is truthy in Ruby: Jekyll publishes it
        assert!(f.published);
        assert!(!fm("published: false").published);
        assert!(!fm("published:").published);
        assert!(fm("title: x").published);
        // `tag` wins over `tags`, and is not split
        assert_eq!(fm("tag: two words\ntags: [a]").tags, vec!["two words"]);
        assert_eq!(fm("tags: a b").tags, vec!["a", "b"]);
    }

    #[test]
    fn yes_no_on_off_unquoted_are_booleans_as_in_yaml_1_1() {
        assert_eq!(fm("title: yes").title.as_deref(), Some("true"));
        assert_eq!(fm("title: 'yes'").title.as_deref(), Some("yes"));
        assert!(!fm("published: no").published);
        assert!(fm("published: \"no\"").published);
    }

    #[test]
    fn an_unquoted_timestamp_without_a_zone_is_utc_as_in_psych() {
        assert!(fm("date: 2026-01-10 14:30:00").date_is_utc);
        assert!(fm("date: 2026-01-13 10:00:00.5").date_is_utc);
        assert!(!fm("date: '2026-01-10 14:30:00'").date_is_utc);
        assert!(!fm("date: 2026-01-10 14:30").date_is_utc);
        assert!(!fm("date: 2026-01-10 14:30:00 -0800").date_is_utc);
        assert!(!fm("date: 2026-01-10").date_is_utc);
    }

    #[test]
    fn merge_keys_are_applied() {
        let f = fm("base: &b {a: 1}\nobj:\n  <<: *b\n  c: 2\n");
        let obj = f.data.get("obj").and_then(Value::as_mapping).unwrap();
        assert_eq!(obj.get("a").and_then(Value::as_u64), Some(1));
        assert!(obj.get("<<").is_none());
    }

    #[test]
    fn defaults_sit_under_the_files_own_keys() {
        let defaults: Mapping = serde_norway::from_str("layout: post\nauthor: a").unwrap();
        let f = parse("author: b", &defaults).unwrap();
        assert_eq!(f.layout.as_deref(), Some("post"));
        assert_eq!(f.data.get("author").and_then(Value::as_str), Some("b"));
    }

    #[test]
    fn bad_yaml_and_bad_shapes_are_explained() {
        let e = parse("title: [unclosed", &Mapping::new()).unwrap_err();
        assert!(e.contains("front matter"), "{e}");
        let e = parse("title: {a: 1}", &Mapping::new()).unwrap_err();
        assert!(e.contains("title"), "{e}");
        let e = parse("- a list", &Mapping::new()).unwrap_err();
        assert!(e.contains("map"), "{e}");
    }
}
