//! Post and page URLs as Jekyll 4.3 makes them (`Jekyll::URL`, `Jekyll::Drops::UrlDrop`,
//! `Jekyll::Utils.slugify`).
//!
//! A post's URL is its front matter `permalink` when it has one (placeholders filled, nothing
//! else resolved: `permalink: pretty` in front matter is the path `/pretty`), else the site's
//! pattern. Each placeholder's value is escaped as a URL path (`Jekyll::URL.escape_path`); the
//! result starts with `/`, has `..` and `./` removed and no `//`. The output file is the
//! unescaped URL, with `index.html` added after a trailing `/` and `.html` after a last part
//! that lacks it (`Jekyll::Document#destination`).

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;

/// What fills a permalink's placeholders.
#[derive(Debug, Clone)]
pub struct Placeholders<'a> {
    /// The post's date, in the site's zone.
    pub date: DateTime<Tz>,
    /// The slug: front matter `slug`, else the file name's (after the date, without extension).
    pub slug: &'a str,
    /// The file name without extension (`2026-01-10-first`), for `:name`.
    pub basename: &'a str,
    /// Categories, in order.
    pub categories: &'a [String],
    /// `.html`.
    pub output_ext: &'a str,
    /// The file's path from the blog folder without extension, for `:path` (pages).
    pub path: &'a str,
}

/// A URL and the file it is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink {
    /// The URL path, escaped, from the blog's root (`/2026/01/10/first.html`, `/about/`).
    pub url: String,
    /// The output file from the blog's root (`2026/01/10/first.html`, `about/index.html`).
    pub file: String,
}

/// Fills `pattern` (`/:categories/:year/:month/:day/:title:output_ext`).
///
/// # Errors
/// A message naming the placeholder when `pattern` has one Jekyll does not know (`:slug_`
/// is read as `:slug` then `_`, as Jekyll does).
pub fn expand(pattern: &str, p: &Placeholders) -> Result<Permalink, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if name.is_empty() {
            out.push(':');
            rest = after;
            continue;
        }
        // `:month_:day` is `:month` then `_`
        let (value, used) = match value(name, p) {
            Some(v) => (v, name_len),
            None => match name.strip_suffix('_').and_then(|n| value(n, p)) {
                Some(v) => (v, name_len - 1),
                None => {
                    return Err(format!(
                        "permalink {pattern:?}: :{name} is not a Jekyll placeholder (known: :year, :month, :day, :title, :slug, :categories, :output_ext, …)"
                    ));
                }
            },
        };
        out.push_str(&escape_path(&value));
        rest = &after[used..];
    }
    out.push_str(rest);
    let url = sanitize(&out);
    let mut file = unescape_path(url.trim_start_matches('/'));
    if url.ends_with('/') {
        file.push_str("index");
    }
    if !file.ends_with(p.output_ext) {
        file.push_str(p.output_ext);
    }
    Ok(Permalink { url, file })
}

/// The value of one placeholder (`Jekyll::Drops::UrlDrop`), `None` for an unknown name.
fn value(name: &str, p: &Placeholders) -> Option<String> {
    let d = &p.date;
    Some(match name {
        "year" => d.format("%Y").to_string(),
        "month" => d.format("%m").to_string(),
        "day" => d.format("%d").to_string(),
        "hour" => d.format("%H").to_string(),
        "minute" => d.format("%M").to_string(),
        "second" => d.format("%S").to_string(),
        "i_day" => d.day().to_string(),
        "i_month" => d.month().to_string(),
        "short_month" => d.format("%b").to_string(),
        "long_month" => d.format("%B").to_string(),
        "short_year" => d.format("%y").to_string(),
        "w_year" => d.format("%G").to_string(),
        "week" => d.format("%V").to_string(),
        "w_day" => d.format("%u").to_string(),
        "short_day" => d.format("%a").to_string(),
        "long_day" => d.format("%A").to_string(),
        "y_day" => d.format("%j").to_string(),
        "title" => slugify(p.slug, Mode::Pretty, true),
        "slug" => slugify(p.slug, Mode::Default, false),
        "name" => slugify(p.basename, Mode::Default, false),
        "categories" => {
            let mut seen: Vec<String> = Vec::new();
            for c in p.categories {
                let c = c.to_lowercase();
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            seen.join("/")
        }
        "slugified_categories" => {
            let mut seen: Vec<String> = Vec::new();
            for c in p.categories {
                let c = slugify(c, Mode::Default, false);
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            seen.join("/")
        }
        "output_ext" => p.output_ext.to_owned(),
        "path" => p.path.to_owned(),
        "basename" => p.basename.to_owned(),
        "collection" => "posts".to_owned(),
        _ => return None,
    })
}

/// `Jekyll::URL#sanitize_url`: a leading `/`, `..` made `/`, `./` removed, `/` runs squeezed.
fn sanitize(s: &str) -> String {
    let s = format!("/{s}").replace("..", "/").replace("./", "");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// `Jekyll::URL.escape_path`: as it is when it is only letters, digits, `.`, `/` and `-`;
/// else every byte outside RFC 3986's `pchar` set and `/` percent-encoded (`#` too).
pub fn escape_path(path: &str) -> String {
    if path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"./-".contains(&b))
    {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding (`Jekyll::URL.unescape_path`); a bad escape is kept as it is.
pub fn unescape_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `Jekyll::Utils.slugify`'s modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Letters, marks and digits kept; every other run becomes `-`.
    Default,
    /// As `Default`, and `._~!$&'()+,;=@` kept too.
    Pretty,
}

/// `Jekyll::Utils.slugify(s, mode:, cased:)`: runs of other characters become one `-`, a
/// leading or trailing `-` is removed, lower-cased unless `cased`.
pub fn slugify(s: &str, mode: Mode, cased: bool) -> String {
    let keep = |c: char| {
        c.is_alphanumeric() || is_mark(c) || (mode == Mode::Pretty && "._~!$&'()+,;=@".contains(c))
    };
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.chars() {
        if keep(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let out = out.strip_prefix('-').unwrap_or(&out);
    let out = out.strip_suffix('-').unwrap_or(out);
    if cased {
        out.to_owned()
    } else {
        out.to_lowercase()
    }
}

/// Combining marks (Unicode category M) in the blocks Latin, Greek and Cyrillic text uses.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(pattern: &str, slug: &str, categories: &[&str]) -> Result<Permalink, String> {
        let cats: Vec<String> = categories.iter().map(|c| (*c).to_owned()).collect();
        let date = chrono_tz::America::Los_Angeles
            .with_ymd_and_hms(2026, 3, 9, 7, 5, 0)
            .unwrap();
        let basename = format!("2026-03-09-{slug}");
        expand(
            pattern,
            &Placeholders {
                date,
                slug,
                basename: &basename,
                categories: &cats,
                output_ext: ".html",
                path: "",
            },
        )
    }

    fn file(pattern: &str, slug: &str) -> String {
        at(pattern, slug, &[]).unwrap().file
    }

    #[test]
    fn permalink_slug_placeholder_case_fills_slug_title_and_output_ext() {
        assert_eq!(file("/:year/:slug/", "first"), "2026/first/index.html");
        assert_eq!(file("/:year/:title:output_ext", "third"), "2026/third.html");
        let p = at("/:year/:title:output_ext", "third", &[]).unwrap();
        assert_eq!(p.url, "/2026/third.html");
    }

    #[test]
    fn every_date_placeholder_and_the_styles() {
        assert_eq!(
            file(
                "/:year/:month/:day/:hour/:minute/:second/:i_month/:i_day/:short_year/:y_day/:week/:short_day/:title",
                "x"
            ),
            "2026/03/09/07/05/00/3/9/26/068/11/Mon/x.html"
        );
        let pretty = super::super::config::resolve_style("pretty");
        assert_eq!(
            at(&pretty, "x", &["Data Notes"]).unwrap().file,
            "data notes/2026/03/09/x/index.html"
        );
        assert_eq!(
            at(&pretty, "x", &["Data Notes"]).unwrap().url,
            "/data%20notes/2026/03/09/x/"
        );
        // `:month_:day` is :month, `_`, :day
        assert_eq!(file("/:month_:day/:title", "x"), "03_09/x.html");
    }

    #[test]
    fn slug_is_lower_case_and_title_keeps_case() {
        assert_eq!(file("/:slug/", "Hello World!"), "hello-world/index.html");
        assert_eq!(file("/:title/", "Hello World!"), "Hello-World!/index.html");
        assert_eq!(file("/:name/", "x"), "2026-03-09-x/index.html");
    }

    #[test]
    fn an_unknown_placeholder_is_named_and_dots_cannot_climb() {
        let e = at("/:year/:nope/", "x", &[]).unwrap_err();
        assert!(e.contains(":nope"), "{e}");
        assert_eq!(file("/../../etc/:title", "x"), "etc/x.html");
        assert_eq!(
            file("/2026/01/09/the-6am-problem/", "x"),
            "2026/01/09/the-6am-problem/index.html"
        );
    }

    #[test]
    fn slugify_follows_jekylls_modes() {
        assert_eq!(
            slugify("The _config.yml file", Mode::Default, false),
            "the-config-yml-file"
        );
        assert_eq!(
            slugify("The _config.yml file", Mode::Pretty, false),
            "the-_config.yml-file"
        );
        assert_eq!(
            slugify("Café  au lait", Mode::Default, false),
            "café-au-lait"
        );
        assert_eq!(
            slugify("Milk", Mode::Default, false),
            slugify("milk", Mode::Default, false)
        );
    }
}
