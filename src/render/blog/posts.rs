//! Posts and pages: read them, give each its URL, run Liquid and Markdown, and write the post
//! pages, the index pages, the tag pages, the pages, the static files, `feed.xml` and
//! `sitemap.xml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::config::Config;
use super::front_matter::{self, FrontMatter};
use super::permalink::{self, Permalink, Placeholders};
use super::{PAGE_LAYOUT, PER_PAGE, POST_LAYOUT, date, feed, files, liquid, markdown, slugify};
use crate::error::{Error, Problem, Result};
use crate::render::{Site, sanitize};

/// A post as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    /// Title (front matter `title`, else the file name's slug in title case, as Jekyll does).
    pub title: String,
    /// The page's path inside the site (`blog/2026/01/10/slug.html`, `2026/first/index.html`),
    /// for links between pages.
    pub url: String,
    /// The URL Jekyll gives it, from the blog's root (`/2026/first/`).
    pub permalink: String,
    /// The absolute (or, without a known origin, site-absolute) URL: feed links, sitemap.
    pub absolute_url: String,
    /// jekyll-feed's entry id: the absolute URL of the post's `id` (the URL's folder and the
    /// slug).
    pub feed_id: String,
    /// RFC 3339 date with the blog zone's offset.
    pub date: String,
    /// `last_modified_at`, else the date (RFC 3339).
    pub updated: String,
    /// `10 January 2026`.
    pub date_text: String,
    /// Tags, with their page slugs.
    pub tags: Vec<TagLink>,
    /// Categories.
    pub categories: Vec<String>,
    /// Excerpt HTML.
    pub excerpt: String,
    /// The excerpt as one line of text (the feed's `<summary>`).
    pub summary: String,
    /// Body HTML.
    pub content: String,
    /// CSP hash sources (`sha256-…`) of the body's `style="…"` attributes.
    pub style_hashes: Vec<String>,
    /// The entry's author (front matter `author`, else `_config.yml`'s), as jekyll-feed reads it.
    pub author: Option<Author>,
    /// The instant, for ordering.
    #[serde(skip)]
    pub instant: DateTime<Utc>,
    /// The source file from the blog folder, for ordering posts of one instant.
    #[serde(skip)]
    pub source: String,
}

/// An author as jekyll-feed writes one: a name, or a map with `name`, `email`, `uri`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Author {
    /// `name` (or the text itself).
    pub name: String,
    /// `email`.
    pub email: Option<String>,
    /// `uri`.
    pub uri: Option<String>,
}

impl Author {
    /// The author a YAML value gives: text, or a map with `name` (and `email`, `uri`).
    pub fn from_yaml(v: &serde_norway::Value) -> Option<Self> {
        use super::config::scalar_text;
        match v {
            serde_norway::Value::Mapping(m) => Some(Self {
                name: m.get("name").and_then(scalar_text)?,
                email: m.get("email").and_then(scalar_text),
                uri: m.get("uri").and_then(scalar_text),
            }),
            other => scalar_text(other)
                .filter(|s| !s.is_empty())
                .map(|name| Self {
                    name,
                    email: None,
                    uri: None,
                }),
        }
    }
}

/// A tag and its page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TagLink {
    /// The tag as the post writes it.
    pub name: String,
    /// Its slug (`blog/tags/<slug>.html`); tags that differ only in case share one.
    pub slug: String,
}

/// What a build needs to know about the blog.
#[derive(Debug, Clone)]
pub struct BlogOptions<'a> {
    /// The blog folder.
    pub dir: &'a Path,
    /// Where the blog's URLs start in the site: `blog/` or `""` (the site root).
    pub path: &'a str,
    /// Publish posts dated after `now` (`--future`, or `future: true`).
    pub future: bool,
    /// Publish `_drafts/` (`--drafts`, or `show_drafts: true`).
    pub drafts: bool,
    /// The build's instant (what "the future" is measured from).
    pub now: DateTime<Utc>,
}

/// A post or page read from disk, before its Liquid runs.
struct Doc {
    /// A post (or draft), not a page.
    post: bool,
    /// The lines before the body (the front matter's), for error line numbers.
    body_line: usize,
    rel: String,
    path: PathBuf,
    fm: FrontMatter,
    body: String,
    markdown: bool,
    date: DateTime<Tz>,
    slug: String,
    title: String,
    link: Permalink,
    /// The output file inside the site.
    file: String,
}

/// Renders every published post and page, the index pages, tag pages, static files,
/// `feed.xml` and `sitemap.xml`. Returns the number of posts.
///
/// # Errors
/// [`Error::Data`] naming the file when its front matter does not parse, its date is not a
/// date, its permalink has an unknown placeholder, its Liquid fails, or two posts (or a post
/// and a page of the site) would be written to one path (naming both); naming the template
/// that fails to render; [`Error::Io`] when a file cannot be read.
pub fn render(site: &mut Site, blog: &BlogOptions, config: &Config) -> Result<usize> {
    let mount = blog.path.trim_end_matches('/');
    if let Some(file) = mount
        .match_indices('/')
        .map(|(i, _)| &mount[..i])
        .chain([mount])
        .find(|p| !p.is_empty() && (site.files.contains_key(*p) || reserved(p, config)))
    {
        return Err(Error::Usage(format!(
            "the blog path {} (--blog-path, or blog_path in cph50.toml): the site has a file {file}, so it cannot be a folder",
            blog.path
        )));
    }
    let source = files::read(blog.dir, config)?;
    for rel in &source.skipped {
        tracing::warn!(
            "{}: not a post (a post's name is YYYY-MM-DD-slug.md); left out",
            blog.dir.join(rel).display()
        );
    }
    let mut posts = Vec::new();
    for (path, rel) in &source.posts {
        if let Some(doc) = read_post(path, rel, false, blog, config)? {
            posts.push(doc);
        }
    }
    if blog.drafts || config.show_drafts {
        for (path, rel) in &source.drafts {
            if let Some(doc) = read_post(path, rel, true, blog, config)? {
                posts.push(doc);
            }
        }
    }
    posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.rel.cmp(&a.rel)));
    let mut pages = Vec::new();
    for (path, rel) in &source.pages {
        pages.push(read_page(path, rel, blog, config)?);
    }

    // one output path, one source: posts are errors, pages and files give way to cph50's own
    let taken_by_cph50 = |doc: &Doc| -> Option<String> {
        let url_file = format!(
            "{}{}",
            blog.path,
            permalink::unescape_path(doc.link.url.trim_start_matches('/'))
        );
        let url_file = if url_file.is_empty() || url_file.ends_with('/') {
            format!("{url_file}index.html")
        } else {
            url_file
        };
        // the file itself, or one of its folders, is a file of cph50's (`/feed.xml/`)
        [&doc.file, &url_file]
            .into_iter()
            .flat_map(|f| {
                let mut parts: Vec<&str> = vec![f.as_str()];
                parts.extend(f.match_indices('/').map(|(i, _)| &f[..i]));
                parts
            })
            .find(|f| site.files.contains_key(*f) || reserved(f, config))
            .map(str::to_owned)
    };
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for doc in &posts {
        if let Some(file) = taken_by_cph50(doc) {
            return Err(bad(
                &doc.path,
                format!(
                    "its URL {} is cph50's own {file}; give the post another permalink",
                    doc.link.url
                ),
            ));
        }
        if let Some(other) = owners.insert(doc.file.clone(), doc.rel.clone()) {
            return Err(bad(
                &doc.path,
                format!(
                    "{} and {} both have the URL {}; give one of them another permalink or slug",
                    blog.dir.join(&other).display(),
                    blog.dir.join(&doc.rel).display(),
                    doc.link.url
                ),
            ));
        }
    }
    pages.retain(|doc| {
        let taken = taken_by_cph50(doc).or_else(|| owners.get(&doc.file).cloned());
        match &taken {
            Some(file) => tracing::warn!(
                "{}: its URL {} is already the site's {file}; left out",
                doc.path.display(),
                doc.link.url
            ),
            None => {
                owners.insert(doc.file.clone(), doc.rel.clone());
            }
        }
        taken.is_none()
    });
    let statics: Vec<(PathBuf, String)> = source
        .statics
        .iter()
        .filter(|(path, rel)| {
            let file = format!("{}{rel}", blog.path);
            let taken = site.files.contains_key(&file)
                || reserved(&file, config)
                || owners.contains_key(&file);
            if taken {
                tracing::warn!("{}: the site already has {file}; left out", path.display());
            }
            !taken
        })
        .cloned()
        .collect();

    let index = url_index(&posts, &pages, &statics);
    let engine = liquid::Engine::new(blog.dir, index)?;
    // Liquid's `page` of each post and page, made once (its excerpt is rendered Markdown)
    let post_objs: Vec<::liquid::Object> = posts.iter().map(|d| page_object(d, config)).collect();
    let page_objs: Vec<::liquid::Object> = pages.iter().map(|d| page_object(d, config)).collect();
    let docs = Docs {
        posts: &posts,
        post_objs: &post_objs,
        pages: &pages,
        page_objs: &page_objs,
    };
    let site_vars = site_object(site, blog, config, &docs, &statics);

    let mut rendered = Vec::with_capacity(posts.len());
    // posts are newest first: the one after is older (`previous`), the one before newer
    for (i, doc) in posts.iter().enumerate() {
        let mut page = post_objs[i].clone();
        let older = post_objs.get(i + 1);
        let newer = i.checked_sub(1).and_then(|j| post_objs.get(j));
        for (key, other) in [("previous", older), ("next", newer)] {
            page.insert(
                key.into(),
                other.map_or(::liquid::model::Value::Nil, |o| {
                    ::liquid::model::Value::Object(o.clone())
                }),
            );
        }
        rendered.push(render_post(site, doc, &page, &engine, &site_vars, config)?);
    }
    for p in &rendered {
        let mut ctx = site.context(&p.url);
        ctx.insert("post", p);
        ctx.insert("style_attr_hashes", &p.style_hashes);
        site.page(&p.url, POST_LAYOUT, &ctx)?;
    }
    for (doc, page) in pages.iter().zip(&page_objs) {
        render_page(site, doc, page, &engine, &site_vars)?;
    }
    for (path, rel) in &statics {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        site.put(&format!("{}{rel}", blog.path), bytes);
    }
    render_index(site, &rendered)?;
    render_tags(site, &rendered)?;
    feed::render_feed(site, &rendered, config)?;
    feed::render_sitemap(site, &rendered)?;
    Ok(rendered.len())
}

/// The files cph50 writes after the blog's posts (so they are not in the site yet when posts
/// are placed): the blog index and its pages, the tag pages, the feed, the sitemap and
/// `build.json`.
fn reserved(file: &str, config: &Config) -> bool {
    file == config.feed_path
        || file == "sitemap.xml"
        || file == "build.json"
        || file == "blog/index.html"
        || file
            .strip_prefix("blog/tags/")
            .is_some_and(|t| !t.contains('/') && t.ends_with(".html"))
        || file
            .strip_prefix("blog/page")
            .and_then(|r| r.strip_suffix("/index.html"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

fn bad(path: &Path, msg: String) -> Error {
    Error::Data(Problem::file(path, msg))
}

/// Reads one post (or draft); `None` when it is not published (`published: false`, or dated
/// after `now` without `future`).
fn read_post(
    path: &Path,
    rel: &str,
    draft: bool,
    blog: &BlogOptions,
    config: &Config,
) -> Result<Option<Doc>> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let dated = files::split_dated_name(name);
    let (file_date, slug, ext) = if draft && dated.is_none() {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        (None, stem.to_owned(), format!(".{ext}"))
    } else {
        let (d, slug, ext) =
            dated.ok_or_else(|| bad(path, "a post's name is YYYY-MM-DD-slug.md".to_owned()))?;
        (Some(d.to_owned()), slug.to_owned(), ext.to_owned())
    };
    let slug = slug.trim_end_matches('.').to_owned();
    let text = crate::fsio::read_regular_text(path, crate::fsio::MAX_INPUT_BYTES)
        .map_err(|e| Error::io("read", path, e))?;
    let (yaml, body) = front_matter::split(&text).map_err(|m| bad(path, m))?;
    let kind = if draft { "drafts" } else { "posts" };
    let defaults = config.defaults_for(rel, kind);
    let mut fm = front_matter::parse(yaml.unwrap_or(""), &defaults).map_err(|m| bad(path, m))?;
    if draft && yaml.is_none() && defaults.is_empty() {
        fm.published = true;
    }
    if !fm.published {
        return Ok(None);
    }
    warn_layout(path, &fm);
    let date = match (&fm.date, &file_date) {
        (Some(raw), _) => {
            let zone = if fm.date_is_utc {
                chrono_tz::UTC
            } else {
                config.tz
            };
            date::parse(raw, zone)
                .map_err(|m| bad(path, format!("front matter: {m}")))?
                .with_timezone(&config.tz)
        }
        (None, Some(d)) => date::parse(d, config.tz).map_err(|_| {
            bad(
                path,
                format!("the file name's date {d} is not a day; name the post YYYY-MM-DD-slug.md"),
            )
        })?,
        (None, None) => modified(path)?.with_timezone(&config.tz),
    };
    // Jekyll compares whole seconds (`date.to_i > site.time.to_i`)
    if date.timestamp() > blog.now.timestamp() && !(blog.future || config.future) {
        tracing::info!(
            "{}: dated {} (after now); not published yet (build --future publishes it)",
            path.display(),
            date.to_rfc3339()
        );
        return Ok(None);
    }
    let slug = fm.slug.clone().unwrap_or(slug);
    let basename = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let markdown = is_markdown(&ext);
    let output_ext = if markdown || ext == ".html" {
        ".html"
    } else {
        ext.as_str()
    };
    let pattern = fm
        .permalink
        .clone()
        .unwrap_or_else(|| config.permalink.clone());
    let link = permalink::expand(
        &pattern,
        &Placeholders {
            date,
            slug: &slug,
            basename,
            categories: &fm.categories,
            output_ext,
            path: rel.rsplit_once('.').map_or(rel, |(s, _)| s),
        },
    )
    .map_err(|m| bad(path, m))?;
    check_file_name(path, &link)?;
    let title = fm.title.clone().unwrap_or_else(|| titleize(&slug));
    Ok(Some(Doc {
        post: true,
        body_line: text[..text.len() - body.len()].matches('\n').count(),
        rel: rel.to_owned(),
        path: path.to_path_buf(),
        file: format!("{}{}", blog.path, link.file),
        body: body.to_owned(),
        markdown,
        date,
        slug,
        title,
        link,
        fm,
    }))
}

/// Reads one page (a file with front matter outside `_posts/`).
fn read_page(path: &Path, rel: &str, blog: &BlogOptions, config: &Config) -> Result<Doc> {
    let text = crate::fsio::read_regular_text(path, crate::fsio::MAX_INPUT_BYTES)
        .map_err(|e| Error::io("read", path, e))?;
    let (yaml, body) = front_matter::split(&text).map_err(|m| bad(path, m))?;
    let defaults = config.defaults_for(rel, "pages");
    let fm = front_matter::parse(yaml.unwrap_or(""), &defaults).map_err(|m| bad(path, m))?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, ext) = name
        .rsplit_once('.')
        .map_or((name, String::new()), |(s, e)| (s, format!(".{e}")));
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let markdown = is_markdown(&ext);
    let output_ext = if markdown { ".html" } else { ext.as_str() };
    // Jekyll's `Page#template`
    let pattern = if let Some(p) = &fm.permalink {
        p.clone()
    } else if output_ext != ".html" {
        "/:path/:basename:output_ext".to_owned()
    } else if stem == "index" {
        "/:path/".to_owned()
    } else if config.permalink.ends_with('/') {
        "/:path/:basename/".to_owned()
    } else {
        "/:path/:basename:output_ext".to_owned()
    };
    let date = blog.now.with_timezone(&config.tz);
    let link = permalink::expand(
        &pattern,
        &Placeholders {
            date,
            slug: stem,
            basename: stem,
            categories: &[],
            output_ext,
            path: dir,
        },
    )
    .map_err(|m| bad(path, m))?;
    check_file_name(path, &link)?;
    Ok(Doc {
        post: false,
        body_line: text[..text.len() - body.len()].matches('\n').count(),
        rel: rel.to_owned(),
        path: path.to_path_buf(),
        file: format!("{}{}", blog.path, link.file),
        body: body.to_owned(),
        markdown,
        date,
        slug: stem.to_owned(),
        title: fm.title.clone().unwrap_or_default(),
        link,
        fm,
    })
}

/// An output file that every system can check out: no `:` (Jekyll refuses it too), none of
/// `<>"|?*\` and no control character (the site folder is committed to git).
fn check_file_name(path: &Path, link: &Permalink) -> Result<()> {
    if let Some(part) = link.file.split('/').find(|p| p.len() > MAX_NAME_BYTES) {
        return Err(bad(
            path,
            format!(
                "its URL {} has a part of {} bytes, longer than a file name may be ({MAX_NAME_BYTES}); shorten its permalink, slug, title or categories",
                link.url,
                part.len()
            ),
        ));
    }
    match link
        .file
        .chars()
        .find(|c| c.is_control() || "<>:\"|?*\\".contains(*c))
    {
        Some(c) => Err(bad(
            path,
            format!(
                "its URL {} would be a file name with {:?}, which not every system allows; change its permalink, slug or categories",
                link.url, c
            ),
        )),
        None => Ok(()),
    }
}

/// The longest file name most file systems take (ext4, APFS, NTFS: 255), in bytes.
const MAX_NAME_BYTES: usize = 255;

/// Jekyll's default `markdown_ext`.
fn is_markdown(ext: &str) -> bool {
    matches!(
        ext.to_ascii_lowercase().as_str(),
        ".md" | ".markdown" | ".mkdown" | ".mkdn" | ".mkd" | ".mdown"
    )
}

/// The file's modification time (a draft's date in Jekyll).
fn modified(path: &Path) -> Result<DateTime<Utc>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
    let t = meta.modified().map_err(|e| Error::io("read", path, e))?;
    Ok(DateTime::<Utc>::from(t))
}

/// `my-post` -> `My Post` (Jekyll's `Utils.titleize_slug`).
fn titleize(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// One warning line when a post asks for a layout it does not get.
fn warn_layout(path: &Path, fm: &FrontMatter) {
    if let Some(layout) = fm
        .layout
        .as_deref()
        .filter(|l| !matches!(*l, "post" | "default" | "page" | "null" | "none"))
    {
        tracing::warn!(
            "{}: layout {:?} is not a post layout; rendered with {POST_LAYOUT}",
            path.display(),
            crate::text::printable(layout)
        );
    }
}

/// The URLs `post_url` and `link` look up.
fn url_index(posts: &[Doc], pages: &[Doc], statics: &[(PathBuf, String)]) -> liquid::Index {
    let mut index = liquid::Index::default();
    for d in posts {
        let inside = d.rel.split_once('/').map_or(d.rel.as_str(), |(_, r)| r);
        let stem = inside.rsplit_once('.').map_or(inside, |(s, _)| s);
        let name = stem.rsplit('/').next().unwrap_or(stem);
        index.posts.insert(stem.to_owned(), d.link.url.clone());
        index
            .posts
            .entry(name.to_owned())
            .or_insert_with(|| d.link.url.clone());
        index.files.insert(d.rel.clone(), d.link.url.clone());
    }
    for d in pages {
        index.files.insert(d.rel.clone(), d.link.url.clone());
    }
    for (_, rel) in statics {
        index.files.insert(rel.clone(), format!("/{rel}"));
    }
    index
}

/// The posts and pages of a build, each with its Liquid `page`.
#[derive(Clone, Copy)]
struct Docs<'a> {
    posts: &'a [Doc],
    post_objs: &'a [::liquid::Object],
    pages: &'a [Doc],
    page_objs: &'a [::liquid::Object],
}

/// Liquid's `site`: every `_config.yml` key, then `url`, `baseurl`, `time`, `posts` (newest
/// first), `pages`, `html_pages`, `static_files`, and `tags` and `categories` (each name where
/// it first appears, oldest post first; its posts newest first, as Jekyll's `post_attr_hash`).
fn site_object(
    site: &Site,
    blog: &BlogOptions,
    config: &Config,
    docs: &Docs,
    statics: &[(PathBuf, String)],
) -> liquid::SiteVars {
    let Docs {
        posts,
        post_objs,
        pages,
        page_objs,
    } = *docs;
    use ::liquid::model::Value;
    let mut obj = match yaml_to_liquid(&serde_norway::Value::Mapping(config.raw.clone())) {
        Value::Object(o) => o,
        _ => ::liquid::Object::new(),
    };
    let (origin, path) = split_base(site.base_url());
    let baseurl = format!("{}{}", path, blog.path);
    obj.insert("url".into(), Value::scalar(origin));
    // the zone the date filters read (cph50's own when _config.yml names none)
    if !obj.contains_key("timezone") {
        obj.insert(
            "timezone".into(),
            Value::scalar(config.tz.name().to_owned()),
        );
    }
    obj.insert(
        "baseurl".into(),
        Value::scalar(baseurl.trim_end_matches('/').to_owned()),
    );
    obj.insert(
        "time".into(),
        Value::scalar(liquid_date(blog.now.with_timezone(&config.tz))),
    );
    // every key any post has, nil where a post lacks it (Jekyll prints nothing for it)
    let mut keys: Vec<serde_norway::Value> = Vec::new();
    for d in posts {
        for k in d.fm.data.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let list: Vec<Value> = post_objs
        .iter()
        .map(|o| {
            let mut o = o.clone();
            for k in &keys {
                if let Some(k) = k.as_str() {
                    if !o.contains_key(k) {
                        o.insert(k.to_owned().into(), Value::Nil);
                    }
                }
            }
            Value::Object(o)
        })
        .collect();
    let by_name = |names: &dyn Fn(&Doc) -> &[String]| {
        let mut pairs: Vec<(::liquid::model::KString, Vec<Value>)> = Vec::new();
        for (d, v) in posts.iter().zip(&list).rev() {
            for name in names(d) {
                match pairs.iter_mut().find(|(k, _)| k.as_str() == name) {
                    Some((_, tagged)) => tagged.insert(0, v.clone()),
                    None => pairs.push((name.clone().into(), vec![v.clone()])),
                }
            }
        }
        liquid::Pairs(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::Array(v)))
                .collect(),
        )
    };
    let tags = by_name(&|d: &Doc| d.fm.tags.as_slice());
    let categories = by_name(&|d: &Doc| d.fm.categories.as_slice());
    let page_list: Vec<Value> = page_objs.iter().cloned().map(Value::Object).collect();
    let html_pages: Vec<Value> = pages
        .iter()
        .zip(&page_list)
        .filter(|(d, _)| d.file.ends_with(".html"))
        .map(|(_, v)| v.clone())
        .collect();
    let static_files: Vec<Value> = statics
        .iter()
        .map(|(_, rel)| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let (basename, ext) = name
                .rsplit_once('.')
                .map_or((name, String::new()), |(b, e)| (b, format!(".{e}")));
            Value::Object(::liquid::object!({
                "path": format!("/{rel}"),
                "name": name,
                "basename": basename,
                "extname": ext,
                "collection": Value::Nil,
            }))
        })
        .collect();
    obj.insert("posts".into(), Value::Array(list));
    obj.insert("pages".into(), Value::Array(page_list));
    obj.insert("html_pages".into(), Value::Array(html_pages));
    obj.insert("static_files".into(), Value::Array(static_files));
    liquid::SiteVars {
        obj,
        tags,
        categories,
    }
}

/// (`https://example.github.io`, `/logbook/`) of a base URL; (``, `/repo/`) of a path.
fn split_base(base: &str) -> (String, String) {
    match base.find("://") {
        Some(i) => {
            let after = &base[i + 3..];
            let slash = after.find('/').map_or(base.len(), |j| i + 3 + j);
            let path = &base[slash..];
            (
                base[..slash].to_owned(),
                if path.is_empty() {
                    "/".to_owned()
                } else {
                    path.to_owned()
                },
            )
        }
        None => (String::new(), base.to_owned()),
    }
}

/// Liquid's `page`: the front matter, then `title`, `date`, `url`, `id`, `slug`, `tags`,
/// `categories`, `path`, `name`, `collection`, `content` (the source, before rendering) and
/// `excerpt` (its Markdown rendered, without Liquid).
fn page_object(d: &Doc, config: &Config) -> ::liquid::Object {
    let mut o = match yaml_to_liquid(&serde_norway::Value::Mapping(d.fm.data.clone())) {
        ::liquid::model::Value::Object(o) => o,
        _ => ::liquid::Object::new(),
    };
    let s = |v: &str| ::liquid::model::Value::scalar(v.to_owned());
    o.insert("title".into(), s(&d.title));
    o.insert(
        "date".into(),
        ::liquid::model::Value::scalar(liquid_date(d.date)),
    );
    o.insert("url".into(), s(&d.link.url));
    o.insert("id".into(), s(&post_id(&d.link.url, &d.slug)));
    o.insert("slug".into(), s(&d.slug));
    o.insert("path".into(), s(&d.rel));
    o.insert("name".into(), s(d.rel.rsplit('/').next().unwrap_or(&d.rel)));
    o.insert("content".into(), s(&d.body));
    if d.post {
        o.insert("collection".into(), s("posts"));
        let separator =
            d.fm.excerpt_separator
                .clone()
                .unwrap_or_else(|| config.excerpt_separator.clone());
        let excerpt = match &d.fm.excerpt {
            Some(e) => e.clone(),
            None if separator.is_empty() => String::new(),
            None if d.markdown => markdown(&excerpt_source(&d.body, &separator)),
            None => excerpt_source(&d.body, &separator),
        };
        o.insert("excerpt".into(), s(&excerpt));
    }
    let list = |v: &[String]| ::liquid::model::Value::Array(v.iter().map(|x| s(x)).collect());
    o.insert("tags".into(), list(&d.fm.tags));
    o.insert("categories".into(), list(&d.fm.categories));
    o
}

/// A date as Liquid holds it (printed as Ruby prints a `Time`: `2026-01-10 09:00:00 -0800`).
fn liquid_date(d: DateTime<Tz>) -> ::liquid::model::DateTime {
    let text = d.format("%Y-%m-%d %H:%M:%S %z").to_string();
    ::liquid::model::DateTime::from_str(&text).unwrap_or_default()
}

/// YAML to a Liquid value.
fn yaml_to_liquid(v: &serde_norway::Value) -> ::liquid::model::Value {
    use ::liquid::model::Value as L;
    use serde_norway::Value as Y;
    match v {
        Y::Null => L::Nil,
        Y::Bool(b) => L::scalar(*b),
        Y::Number(n) => n
            .as_i64()
            .map(L::scalar)
            .or_else(|| n.as_f64().map(L::scalar))
            .unwrap_or(L::Nil),
        Y::String(s) => L::scalar(s.clone()),
        Y::Sequence(items) => L::Array(items.iter().map(yaml_to_liquid).collect()),
        Y::Mapping(m) => L::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    super::config::scalar_text(k).map(|k| (k.into(), yaml_to_liquid(v)))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_liquid(&t.value),
    }
}

/// Jekyll's `Document#id`: the URL's folder joined with the slug (`/2026/01/10/first`).
fn post_id(url: &str, slug: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    let dir = match trimmed.rfind('/') {
        Some(0) | None => "",
        Some(i) => &trimmed[..i],
    };
    format!("{dir}/{slug}")
}

/// Liquid, then Markdown (for a Markdown file), then the sanitiser.
fn to_html(
    doc: &Doc,
    text: &str,
    engine: &liquid::Engine,
    site_vars: &liquid::SiteVars,
    page: &::liquid::Object,
) -> Result<String> {
    let out = engine.render(text, site_vars, page).map_err(|m| {
        bad(
            &doc.path,
            format!("Liquid: {}", super::guard::describe(&m, doc.body_line)),
        )
    })?;
    Ok(sanitize::clean(&if doc.markdown {
        markdown(&out)
    } else {
        out
    }))
}

/// A post's page, feed entry and index entry; `page` is its Liquid `page`, with its
/// neighbours in date order as `previous` and `next`.
fn render_post(
    site: &Site,
    doc: &Doc,
    page: &::liquid::Object,
    engine: &liquid::Engine,
    site_vars: &liquid::SiteVars,
    config: &Config,
) -> Result<Post> {
    let content = to_html(doc, &doc.body, engine, site_vars, page)?;
    let separator = doc
        .fm
        .excerpt_separator
        .clone()
        .unwrap_or_else(|| config.excerpt_separator.clone());
    let excerpt = match &doc.fm.excerpt {
        // a front matter `excerpt` is text as written (Jekyll runs no Liquid in it); its
        // Markdown is rendered for the blog index
        Some(e) => sanitize::clean(&markdown(e)),
        None if separator.is_empty() => String::new(),
        None => to_html(
            doc,
            &excerpt_source(&doc.body, &separator),
            engine,
            site_vars,
            page,
        )?,
    };
    let updated = match &doc.fm.last_modified_at {
        Some(raw) => date::parse(raw, config.tz)
            .map_err(|m| bad(&doc.path, format!("front matter: last_modified_at: {m}")))?,
        None => doc.date,
    };
    let absolute_url = format!(
        "{}{}",
        site.blog_base(),
        doc.link.url.trim_start_matches('/')
    );
    let feed_id = if config.file.is_some() {
        // jekyll-feed: `post.id | absolute_url`, which percent-encodes what a URL cannot hold
        format!(
            "{}{}",
            site.blog_base(),
            permalink::escape_path(post_id(&doc.link.url, &doc.slug).trim_start_matches('/'))
        )
    } else {
        // a blog written for cph50 (no _config.yml) keeps the ids its feed always had
        format!("{}{}", site.base_url(), doc.file)
    };
    Ok(Post {
        title: doc.title.clone(),
        url: doc.file.clone(),
        permalink: doc.link.url.clone(),
        absolute_url,
        feed_id,
        // `date_to_xmlschema`: whole seconds
        date: doc.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        updated: updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        date_text: doc.date.format("%-d %B %Y").to_string(),
        tags: doc
            .fm
            .tags
            .iter()
            .map(|t| {
                let mut slug = slugify(t);
                if slug.is_empty() || slug.len() + 5 > MAX_NAME_BYTES {
                    tracing::warn!(
                        "{}: tags: {:?} cannot name a tag page (no letter or digit, or too long); it has no page",
                        doc.path.display(),
                        crate::text::printable(t)
                    );
                    slug = String::new();
                }
                TagLink {
                    name: t.clone(),
                    slug,
                }
            })
            .collect(),
        categories: doc.fm.categories.clone(),
        // jekyll-feed: a front matter `excerpt` is used as written, not rendered
        summary: text_of(&match &doc.fm.excerpt {
            Some(raw) => raw.clone(),
            None => excerpt.clone(),
        }),
        style_hashes: style_hashes(&content),
        author: doc
            .fm
            .data
            .get("author")
            .or_else(|| config.raw.get("author"))
            .and_then(Author::from_yaml),
        instant: doc.date.with_timezone(&Utc),
        source: doc.rel.clone(),
        excerpt,
        content,
    })
}

/// Jekyll's `Excerpt#extract_excerpt`: the text before the separator (all of it without one),
/// with the link reference definitions it uses from the rest.
fn excerpt_source(body: &str, separator: &str) -> String {
    let Some((head, tail)) = body.split_once(separator) else {
        return body.to_owned();
    };
    let mut head = head.to_owned();
    let defs: Vec<&str> = tail
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with('[') && t.find("]:").is_some_and(|i| head.contains(&t[..=i]))
        })
        .collect();
    if !defs.is_empty() {
        head.push_str("\n\n");
        head.push_str(&defs.join("\n\n"));
    }
    head
}

/// The text of an HTML fragment on one line: Liquid's `strip_html` (`<script>` and `<style>`
/// elements and comments removed with their content, other tags removed) then
/// `normalize_whitespace`. Entities stay as they are: the result is still HTML (jekyll-feed's
/// `<summary type="html">`), so text that only looks like a tag stays text.
pub fn text_of(html: &str) -> String {
    let mut rest = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
    ] {
        while let Some(i) = rest.to_ascii_lowercase().find(open) {
            let end = rest.to_ascii_lowercase()[i..]
                .find(close)
                .map_or(rest.len(), |j| i + j + close.len());
            rest.replace_range(i..end, "");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in rest.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The CSP hash sources of every `style="…"` attribute in `html` (as the sanitiser writes
/// them: double quotes, `&amp;` and `&quot;` escaped).
fn style_hashes(html: &str) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let mut out: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" style=\"") {
        rest = &rest[i + 8..];
        let Some(end) = rest.find('"') else { break };
        let value = rest[..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&");
        let hash = format!(
            "sha256-{}",
            crate::render::base64(&Sha256::digest(value.as_bytes()))
        );
        if !out.contains(&hash) {
            out.push(hash);
        }
        rest = &rest[end..];
    }
    out
}

fn render_page(
    site: &mut Site,
    doc: &Doc,
    page: &::liquid::Object,
    engine: &liquid::Engine,
    site_vars: &liquid::SiteVars,
) -> Result<()> {
    if !doc.file.ends_with(".html") {
        // a feed, a JSON file: its Liquid output as it is
        let out = engine.render(&doc.body, site_vars, page).map_err(|m| {
            bad(
                &doc.path,
                format!("Liquid: {}", super::guard::describe(&m, doc.body_line)),
            )
        })?;
        site.put(&doc.file, out);
        return Ok(());
    }
    let content = to_html(doc, &doc.body, engine, site_vars, page)?;
    let mut ctx = site.context(&doc.file);
    ctx.insert("title", &doc.title);
    ctx.insert("style_attr_hashes", &style_hashes(&content));
    ctx.insert("content", &content);
    site.page(&doc.file, PAGE_LAYOUT, &ctx)
}

/// `blog/index.html` and `blog/pageN/index.html`.
fn render_index(site: &mut Site, posts: &[Post]) -> Result<()> {
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
        let mut hashes: Vec<String> = Vec::new();
        for p in chunk.iter() {
            for h in style_hashes(&p.excerpt) {
                if !hashes.contains(&h) {
                    hashes.push(h);
                }
            }
        }
        ctx.insert("style_attr_hashes", &hashes);
        ctx.insert("posts", chunk);
        ctx.insert("page", &n);
        ctx.insert("pages", &pages.len());
        ctx.insert("prev", &(n > 1).then(|| page_url(n - 1)));
        ctx.insert("next", &(n < pages.len()).then(|| page_url(n + 1)));
        site.page(&url, "blog_index.html", &ctx)?;
    }
    Ok(())
}

/// `blog/tags/<slug>.html`: tags that differ only in case (`Milk`, `milk`) share one page,
/// named by the spelling most posts use.
fn render_tags(site: &mut Site, posts: &[Post]) -> Result<()> {
    let mut tags: BTreeMap<String, (BTreeMap<String, usize>, Vec<&Post>)> = BTreeMap::new();
    for p in posts {
        let mut seen = Vec::new();
        for t in &p.tags {
            if t.slug.is_empty() || seen.contains(&t.slug) {
                continue;
            }
            seen.push(t.slug.clone());
            let entry = tags.entry(t.slug.clone()).or_default();
            *entry.0.entry(t.name.clone()).or_default() += 1;
            entry.1.push(p);
        }
    }
    for (slug, (names, tagged)) in &tags {
        let name = names
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let url = format!("blog/tags/{slug}.html");
        let mut ctx = site.context(&url);
        ctx.insert(
            "tag",
            &TagLink {
                name,
                slug: slug.clone(),
            },
        );
        ctx.insert("spellings", &names.keys().collect::<Vec<_>>());
        ctx.insert("posts", tagged);
        site.page(&url, "tag.html", &ctx)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_titles_and_excerpts_follow_jekyll() {
        assert_eq!(
            post_id("/2026/01/09/the-6am-problem/", "the-6am-problem"),
            "/2026/01/09/the-6am-problem"
        );
        assert_eq!(post_id("/2026/third.html", "third"), "/2026/third");
        assert_eq!(post_id("/about/", "x"), "/x");
        assert_eq!(titleize("how-it-works"), "How It Works");
        assert_eq!(excerpt_source("a\n\nb", "\n\n"), "a");
        assert_eq!(excerpt_source("a\nb", "\n\n"), "a\nb");
        assert_eq!(
            excerpt_source("See [x][1].\n\nMore.\n\n[1]: https://e.org", "\n\n"),
            "See [x][1].\n\n[1]: https://e.org"
        );
        assert_eq!(text_of("<p>a &amp; <b>b</b></p>\n<p>c</p>"), "a &amp; b c");
        assert_eq!(text_of("x<script>alert(1)</script>y<!-- c -->z"), "xyz");
    }

    #[test]
    fn style_attributes_are_hashed_for_the_csp() {
        let h = style_hashes(r#"<p style="color: red">a</p><span style="color: red">b</span>"#);
        assert_eq!(h.len(), 1);
        assert!(h[0].starts_with("sha256-") && h[0].ends_with('='), "{h:?}");
    }
}
