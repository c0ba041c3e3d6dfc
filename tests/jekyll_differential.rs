//! The Jekyll differential test (issue 13): the blog folder `tests/fixtures/jekyll_corpus/`
//! (a Jekyll site written for this test, one or more posts per feature; see the file names) is
//! built by real Jekyll 4.3 (with jekyll-feed and jekyll-sitemap) and by `cph50 build
//! --blog-path /`, and the two outputs are compared:
//!
//! 1. the post URLs of each side's `feed.xml`, and each URL's HTML file in each output;
//! 2. each feed entry, matched by `<id>` (else by its link): `<id>`, `<link href>`, `<title>`,
//!    `<published>` (as an instant) and `<summary>` as text;
//! 3. each post's visible text: the text of its `<div class="e-content">`;
//! 4. the static files Jekyll copies (same bytes in cph50's output), and the source files
//!    Jekyll keeps private (excluded, dot and underscore files) absent from cph50's output;
//! 5. the sitemaps' `<loc>` of posts and pages.
//!
//! A failure prints one report of every difference. `DELIBERATE_DIFFERENCES` lists the ones
//! cph50 keeps on purpose; exactly those are ignored, and an entry that matches nothing fails
//! too. Without `jekyll` on PATH the test says SKIPPED (and fails under CPH50_REQUIRE_ALL=1).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset};

use crate::common::{cph50, require_tool};

/// `url` + `baseurl` of the corpus's `_config.yml`: where both sides' absolute links start.
const SITE: &str = "https://example.github.io/logbook";

/// `baseurl` alone, how root-relative links start.
const BASEURL: &str = "/logbook";

/// Where cph50 writes the blog inside its site (`--blog-path`): `/` keeps Jekyll's URLs.
const BLOG_PATH: &str = "/";

/// Files Jekyll's plugins write that are not copies of the source: compared by checks 1, 2
/// and 5, not as static files.
const GENERATED: &[&str] = &["feed.xml", "sitemap.xml", "robots.txt"];

/// A difference cph50 keeps on purpose: the test ignores a difference of kind `check` about
/// `subject` (as the report prints them). `what` says what differs, `why` why cph50 keeps it.
struct Deliberate {
    check: Check,
    subject: &'static str,
    #[allow(dead_code)] // documentation, read by people
    what: &'static str,
    #[allow(dead_code)]
    why: &'static str,
}

/// Differences cph50 keeps on purpose (none yet: every difference from Jekyll fails).
const DELIBERATE_DIFFERENCES: &[Deliberate] = &[];

/// The kinds of difference, in the order the report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    /// cph50's build failed, or a side has no readable feed.xml / sitemap.xml.
    Build,
    /// A post in one side's feed and not in the other's.
    PostUrls,
    /// A feed link whose HTML file is not in that side's output.
    PostFile,
    FeedId,
    FeedLink,
    FeedTitle,
    FeedPublished,
    FeedSummary,
    /// The visible text of the post's `<div class="e-content">`.
    PostText,
    /// A file Jekyll copies, missing or different in cph50's output.
    StaticFile,
    /// A source file Jekyll does not publish, published by cph50.
    PrivateFile,
    /// A sitemap `<loc>` of a post or page on one side only.
    Sitemap,
}

/// One difference: what was compared, about what, and each side's value.
struct Difference {
    check: Check,
    subject: String,
    jekyll: String,
    cph50: String,
}

/// Every difference found, to report at once.
#[derive(Default)]
struct Report(Vec<Difference>);

impl Report {
    fn add(
        &mut self,
        check: Check,
        subject: &str,
        jekyll: impl Into<String>,
        cph: impl Into<String>,
    ) {
        self.0.push(Difference {
            check,
            subject: subject.to_owned(),
            jekyll: jekyll.into(),
            cph50: cph.into(),
        });
    }

    /// The report of every difference not in `DELIBERATE_DIFFERENCES` and of every entry there
    /// that matched nothing; empty when there are none.
    fn unexpected(mut self) -> String {
        let mut used = vec![false; DELIBERATE_DIFFERENCES.len()];
        self.0.retain(|d| {
            let hit = DELIBERATE_DIFFERENCES
                .iter()
                .position(|k| k.check == d.check && k.subject == d.subject);
            if let Some(i) = hit {
                used[i] = true;
            }
            hit.is_none()
        });
        for (k, used) in DELIBERATE_DIFFERENCES.iter().zip(used) {
            if !used {
                self.add(
                    k.check,
                    k.subject,
                    "(an entry of DELIBERATE_DIFFERENCES)",
                    "no such difference any more: remove the entry",
                );
            }
        }
        self.0
            .sort_by(|a, b| (a.check, &a.subject).cmp(&(b.check, &b.subject)));
        let mut out = String::new();
        if self.0.is_empty() {
            return out;
        }
        let _ = writeln!(
            out,
            "{} differences between Jekyll and cph50:",
            self.0.len()
        );
        let mut last = None;
        for d in &self.0 {
            if last != Some(d.check) {
                let n = self.0.iter().filter(|x| x.check == d.check).count();
                let _ = writeln!(out, "\n== {:?} ({n})", d.check);
                last = Some(d.check);
            }
            let _ = writeln!(
                out,
                "- {}\n    jekyll: {}\n    cph50:  {}",
                d.subject, d.jekyll, d.cph50
            );
        }
        out
    }
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Copies the folder `from` (dot files included) to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, as `/`-separated paths relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.to_str().unwrap().replace('\\', "/")
        })
        .collect()
}

/// The path inside the output folder of a link: `https://example.github.io/logbook/x/` and
/// `/logbook/x/` give `/x/`, as does a root-relative `/x/` (which check 2 reports for not
/// being absolute).
fn in_site(url: &str) -> &str {
    url.strip_prefix(SITE)
        .or_else(|| url.strip_prefix(BASEURL).filter(|p| p.starts_with('/')))
        .unwrap_or(url)
}

/// The path of a link inside the blog: `in_site` less cph50's `BLOG_PATH`, so that both
/// sides' posts have the same path. The report names posts by it.
fn site_path(url: &str) -> String {
    let path = in_site(url);
    let blog = BLOG_PATH.trim_matches('/');
    if blog.is_empty() {
        return path.to_owned();
    }
    match path.strip_prefix('/').and_then(|p| p.strip_prefix(blog)) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => path.to_owned(),
    }
}

/// A blog path without what only tells how it is served (`index.html`, `/`, `.html`): pairs
/// the feed entries of one post whose URLs differ in that alone (the link check still reports
/// the difference).
fn stem(path: &str) -> &str {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.strip_suffix(".html").unwrap_or(path)
}

/// The file a static host serves for a site path, relative to the output folder: `/x/` is
/// `x/index.html`, `/x.html` itself, and an extensionless `/x` is `x.html` (how Jekyll writes
/// a permalink without an extension, e.g. `permalink: pretty` in front matter).
fn file_of(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if rel
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        rel.to_owned()
    } else {
        format!("{rel}.html")
    }
}

/// All the text under `node` (CDATA included), in document order.
fn xml_text(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(roxmltree::Node::is_text)
        .filter_map(|n| n.text())
        .collect()
}

/// Whitespace runs as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text a feed reader shows for an Atom text construct: its XML text, read as HTML when
/// `type="html"` (jekyll-feed escapes titles and puts summaries in CDATA, both HTML), with
/// whitespace collapsed.
fn atom_text(node: roxmltree::Node) -> String {
    let raw = xml_text(node);
    match node.attribute("type") {
        Some("html") => {
            let fragment = scraper::Html::parse_fragment(&raw);
            collapse(&fragment.root_element().text().collect::<String>())
        }
        _ => collapse(&raw),
    }
}

/// One `<entry>` of an Atom feed, as compared. `None` for an element the entry lacks.
#[derive(Debug)]
struct Entry {
    id: Option<String>,
    link: Option<String>,
    title: Option<String>,
    published: Option<String>,
    summary: Option<String>,
}

/// The first child element of `node` named `name` (any namespace).
fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The entries of the Atom feed `xml`.
fn feed_entries(xml: &str) -> Result<Vec<Entry>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    Ok(doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "entry")
        .map(|e| Entry {
            id: child(e, "id").map(|n| xml_text(n).trim().to_owned()),
            link: e
                .children()
                .filter(|c| c.is_element() && c.tag_name().name() == "link")
                .find(|c| c.attribute("rel").is_none_or(|r| r == "alternate"))
                .and_then(|c| c.attribute("href"))
                .map(str::to_owned),
            title: child(e, "title").map(atom_text),
            published: child(e, "published").map(|n| xml_text(n).trim().to_owned()),
            summary: child(e, "summary").map(atom_text),
        })
        .collect())
}

/// The `<loc>` values of the sitemap `xml`.
fn sitemap_locs(xml: &str) -> Result<BTreeSet<String>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    Ok(doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "loc")
        .map(|n| xml_text(n).trim().to_owned())
        .collect())
}

/// Elements a browser lays out apart from their neighbours: their text is separated from
/// the text around them, whatever whitespace the HTML has there (`<td>a</td><td>b</td>` and
/// `<td>a</td>\n<td>b</td>` both read "a b").
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The text of `element`'s descendants, with a space around each of `BLOCKS`.
fn visible_text(element: scraper::ElementRef, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(child) = scraper::ElementRef::wrap(child) {
            let block = BLOCKS.contains(&child.value().name());
            if block {
                out.push(' ');
            }
            visible_text(child, out);
            if block {
                out.push(' ');
            }
        }
    }
}

/// The visible text of the first `<div class="e-content">` of the HTML page `html`: its
/// text nodes, blocks apart, whitespace collapsed.
fn post_text(html: &str) -> Option<String> {
    let page = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("div.e-content").unwrap();
    page.select(&selector).next().map(|div| {
        let mut text = String::new();
        visible_text(div, &mut text);
        collapse(&text)
    })
}

/// An `Option` as the report shows it.
fn shown(value: Option<&String>) -> String {
    value.map_or_else(|| "(none)".to_owned(), |v| format!("{v:?}"))
}

/// A `<published>` value as an instant, or why it is not one.
fn instant(value: Option<&String>) -> Result<DateTime<FixedOffset>, String> {
    let value = value.ok_or("(none)")?;
    DateTime::parse_from_rfc3339(value).map_err(|e| format!("{value:?}: not RFC 3339 ({e})"))
}

/// One side's output folder.
struct Side {
    out: PathBuf,
}

impl Side {
    fn read(&self, rel: &str) -> Option<String> {
        fs::read_to_string(self.out.join(rel)).ok()
    }

    /// The feed's entries; a missing or broken feed is reported and gives none.
    fn entries(&self, name: &str, report: &mut Report) -> Vec<Entry> {
        let parsed = self
            .read("feed.xml")
            .ok_or_else(|| "no feed.xml".to_owned())
            .and_then(|xml| feed_entries(&xml));
        parsed.unwrap_or_else(|e| {
            report.add(Check::Build, &format!("{name} feed.xml"), "a feed", e);
            Vec::new()
        })
    }

    fn locs(&self, name: &str, report: &mut Report) -> BTreeSet<String> {
        let parsed = self
            .read("sitemap.xml")
            .ok_or_else(|| "no sitemap.xml".to_owned())
            .and_then(|xml| sitemap_locs(&xml));
        parsed.unwrap_or_else(|e| {
            report.add(Check::Build, &format!("{name} sitemap.xml"), "a sitemap", e);
            BTreeSet::new()
        })
    }
}

/// Builds the corpus with Jekyll into `out`; panics (the corpus is wrong, not cph50) when
/// Jekyll fails or warns.
fn jekyll_build(source: &Path, out: &Path) {
    let run = Command::new("jekyll")
        .args(["build", "--trace", "--source"])
        .arg(source)
        .arg("--destination")
        .arg(out)
        .env("JEKYLL_ENV", "production")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "jekyll build failed:\n{stdout}\n{stderr}"
    );
    let warned = format!("{stdout}\n{stderr}")
        .lines()
        .any(|l| l.contains("Warning") || l.contains("Error") || l.contains("Deprecation"));
    assert!(
        !warned,
        "jekyll warned about the corpus; fix tests/fixtures/jekyll_corpus:\n{stdout}\n{stderr}"
    );
}

/// Builds the corpus with cph50 into `out`; a failed build is the one difference reported.
fn cph50_build(work: &Path, source: &Path, out: &Path, report: &mut Report) -> bool {
    let data = work.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::copy(
        repo("data/vehicle_config.json"),
        data.join("vehicle_config.json"),
    )
    .unwrap();
    let run = cph50(work)
        .arg("--data")
        .arg(&data)
        .args(["build", "--blog"])
        .arg(source)
        .args(["--blog-path", BLOG_PATH, "--out"])
        .arg(out)
        .output()
        .unwrap();
    if !run.status.success() {
        report.add(
            Check::Build,
            "cph50 build",
            "jekyll build succeeded",
            format!(
                "exit {:?}: {}",
                run.status.code(),
                String::from_utf8_lossy(&run.stderr).trim()
            ),
        );
    }
    run.status.success()
}

/// The file of cph50's output at the blog path `path` (`BLOG_PATH` + `file_of`).
fn cph50_file(path: &str) -> String {
    let blog = BLOG_PATH.trim_matches('/');
    let file = file_of(path);
    if blog.is_empty() {
        file
    } else {
        format!("{blog}/{file}")
    }
}

/// Check 3 for one post: the visible texts of its two pages, as read.
fn compare_text(subject: &str, jekyll: Option<String>, cph: Option<String>, report: &mut Report) {
    let (a, b) = (jekyll.map(|h| post_text(&h)), cph.map(|h| post_text(&h)));
    // a missing file is check 1's difference
    if let (Some(a), Some(b)) = (a, b) {
        if a != b {
            let show = |t: Option<String>| {
                t.map_or_else(
                    || "(no <div class=\"e-content\">)".to_owned(),
                    |t| format!("{t:?}"),
                )
            };
            report.add(Check::PostText, subject, show(a), show(b));
        }
    }
}

/// What pairs two feed entries of one post when equal (and not `None`).
type PairKey<'a> = dyn Fn(&Entry) -> Option<String> + 'a;

/// Checks 1 to 3: the feeds' posts, their fields, their HTML files and visible text.
fn compare_posts(jekyll: &Side, cph: &Side, report: &mut Report) {
    let j_entries = jekyll.entries("jekyll", report);
    let c_entries = cph.entries("cph50", report);
    // each side's feed links to pages of its own output
    for (name, side, entries) in [("jekyll", jekyll, &j_entries), ("cph50", cph, &c_entries)] {
        for link in entries.iter().filter_map(|e| e.link.as_deref()) {
            let file = file_of(in_site(link));
            if !side.out.join(&file).is_file() {
                let (mine, other) = (format!("its feed links to {link}, {file} missing"), "");
                let (j, c) = if name == "jekyll" {
                    (mine.clone(), other)
                } else {
                    (other.into(), &*mine)
                };
                report.add(Check::PostFile, &site_path(link), j, c);
            }
        }
    }
    // pairs: by id, then by the link's path in the blog, then by that path's stem
    let path_of = |e: &Entry| e.link.as_deref().map(site_path);
    let stem_of = |e: &Entry| path_of(e).map(|p| stem(&p).to_owned());
    let mut c_left: Vec<&Entry> = c_entries.iter().collect();
    let mut j_left: Vec<&Entry> = j_entries.iter().collect();
    let mut pairs = Vec::new();
    let keys: [&PairKey; 3] = [&|e| e.id.clone(), &path_of, &stem_of];
    for key in keys {
        j_left.retain(|j| {
            let found =
                key(j).and_then(|k| c_left.iter().position(|c| key(c).as_ref() == Some(&k)));
            if let Some(i) = found {
                pairs.push((*j, c_left.remove(i)));
            }
            found.is_none()
        });
    }
    for c in c_left {
        report.add(
            Check::PostUrls,
            &path_of(c).unwrap_or_default(),
            "not in feed.xml",
            format!("in feed.xml: {}", shown(c.link.as_ref())),
        );
    }
    for (j, c) in pairs {
        let subject = path_of(j).unwrap_or_default();
        for (check, a, b) in [
            (Check::FeedId, &j.id, &c.id),
            (Check::FeedLink, &j.link, &c.link),
            (Check::FeedTitle, &j.title, &c.title),
            (Check::FeedSummary, &j.summary, &c.summary),
        ] {
            if a != b {
                report.add(check, &subject, shown(a.as_ref()), shown(b.as_ref()));
            }
        }
        let (a, b) = (instant(j.published.as_ref()), instant(c.published.as_ref()));
        if a != b {
            let show =
                |r: Result<DateTime<FixedOffset>, String>| r.map_or_else(|e| e, |t| t.to_rfc3339());
            report.add(Check::FeedPublished, &subject, show(a), show(b));
        }
        let page = |side: &Side, e: &Entry| side.read(&file_of(in_site(e.link.as_deref()?)));
        compare_text(&subject, page(jekyll, j), page(cph, c), report);
    }
    // a post missing from cph50's feed: its page must still be at Jekyll's URL; its text is
    // compared with the page found there, else at the URL's stem (`x.html`, `x/index.html`)
    for j in j_left {
        let (Some(link), Some(path)) = (j.link.as_deref(), path_of(j)) else {
            continue;
        };
        let exact = cph50_file(&path);
        let page = cph.read(&exact);
        report.add(
            Check::PostUrls,
            &path,
            format!("in feed.xml: {}", shown(j.link.as_ref())),
            format!(
                "not in feed.xml; {exact} {}",
                if page.is_some() { "exists" } else { "missing" }
            ),
        );
        let page = page.or_else(|| {
            let stem = stem(&path);
            [format!("{stem}.html"), format!("{stem}/")]
                .iter()
                .find_map(|p| cph.read(&cph50_file(p)))
        });
        compare_text(&path, jekyll.read(&file_of(in_site(link))), page, report);
    }
}

/// Check 4: the static files Jekyll copies, and the source files it keeps private.
fn compare_static_files(source: &Path, jekyll: &Side, cph: &Side, report: &mut Report) {
    let j_files = files(&jekyll.out);
    let blog = BLOG_PATH.trim_matches('/');
    let in_cph = |rel: &str| {
        if blog.is_empty() {
            cph.out.join(rel)
        } else {
            cph.out.join(blog).join(rel)
        }
    };
    for rel in &j_files {
        if rel.ends_with(".html") || GENERATED.contains(&rel.as_str()) {
            continue;
        }
        let expected = fs::read(jekyll.out.join(rel)).unwrap();
        match fs::read(in_cph(rel)) {
            Ok(bytes) if bytes == expected => {}
            Ok(bytes) => report.add(
                Check::StaticFile,
                rel,
                format!("{} bytes", expected.len()),
                format!("{} bytes, different", bytes.len()),
            ),
            Err(_) => report.add(Check::StaticFile, rel, "copied", "missing"),
        }
    }
    for rel in files(source) {
        if !j_files.contains(&rel) && in_cph(&rel).is_file() {
            report.add(Check::PrivateFile, &rel, "not published", "published");
        }
    }
}

/// Check 5: the sitemaps' `<loc>`s of posts and pages. cph50's own pages (dashboard,
/// history, tags, ...) are not Jekyll's: a `<loc>` only cph50 has counts when it is one of
/// cph50's posts or a page of the corpus.
fn compare_sitemaps(source: &Path, jekyll: &Side, cph: &Side, report: &mut Report) {
    let j_locs = jekyll.locs("jekyll", report);
    let c_locs = cph.locs("cph50", report);
    let c_posts: BTreeSet<String> = cph
        .read("feed.xml")
        .and_then(|xml| feed_entries(&xml).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.link)
        .collect();
    let pages: BTreeSet<String> = ["about/"].iter().map(|p| format!("{SITE}/{p}")).collect();
    assert!(
        source.join("about.md").is_file(),
        "the corpus's page list is out of date"
    );
    for loc in j_locs.difference(&c_locs) {
        report.add(
            Check::Sitemap,
            &site_path(loc),
            "in sitemap.xml",
            "not in sitemap.xml",
        );
    }
    for loc in c_locs.difference(&j_locs) {
        if c_posts.contains(loc) || pages.contains(loc) {
            report.add(
                Check::Sitemap,
                &site_path(loc),
                "not in sitemap.xml",
                "in sitemap.xml",
            );
        }
    }
}

#[test]
fn cph50_builds_the_jekyll_corpus_as_jekyll_does() {
    if !require_tool("jekyll") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let source = work.path().join("corpus");
    copy_tree(&repo("tests/fixtures/jekyll_corpus"), &source);
    let jekyll = Side {
        out: work.path().join("jekyll"),
    };
    let cph = Side {
        out: work.path().join("cph50"),
    };
    jekyll_build(&source, &jekyll.out);
    // Jekyll leaves its cache in the source; cph50 reads a clean copy
    let clean = work.path().join("corpus-clean");
    copy_tree(&repo("tests/fixtures/jekyll_corpus"), &clean);

    let mut report = Report::default();
    if cph50_build(work.path(), &clean, &cph.out, &mut report) {
        compare_posts(&jekyll, &cph, &mut report);
        compare_static_files(&clean, &jekyll, &cph, &mut report);
        compare_sitemaps(&clean, &jekyll, &cph, &mut report);
    }
    let unexpected = report.unexpected();
    assert!(unexpected.is_empty(), "{unexpected}");
}

#[test]
fn the_report_helpers_read_urls_feeds_and_posts() {
    // the comparisons above are only as good as these readings
    assert_eq!(
        site_path(&format!("{SITE}/2026/01/09/x/")),
        "/2026/01/09/x/"
    );
    assert_eq!(site_path("/logbook/about/"), "/about/");
    assert_eq!(site_path("/logbooks/x"), "/logbooks/x");
    assert_eq!(file_of("/2026/01/09/x/"), "2026/01/09/x/index.html");
    assert_eq!(file_of("/2025/x.html"), "2025/x.html");
    assert_eq!(file_of("/pretty"), "pretty.html");
    assert_eq!(stem("/2026/01/14/bom/"), stem("/2026/01/14/bom.html"));
    assert_eq!(stem("/x/index.html"), "/x");
    let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
        <title type="html">URL &amp;amp; text</title>
        <link href="https://example.github.io/logbook/a/" rel="alternate" type="text/html"/>
        <published>2026-01-13T02:00:00-08:00</published>
        <id>https://example.github.io/logbook/a</id>
        <summary type="html"><![CDATA[Three nights1 &#8617;  <b>x</b>]]></summary>
        </entry></feed>"#;
    let e = &feed_entries(feed).unwrap()[0];
    assert_eq!(e.title.as_deref(), Some("URL & text"));
    assert_eq!(e.summary.as_deref(), Some("Three nights1 ↩ x"));
    assert_eq!(
        e.link.as_deref(),
        Some("https://example.github.io/logbook/a/")
    );
    assert_eq!(
        instant(e.published.as_ref()),
        instant(Some(&"2026-01-13T10:00:00Z".to_owned()))
    );
    assert_eq!(
        post_text("<p>x</p><div class=\"e-content\"><p>A <em>b</em>\n\n c</p></div>").as_deref(),
        Some("A b c")
    );
    assert_eq!(
        post_text(
            "<div class=\"e-content\"><table><tr><td>a</td><td>b<em>c</em></td></tr></table></div>"
        )
        .as_deref(),
        Some("a bc")
    );
    let mut report = Report::default();
    report.add(Check::PostText, "/a/", "x", "y");
    report.add(Check::PostUrls, "/b/", "in", "out");
    let text = report.unexpected();
    assert!(text.starts_with("2 differences"), "{text}");
    assert!(text.find("PostUrls") < text.find("PostText"), "{text}");
}
