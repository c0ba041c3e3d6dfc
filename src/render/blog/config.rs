//! `_config.yml`: the Jekyll site configuration of a blog folder.
//!
//! Read from the blog folder, else from the current folder (a repository that was a Jekyll site
//! keeps it at its root). The keys cph50 acts on, with Jekyll 4.3's defaults
//! (`Jekyll::Configuration::DEFAULTS`): `title`, `description`, `url`, `baseurl`, `timezone`,
//! `permalink` (default `date`), `excerpt_separator` (default a blank line), `future` (default
//! false), `show_drafts`, `exclude`, `include`, `defaults`, and jekyll-feed's `feed.path` and
//! `feed.posts_limit` (default 10). Every key is also a `site.*` variable in Liquid, as in
//! Jekyll. Keys Jekyll acts on that cph50 does not (a theme, plugins other than jekyll-feed and
//! jekyll-sitemap, pagination, Sass, collections, …) are named in one warning line.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde_norway::{Mapping, Value};

use crate::error::{Error, Problem, Result};

/// The file name Jekyll reads.
pub const FILE_NAME: &str = "_config.yml";

/// Jekyll's default `exclude` list (4.3), and the blog folder's own `README.md`.
const DEFAULT_EXCLUDE: &[&str] = &[
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
    "README.md",
];

/// Keys Jekyll itself acts on that cph50 does not; a `_config.yml` that sets one gets a warning
/// naming it.
const IGNORED_KEYS: &[&str] = &[
    "theme",
    "remote_theme",
    "collections",
    "collections_dir",
    "paginate",
    "paginate_path",
    "sass",
    "highlighter",
    "kramdown",
    "markdown_ext",
    "keep_files",
    "lsi",
    "limit_posts",
    "incremental",
    "unpublished",
    "strict_front_matter",
    "liquid",
    "layouts_dir",
    "includes_dir",
    "data_dir",
    "plugins_dir",
    "whitelist",
    "gems",
    "encoding",
    "show_dir_listing",
    "webrick",
    "destination",
    "source",
    "safe",
    "lang",
];

/// Plugins whose work cph50 does itself (the feed and the sitemap); any other is ignored.
const BUILT_IN_PLUGINS: &[&str] = &["jekyll-feed", "jekyll-sitemap"];

/// The permalink styles Jekyll names (`Jekyll::Utils#permalink_style`'s table).
pub const STYLES: &[(&str, &str)] = &[
    ("date", "/:categories/:year/:month/:day/:title:output_ext"),
    ("pretty", "/:categories/:year/:month/:day/:title/"),
    ("ordinal", "/:categories/:year/:y_day/:title:output_ext"),
    (
        "weekdate",
        "/:categories/:year/W:week/:short_day/:title:output_ext",
    ),
    ("none", "/:categories/:title:output_ext"),
];

/// A `defaults:` entry: front matter values for the files under `path` of `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultSet {
    /// A path prefix relative to the blog folder (`""` for all; `*` globs one name part).
    pub path: String,
    /// `posts`, `pages`, `drafts`, or `None` for every kind.
    pub kind: Option<String>,
    /// The values, merged under each file's own front matter.
    pub values: Mapping,
}

/// The configuration of a blog.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file read, when there is one.
    pub file: Option<PathBuf>,
    /// Every key, for Liquid's `site`.
    pub raw: Mapping,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `url`: the origin (`https://example.github.io`), without a trailing slash.
    pub url: Option<String>,
    /// `baseurl`: the path (`/logbook`), without a trailing slash; `""` for none.
    pub baseurl: String,
    /// The zone of every post date: `timezone`; else UTC when a `_config.yml` exists (GitHub
    /// Pages builds in UTC); else the zone cph50 is set to (a blog written for cph50).
    pub tz: Tz,
    /// The site's permalink pattern (a style resolved to its pattern).
    pub permalink: String,
    /// `excerpt_separator`; `""` turns excerpts off.
    pub excerpt_separator: String,
    /// `future`: publish posts dated after the build.
    pub future: bool,
    /// `show_drafts`: publish `_drafts/`.
    pub show_drafts: bool,
    /// `exclude` (Jekyll's defaults included).
    pub exclude: Vec<String>,
    /// `include`: names exempt from the rule that `.`/`_` files are not copied.
    pub include: Vec<String>,
    /// `defaults`.
    pub defaults: Vec<DefaultSet>,
    /// jekyll-feed's `feed.path` (`feed.xml`).
    pub feed_path: String,
    /// jekyll-feed's `feed.posts_limit` (10).
    pub feed_posts_limit: usize,
}

impl Config {
    /// Reads `<blog>/_config.yml`, else `./_config.yml`, else gives Jekyll's defaults with the
    /// zone `cph50_tz`. Writes one warning line naming the keys that have no effect.
    ///
    /// # Errors
    /// [`Error::Data`] naming the file and the key when the YAML does not parse, is not a map,
    /// or a key cph50 acts on has the wrong type (`timezone` not an IANA zone, `exclude` not a
    /// list, `permalink` not a string, …); [`Error::Io`] when it cannot be read.
    pub fn load(blog: &Path, cph50_tz: Tz) -> Result<Self> {
        let candidates = [blog.join(FILE_NAME), PathBuf::from(FILE_NAME)];
        let Some(file) = candidates.into_iter().find(|p| p.is_file()) else {
            return Self::from_mapping(None, Mapping::new(), cph50_tz);
        };
        let text = crate::fsio::read_regular_text(&file, crate::fsio::MAX_INPUT_BYTES)
            .map_err(|e| Error::io("read", &file, e))?;
        let value: Value = if text.trim().is_empty() {
            Value::Mapping(Mapping::new())
        } else {
            let mut v: Value = serde_norway::from_str(&text)
                .map_err(|e| Error::Data(Problem::file(&file, format!("not YAML: {e}"))))?;
            // YAML merge keys (`<<: *defaults`), which Ruby's YAML applies
            v.apply_merge()
                .map_err(|e| Error::Data(Problem::file(&file, format!("not YAML: {e}"))))?;
            v
        };
        let raw = match value {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            _ => {
                return Err(Error::Data(Problem::file(
                    &file,
                    "must be a map of keys (`title: …`)".to_owned(),
                )));
            }
        };
        let config = Self::from_mapping(Some(file), raw, chrono_tz::UTC)?;
        config.warn_ignored();
        Ok(config)
    }

    /// The configuration of `raw`, read from `file` (`None`: no file, so `default_tz`).
    fn from_mapping(file: Option<PathBuf>, raw: Mapping, default_tz: Tz) -> Result<Self> {
        let name = file.clone().unwrap_or_else(|| PathBuf::from(FILE_NAME));
        let bad =
            |key: &str, what: &str| Error::Data(Problem::file(&name, format!("{key}: {what}")));
        let text = |key: &str| -> Result<Option<String>> {
            match raw.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => scalar_text(v)
                    .map(Some)
                    .ok_or_else(|| bad(key, "must be a string")),
            }
        };
        // Ruby's YAML 1.1 reads yes/no/on/off as booleans too
        let flag = |key: &str| -> Result<bool> {
            match raw.get(key) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(Value::String(s))
                    if matches!(s.as_str(), "yes" | "Yes" | "YES" | "on" | "On" | "ON") =>
                {
                    Ok(true)
                }
                Some(Value::String(s))
                    if matches!(s.as_str(), "no" | "No" | "NO" | "off" | "Off" | "OFF") =>
                {
                    Ok(false)
                }
                Some(_) => Err(bad(key, "must be true or false")),
            }
        };
        let list = |key: &str| -> Result<Vec<String>> {
            match raw.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Sequence(items)) => items
                    .iter()
                    .map(|v| scalar_text(v).ok_or_else(|| bad(key, "must be a list of names")))
                    .collect(),
                Some(v) => scalar_text(v)
                    .map(|s| vec![s])
                    .ok_or_else(|| bad(key, "must be a list of names")),
            }
        };
        let tz = match text("timezone")? {
            Some(zone) => crate::clock::parse_tz(&zone).map_err(|e| bad("timezone", &e))?,
            None => default_tz,
        };
        let permalink = match raw.get("permalink") {
            None | Some(Value::Null) => "date".to_owned(),
            Some(Value::String(p)) => p.clone(),
            Some(_) => {
                return Err(bad(
                    "permalink",
                    "must be a style name or a pattern such as /:year/:title/",
                ));
            }
        };
        let permalink = resolve_style(&permalink);
        let url = text("url")?
            .map(|u| u.trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        if let Some(u) = &url {
            let host = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            if !host.is_some_and(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            }) {
                return Err(bad(
                    "url",
                    "must be the site's origin, https:// and a host name (https://example.github.io)",
                ));
            }
        }
        let baseurl = text("baseurl")?.unwrap_or_default();
        if baseurl.split('/').any(|p| p == ".." || p == ".")
            || !baseurl
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c))
        {
            return Err(bad(
                "baseurl",
                "must be a path of letters, digits, - . _ ~ and / (such as /blog)",
            ));
        }
        let baseurl = match baseurl.trim_matches('/') {
            "" => String::new(),
            path => format!("/{path}"),
        };
        let mut exclude: Vec<String> = DEFAULT_EXCLUDE.iter().map(|s| (*s).to_owned()).collect();
        exclude.extend(list("exclude")?);
        let defaults = match raw.get("defaults") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(sets)) => sets
                .iter()
                .map(|set| default_set(set).ok_or_else(|| bad("defaults", "each entry needs `values:` (a map) and an optional `scope:` with `path` and `type`")))
                .collect::<Result<_>>()?,
            Some(_) => return Err(bad("defaults", "must be a list")),
        };
        let (feed_path, feed_posts_limit) = match raw.get("feed") {
            Some(Value::Mapping(feed)) => (
                feed.get("path")
                    .and_then(scalar_text)
                    .unwrap_or_else(|| "feed.xml".to_owned()),
                match feed.get("posts_limit") {
                    None => 10,
                    Some(v) => v
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| bad("feed.posts_limit", "must be a whole number"))?,
                },
            ),
            _ => ("feed.xml".to_owned(), 10),
        };
        Ok(Self {
            title: text("title")?,
            description: text("description")?,
            url,
            baseurl,
            tz,
            permalink,
            excerpt_separator: text("excerpt_separator")?.unwrap_or_else(|| "\n\n".to_owned()),
            future: flag("future")?,
            show_drafts: flag("show_drafts")?,
            exclude,
            include: list("include")?,
            defaults,
            feed_path: feed_path.trim_start_matches('/').to_owned(),
            feed_posts_limit,
            file,
            raw,
        })
    }

    /// The configuration of a `_config.yml` holding `raw`, for tests.
    #[cfg(test)]
    pub fn from_test_mapping(raw: Mapping) -> Self {
        Self::from_mapping(Some(PathBuf::from(FILE_NAME)), raw, chrono_tz::UTC)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// One warning line naming the keys that have no effect here.
    fn warn_ignored(&self) {
        let mut ignored: Vec<String> = self
            .raw
            .keys()
            .filter_map(Value::as_str)
            .filter(|k| IGNORED_KEYS.contains(k))
            .map(str::to_owned)
            .collect();
        if let Some(Value::Sequence(plugins)) =
            self.raw.get("plugins").or_else(|| self.raw.get("gems"))
        {
            ignored.extend(
                plugins
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|p| !BUILT_IN_PLUGINS.contains(p))
                    .map(|p| format!("plugins: {p}")),
            );
        }
        if let Some(m) = self.raw.get("markdown").and_then(Value::as_str) {
            if !m.eq_ignore_ascii_case("kramdown") {
                ignored.push(format!("markdown: {m} (cph50 reads kramdown's syntax)"));
            }
        }
        if !ignored.is_empty() {
            let file = self
                .file
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string());
            let effect = if ignored.len() == 1 {
                "it has"
            } else {
                "they have"
            };
            tracing::warn!(
                "{file}: cph50 does not use {}; {effect} no effect",
                ignored
                    .iter()
                    .map(|k| crate::text::printable(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }

    /// Whether `rel` (a path relative to the blog folder, `/`-separated) is excluded: one of its
    /// parts starts with `.`, `_` or `#` or ends with `~` (Jekyll's `EntryFilter`) and is not in
    /// `include`, or it is under an `exclude` entry.
    pub fn excluded(&self, rel: &str) -> bool {
        self.special(rel)
            || self.exclude.iter().any(|e| {
                let e = e.trim_matches('/');
                !e.is_empty() && (rel == e || rel.starts_with(&format!("{e}/")))
            })
    }

    /// Whether a part of `rel` starts with `.`, `_` or `#` or ends with `~` and is not in
    /// `include`.
    pub fn special(&self, rel: &str) -> bool {
        rel.split('/').any(|part| {
            (part.starts_with(['.', '_', '#']) || part.ends_with('~'))
                && !self.include.iter().any(|i| i.trim_matches('/') == part)
        })
    }

    /// The front matter defaults for the file at `rel` of `kind` (`posts`, `pages`, `drafts`),
    /// later and more specific sets winning (Jekyll's `FrontmatterDefaults#all`).
    pub fn defaults_for(&self, rel: &str, kind: &str) -> Mapping {
        let mut sets: Vec<&DefaultSet> = self
            .defaults
            .iter()
            .filter(|d| d.kind.as_deref().is_none_or(|k| k == kind))
            .filter(|d| path_applies(&d.path, rel))
            .collect();
        // the longer path is more specific; a set with a type beats one without
        sets.sort_by_key(|d| (d.path.trim_matches('/').len(), d.kind.is_some()));
        let mut out = Mapping::new();
        for set in sets {
            for (k, v) in &set.values {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }
}

/// A permalink style name to its pattern; a pattern is given back as it is.
pub fn resolve_style(permalink: &str) -> String {
    STYLES
        .iter()
        .find(|(name, _)| *name == permalink.trim_start_matches(':'))
        .map_or_else(|| permalink.to_owned(), |(_, p)| (*p).to_owned())
}

/// Whether a `defaults` scope path covers `rel`: Jekyll 4.3 compares text prefixes (so
/// `_posts/2024` covers `_posts/2024-12-31-x.md` too); a `*` matches one name part.
fn path_applies(scope: &str, rel: &str) -> bool {
    let scope = scope.trim_matches('/');
    if scope.is_empty() {
        return true;
    }
    if !scope.contains('*') {
        return rel.starts_with(scope);
    }
    let mut rel_parts = rel.split('/');
    scope.split('/').all(|s| match rel_parts.next() {
        Some(r) => s == "*" || s == r,
        None => false,
    })
}

fn default_set(set: &Value) -> Option<DefaultSet> {
    let values = set.get("values")?.as_mapping()?.clone();
    let scope = set.get("scope");
    let path = scope
        .and_then(|s| s.get("path"))
        .and_then(scalar_text)
        .unwrap_or_default();
    let kind = scope
        .and_then(|s| s.get("type"))
        .and_then(scalar_text)
        // Jekyll's deprecated singular names
        .map(|k| match k.as_str() {
            "post" => "posts".to_owned(),
            "page" => "pages".to_owned(),
            "draft" => "drafts".to_owned(),
            _ => k,
        });
    Some(DefaultSet { path, kind, values })
}

/// A YAML scalar as text, the way Ruby's `to_s` prints it (`2026`, `true`, `1.5`); `None` for a
/// list, a map or null.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        Value::Null | Value::Sequence(_) | Value::Mapping(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const LA: Tz = chrono_tz::America::Los_Angeles;

    fn config(yaml: &str) -> Result<Config> {
        let raw: Mapping = serde_norway::from_str(yaml).unwrap();
        Config::from_mapping(Some(PathBuf::from("_config.yml")), raw, chrono_tz::UTC)
    }

    #[test]
    fn jekyll_defaults_without_a_file_use_cph50s_zone() {
        let c = Config::from_mapping(None, Mapping::new(), LA).unwrap();
        assert_eq!(c.tz, LA);
        assert_eq!(
            c.permalink,
            "/:categories/:year/:month/:day/:title:output_ext"
        );
        assert_eq!(c.excerpt_separator, "\n\n");
        assert!(!c.future);
        assert_eq!((c.feed_path.as_str(), c.feed_posts_limit), ("feed.xml", 10));
        // a file without `timezone` is UTC, as on GitHub Pages
        assert_eq!(config("title: x").unwrap().tz, chrono_tz::UTC);
    }

    #[test]
    fn keys_are_read_with_jekylls_meaning() {
        let c = config(
            "url: https://example.github.io/\nbaseurl: logbook/\ntimezone: Europe/Paris\npermalink: pretty\nexcerpt_separator: <!--more-->\nfuture: true\nexclude: [notes]\nfeed: {posts_limit: 100}\n",
        )
        .unwrap();
        assert_eq!(c.url.as_deref(), Some("https://example.github.io"));
        assert_eq!(c.baseurl, "/logbook");
        assert_eq!(c.tz, chrono_tz::Europe::Paris);
        assert_eq!(c.permalink, "/:categories/:year/:month/:day/:title/");
        assert_eq!(c.excerpt_separator, "<!--more-->");
        assert!(c.future);
        assert!(c.excluded("notes/a.md") && c.excluded("_drafts/x.md") && c.excluded(".git"));
        assert!(c.excluded("README.md") && !c.excluded("assets/a.png"));
        assert_eq!(c.feed_posts_limit, 100);
    }

    #[test]
    fn a_bad_key_is_named() {
        let e = config("timezone: Mars/Olympus").unwrap_err().to_string();
        assert!(e.contains("_config.yml: timezone"), "{e}");
        let e = config("url: example.org").unwrap_err().to_string();
        assert!(e.contains("url"), "{e}");
        let e = config("baseurl: /a b").unwrap_err().to_string();
        assert!(e.contains("baseurl"), "{e}");
        let e = config("url: https://x.com/path").unwrap_err().to_string();
        assert!(e.contains("url"), "{e}");
        let e = config("future: sometimes").unwrap_err().to_string();
        assert!(e.contains("future"), "{e}");
    }

    #[test]
    fn defaults_apply_by_path_and_type_the_specific_last() {
        let c = config(
            "defaults:\n  - scope: {path: ''}\n    values: {layout: default, author: a}\n  - scope: {path: '_posts/2025', type: posts}\n    values: {author: b}\n",
        )
        .unwrap();
        let d = c.defaults_for("_posts/2025/2025-01-01-x.md", "posts");
        assert_eq!(d.get("author").and_then(Value::as_str), Some("b"));
        assert_eq!(d.get("layout").and_then(Value::as_str), Some("default"));
        let d = c.defaults_for("_posts/2026-01-01-x.md", "posts");
        assert_eq!(d.get("author").and_then(Value::as_str), Some("a"));
        // Jekyll compares text prefixes
        let d = c.defaults_for("_posts/2025-12-31-x.md", "posts");
        assert_eq!(d.get("author").and_then(Value::as_str), Some("b"));
    }
}
