//! Jekyll front matter: split the leading `---` block off a post and parse its YAML.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::clock::local_to_utc;

/// The front matter keys cph50 uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Jekyll's layout name; posts are always rendered with `post.html` (see
    /// [`super::blog::POST_LAYOUT`]), and any other name is warned about.
    pub layout: Option<String>,
    /// Title (the file's slug when absent).
    pub title: Option<String>,
    /// Publication time with offset; the file name's date when absent.
    pub date: Option<DateTime<FixedOffset>>,
    /// Tags.
    pub tags: Vec<String>,
    /// Categories (they become the first path parts of the default permalink).
    pub categories: Vec<String>,
    /// Explicit URL path, with Jekyll placeholders (`/:year/:title/`).
    pub permalink: Option<String>,
    /// Explicit excerpt (Markdown).
    pub excerpt: Option<String>,
    /// `false` keeps the post out of the site.
    pub published: bool,
}

// Other keys are ignored, as Jekyll keeps them for themes.
#[derive(Deserialize)]
struct Raw {
    layout: Option<String>,
    title: Option<String>,
    date: Option<String>,
    tags: Option<Words>,
    tag: Option<Words>,
    categories: Option<Words>,
    category: Option<Words>,
    permalink: Option<String>,
    excerpt: Option<String>,
    published: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Words {
    One(String),
    Many(Vec<String>),
}

impl Words {
    fn into_vec(self) -> Vec<String> {
        match self {
            // Jekyll splits a string of tags on spaces.
            Self::One(s) => s.split_whitespace().map(str::to_owned).collect(),
            Self::Many(v) => v,
        }
    }
}

/// Splits `text` into (front matter YAML, body). Text without a leading `---` line has no
/// front matter; an opening `---` without a closing one is an error that says so.
///
/// # Errors
/// A message saying the closing `---` line is missing.
pub fn split(text: &str) -> Result<(Option<&str>, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "---" {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("front matter starts with `---` but has no closing `---` line".to_owned())
}

/// Parses the YAML of a front matter block; `tz` dates a `date` written without offset.
///
/// # Errors
/// `front matter: <reason>` when the YAML does not parse or a key has the wrong type (e.g. a
/// map for `tags`); [`parse_date`]'s message for a bad `date`.
pub fn parse(yaml: &str, tz: Tz) -> Result<FrontMatter, String> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter {
            published: true,
            ..FrontMatter::default()
        });
    }
    let raw: Raw = serde_norway::from_str(yaml).map_err(|e| format!("front matter: {e}"))?;
    let date = raw.date.as_deref().map(|d| parse_date(d, tz)).transpose()?;
    let mut tags = raw.tags.map(Words::into_vec).unwrap_or_default();
    tags.extend(raw.tag.map(Words::into_vec).unwrap_or_default());
    let mut categories = raw.categories.map(Words::into_vec).unwrap_or_default();
    categories.extend(raw.category.map(Words::into_vec).unwrap_or_default());
    Ok(FrontMatter {
        layout: raw.layout,
        title: raw.title,
        date,
        tags,
        categories,
        permalink: raw.permalink,
        excerpt: raw.excerpt,
        published: raw.published.unwrap_or(true),
    })
}

/// Jekyll's date forms: `2026-01-10 14:30:00 -0800`, `2026-01-10T14:30:00-08:00`,
/// `2026-01-10 14:30`, `2026-01-10` (the last ones in the site's zone `tz`, by
/// [`local_to_utc`]'s policy: a time a DST change repeats is the earlier one, a time it skips
/// moves forward by the gap).
///
/// # Errors
///
/// A message quoting `raw` when it is none of these forms.
pub fn parse_date(raw: &str, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    let raw = raw.trim();
    for f in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(raw, f) {
            return Ok(d);
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(raw) {
        return Ok(d);
    }
    let naive = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            format!(
                "front matter: date {raw:?} is not a date; write e.g. \"2026-01-10 14:30:00 -0800\""
            )
        })?;
    Ok(local_to_utc(tz, naive).with_timezone(&tz).fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;
    const LA: Tz = chrono_tz::America::Los_Angeles;

    #[test]
    fn splits_front_matter_with_lf_and_crlf() {
        assert_eq!(
            split("---\na: 1\n---\nbody").unwrap(),
            (Some("a: 1\n"), "body")
        );
        assert_eq!(
            split("---\r\na: 1\r\n---\r\nbody").unwrap(),
            (Some("a: 1\r\n"), "body")
        );
        assert_eq!(split("no front matter").unwrap(), (None, "no front matter"));
    }

    #[test]
    fn an_unclosed_block_is_an_error_that_says_so() {
        let e = split("---\ntitle: x\nbody").unwrap_err();
        assert!(e.contains("no closing `---`"), "{e}");
    }

    #[test]
    fn parses_jekyll_keys_and_string_tags() {
        let fm = parse(
            "title: Hi\ndate: 2026-01-10 14:30:00 -0800\ntags: a b\ncategories: [x]\npublished: false\n",
            LA,
        )
        .unwrap();
        assert_eq!(fm.title.as_deref(), Some("Hi"));
        assert_eq!(fm.tags, vec!["a", "b"]);
        assert_eq!(fm.categories, vec!["x"]);
        assert!(!fm.published);
        assert_eq!(fm.date.unwrap().to_rfc3339(), "2026-01-10T14:30:00-08:00");
    }

    #[test]
    fn bad_yaml_and_bad_dates_are_explained() {
        assert!(
            parse("title: [unclosed", LA)
                .unwrap_err()
                .contains("front matter")
        );
        assert!(
            parse("date: yesterday", LA)
                .unwrap_err()
                .contains("not a date")
        );
    }

    #[test]
    fn a_local_date_a_dst_change_skips_or_repeats_still_parses() {
        let date = |yaml: &str, tz: Tz| parse(yaml, tz).unwrap().date.unwrap().to_rfc3339();
        // skipped: 02:30 on the spring-forward day is 03:30 PDT (it used to be an error)
        assert_eq!(
            date("date: 2026-03-08 02:30", LA),
            "2026-03-08T03:30:00-07:00"
        );
        // repeated: the first 01:30, in PDT
        assert_eq!(
            date("date: 2026-11-01 01:30", LA),
            "2026-11-01T01:30:00-07:00"
        );
        // a day whose midnight is skipped starts at 01:00
        let santiago = chrono_tz::America::Santiago;
        assert_eq!(
            date("date: 2026-09-06", santiago),
            "2026-09-06T01:00:00-03:00"
        );
    }
}
