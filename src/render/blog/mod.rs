//! The blog: a Jekyll site folder (`_posts/`, `_drafts/`, `_config.yml`, `_includes/`, pages
//! and static files) rendered as Jekyll 4.3 would, into cph50's own page templates.
//!
//! Each stage has its module: [`config`] reads `_config.yml`, [`front_matter`] and [`date`]
//! read a post's header, [`permalink`] gives its URL, [`liquid`] runs its Liquid, then
//! Markdown and the sanitiser make its HTML; [`feed`] writes `feed.xml` and `sitemap.xml` as
//! jekyll-feed and jekyll-sitemap do. The blog's URLs start at the site path `--blog-path`
//! (`blog/` by default; `/` keeps a moved Jekyll blog's addresses).

pub mod config;
pub mod date;
pub mod feed;
pub mod files;
pub mod front_matter;
pub mod liquid;
pub mod permalink;
pub mod posts;

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

pub use posts::{Post, TagLink, render};

/// Posts per index page.
pub const PER_PAGE: usize = 5;

/// The one template a post is rendered with, whatever its front matter `layout` says (a
/// layout other than `post`, `default` or `page` is named in a one-line warning).
pub const POST_LAYOUT: &str = "post.html";

/// The one template a page (a file with front matter outside `_posts/`) is rendered with.
pub const PAGE_LAYOUT: &str = "page.html";

/// Lower-case letters and digits joined by `-` (Jekyll's default `slugify`), for tag pages.
pub fn slugify(s: &str) -> String {
    permalink::slugify(s, permalink::Mode::Default, false)
}

/// Markdown to HTML: tables, footnotes, strikethrough, task lists, `{#id}` heading attributes,
/// and an id on every heading that has none (from its text, made unique).
pub fn markdown(text: &str) -> String {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Parser::new_ext(text, opts).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut title = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => title.push_str(t),
                    _ => {}
                }
            }
            let base = match slugify(&title) {
                s if s.is_empty() => "section".to_owned(),
                s => s,
            };
            let n = seen.entry(base.clone()).or_insert(0);
            let id = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(id.into());
            }
        }
        i += 1;
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(html.contains("footnote"), "{html}");
    }
}
