//! The blog: a Jekyll site folder (`_posts/`, `_drafts/`, `_config.yml`, `_includes/`, pages
//! and static files) rendered as Jekyll 4.3 would, into cph50's own page templates.
//!
//! Each stage has its module: [`config`] reads `_config.yml`, [`front_matter`] and [`date`]
//! read a post's header, [`permalink`] gives its URL, [`liquid`] runs its Liquid, then
//! Markdown and the sanitiser make its HTML; [`feed`] writes `feed.xml` and `sitemap.xml` as
//! jekyll-feed and jekyll-sitemap do. The blog's URLs start at the site path `--blog-path`
//! (`blog/` by default; `/` keeps a moved Jekyll blog's addresses).

/// A Liquid filter that takes no arguments: its parser (`$parse`, public, to register), its
/// filter (`$filter`), its Liquid name and description, and its body over the input and the
/// runtime. Used by `liquid.rs` and `filters.rs`.
macro_rules! simple_filter {
    ($parse:ident, $filter:ident, $name:literal, $doc:literal, |$input:ident, $runtime:ident| $body:block) => {
        #[doc = $doc]
        #[derive(Clone, liquid_core::ParseFilter, liquid_core::FilterReflection)]
        #[filter(name = $name, description = $doc, parsed($filter))]
        pub struct $parse;

        #[derive(Debug, Default, Display_filter)]
        #[name = $name]
        struct $filter;

        impl Filter for $filter {
            fn evaluate(
                &self,
                $input: &dyn ValueView,
                $runtime: &dyn Runtime,
            ) -> liquid_core::Result<Value> {
                $body
            }
        }
    };
}

pub mod config;
pub mod date;
pub mod feed;
pub mod files;
pub mod filters;
pub mod front_matter;
pub mod guard;
pub mod liquid;
pub mod permalink;
pub mod posts;
pub mod variables;

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

/// Markdown to HTML as Jekyll's kramdown (GFM input) renders it; see
/// [`crate::render::markdown::to_html`], the one implementation.
pub fn markdown(text: &str) -> String {
    crate::render::markdown::to_html(text)
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
        assert!(html.contains(r#"<div class="footnotes""#), "{html}");
    }
}
