//! The blog: `blog/_posts/YYYY-MM-DD-slug.md` (or `.html`) with Jekyll front matter, rendered
//! as kramdown renders Markdown (`super::markdown`); an index with pagination, tag pages, an Atom feed and a sitemap.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::Site;
use super::front_matter::{self, FrontMatter};
use super::sanitize;
use crate::clock::local_day_start;
use crate::error::{Error, Problem, Result};

/// Posts per index page.
pub const PER_PAGE: usize = 5;

/// The one template a post is rendered with. A front matter `layout` other than `post`
/// (Jekyll's `default`, `page`, or a site page such as `index`, which needs data a post does
/// not have) is rendered with it too, and `build` says so in a one-line warning.
pub const POST_LAYOUT: &str = "post.html";

/// A post as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    /// Title.
    pub title: String,
    /// Path inside the site (`blog/2026/01/10/slug.html`).
    pub url: String,
    /// RFC 3339 date with offset.
    pub date: String,
    /// `10 January 2026`.
    pub date_text: String,
    /// Tags, with their page slugs.
    pub tags: Vec<TagLink>,
    /// Categories.
    pub categories: Vec<String>,
    /// Excerpt HTML.
    pub excerpt: String,
    /// Body HTML.
    pub content: String,
    #[serde(skip)]
    sort_key: (DateTime<FixedOffset>, String),
}

/// A tag and its page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TagLink {
    /// The tag.
    pub name: String,
    /// Its slug (`blog/tags/<slug>.html`).
    pub slug: String,
}

/// Renders every published post, the index pages, tag pages, `feed.xml` and `sitemap.xml`.
/// Returns the number of posts.
///
/// # Errors
/// [`Error::Data`] naming the post file when its name is not `YYYY-MM-DD-slug.md` (or
/// `.markdown`, `.html`) or its front matter does not parse (no closing `---`, bad YAML, a
/// bad `date`), or naming the template that fails to render; [`Error::Io`] when `_posts/`
/// cannot be walked or a post cannot be read.
pub fn render(site: &mut Site, dir: &Path) -> Result<usize> {
    let mut posts = load(dir, site.opts.tz)?;
    posts.sort_by(|a, b| b.sort_key.cmp(&a.sort_key));
    for p in &posts {
        let mut ctx = site.context(&p.url);
        ctx.insert("post", p);
        site.page(&p.url, POST_LAYOUT, &ctx)?;
    }
    let pages: Vec<&[Post]> = if posts.is_empty() {
        vec![&[]]
    } else {
        posts.chunks(PER_PAGE).collect()
    };
    let page_url = |n: usize| {
        if n == 1 {
            "blog/index.html".to_owned()
        } else {
            format!("blog/page{n}/index.html")
        }
    };
    for (i, chunk) in pages.iter().enumerate() {
        let n = i + 1;
        let url = page_url(n);
        let mut ctx = site.context(&url);
        ctx.insert("posts", chunk);
        ctx.insert("page", &n);
        ctx.insert("pages", &pages.len());
        ctx.insert("prev", &(n > 1).then(|| page_url(n - 1)));
        ctx.insert("next", &(n < pages.len()).then(|| page_url(n + 1)));
        site.page(&url, "blog_index.html", &ctx)?;
    }
    let mut tags: BTreeMap<TagLink, Vec<&Post>> = BTreeMap::new();
    for p in &posts {
        for t in &p.tags {
            tags.entry(t.clone()).or_default().push(p);
        }
    }
    for (tag, tagged) in &tags {
        let url = format!("blog/tags/{}.html", tag.slug);
        let mut ctx = site.context(&url);
        ctx.insert("tag", tag);
        ctx.insert("posts", tagged);
        site.page(&url, "tag.html", &ctx)?;
    }
    let mut ctx = site.context("feed.xml");
    ctx.insert("posts", &posts.iter().take(20).collect::<Vec<_>>());
    ctx.insert(
        "updated",
        &posts
            .iter()
            .map(|p| p.date.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_owned()),
    );
    site.page("feed.xml", "feed.xml", &ctx)?;
    let mut urls: Vec<String> = site
        .files
        .keys()
        .filter(|k| k.ends_with(".html") && k.as_str() != "404.html")
        .cloned()
        .collect();
    urls.sort();
    let mut ctx = site.context("sitemap.xml");
    ctx.insert("urls", &urls);
    site.page("sitemap.xml", "sitemap.xml", &ctx)?;
    Ok(posts.len())
}

fn load(dir: &Path, tz: chrono_tz::Tz) -> Result<Vec<Post>> {
    let posts_dir = dir.join("_posts");
    let mut posts = Vec::new();
    if !posts_dir.is_dir() {
        return Ok(posts);
    }
    for entry in walkdir::WalkDir::new(&posts_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io("read", &posts_dir, e.into()))?;
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_html = name.ends_with(".html");
        if !entry.file_type().is_file()
            || name.starts_with('.')
            || !(name.ends_with(".md") || name.ends_with(".markdown") || is_html)
        {
            continue;
        }
        let bad = |msg: String| Error::Data(Problem::file(path, msg));
        let (file_date, slug) = parse_name(name).ok_or_else(|| {
            bad("post file names must be YYYY-MM-DD-slug.md (or .markdown, .html)".to_owned())
        })?;
        let text = crate::fsio::read_regular_text(path, crate::fsio::MAX_INPUT_BYTES)
            .map_err(|e| Error::io("read", path, e))?;
        let (yaml, body) = front_matter::split(&text).map_err(bad)?;
        let fm = match yaml {
            Some(y) => front_matter::parse(y, tz).map_err(bad)?,
            None => FrontMatter {
                published: true,
                ..FrontMatter::default()
            },
        };
        if !fm.published {
            continue;
        }
        warn_layout(path, &fm);
        let date = match fm.date {
            Some(d) => d,
            None => local_day_start(tz, file_date)
                .with_timezone(&tz)
                .fixed_offset(),
        };
        // what goes into a page or the feed is sanitised (see `sanitize`)
        let content = sanitize::clean(&if is_html {
            body.to_owned()
        } else {
            markdown(body)
        });
        let excerpt = match &fm.excerpt {
            Some(e) => sanitize::clean(&markdown(e)),
            None => first_paragraph(&content),
        };
        let url = permalink(&fm, date, &slug);
        posts.push(Post {
            title: fm.title.clone().unwrap_or_else(|| slug.replace('-', " ")),
            date: date.to_rfc3339(),
            date_text: date.format("%-d %B %Y").to_string(),
            tags: fm
                .tags
                .iter()
                .map(|t| TagLink {
                    name: t.clone(),
                    slug: slugify(t),
                })
                .collect(),
            categories: fm.categories.clone(),
            excerpt,
            content,
            sort_key: (date, url.clone()),
            url,
        });
    }
    Ok(posts)
}

/// One warning line when a post asks for a layout other than `post`, which it does not get.
fn warn_layout(path: &Path, fm: &FrontMatter) {
    if let Some(layout) = fm.layout.as_deref().filter(|l| *l != "post") {
        tracing::warn!(
            "{}: layout {:?} is not a post layout; rendered with {POST_LAYOUT}",
            path.display(),
            crate::text::printable(layout)
        );
    }
}

/// `2026-01-10-my-post.md` -> (2026-01-10, `my-post`).
fn parse_name(name: &str) -> Option<(NaiveDate, String)> {
    let stem = name.rsplit_once('.')?.0;
    let date = NaiveDate::parse_from_str(stem.get(..10)?, "%Y-%m-%d").ok()?;
    let slug = stem.get(11..)?;
    (stem.as_bytes().get(10) == Some(&b'-') && !slug.is_empty()).then(|| (date, slug.to_owned()))
}

/// Jekyll's permalink: the front matter's, else `/:categories/:year/:month/:day/:title.html`;
/// placed under `blog/`.
fn permalink(fm: &FrontMatter, date: DateTime<FixedOffset>, slug: &str) -> String {
    let pattern = fm
        .permalink
        .as_deref()
        .unwrap_or("/:categories/:year/:month/:day/:title.html");
    let cats: Vec<String> = fm.categories.iter().map(|c| slugify(c)).collect();
    let mut path = pattern
        .replace(":categories", &cats.join("/"))
        .replace(":year", &date.format("%Y").to_string())
        .replace(":month", &date.format("%m").to_string())
        .replace(":day", &date.format("%d").to_string())
        .replace(":title", slug);
    while path.contains("//") {
        path = path.replace("//", "/");
    }
    let path = path.trim_start_matches('/');
    let path = if path.ends_with('/') || path.is_empty() {
        format!("{path}index.html")
    } else if !path.contains('.') {
        format!("{path}.html")
    } else {
        path.to_owned()
    };
    format!("blog/{}", path.replace("..", ""))
}

/// Lower-case letters and digits joined by `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Markdown to HTML as Jekyll's kramdown (GFM input) renders it; see
/// [`super::markdown::to_html`], the one implementation.
pub fn markdown(text: &str) -> String {
    super::markdown::to_html(text)
}

fn first_paragraph(html: &str) -> String {
    match (html.find("<p>"), html.find("</p>")) {
        (Some(a), Some(b)) if b > a => html[a..b + 4].to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_permalink_uses_categories_and_date() {
        let fm = FrontMatter {
            categories: vec!["Data Notes".into()],
            ..FrontMatter::default()
        };
        let d = DateTime::parse_from_rfc3339("2026-01-10T14:30:00-08:00").unwrap();
        assert_eq!(
            permalink(&fm, d, "hello"),
            "blog/data-notes/2026/01/10/hello.html"
        );
        let fm = FrontMatter {
            permalink: Some("/about/".into()),
            ..FrontMatter::default()
        };
        assert_eq!(permalink(&fm, d, "hello"), "blog/about/index.html");
    }

    #[test]
    fn markdown_has_tables_footnotes_tasks_and_heading_ids() {
        let html = markdown(
            "# Hello World\n\n## Hello World\n\n| a |\n|---|\n| 1 |\n\n- [x] done\n\n~~old~~[^1]\n\n[^1]: note\n",
        );
        assert!(html.contains(r#"<h1 id="hello-world">"#), "{html}");
        assert!(html.contains(r#"<h2 id="hello-world-1">"#), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains(r#"type="checkbox""#), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains(r#"<div class="footnotes""#), "{html}");
    }

    #[test]
    fn file_names_give_date_and_slug() {
        assert_eq!(
            parse_name("2026-01-10-how-it-works.md"),
            Some((
                NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
                "how-it-works".into()
            ))
        );
        assert_eq!(parse_name("notes.md"), None);
    }

    #[test]
    fn a_post_dated_at_a_skipped_midnight_builds() {
        // Chile skips 00:00-01:00 on 2026-09-06: the post is dated 01:00, the day's first
        // instant (this used to fail the build: "the file name's date does not exist").
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("_posts")).unwrap();
        std::fs::write(dir.path().join("_posts/2026-09-06-spring.md"), "Hello.\n").unwrap();
        let posts = load(dir.path(), chrono_tz::America::Santiago).unwrap();
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].date, "2026-09-06T01:00:00-03:00");
        assert_eq!(posts[0].date_text, "6 September 2026");
        assert_eq!(posts[0].url, "blog/2026/09/06/spring.html");
    }
}
