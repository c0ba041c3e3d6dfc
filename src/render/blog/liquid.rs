//! Liquid in posts and pages, as Jekyll renders it before Markdown: the `liquid` crate with its
//! standard library and Jekyll's `include`, plus the tags and filters Jekyll adds
//! (<https://jekyllrb.com/docs/liquid/>) that blog posts use:
//!
//! - tags: `{% highlight LANG %}`, `{% post_url NAME %}`, `{% link PATH %}`, and `{% include
//!   FILE k=v %}` from the blog's `_includes/`;
//! - filters: `relative_url`, `absolute_url`, `date_to_string`, `date_to_long_string`,
//!   `date_to_xmlschema`, `date_to_rfc822`, `xml_escape`, `cgi_escape`, `uri_escape`,
//!   `jsonify`, `markdownify`, `number_of_words`, `normalize_whitespace`, `slugify`, and the
//!   array filters `push`, `pop`, `shift`, `unshift`, `array_to_sentence_string`.
//!
//! As in Jekyll, an unknown `site.*`, `page.*` or top-level variable prints nothing (the
//! `liquid` crate alone stops at it).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use liquid_core::model::ScalarCow;
use liquid_core::{
    BlockReflection, Display_filter, Filter, Language, ParseBlock, ParseTag, Renderable, Runtime,
    TagBlock, TagReflection, TagTokenIter, Value, ValueView,
};

use crate::error::{Error, Problem, Result};
use crate::render::charts::esc;

use super::variables::Globals;
pub use super::variables::{Pairs, SiteVars};

/// Where each post and file is, for `post_url` and `link`: a name or path -> its URL from the
/// blog's root (`/2026/01/10/first.html`).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// `2026-01-10-first` and `sub/2026-01-10-first` (a post in `_posts/sub/`) -> URL.
    pub posts: BTreeMap<String, String>,
    /// A path from the blog folder (`about.md`, `_posts/2026-01-10-first.md`,
    /// `assets/a.png`) -> URL.
    pub files: BTreeMap<String, String>,
}

/// A Liquid parser set up for one blog.
pub struct Engine {
    parser: liquid::Parser,
}

impl Engine {
    /// A parser with the tags and filters above; `{% include %}` reads `<blog>/_includes/`.
    ///
    /// # Errors
    /// [`Error::Io`] when `_includes/` cannot be read; [`Error::Data`] naming the include that
    /// does not parse.
    pub fn new(blog: &Path, index: Index) -> Result<Self> {
        let mut source = liquid::partials::InMemorySource::new();
        let mut texts = BTreeMap::new();
        let includes = blog.join("_includes");
        if includes.is_dir() {
            for entry in walkdir::WalkDir::new(&includes).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::io("read", &includes, e.into()))?;
                if entry.file_type().is_symlink() {
                    tracing::warn!(
                        "{}: a symbolic link; left out (GitHub Pages does not follow them either)",
                        entry.path().display()
                    );
                    continue;
                }
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let text = crate::fsio::read_regular_text(path, crate::fsio::MAX_INPUT_BYTES)
                    .map_err(|e| Error::io("read", path, e))?;
                let name = path
                    .strip_prefix(&includes)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                texts.insert(name, text);
            }
        }
        for (name, text) in texts {
            source.add(name, text);
        }
        let index = Arc::new(index);
        let builder = liquid::ParserBuilder::with_stdlib()
            .tag(GuardedInclude)
            .filter(liquid_lib::jekyll::Slugify)
            .filter(liquid_lib::jekyll::Push)
            .filter(liquid_lib::jekyll::Pop)
            .filter(liquid_lib::jekyll::Shift)
            .filter(liquid_lib::jekyll::Unshift)
            .filter(liquid_lib::jekyll::ArrayToSentenceString)
            .block(Highlight)
            .tag(UrlTag {
                name: "post_url",
                index: Arc::clone(&index),
            })
            .tag(UrlTag {
                name: "link",
                index,
            })
            .filter(RelativeUrl)
            .filter(AbsoluteUrl)
            .filter(XmlEscape)
            .filter(CgiEscape)
            .filter(UriEscape)
            .filter(Markdownify)
            .filter(NumberOfWords)
            .filter(NormalizeWhitespace);
        let parser = super::filters::register(builder)
            .partials(liquid::partials::EagerCompiler::new(source))
            .build()
            .map_err(|e| {
                Error::Data(Problem::file(
                    &includes,
                    format!("an include does not parse: {e}"),
                ))
            })?;
        Ok(Self { parser })
    }

    /// Renders `text` (a post's or page's body) with `site` and `page` as Jekyll's variables.
    ///
    /// # Errors
    /// The Liquid error (unknown tag or filter, a tag's bad argument, a missing include or
    /// post), as text, for the caller to name the file.
    pub fn render(
        &self,
        text: &str,
        site: &SiteVars,
        page: &liquid::Object,
    ) -> std::result::Result<String, String> {
        super::guard::check_nesting(text)?;
        if !text.contains("{{") && !text.contains("{%") {
            return Ok(text.to_owned());
        }
        let text = quote_path_arguments(text);
        let template = self.parser.parse(&text).map_err(|e| e.to_string())?;
        let globals = Globals::new(site, page);
        template.render(&globals).map_err(|e| e.to_string())
    }
}

/// How deep includes may include includes: a recursion that stops on a condition renders, one
/// that never stops is an error instead of a stack overflow.
pub const MAX_INCLUDE_DEPTH: usize = 64;

thread_local! {
    /// The includes being rendered on this thread, one inside the other.
    static INCLUDE_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Jekyll's `{% include FILE k=v %}` (the `liquid_lib` tag), with a depth limit.
#[derive(Debug, Clone, Copy)]
struct GuardedInclude;

impl TagReflection for GuardedInclude {
    fn tag(&self) -> &str {
        "include"
    }
    fn description(&self) -> &str {
        "a file of _includes/, with parameters"
    }
}

impl ParseTag for GuardedInclude {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        let inner = liquid_lib::jekyll::IncludeTag.parse(arguments, options)?;
        Ok(Box::new(DepthGuard { inner }))
    }
    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct DepthGuard {
    inner: Box<dyn Renderable>,
}

impl Renderable for DepthGuard {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        let depth = INCLUDE_DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let result = if depth > MAX_INCLUDE_DEPTH {
            Err(liquid_core::Error::with_msg(format!(
                "includes nest more than {MAX_INCLUDE_DEPTH} deep (an include that includes itself without end?)"
            )))
        } else {
            self.inner.render_to(writer, runtime)
        };
        INCLUDE_DEPTH.with(|d| d.set(d.get() - 1));
        result
    }
}

/// `{% post_url 2025/2025-03-02-x %}` and `{% link docs/a.md %}` with their argument quoted:
/// Jekyll reads it as raw text, which the `liquid` crate's grammar does not take bare.
fn quote_path_arguments(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find("{%") {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        let Some(end) = tag.find("%}") else {
            out.push_str(tag);
            return out;
        };
        let inner = &tag[2..end];
        let trimmed = inner.trim_start_matches('-').trim();
        let trimmed = trimmed.trim_end_matches('-').trim();
        let quoted = ["post_url", "link"].iter().find_map(|name| {
            let arg = trimmed.strip_prefix(name)?;
            if !arg.starts_with(char::is_whitespace) {
                return None;
            }
            let arg = arg.trim();
            (!arg.is_empty() && !arg.starts_with(['"', '\'']) && !arg.contains(['{', '"']))
                .then(|| format!("{{% {name} \"{arg}\" %}}"))
        });
        match quoted {
            Some(q) => out.push_str(&q),
            None => out.push_str(&tag[..end + 2]),
        }
        rest = &tag[end + 2..];
    }
    out.push_str(rest);
    out
}

/// `{% highlight LANG %}…{% endhighlight %}`: Jekyll's (Rouge's) markup without the colour
/// spans: `<figure class="highlight"><pre><code class="language-LANG" data-lang="LANG">`.
#[derive(Debug, Clone, Copy)]
struct Highlight;

impl BlockReflection for Highlight {
    fn start_tag(&self) -> &str {
        "highlight"
    }
    fn end_tag(&self) -> &str {
        "endhighlight"
    }
    fn description(&self) -> &str {
        "Jekyll's code block with a language"
    }
}

impl ParseBlock for Highlight {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        let lang = arguments
            .next()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default();
        // `linenos` and other options are accepted and have no effect
        for _ in arguments.by_ref() {}
        let body = tokens.parse_all(options)?;
        Ok(Box::new(HighlightT { lang, body }))
    }
    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct HighlightT {
    lang: String,
    body: Vec<Box<dyn Renderable>>,
}

impl Renderable for HighlightT {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        let mut code = Vec::new();
        for r in &self.body {
            r.render_to(&mut code, runtime)?;
        }
        let code = String::from_utf8_lossy(&code);
        let code = code.trim_matches('\n');
        let lang = esc(&self.lang);
        write!(
            writer,
            "<figure class=\"highlight\"><pre><code class=\"language-{lang}\" data-lang=\"{lang}\">{}</code></pre></figure>",
            // one line, so that Markdown reads the figure as one HTML block even when the code
            // has blank lines (the sanitiser writes the newlines back)
            esc(code).replace('\n', "&#10;")
        )
        .map_err(|e| liquid_core::Error::with_msg(e.to_string()))
    }
}

/// `{% post_url NAME %}` and `{% link PATH %}`: the URL (with `site.baseurl`) of a post by its
/// file name without extension, or of a file by its path from the blog folder.
#[derive(Debug, Clone)]
struct UrlTag {
    name: &'static str,
    index: Arc<Index>,
}

impl TagReflection for UrlTag {
    fn tag(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        "the URL of a post or file"
    }
}

impl ParseTag for UrlTag {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        _options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        let arg: String = arguments.map(|t| t.as_str().to_owned()).collect();
        let arg = arg
            .trim_matches(['"', '\''])
            .trim_start_matches('/')
            .to_owned();
        let found = if self.name == "post_url" {
            self.index.posts.get(&arg)
        } else {
            self.index.files.get(&arg)
        };
        let url = found.cloned().ok_or_else(|| {
            liquid_core::Error::with_msg(if self.name == "post_url" {
                format!("{{% post_url {arg} %}}: no post is named {arg} (the file name without its extension)")
            } else {
                format!("{{% link {arg} %}}: no file {arg} in the blog folder")
            })
        })?;
        Ok(Box::new(UrlT { url }))
    }
    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct UrlT {
    url: String,
}

impl Renderable for UrlT {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        write!(writer, "{}", relative_url(&self.url, runtime))
            .map_err(|e| liquid_core::Error::with_msg(e.to_string()))
    }
}

/// `site.<key>` as text, `""` when unset.
fn site_text(runtime: &dyn Runtime, key: &str) -> String {
    let path = [ScalarCow::new("site"), ScalarCow::new(key.to_owned())];
    runtime
        .try_get(&path)
        .map(|v| v.to_kstr().to_string())
        .unwrap_or_default()
}

/// Jekyll's `relative_url`: `site.baseurl` + the path with a leading `/`; an absolute URL is
/// given back as it is.
fn relative_url(input: &str, runtime: &dyn Runtime) -> String {
    if input.contains("://") || input.starts_with("//") {
        return input.to_owned();
    }
    let base = site_text(runtime, "baseurl");
    let base = base.trim_end_matches('/');
    let base = if base.is_empty() || base.starts_with('/') {
        base.to_owned()
    } else {
        format!("/{base}")
    };
    if input.starts_with('/') {
        format!("{base}{input}")
    } else {
        format!("{base}/{input}")
    }
}

simple_filter!(
    RelativeUrl,
    RelativeUrlF,
    "relative_url",
    "site.baseurl + the path",
    |input, runtime| { Ok(Value::scalar(relative_url(&input.to_kstr(), runtime))) }
);
simple_filter!(
    AbsoluteUrl,
    AbsoluteUrlF,
    "absolute_url",
    "site.url + site.baseurl + the path",
    |input, runtime| {
        let rel = relative_url(&input.to_kstr(), runtime);
        if rel.contains("://") {
            return Ok(Value::scalar(rel));
        }
        let url = site_text(runtime, "url");
        Ok(Value::scalar(format!("{}{rel}", url.trim_end_matches('/'))))
    }
);
simple_filter!(
    XmlEscape,
    XmlEscapeF,
    "xml_escape",
    "XML entities",
    |input, _runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        Ok(Value::scalar(esc(&input.to_kstr())))
    }
);
simple_filter!(
    CgiEscape,
    CgiEscapeF,
    "cgi_escape",
    "form encoding",
    |input, _runtime| { Ok(Value::scalar(super::filters::cgi_escape(&input.to_kstr()))) }
);
simple_filter!(
    UriEscape,
    UriEscapeF,
    "uri_escape",
    "percent-encoding of a URI",
    |input, _runtime| {
        let mut out = String::new();
        for b in input.to_kstr().bytes() {
            if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        Ok(Value::scalar(out))
    }
);
simple_filter!(
    Markdownify,
    MarkdownifyF,
    "markdownify",
    "Markdown to HTML",
    |input, _runtime| { Ok(Value::scalar(super::markdown(&input.to_kstr()))) }
);
simple_filter!(
    NumberOfWords,
    NumberOfWordsF,
    "number_of_words",
    "words in the text",
    |input, _runtime| {
        let n = input.to_kstr().split_whitespace().count();
        Ok(Value::scalar(i64::try_from(n).unwrap_or(i64::MAX)))
    }
);
simple_filter!(
    NormalizeWhitespace,
    NormalizeWhitespaceF,
    "normalize_whitespace",
    "one space for each run",
    |input, _runtime| {
        Ok(Value::scalar(
            input
                .to_kstr()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ))
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> std::result::Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("_includes")).unwrap();
        std::fs::write(
            dir.path().join("_includes/note.html"),
            "<aside>{{ include.text }}</aside>",
        )
        .unwrap();
        let mut index = Index::default();
        index
            .posts
            .insert("2026-01-10-first".into(), "/2026/01/10/first.html".into());
        index.files.insert("about.md".into(), "/about/".into());
        let engine = Engine::new(dir.path(), index).unwrap();
        let site = SiteVars {
            obj: liquid::object!({"title": "Logbook", "url": "https://example.org", "baseurl": "/log"}),
            tags: Pairs(vec![
                ("ruby".into(), Value::Array(vec![Value::scalar(1)])),
                (
                    "ev".into(),
                    Value::Array(vec![Value::scalar(2), Value::scalar(3)]),
                ),
            ]),
            categories: Pairs::default(),
        };
        let page = liquid::object!({"title": "A post", "date": liquid_core::model::DateTime::from_str("2026-01-10 09:05:00 -0800").unwrap()});
        engine.render(text, &site, &page)
    }

    #[test]
    fn jekylls_tags_render() {
        assert_eq!(
            render("{% post_url 2026-01-10-first %} {% link about.md %}").unwrap(),
            "/log/2026/01/10/first.html /log/about/"
        );
        assert_eq!(
            render("{% include note.html text=\"hi\" %}").unwrap(),
            "<aside>hi</aside>"
        );
        assert_eq!(
            render("{% highlight ruby %}\nputs 1 < 2\n{% endhighlight %}").unwrap(),
            "<figure class=\"highlight\"><pre><code class=\"language-ruby\" data-lang=\"ruby\">puts 1 &lt; 2</code></pre></figure>"
        );
        // a blank line in the code stays inside the one block Markdown sees
        let html = render("{% highlight ruby %}\na = 1\n\nb = 2\n{% endhighlight %}").unwrap();
        let page = crate::render::sanitize::clean(&super::super::markdown(&html));
        assert!(
            page.contains("a = 1\n\nb = 2</code></pre></figure>"),
            "{page}"
        );
        assert_eq!(render("{% raw %}{{ x }}{% endraw %}").unwrap(), "{{ x }}");
    }

    #[test]
    fn post_url_takes_a_bare_path_with_folders_and_dashes() {
        assert_eq!(
            quote_path_arguments(
                "a {% post_url 2025/2025-03-02-x %} b {%- link about.md -%} {% if x %}"
            ),
            "a {% post_url \"2025/2025-03-02-x\" %} b {% link \"about.md\" %} {% if x %}"
        );
    }

    #[test]
    fn jekylls_filters_render() {
        assert_eq!(
            render("{{ '/a.png' | relative_url }} {{ 'a.png' | absolute_url }}").unwrap(),
            "/log/a.png https://example.org/log/a.png"
        );
        assert_eq!(
            render("{{ page.date | date_to_string }}|{{ page.date | date_to_long_string: 'ordinal', 'US' }}|{{ page.date | date_to_xmlschema }}").unwrap(),
            "10 Jan 2026|January 10th, 2026|2026-01-10T09:05:00-08:00"
        );
        assert_eq!(render("{{ 'a < b' | xml_escape }}").unwrap(), "a &lt; b");
        assert_eq!(
            render("{{ 'one two  three' | number_of_words }}").unwrap(),
            "3"
        );
        assert_eq!(
            render("{{ 'Data Notes!' | slugify }}").unwrap(),
            "data-notes"
        );
        assert_eq!(
            render("{{ site.title }} {{ page.title }}").unwrap(),
            "Logbook A post"
        );
    }

    #[test]
    fn unknown_variables_print_nothing_as_in_jekyll() {
        assert_eq!(
            render("[{{ page.author }}{{ site.nope }}{{ nope }}]").unwrap(),
            "[]"
        );
        assert_eq!(render("{% assign n = 2 %}{{ n }}").unwrap(), "2");
    }

    #[test]
    fn site_tags_iterate_in_their_order_and_look_up_by_name() {
        for _ in 0..5 {
            assert_eq!(
                render("{% for t in site.tags %}{{ t[0] }}={{ t[1] | size }};{% endfor %}{{ site.tags.ev | size }}{{ site.tags | size }}").unwrap(),
                "ruby=1;ev=2;22"
            );
        }
    }

    #[test]
    fn a_missing_post_or_include_is_an_error_that_names_it() {
        let e = render("{% post_url 2020-01-01-gone %}").unwrap_err();
        assert!(e.contains("2020-01-01-gone"), "{e}");
        let e = render("{% include missing.html %}").unwrap_err();
        assert!(e.contains("missing.html"), "{e}");
    }
}
