//! `feed.xml` as jekyll-feed 0.17 writes it, and `sitemap.xml` as jekyll-sitemap 1.4 does:
//! absolute URLs (the site's base URL from `--base-url` or `_config.yml`'s `url` and
//! `baseurl`), the feed's title and subtitle from `title` and `description`, one entry per post
//! (the newest `feed.posts_limit`), each with jekyll-feed's id (the absolute URL of the post's
//! `id`), link, title, published and updated instants, categories, tags and summary.

use super::config::Config;
use super::posts::{Post, text_of};
use crate::error::Result;
use crate::render::Site;

/// The feed's title when `_config.yml` gives none.
pub const DEFAULT_TITLE: &str = "cph50 charging logbook";

/// The feed's subtitle for a blog without `_config.yml`.
pub const DEFAULT_SUBTITLE: &str = "Notes on running a home charger from a GitHub repository";

/// Writes `feed.xml` (or `feed.path`).
///
/// # Errors
/// [`crate::error::Error::Data`] naming the template when `feed.xml` does not render.
pub fn render_feed(site: &mut Site, posts: &[Post], config: &Config) -> Result<()> {
    let path = config.feed_path.clone();
    let mut ctx = site.context(&path);
    let base = site.base_url().to_owned();
    // jekyll-feed's `site.posts | sort: "date" | reverse`: newest first, and posts of one
    // instant in the order of their files
    let mut entries: Vec<&Post> = posts.iter().collect();
    entries.sort_by(|a, b| {
        b.instant
            .cmp(&a.instant)
            .then_with(|| a.source.cmp(&b.source))
    });
    entries.truncate(config.feed_posts_limit);
    ctx.insert("feed_url", &format!("{base}{path}"));
    ctx.insert("home_url", &site.blog_base());
    ctx.insert(
        "title",
        &crate::render::charts::esc(&smartify(config.title.as_deref().unwrap_or(DEFAULT_TITLE))),
    );
    ctx.insert(
        "subtitle",
        &config.description.clone().or_else(|| {
            // a blog written for cph50 (no _config.yml) keeps its feed's subtitle
            config.file.is_none().then(|| DEFAULT_SUBTITLE.to_owned())
        }),
    );
    ctx.insert(
        "author",
        &config
            .raw
            .get("author")
            .and_then(super::posts::Author::from_yaml),
    );
    ctx.insert("posts", &entries);
    // `type="html"`: the title is HTML (escaped once here), written as XML text
    let titles: Vec<String> = entries
        .iter()
        .map(|p| crate::render::charts::esc(&smartify(&p.title)))
        .collect();
    ctx.insert("titles", &titles);
    ctx.insert(
        "updated",
        &posts
            .iter()
            .map(|p| p.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_owned()),
    );
    site.page(&path, "feed.xml", &ctx)
}

/// Writes `sitemap.xml`: every page of the site (`index.html` as its folder's URL) and every
/// post with its `<lastmod>`.
///
/// # Errors
/// [`crate::error::Error::Data`] naming the template when `sitemap.xml` does not render.
pub fn render_sitemap(site: &mut Site, posts: &[Post]) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Url {
        loc: String,
        lastmod: Option<String>,
    }
    let base = site.base_url().to_owned();
    let mut post_files = std::collections::BTreeMap::new();
    for p in posts {
        post_files.insert(p.url.clone(), p);
    }
    let mut urls: Vec<Url> = site
        .files
        .keys()
        .filter(|k| k.ends_with(".html") && k.as_str() != "404.html")
        .map(|k| {
            let path = k.strip_suffix("index.html").unwrap_or(k);
            match post_files.get(k) {
                Some(p) => Url {
                    loc: p.absolute_url.clone(),
                    lastmod: Some(p.updated.clone()),
                },
                None => Url {
                    loc: format!("{base}{path}"),
                    lastmod: None,
                },
            }
        })
        .collect();
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    let mut ctx = site.context("sitemap.xml");
    ctx.insert("urls", &urls);
    site.page("sitemap.xml", "sitemap.xml", &ctx)
}

/// jekyll-feed's title as text: `smartify | strip_html | normalize_whitespace` (typographic
/// quotes, dashes and ellipses; no tags; entities decoded; one line).
pub fn smartify(text: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let text = text_of(text);
    let mut out = String::new();
    for e in Parser::new_ext(&text, Options::ENABLE_SMART_PUNCTUATION) {
        match e {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_get_typographic_quotes() {
        assert_eq!(
            smartify("Don't \"charge\" -- yet..."),
            "Don’t “charge” – yet…"
        );
        assert_eq!(smartify("2026"), "2026");
    }
}
