//! `cph50 build`: renders the static site from the data folder, the blog and the templates.
//!
//! Everything is rendered in memory first, written into a temporary folder beside `--out`, and
//! only then swapped in, so a failed build leaves the previous site. Every output, `build.json`
//! included, depends only on the inputs (sorted maps, no clocks): a rebuild of unchanged data
//! writes the same bytes, so it commits nothing.

pub mod blog;
pub mod charts;
pub mod database;
pub mod exports;
pub mod history;
mod inputs;
pub mod markdown;
pub mod numbers;
pub mod sanitize;
pub mod sessions;
pub mod site_paths;
pub mod tera_env;
pub mod tou;
pub mod views;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use tera::Context;

use crate::error::{Error, Result};
use inputs::{Inputs, read_inputs};
use tera_env::Templates;

/// What `build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The data folder.
    pub data: PathBuf,
    /// Where the site goes (replaced as a whole).
    pub out: PathBuf,
    /// The blog folder (posts in `_posts/`); a missing folder means no posts.
    pub blog: PathBuf,
    /// A templates folder whose files override the built-in ones file by file (`*.html`,
    /// `*.xml`, and `assets/` copied as is); `None` for the built-in templates alone.
    pub templates: Option<PathBuf>,
    /// Path or URL the site is served under (`/`, `/repo/`, `https://x.github.io/repo/`), with
    /// a trailing `/`; `None` for the blog's `_config.yml` `url` + `baseurl`, else `/`. Used
    /// only where a link must be absolute (feed, sitemap, Liquid's `site.url`/`site.baseurl`).
    /// Pages link relatively.
    pub base_url: Option<String>,
    /// Where the blog's URLs start inside the site: `blog/` (the default) or `""` (the site
    /// root, so a moved Jekyll blog keeps its addresses).
    pub blog_path: String,
    /// Publish posts dated after `now` (`build --future`).
    pub future: bool,
    /// Publish the blog's `_drafts/` (`build --drafts`).
    pub drafts: bool,
    /// The instant of the build: a post dated after it is not published yet (as in Jekyll).
    pub now: DateTime<Utc>,
    /// How often the monitor workflow polls, in minutes (from its crons), for the dashboard's
    /// freshness; `None` when not known.
    pub poll_minutes: Option<u32>,
    /// The repository (`owner/name`) whose successful monitor runs the dashboard asks GitHub's
    /// API about (public repositories); `None` outside Actions.
    pub repository: Option<String>,
    /// Local zone of every date shown.
    pub tz: Tz,
    /// The `generated_at` of `build.json` (`SOURCE_DATE_EPOCH`); `None` for the newest instant
    /// the data records (see [`build`]).
    pub source_date: Option<DateTime<Utc>>,
    /// How numbers and money are written: the site's locale and currency.
    pub numbers: numbers::Numbers,
}

/// What a build produced.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Files of the site.
    pub files: usize,
    /// Files whose content changed (new or different), written this build.
    pub written: usize,
    /// Files of the previous site the new one no longer has.
    pub removed: usize,
    /// Session pages.
    pub sessions: usize,
    /// Blog posts published.
    pub posts: usize,
    /// Bytes written.
    pub bytes: usize,
}

/// The site being built: relative path -> content.
pub struct Site<'a> {
    files: BTreeMap<String, Vec<u8>>,
    templates: &'a Templates,
    opts: &'a BuildOptions,
    /// The resolved base URL (see [`BuildOptions::base_url`]), ending in `/`.
    base_url: String,
}

impl Site<'_> {
    /// The site's base URL (`https://x.github.io/repo/`, or a path such as `/repo/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL of the blog's own root (the base URL and `--blog-path`).
    pub fn blog_base(&self) -> String {
        format!("{}{}", self.base_url, self.opts.blog_path)
    }

    /// Adds a file.
    pub fn put(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.to_owned(), bytes.into());
    }

    /// The base context of a page at `path`: `root` is the relative way back to the site root
    /// (`""`, `"../"`), so the site works from `file://` and under any project path.
    pub fn context(&self, path: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("root", &"../".repeat(path.matches('/').count()));
        ctx.insert("path", path);
        ctx.insert("base_url", &self.base_url);
        ctx.insert("version", env!("CARGO_PKG_VERSION"));
        ctx
    }

    /// The context of a page that shows figures: [`Site::context`] with `locale` and
    /// `currency`, which the page's `<body>` hands to its script (`Intl.NumberFormat`), so that
    /// numbers drawn in the browser read as the ones built here.
    pub fn figures_context(&self, path: &str) -> Context {
        let mut ctx = self.context(path);
        ctx.insert("locale", self.opts.numbers.locale());
        ctx.insert("currency", self.opts.numbers.currency());
        ctx.insert("digits", &self.numbers().digits_json());
        ctx
    }

    /// The site's number formatter (locale and currency).
    pub fn numbers(&self) -> &numbers::Numbers {
        &self.opts.numbers
    }

    /// Renders template `name` into `path`.
    ///
    /// # Errors
    /// [`Error::Data`] naming the template file, with Tera's cause chain, when `name` is not
    /// loaded or fails to render (a missing variable, a filter's error).
    pub fn page(&mut self, path: &str, name: &str, ctx: &Context) -> Result<()> {
        let html = self.templates.render(name, ctx)?;
        self.put(path, html);
        Ok(())
    }

    /// Puts a value as compact JSON, with a trailing newline.
    ///
    /// # Errors
    /// [`Error::Usage`] naming `path` when serde_json cannot encode the value (a map whose keys
    /// are not strings).
    pub fn json<T: Serialize>(&mut self, path: &str, value: &T) -> Result<()> {
        let mut bytes = serde_json::to_vec(value)
            .map_err(|e| Error::Usage(format!("cannot encode {path}: {e}")))?;
        bytes.push(b'\n');
        self.put(path, bytes);
        Ok(())
    }
}

/// Builds the whole site into `opts.out`, with the built-in templates overridden by
/// `opts.templates`. `build.json` gives the version of cph50 and `generated_at`:
/// `opts.source_date`, else the newest instant the data records (the last poll, a session's
/// start, end or last sample, a daily-start run, `vehicle_config.json`'s `last_updated`), or
/// `null` when it records none; never the clock, so unchanged inputs give the same bytes.
///
/// # Errors
/// [`Error::Data`] naming the folder or file when the templates folder is missing, a template
/// does not parse or render, a data file does not decode (`vehicle_config.json`,
/// `last_session.json`, `runs.json`, or the first problem under `sessions/` and
/// `session_cache/`), or a blog post has a bad name or front matter; [`Error::Io`] naming the
/// folder or file when the data folder is missing, a post, template or asset cannot be read,
/// or the new site cannot be written beside `opts.out` and swapped in.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with(opts, &tera_env::load(opts.templates.as_deref())?)
}

/// [`build`] with the templates already loaded by [`tera_env::load`] (parsing them is most of
/// the time of a small build); `opts.templates` is not read.
///
/// # Errors
/// As [`build`], except that the templates are not read again.
pub fn build_with(opts: &BuildOptions, templates: &Templates) -> Result<BuildReport> {
    let templates = &templates.with_numbers(&opts.numbers);
    let config = blog::config::Config::load(&opts.blog, opts.tz)?;
    let base_url = resolve_base_url(opts.base_url.as_deref(), &config);
    if let (Some(given), Some(url)) = (&opts.base_url, &config.url) {
        let configured = format!("{url}{}/", config.baseurl);
        if *given != configured {
            tracing::warn!(
                "--base-url {given} is not _config.yml's url + baseurl ({configured}); the feed's ids and links follow --base-url"
            );
        }
    }
    if !base_url.contains("://") {
        tracing::info!(
            "feed.xml and sitemap.xml link from {base_url}, not a full URL: give --base-url https://… or `url` in _config.yml"
        );
    }
    let mut site = Site {
        files: BTreeMap::new(),
        templates,
        opts,
        base_url,
    };
    let (sessions, newest) = render_data(&mut site)?;
    for (name, bytes) in templates.assets() {
        site.put(name, bytes);
    }
    let posts = blog::render(
        &mut site,
        &blog::posts::BlogOptions {
            dir: &opts.blog,
            path: &opts.blog_path,
            future: opts.future,
            drafts: opts.drafts,
            now: opts.now,
        },
        &config,
    )?;
    let generated_at = opts
        .source_date
        .or(newest)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    site.json(
        "build.json",
        &serde_json::json!({
            "generated_at": generated_at,
            "cph50": env!("CARGO_PKG_VERSION"),
        }),
    )?;
    let changes = write_atomically(&site.files, &opts.out)?;
    Ok(BuildReport {
        files: site.files.len(),
        written: changes.written,
        removed: changes.removed,
        sessions,
        posts,
        bytes: site.files.values().map(Vec::len).sum(),
    })
}

/// `1 hour`, `7 days`.
fn plural(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `--base-url`, else `_config.yml`'s `url` + `baseurl`, else `/`; always ending in `/`.
fn resolve_base_url(given: Option<&str>, config: &blog::config::Config) -> String {
    let base = match given {
        Some(b) => b.to_owned(),
        None => format!("{}{}/", config.url.as_deref().unwrap_or(""), config.baseurl),
    };
    if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    }
}

/// Renders every page made from the data folder; returns the number of sessions and the
/// newest instant the data records.
fn render_data(site: &mut Site) -> Result<(usize, Option<DateTime<Utc>>)> {
    let input = read_inputs(site.opts)?;
    render_exports(site, &input)?;
    // The month of the latest plug-in (not of the last day touched by a session that ran
    // past midnight into a new month).
    let latest_month = input
        .rows
        .last()
        .map(|r| r.local_date().format("%Y-%m").to_string())
        .unwrap_or_default();
    render_dashboard(site, &input, &latest_month)?;
    let colours = tou::PeriodColours::of(&input.rows);
    render_history(site, &input, &latest_month, &colours)?;
    for r in &input.rows {
        let path = site_paths::session_page(&r.id);
        let mut ctx = site.figures_context(&path);
        ctx.insert("s", &views::session_view(r, &input.vehicles));
        let span = match r.end.filter(|_| r.whole_curve) {
            Some(end) => charts::CurveSpan::Session(r.start, end),
            None => charts::CurveSpan::Readings,
        };
        ctx.insert(
            "chart",
            &charts::power_curve(&r.curve, span, site.numbers()),
        );
        ctx.insert("tou", &tou::session_tou(r, &colours, site.numbers()));
        site.page(&path, "session.html", &ctx)?;
    }
    // The 404 page is served at any depth: it links from the site's base, not relatively.
    let mut ctx = site.context("404.html");
    ctx.insert("root", &site.base_url);
    site.page("404.html", "404.html", &ctx)?;
    Ok((input.rows.len(), input.newest()))
}

/// `data/sessions.csv`, `data/cph50.sqlite` (the tables of `cph50 export --format sqlite`)
/// and the static JSON API under `api/v1/`.
fn render_exports(site: &mut Site, input: &Inputs) -> Result<()> {
    let export = exports::export_sessions(&input.rows, &input.config, site.numbers().currency());
    let csv = exports::sessions_csv(&export)
        .map_err(|e| Error::Usage(format!("cannot encode {}: {e}", site_paths::CSV_EXPORT)))?;
    site.put(site_paths::CSV_EXPORT, csv);
    let tables = database::tables(input, site.opts.tz, site.opts.numbers.currency());
    site.put(
        site_paths::SQLITE_EXPORT,
        crate::export::sqlite::to_bytes(&tables)?,
    );
    site.json("api/v1/sessions.json", &export)?;
    site.json("api/v1/vehicles.json", &input.vehicles)?;
    if let Some(last) = &input.last {
        site.json("api/v1/last_session.json", last)?;
    }
    // the history page: the sessions once for its table, and small aggregates per level
    let ids: Vec<String> = input.vehicles.iter().map(|v| v.id.clone()).collect();
    site.json(
        "api/v1/history-sessions.json",
        &history::sessions_file(&input.rows, &ids),
    )?;
    for level in &input.levels {
        site.json(
            &format!("api/v1/history-{}.json", level.level),
            &level.file(),
        )?;
    }
    Ok(())
}

/// `index.html`: the snapshot, the daily start's health and this month's totals.
fn render_dashboard(site: &mut Site, input: &Inputs, latest_month: &str) -> Result<()> {
    let vehicles = &input.vehicles;
    let mut ctx = site.figures_context("index.html");
    ctx.insert(
        "now",
        &input.last.as_ref().map(|l| views::now_view(l, vehicles)),
    );
    ctx.insert("health", &views::health_view(&input.runs));
    ctx.insert("month", latest_month);
    // `2026-10` -> `October 2026`
    ctx.insert(
        "month_title",
        &chrono::NaiveDate::parse_from_str(&format!("{latest_month}-01"), "%Y-%m-%d").map_or_else(
            |_| latest_month.to_owned(),
            |d| d.format("%B %Y").to_string(),
        ),
    );
    ctx.insert(
        "month_totals",
        &input
            .levels
            .get(1)
            .map_or_else(Vec::new, |l| views::totals(l, latest_month, vehicles)),
    );
    ctx.insert("vehicles", vehicles);
    ctx.insert("poll_minutes", &site.opts.poll_minutes);
    // `60 minutes` as `1 hour`, `10080 minutes` as `7 days`
    ctx.insert(
        "poll_every",
        &site.opts.poll_minutes.map(|m| match m {
            m if m % 1440 == 0 => plural(m / 1440, "day"),
            m if m % 60 == 0 => plural(m / 60, "hour"),
            m => plural(m, "minute"),
        }),
    );
    ctx.insert("repository", &site.opts.repository);
    site.page("index.html", "index.html", &ctx)
}

/// `history.html`: the latest month's days, drawn at build time; the script redraws on change;
/// with splits by time-of-use period, the cost by period per month.
/// Its style sheet is inlined (allowed by its hash in the CSP): besides the page and the
/// script it requests only a level's aggregates and, once, the sessions file for the table.
fn render_history(
    site: &mut Site,
    input: &Inputs,
    latest_month: &str,
    colours: &tou::PeriodColours,
) -> Result<()> {
    let vehicles = &input.vehicles;
    let mut ctx = site.figures_context("history.html");
    ctx.insert(
        "tou",
        &tou::history_tou(&input.rows, colours, site.numbers()),
    );
    if let Some(css) = inline_style(site.templates) {
        ctx.insert("style_hash", &css.hash);
        ctx.insert("inline_css", &css.text);
    }
    ctx.insert("vehicles", vehicles);
    ctx.insert("level", "day");
    ctx.insert("page", latest_month);
    // previous/next stop at the first and last month with data
    let pages = input.levels.first().map_or(&[][..], |l| &l.pages[..]);
    let at = pages.iter().position(|p| p == latest_month);
    ctx.insert("has_prev", &at.is_some_and(|i| i > 0));
    ctx.insert("has_next", &at.is_some_and(|i| i + 1 < pages.len()));
    ctx.insert(
        "chart",
        &input
            .levels
            .first()
            .map(|l| views::level_chart(l, latest_month, 0, vehicles, site.numbers()))
            .unwrap_or_default(),
    );
    // the month's days added up as the script adds them, so a redraw shows the same figures
    let (sums, any_miles) = input.levels.first().map_or(([0.0; 4], false), |l| {
        views::page_sums(l, latest_month, vehicles)
    });
    ctx.insert(
        "summary",
        &views::TotalsRow {
            name: String::new(),
            colour: String::new(),
            kwh: sums[0],
            // the cars with an efficiency figure; none: the miles cannot be estimated
            miles: any_miles.then_some(sums[1]),
            sessions: sums[2],
            cost: sums[3],
        },
    );
    let month_rows: Vec<views::SessionView> = input
        .rows
        .iter()
        .filter(|r| r.local_date().format("%Y-%m").to_string() == latest_month)
        .map(|r| views::session_view(r, vehicles))
        .collect();
    ctx.insert("sessions", &month_rows);
    site.page("history.html", "history.html", &ctx)
}

/// A style sheet to inline in a `<style>` element, with the CSP source that allows it.
struct InlineStyle {
    text: String,
    /// `sha256-<base64>` of `text`, for `style-src`.
    hash: String,
}

/// `assets/site.css` of the templates, when there is one (and it is UTF-8).
fn inline_style(templates: &Templates) -> Option<InlineStyle> {
    use sha2::{Digest, Sha256};
    let text = String::from_utf8(templates.file("assets/site.css")?.to_vec()).ok()?;
    let hash = format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())));
    Some(InlineStyle { text, hash })
}

/// Standard base64 with padding (RFC 4648), as CSP hash sources want.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What [`write_atomically`] changed.
#[derive(Debug, Clone, Copy, Default)]
struct Changes {
    written: usize,
    removed: usize,
}

/// Writes only what changed: each file is compared with the previous site's; when none differs
/// and none is gone, nothing is written at all (not even the swap). Otherwise the new site is
/// made in a temporary folder beside `out`, unchanged files hard-linked from the previous site
/// (no bytes written, same inode and modification time) and the rest written, then swapped in
/// whole (see [`crate::fsio::replace_dir`]): a failed build leaves the previous site, and a
/// reader never sees half of each. Holds `out`'s lock meanwhile, so that a concurrent build
/// waits, and the next build deletes what a killed one left beside it.
fn write_atomically(files: &BTreeMap<String, Vec<u8>>, out: &Path) -> Result<Changes> {
    // a site folder that is a symbolic link is built where it points
    let target;
    let out = match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            target = fs::canonicalize(out).map_err(|e| Error::io("follow the link", out, e))?;
            target.as_path()
        }
        _ => out,
    };
    let _lock = crate::fsio::lock::FolderLock::acquire(out)?;
    let previous = previous_files(out);
    let unchanged = |rel: &str, bytes: &[u8]| -> bool {
        previous.get(rel).is_some_and(|(len, ordinary)| {
            *ordinary
                && *len == bytes.len() as u64
                && fs::read(out.join(rel)).is_ok_and(|old| old == bytes)
        })
    };
    let same: Vec<bool> = files
        .iter()
        .map(|(rel, bytes)| unchanged(rel, bytes))
        .collect();
    let changes = Changes {
        written: same.iter().filter(|s| !**s).count(),
        removed: previous.keys().filter(|k| !files.contains_key(*k)).count(),
    };
    if changes.written == 0 && changes.removed == 0 && out.is_dir() {
        return Ok(changes);
    }
    let staging = crate::fsio::staging_dir(out, "site")?;
    for ((rel, bytes), same) in files.iter().zip(same) {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
        }
        if same && fs::hard_link(out.join(rel), &path).is_ok() {
            continue;
        }
        fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
    }
    crate::fsio::replace_dir(staging, out)?;
    Ok(changes)
}

/// Readable by everyone and writable by the owner (`rw-r--r--` or more), as a written file is.
#[cfg(unix)]
fn ordinary_permissions(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o644 == 0o644
}

/// Not read-only, elsewhere.
#[cfg(not(unix))]
fn ordinary_permissions(m: &fs::Metadata) -> bool {
    !m.permissions().readonly()
}

/// The previous site's files (path from `out` with `/` -> size in bytes, and whether its
/// permissions are those of a file cph50 writes: readable by all, writable by its owner; a
/// file changed by hand to other permissions is written again rather than linked); empty when
/// there is none. Symbolic links and other non-files are not files of a site cph50 built.
fn previous_files(out: &Path) -> BTreeMap<String, (u64, bool)> {
    let mut found = BTreeMap::new();
    if !out.is_dir() {
        return found;
    }
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(std::result::Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        found.insert(
            rel,
            entry
                .metadata()
                .map_or((u64::MAX, false), |m| (m.len(), ordinary_permissions(&m))),
        );
    }
    found
}
