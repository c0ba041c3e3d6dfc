//! Blog HTML made safe to publish: what pulldown-cmark (or a `.html` post) produces goes through
//! ammonia with an explicit allow-list before it reaches a page, an excerpt or `feed.xml`.
//!
//! The pages' Content-Security-Policy already stops inline script in a browser, but feed
//! readers, and any copy of a page served without its `<meta>`, do not see that policy. So a
//! `javascript:` link, a `<script>`, an `onerror=` handler or an `<iframe>` in a post is removed
//! here: only the tags and attributes Markdown produces, and what a post reasonably adds
//! (tables, code with a language class, images, footnotes, headings with ids, kramdown's
//! attribute lists: a `class`, `id` or `style` on any allowed tag), stay.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

/// Tags a post may contain: everything [`super::markdown::to_html`] emits (tables, footnotes,
/// strikethrough, task lists, definition lists, abbreviations), plus common inline and block
/// HTML.
pub const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
];

/// Attributes allowed on every allowed tag: what kramdown's inline attribute lists give any
/// block or span (`class`, `id`, `style`; "Inline Attribute Lists" on kramdown's Syntax page),
/// its footnotes' `role` (`doc-noteref`, `doc-endnotes`, `doc-endnote`, `doc-backlink`),
/// `title` and `lang`.
pub const GENERIC_ATTRIBUTES: &[&str] = &["title", "lang", "class", "id", "style", "role"];

/// Attributes allowed on one tag.
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    // `rel="footnote"` on a footnote reference
    ("a", &["href", "rel"]),
    ("img", &["src", "alt", "width", "height"]),
    ("ol", &["start"]),
    ("input", &["type", "checked", "disabled"]),
    ("time", &["datetime"]),
    ("abbr", &["title"]),
];

/// URL schemes a link or image may use; relative URLs (`#note`, `../x.html`) pass too.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Tags removed with everything inside them (not only the tags).
pub const DROPPED_WITH_CONTENT: &[&str] = &["script", "style"];

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(HashSet::new())
        .tag_attributes(tag_attributes)
        .tag_attribute_values(HashMap::new())
        // a task list's box is a disabled checkbox, whatever the post says
        .set_tag_attribute_values(HashMap::from([(
            "input",
            HashMap::from([("type", "checkbox"), ("disabled", "")]),
        )]))
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::PassThrough)
        // a post's inline `style="…"` stays as written (CSS runs no script; the pages'
        // Content-Security-Policy governs what it may load)
        // no rel added: a post's links stay as written (nothing may open a new window)
        .link_rel(None)
        .strip_comments(true);
    b
});

/// `html` with everything outside the allow-list removed: unknown tags (their text stays,
/// except inside [`DROPPED_WITH_CONTENT`]), unknown attributes (every `on…` handler), and
/// URLs whose scheme is not in [`URL_SCHEMES`] (`javascript:`, `vbscript:`, `data:`).
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_frames_and_script_urls_are_removed() {
        let html = clean(concat!(
            r#"<p><a href="javascript:alert(1)">a</a> <a href="JaVaScRiPt:x">b</a> "#,
            r#"<a href="data:text/html;base64,PHM+">c</a> <a href="vbscript:x">d</a></p>"#,
            r#"<script>alert(2)</script><img src=x onerror="alert(3)">"#,
            r#"<iframe src="https://evil.example/"></iframe><p onclick="x">t</p>"#,
        ));
        let lower = html.to_lowercase();
        for bad in [
            "script", "onerror", "onclick", "iframe", "data:", "alert(2)",
        ] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<a>a</a>"), "{html}");
        assert!(html.contains(r#"<img src="x">"#), "{html}");
    }

    #[test]
    fn what_markdown_makes_stays() {
        let html = r##"<h2 id="a-b">A</h2>
<pre><code class="language-sh">cargo test
</code></pre>
<table class="wide"><thead><tr><th style="text-align: left">x</th></tr></thead></table>
<ul><li><input disabled="" type="checkbox" checked="">done</li></ul>
<p>n<sup id="fnref:a" role="doc-noteref"><a href="#fn:a" class="footnote" rel="footnote">1</a></sup> <a href="https://x.example/">l</a></p>
<div class="footnotes" role="doc-endnotes"><ol><li id="fn:a" role="doc-endnote"><p>t&nbsp;<a href="#fnref:a" class="reversefootnote" role="doc-backlink">↩</a></p></li></ol></div>
<p><img src="a.png" alt="A" width="10" height="20"></p>
<div class="language-rust highlighter-rouge"><div class="highlight"><pre class="highlight"><code>x</code></pre></div></div>
<p class="lead" id="intro"><abbr title="Hyper Text">HT</abbr> <em class="x">w</em></p>
<dl class="terms"><dt>t</dt><dd>d</dd></dl>
"##;
        assert_eq!(clean(html), html);
    }

    #[test]
    fn a_style_attribute_stays_and_an_onclick_goes() {
        let html = clean(r#"<p style="color: red; margin: 0 1em" onclick="alert(1)">t</p>"#);
        assert_eq!(html, r#"<p style="color: red; margin: 0 1em">t</p>"#);
    }
}
