//! Markdown as Jekyll 4.3 renders it: kramdown 2.4 with `input: GFM` (kramdown-parser-gfm 1.1),
//! rebuilt on pulldown-cmark so a post written for a Jekyll blog reads the same here.
//!
//! Jekyll's kramdown options (its `configuration.rb` defaults): `auto_ids: true`,
//! `toc_levels: 1..6`, `entity_output: as_char`, `smart_quotes: lsquo,rsquo,ldquo,rdquo`,
//! `hard_wrap: false`, `guess_lang: true`, `footnote_nr: 1`, syntax highlighter rouge.
//!
//! What kramdown adds to CommonMark, each described on kramdown's "Syntax" page
//! (<https://kramdown.gettalong.org/syntax.html>), and how it is done here:
//! - heading ids: kramdown-parser-gfm's `generate_gfm_header_id` ([`gfm_header_id`]);
//! - inline attribute lists (`{: .class #id key="value"}`) after (or before) a block, right
//!   after a span (`*word*{: .x}`), and attribute list definitions (`{:name: .class}`),
//!   "Block IALs", "Span IALs" and "Attribute List Definitions";
//! - `{:toc}` on a list: the table of contents, "Automatic Table of Contents Generation";
//! - definition lists, "Definition Lists";
//! - abbreviations (`*[HTML]: Hyper Text Markup Language`), "Abbreviations";
//! - footnotes numbered by first reference, in kramdown's markup, "Footnotes";
//! - fenced code with a language in the wrapper rouge gives it, "Code Blocks";
//! - typographic symbols and smart quotes, "Typographic Symbols" and "Smart Quotes";
//! - HTML blocks with `markdown="1"` parsed as Markdown, "HTML Blocks".

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

/// Markdown to HTML whose visible text and structure match kramdown's (Jekyll's defaults, see
/// the module documentation): GFM tables, strikethrough and task lists, footnotes, definition
/// lists, abbreviations, inline attribute lists, `{:toc}`, heading ids as kramdown's
/// `auto_ids` makes them (`# {#id}` keeps a given id), smart quotes and typographic symbols,
/// fenced code in rouge's wrapper. Raw HTML passes through (the caller sanitises it).
pub fn to_html(text: &str) -> String {
    let pre = preprocess(text);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST;
    let events = merge_text(
        &pre.text,
        Parser::new_ext(&pre.text, opts).into_offset_iter(),
    );
    let mut doc = Doc::new(events, &pre);
    doc.attach_block_ials(&pre);
    doc.attach_span_ials(&pre.alds);
    doc.smarten_texts();
    doc.assign_heading_ids();
    doc.mark_task_lists();
    doc.render()
}

/// Attributes from an inline attribute list, in kramdown's order of meaning.
#[derive(Debug, Clone, Default, PartialEq)]
struct Attrs {
    id: Option<String>,
    classes: Vec<String>,
    other: Vec<(String, String)>,
    /// The list is kramdown's `{:toc}`.
    toc: bool,
}

impl Attrs {
    fn merge(&mut self, more: &Attrs) {
        if more.id.is_some() {
            self.id.clone_from(&more.id);
        }
        self.classes.extend(more.classes.iter().cloned());
        for (k, v) in &more.other {
            self.other.retain(|(k2, _)| k2 != k);
            self.other.push((k.clone(), v.clone()));
        }
        self.toc |= more.toc;
    }

    /// ` class="…" id="…" k="v"`, each escaped.
    fn html(&self) -> String {
        let mut s = String::new();
        if !self.classes.is_empty() {
            let _ = write!(s, " class=\"{}\"", esc_attr(&self.classes.join(" ")));
        }
        if let Some(id) = &self.id {
            let _ = write!(s, " id=\"{}\"", esc_attr(id));
        }
        for (k, v) in &self.other {
            let _ = write!(s, " {}=\"{}\"", k, esc_attr(v));
        }
        s
    }
}

/// Parses the inside of `{: … }` / `{:name: … }`: `.class`, `#id`, `key="value"` (or
/// `'value'`, or curly quotes after smart punctuation), and bare words naming attribute list
/// definitions in `alds` (`toc` marks a table of contents).
fn parse_ial(body: &str, alds: &HashMap<String, Attrs>) -> Attrs {
    let mut a = Attrs::default();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            let close = match chars.get(i) {
                Some('"') | Some('\u{201c}') | Some('\u{201d}') => Some(['"', '\u{201d}']),
                Some('\'') | Some('\u{2018}') | Some('\u{2019}') => Some(['\'', '\u{2019}']),
                _ => None,
            };
            let value: String = if let Some(close) = close {
                i += 1;
                let s = i;
                while i < chars.len() && !close.contains(&chars[i]) {
                    i += 1;
                }
                let v = chars[s..i].iter().collect();
                i += 1;
                v
            } else {
                let s = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                chars[s..i].iter().collect()
            };
            if is_attr_name(&word) {
                a.other.retain(|(k, _)| *k != word);
                a.other.push((word, value));
            }
        } else if let Some(class) = word.strip_prefix('.') {
            if !class.is_empty() {
                a.classes.push(class.to_owned());
            }
        } else if let Some(id) = word.strip_prefix('#') {
            if !id.is_empty() {
                a.id = Some(id.to_owned());
            }
        } else if word == "toc" {
            a.toc = true;
        } else if let Some(def) = alds.get(&word) {
            a.merge(&def.clone());
        }
    }
    a
}

fn is_attr_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// The Markdown with kramdown's line-level syntax taken out, and what it said.
struct Pre {
    text: String,
    /// Block IALs: (offset of the blank line left in `text`, attributes).
    ials: Vec<(usize, Attrs)>,
    alds: HashMap<String, Attrs>,
    /// Abbreviations, longest first.
    abbrs: Vec<(String, String)>,
}

/// Removes block IAL lines (recording where they were), attribute list definitions and
/// abbreviation definitions, outside fenced code; opens `markdown="1"` HTML blocks with
/// blank lines so their content is parsed as Markdown.
fn preprocess(text: &str) -> Pre {
    let mut out = String::with_capacity(text.len());
    let mut pending: Vec<(usize, String)> = Vec::new();
    let mut alds = HashMap::new();
    let mut abbrs: Vec<(String, String)> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut md_blocks: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if let Some((ch, n)) = fence {
            let run = trimmed.chars().take_while(|c| *c == ch).count();
            if run >= n && trimmed[run * ch.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        let first = trimmed.chars().next().unwrap_or(' ');
        if first == '`' || first == '~' {
            let run = trimmed.chars().take_while(|c| *c == first).count();
            if run >= 3 && !(first == '`' && trimmed[run..].contains('`')) {
                fence = Some((first, run));
                out.push_str(line);
                continue;
            }
        }
        if indent <= 3 && trimmed.starts_with("{:") && trimmed.trim_end().ends_with('}') {
            let inner = &trimmed.trim_end()[2..trimmed.trim_end().len() - 1];
            // `{:name: …}` defines an attribute list; `{::…}` is an extension (left as is)
            if let Some((name, rest)) = inner.split_once(':').filter(|(n, _)| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            }) {
                let a = parse_ial(rest, &alds);
                alds.insert(name.to_owned(), a);
                out.push('\n');
                continue;
            }
            if !inner.starts_with(':') {
                pending.push((out.len(), inner.to_owned()));
                out.push('\n');
                continue;
            }
        }
        let abbr_def = trimmed
            .strip_prefix("*[")
            .and_then(|rest| rest.split_once("]:"))
            .filter(|(abbr, _)| indent <= 3 && !abbr.is_empty());
        if let Some((abbr, def)) = abbr_def {
            abbrs.push((abbr.to_owned(), def.trim().to_owned()));
            out.push('\n');
            continue;
        }
        // a link or footnote definition ends the paragraph or footnote before it in kramdown
        // (CommonMark would read it as that paragraph's next line)
        let is_definition = indent <= 3
            && trimmed.starts_with('[')
            && trimmed
                .find("]:")
                .is_some_and(|i| i > 1 && trimmed[i + 2..].starts_with([' ', '\t']));
        if is_definition && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        if let Some((tag, open)) = markdown_block_open(trimmed) {
            out.push_str(&open);
            out.push_str("\n\n");
            md_blocks.push(tag);
            continue;
        }
        if md_blocks
            .last()
            .is_some_and(|tag| trimmed.trim_end() == format!("</{tag}>"))
        {
            md_blocks.pop();
            out.push('\n');
            out.push_str(line);
            continue;
        }
        out.push_str(line);
    }
    // ALDs may be defined after their use: resolve names once all are known
    let ials = pending
        .into_iter()
        .map(|(at, body)| (at, parse_ial(&body, &alds)))
        .collect();
    abbrs.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
    Pre {
        text: out,
        ials,
        alds,
        abbrs,
    }
}

/// `<div markdown="1">` alone on a line -> (`div`, `<div>`): kramdown parses such a block's
/// content as Markdown ("HTML Blocks" on kramdown's Syntax page).
fn markdown_block_open(line: &str) -> Option<(String, String)> {
    let line = line.trim_end();
    let rest = line.strip_prefix('<')?.strip_suffix('>')?;
    let tag: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    if tag.is_empty() {
        return None;
    }
    for attr in [
        " markdown=\"1\"",
        " markdown='1'",
        " markdown=\"block\"",
        " markdown=1",
    ] {
        if let Some(at) = rest.find(attr) {
            let open = format!("<{}{}>", &rest[..at], &rest[at + attr.len()..]);
            return Some((tag, open));
        }
    }
    None
}

/// Joins adjacent text events (pulldown-cmark splits text at `&`, brackets, entities), except
/// a backslash-escaped character, which stays its own event (kramdown's smart quotes and
/// typographic symbols leave an escaped character as it is).
fn merge_text<'a>(
    src: &str,
    it: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    for (e, r) in it {
        if let (Event::Text(t), Some((Event::Text(prev), pr))) = (&e, out.last_mut()) {
            if !escaped_start(src, &r) {
                *prev = CowStr::from(format!("{prev}{t}"));
                pr.end = r.end;
                continue;
            }
        }
        out.push((e, r));
    }
    out
}

/// `![alt](…)` -> `alt`, brackets matched.
fn raw_alt(image: &str) -> Option<String> {
    let inner = image.strip_prefix("![")?;
    let mut depth = 0usize;
    let mut prev = ' ';
    for (k, c) in inner.char_indices() {
        match c {
            '[' if prev != '\\' => depth += 1,
            ']' if prev != '\\' => {
                if depth == 0 {
                    return Some(inner[..k].to_owned());
                }
                depth -= 1;
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// The text event at `r` begins with a backslash-escaped character (pulldown-cmark starts the
/// event after the backslash).
fn escaped_start(src: &str, r: &Range<usize>) -> bool {
    r.start > 0 && src.as_bytes()[r.start - 1] == b'\\'
}

/// kramdown-parser-gfm's `generate_gfm_header_id`: the heading's text lower-cased, every
/// character that is not a word character (letter, digit, `_`), `-`, space or tab removed,
/// spaces and tabs turned into `-` (so `2 Café & co` -> `2-café--co`). Uniqueness is added by
/// the caller (`-1`, `-2`, … per repeat).
pub fn gfm_header_id(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '\t'))
        .map(|c| if c == ' ' || c == '\t' { '-' } else { c })
        .collect()
}

struct Doc<'a> {
    /// The preprocessed Markdown the events' ranges point into.
    src: &'a str,
    events: Vec<(Event<'a>, Range<usize>)>,
    /// Attributes per index of a `Start` (or `Code`/`Rule`) event.
    attrs: HashMap<usize, Attrs>,
    /// Heading start index -> (level, id).
    headings: Vec<(usize, HeadingLevel, String)>,
    abbrs: Vec<(String, String)>,
    /// Footnote label -> (start, end) event indices of its definition.
    defs: HashMap<String, (usize, usize)>,
    /// Labels in order of first reference, with how many references each has had.
    notes: Vec<(String, usize)>,
}

fn is_block_start(e: &Event) -> bool {
    matches!(
        e,
        Event::Start(
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::DefinitionList
        ) | Event::Rule
    )
}

impl<'a> Doc<'a> {
    fn new(events: Vec<(Event<'a>, Range<usize>)>, pre: &'a Pre) -> Self {
        let mut defs = HashMap::new();
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i].0 {
                let end = matching_end(&events, i);
                defs.entry(label.to_string()).or_insert((i, end));
                i = end;
            }
            i += 1;
        }
        Doc {
            src: &pre.text,
            events,
            attrs: HashMap::new(),
            headings: Vec::new(),
            abbrs: pre.abbrs.clone(),
            defs,
            notes: Vec::new(),
        }
    }

    fn add_attrs(&mut self, at: usize, a: &Attrs) {
        self.attrs.entry(at).or_default().merge(a);
    }

    /// A block IAL applies to the block that ends on the line before it (the outermost one:
    /// a list, not its last item), else to the block that starts on the line after it.
    fn attach_block_ials(&mut self, pre: &Pre) {
        for (at, a) in &pre.ials {
            let text = &pre.text;
            let before = self
                .events
                .iter()
                .enumerate()
                .filter(|(_, (e, r))| {
                    is_block_start(e)
                        && r.start < *at
                        && if r.end <= *at {
                            matches!(text[r.end..*at].trim_matches([' ', '\t']), "" | "\n")
                        } else {
                            // a list's range takes in the blank lines after it
                            text[*at..r.end].trim().is_empty()
                        }
                })
                .min_by_key(|(_, (_, r))| r.start)
                .map(|(i, _)| i);
            let target = before.or_else(|| {
                self.events
                    .iter()
                    .enumerate()
                    .filter(|(_, (e, r))| is_block_start(e) && r.start > *at)
                    .min_by_key(|(_, (_, r))| r.start)
                    .filter(|(_, (_, r))| !text[*at + 1..r.start].contains('\n'))
                    .map(|(i, _)| i)
            });
            if let Some(i) = target {
                self.add_attrs(i, a);
            }
        }
    }

    /// `{: …}` right after an emphasis, strong, link, image, strikethrough or code span applies
    /// to it and is removed from the text.
    fn attach_span_ials(&mut self, alds: &HashMap<String, Attrs>) {
        for i in 1..self.events.len() {
            let owner = match &self.events[i - 1].0 {
                Event::Code(_) => Some(i - 1),
                Event::End(
                    TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Link
                    | TagEnd::Image
                    | TagEnd::Strikethrough,
                ) => Some(matching_start(&self.events, i - 1)),
                _ => None,
            };
            let Some(owner) = owner else { continue };
            let Event::Text(t) = &self.events[i].0 else {
                continue;
            };
            let Some(rest) = t.strip_prefix("{:") else {
                continue;
            };
            let Some(close) = rest.find('}') else {
                continue;
            };
            let a = parse_ial(&rest[..close], alds);
            let left = rest[close + 1..].to_owned();
            self.events[i].0 = Event::Text(left.into());
            self.add_attrs(owner, &a);
        }
    }

    /// Smart quotes and typographic symbols in every text outside code and raw HTML, as
    /// kramdown's span parser makes them ([`smarten`]).
    fn smarten_texts(&mut self) {
        let mut code_depth = 0usize;
        let mut in_block = false;
        let mut in_image = 0usize;
        for i in 0..self.events.len() {
            let lead = match i.checked_sub(1).map(|p| &self.events[p].0) {
                Some(Event::SoftBreak) => Some('\n'),
                _ => None,
            };
            let (e, r) = &self.events[i];
            match e {
                Event::Start(Tag::CodeBlock(_)) => in_block = true,
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image -= 1,
                Event::End(TagEnd::CodeBlock) => in_block = false,
                Event::Html(h) | Event::InlineHtml(h) => {
                    code_depth = html_code_depth(h, code_depth)
                }
                Event::Text(t) if !in_block && code_depth == 0 && in_image == 0 => {
                    let after: String = self.src[r.end..].chars().take(8).collect();
                    let new = if escaped_start(self.src, r) {
                        // the escaped character stays as written
                        let first = t.chars().next().map_or(0, char::len_utf8);
                        format!("{}{}", &t[..first], smarten(&t[first..], None, &after))
                    } else {
                        smarten(t, lead, &after)
                    };
                    self.events[i].0 = Event::Text(new.into());
                }
                _ => {}
            }
        }
    }

    /// Ids for every heading: the one given (`{#id}` or an IAL), else
    /// [`gfm_header_id`] of its text, made unique as kramdown-parser-gfm does.
    fn assign_heading_ids(&mut self) {
        let mut counter: HashMap<String, usize> = HashMap::new();
        for i in 0..self.events.len() {
            let Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) = &self.events[i].0
            else {
                continue;
            };
            let level = *level;
            let mut a = Attrs {
                id: id.as_ref().map(ToString::to_string),
                classes: classes.iter().map(ToString::to_string).collect(),
                other: attrs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.as_deref().unwrap_or("").to_owned()))
                    .collect(),
                toc: false,
            };
            if let Some(ial) = self.attrs.get(&i) {
                a.merge(&ial.clone());
            }
            if a.id.is_none() {
                let end = matching_end(&self.events, i);
                let mut title = String::new();
                for (e, _) in &self.events[i + 1..end] {
                    if let Event::Text(t) | Event::Code(t) = e {
                        title.push_str(t);
                    }
                }
                let base = gfm_header_id(&title);
                let n = counter
                    .entry(base.clone())
                    .and_modify(|n| *n += 1)
                    .or_insert(0);
                a.id = Some(if *n == 0 { base } else { format!("{base}-{n}") });
            }
            self.headings
                .push((i, level, a.id.clone().unwrap_or_default()));
            self.attrs.insert(i, a);
        }
    }

    fn render(&mut self) -> String {
        let mut out = String::new();
        let n = self.events.len();
        self.render_range(0, n, &mut out);
        self.render_footnotes(&mut out);
        out
    }

    fn attrs_html(&self, i: usize) -> String {
        self.attrs.get(&i).map(Attrs::html).unwrap_or_default()
    }

    #[allow(clippy::too_many_lines)]
    fn render_range(&mut self, from: usize, to: usize, out: &mut String) {
        let mut i = from;
        let mut aligns: Vec<Alignment> = Vec::new();
        let mut cell = 0;
        let mut in_head = false;
        let mut code_depth = 0usize;
        while i < to {
            let ev = self.events[i].0.clone();
            match ev {
                Event::Start(Tag::FootnoteDefinition(_)) => {
                    i = matching_end(&self.events, i) + 1;
                    continue;
                }
                Event::Start(Tag::List(first)) if self.attrs.get(&i).is_some_and(|a| a.toc) => {
                    let end = matching_end(&self.events, i);
                    let toc = self.toc(first.is_some(), i);
                    out.push_str(&toc);
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = matching_end(&self.events, i);
                    let mut body = String::new();
                    for (e, _) in &self.events[i + 1..end] {
                        if let Event::Text(t) = e {
                            body.push_str(t);
                        }
                    }
                    let mut a = self.attrs.get(&i).cloned().unwrap_or_default();
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info
                            .split(|c: char| c.is_whitespace() || c == '?')
                            .next()
                            .filter(|l| !l.is_empty())
                            .map(ToOwned::to_owned),
                        CodeBlockKind::Indented => None,
                    }
                    .or_else(|| {
                        a.classes
                            .iter()
                            .find_map(|c| c.strip_prefix("language-").map(ToOwned::to_owned))
                    });
                    if let Some(lang) = lang {
                        let mut classes = vec![format!("language-{lang}")];
                        classes.extend(
                            a.classes
                                .iter()
                                .filter(|c| **c != format!("language-{lang}"))
                                .cloned(),
                        );
                        classes.push("highlighter-rouge".to_owned());
                        a.classes = classes;
                        let _ = writeln!(
                            out,
                            "<div{}><div class=\"highlight\"><pre class=\"highlight\"><code>{}</code></pre></div></div>",
                            a.html(),
                            esc(&body)
                        );
                    } else {
                        let _ = writeln!(out, "<pre{}><code>{}</code></pre>", a.html(), esc(&body));
                    }
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => {
                    let end = matching_end(&self.events, i);
                    // kramdown's alt is the bracketed source as written (`![a *b*](x)` -> `a *b*`)
                    let alt = raw_alt(&self.src[self.events[i].1.clone()]).unwrap_or_else(|| {
                        let mut alt = String::new();
                        for (e, _) in &self.events[i + 1..end] {
                            if let Event::Text(t) | Event::Code(t) = e {
                                alt.push_str(t);
                            }
                        }
                        alt
                    });
                    let _ = write!(
                        out,
                        "<img src=\"{}\" alt=\"{}\"",
                        esc_attr(&dest_url),
                        esc_attr(&alt)
                    );
                    if !title.is_empty() {
                        let _ = write!(out, " title=\"{}\"", esc_attr(&title));
                    }
                    let _ = write!(out, "{} />", self.attrs_html(i));
                    i = end + 1;
                    continue;
                }
                Event::Start(tag) => {
                    let a = self.attrs_html(i);
                    match tag {
                        Tag::Paragraph => {
                            let _ = write!(out, "<p{a}>");
                        }
                        Tag::Heading { level, .. } => {
                            let _ = write!(out, "<{level}{a}>");
                        }
                        Tag::BlockQuote(_) => {
                            let _ = writeln!(out, "<blockquote{a}>");
                        }
                        Tag::HtmlBlock | Tag::MetadataBlock(_) => {}
                        Tag::List(Some(1)) => {
                            let _ = writeln!(out, "<ol{a}>");
                        }
                        Tag::List(Some(start)) => {
                            let _ = writeln!(out, "<ol start=\"{start}\"{a}>");
                        }
                        Tag::List(None) => {
                            let _ = writeln!(out, "<ul{a}>");
                        }
                        Tag::Item => {
                            if matches!(
                                self.events.get(i + 1).map(|e| &e.0),
                                Some(Event::TaskListMarker(_))
                            ) || matches!(
                                (
                                    self.events.get(i + 1).map(|e| &e.0),
                                    self.events.get(i + 2).map(|e| &e.0)
                                ),
                                (
                                    Some(Event::Start(Tag::Paragraph)),
                                    Some(Event::TaskListMarker(_))
                                )
                            ) {
                                out.push_str("<li class=\"task-list-item\">");
                            } else {
                                out.push_str("<li>");
                            }
                        }
                        Tag::DefinitionList => {
                            let _ = writeln!(out, "<dl{a}>");
                        }
                        Tag::DefinitionListTitle => out.push_str("<dt>"),
                        Tag::DefinitionListDefinition => out.push_str("<dd>"),
                        Tag::Table(al) => {
                            aligns = al;
                            let _ = writeln!(out, "<table{a}>");
                        }
                        Tag::TableHead => {
                            in_head = true;
                            cell = 0;
                            out.push_str("<thead>\n<tr>\n");
                        }
                        Tag::TableRow => {
                            cell = 0;
                            out.push_str("<tr>\n");
                        }
                        Tag::TableCell => {
                            let t = if in_head { "th" } else { "td" };
                            let style = match aligns.get(cell) {
                                Some(Alignment::Left) => " style=\"text-align: left\"",
                                Some(Alignment::Center) => " style=\"text-align: center\"",
                                Some(Alignment::Right) => " style=\"text-align: right\"",
                                _ => "",
                            };
                            let _ = write!(out, "<{t}{style}>");
                        }
                        Tag::Emphasis => {
                            let _ = write!(out, "<em{a}>");
                        }
                        Tag::Strong => {
                            let _ = write!(out, "<strong{a}>");
                        }
                        Tag::Strikethrough => {
                            let _ = write!(out, "<del{a}>");
                        }
                        Tag::Superscript => out.push_str("<sup>"),
                        Tag::Subscript => out.push_str("<sub>"),
                        Tag::Link {
                            dest_url, title, ..
                        } => {
                            let _ = write!(out, "<a href=\"{}\"", esc_attr(&dest_url));
                            if !title.is_empty() {
                                let _ = write!(out, " title=\"{}\"", esc_attr(&title));
                            }
                            let _ = write!(out, "{a}>");
                        }
                        Tag::CodeBlock(_) | Tag::Image { .. } | Tag::FootnoteDefinition(_) => {}
                    }
                }
                Event::End(end) => match end {
                    TagEnd::Paragraph => out.push_str("</p>\n"),
                    TagEnd::Heading(level) => {
                        let _ = writeln!(out, "</{level}>");
                    }
                    TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                    TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {}
                    TagEnd::List(true) => out.push_str("</ol>\n"),
                    TagEnd::List(false) => out.push_str("</ul>\n"),
                    TagEnd::Item => out.push_str("</li>\n"),
                    TagEnd::DefinitionList => out.push_str("</dl>\n"),
                    TagEnd::DefinitionListTitle => out.push_str("</dt>\n"),
                    TagEnd::DefinitionListDefinition => out.push_str("</dd>\n"),
                    TagEnd::Table => out.push_str("</tbody>\n</table>\n"),
                    TagEnd::TableHead => {
                        in_head = false;
                        out.push_str("</tr>\n</thead>\n<tbody>\n");
                    }
                    TagEnd::TableRow => out.push_str("</tr>\n"),
                    TagEnd::TableCell => {
                        let _ = writeln!(out, "</{}>", if in_head { "th" } else { "td" });
                        cell += 1;
                    }
                    TagEnd::Emphasis => out.push_str("</em>"),
                    TagEnd::Strong => out.push_str("</strong>"),
                    TagEnd::Strikethrough => out.push_str("</del>"),
                    TagEnd::Superscript => out.push_str("</sup>"),
                    TagEnd::Subscript => out.push_str("</sub>"),
                    TagEnd::Link => out.push_str("</a>"),
                    TagEnd::CodeBlock | TagEnd::Image | TagEnd::FootnoteDefinition => {}
                },
                Event::Text(t) => {
                    if code_depth == 0 {
                        out.push_str(&self.abbreviate(&t));
                    } else {
                        out.push_str(&esc(&t));
                    }
                }
                Event::Code(t) => {
                    let _ = write!(out, "<code{}>{}</code>", self.attrs_html(i), esc(&t));
                }
                Event::InlineMath(t) | Event::DisplayMath(t) => out.push_str(&esc(&t)),
                Event::Html(h) | Event::InlineHtml(h) => {
                    code_depth = html_code_depth(&h, code_depth);
                    out.push_str(&h);
                }
                Event::FootnoteReference(label) => self.footnote_ref(&label, out),
                Event::SoftBreak => out.push('\n'),
                Event::HardBreak => out.push_str("<br />\n"),
                Event::Rule => {
                    let _ = writeln!(out, "<hr{} />", self.attrs_html(i));
                }
                Event::TaskListMarker(checked) => {
                    out.push_str(if checked {
                        "<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"\" checked=\"\"/>"
                    } else {
                        "<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"\"/>"
                    });
                }
            }
            i += 1;
        }
    }

    /// kramdown-parser-gfm's `class="task-list"` on every list with a task item.
    fn mark_task_lists(&mut self) {
        for i in 0..self.events.len() {
            if matches!(self.events[i].0, Event::Start(Tag::List(_))) {
                self.mark_task_list(i);
            }
        }
    }

    fn mark_task_list(&mut self, i: usize) {
        let end = matching_end(&self.events, i);
        let mut depth = 0;
        let mut task = false;
        for (e, _) in &self.events[i + 1..end] {
            match e {
                Event::Start(Tag::List(_)) => depth += 1,
                Event::End(TagEnd::List(_)) => depth -= 1,
                Event::TaskListMarker(_) if depth == 0 => task = true,
                _ => {}
            }
        }
        if task {
            let a = self.attrs.entry(i).or_default();
            if !a.classes.iter().any(|c| c == "task-list") {
                a.classes.insert(0, "task-list".to_owned());
            }
        }
    }

    fn footnote_ref(&mut self, label: &str, out: &mut String) {
        if !self.defs.contains_key(label) {
            let _ = write!(out, "[^{}]", esc(label));
            return;
        }
        let pos = self.notes.iter().position(|(l, _)| l == label);
        let (number, repeat) = match pos {
            Some(p) => {
                self.notes[p].1 += 1;
                (p + 1, self.notes[p].1 - 1)
            }
            None => {
                self.notes.push((label.to_owned(), 1));
                (self.notes.len(), 0)
            }
        };
        let l = esc_attr(label);
        let id = if repeat == 0 {
            format!("fnref:{l}")
        } else {
            format!("fnref:{l}:{repeat}")
        };
        let _ = write!(
            out,
            "<sup id=\"{id}\" role=\"doc-noteref\"><a href=\"#fn:{l}\" class=\"footnote\" rel=\"footnote\">{number}</a></sup>"
        );
    }

    /// kramdown's endnotes: one `<li id="fn:NAME">` per referenced footnote in order of first
    /// reference, each ending with a back link per reference.
    fn render_footnotes(&mut self, out: &mut String) {
        if self.notes.is_empty() {
            return;
        }
        out.push_str("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        let mut k = 0;
        while k < self.notes.len() {
            let label = self.notes[k].0.clone();
            let (s, e) = self.defs[&label];
            let mut body = String::new();
            self.render_range(s + 1, e, &mut body);
            let refs = self.notes[k].1;
            let l = esc_attr(&label);
            let mut back = String::new();
            for r in 0..refs {
                let (id, mark) = if r == 0 {
                    (format!("fnref:{l}"), "\u{21a9}".to_owned())
                } else {
                    (
                        format!("fnref:{l}:{r}"),
                        format!("\u{21a9}<sup>{}</sup>", r + 1),
                    )
                };
                back.push_str(if r == 0 { "&nbsp;" } else { " " });
                let _ = write!(
                    back,
                    "<a href=\"#{id}\" class=\"reversefootnote\" role=\"doc-backlink\">{mark}</a>"
                );
            }
            let trimmed = body.trim_end();
            let body = if let Some(p) = trimmed.strip_suffix("</p>") {
                format!("{p}{back}</p>\n")
            } else {
                format!("{body}<p>{}</p>\n", back.trim_start_matches("&nbsp;"))
            };
            let _ = write!(
                out,
                "<li id=\"fn:{l}\" role=\"doc-endnote\">\n{body}</li>\n"
            );
            k += 1;
        }
        out.push_str("</ol>\n</div>\n");
    }

    /// kramdown's `{:toc}` (its `generate_toc_tree`): headings not marked `.no_toc`, nested
    /// by level, each `<li><a href="#id" id="markdown-toc-id">…</a>`.
    fn toc(&mut self, ordered: bool, list: usize) -> String {
        let t = if ordered { "ol" } else { "ul" };
        let mut a = self.attrs.get(&list).cloned().unwrap_or_default();
        let prefix =
            a.id.get_or_insert_with(|| "markdown-toc".to_owned())
                .clone();
        let mut entries: Vec<(u8, String, String)> = Vec::new();
        for (start, level, id) in self.headings.clone() {
            if self
                .attrs
                .get(&start)
                .is_some_and(|a| a.classes.iter().any(|c| c == "no_toc"))
                || self.in_footnote(start)
            {
                continue;
            }
            let end = matching_end(&self.events, start);
            let mut inner = String::new();
            self.render_toc_entry(start + 1, end, &mut inner);
            entries.push((level as u8, id, inner));
        }
        let mut out = format!("<{t}{}>\n", a.html());
        // open entries: (level, whether its sub-list is open)
        let mut stack: Vec<(u8, bool)> = Vec::new();
        let close = |out: &mut String, (_, sub): (u8, bool)| {
            if sub {
                let _ = writeln!(out, "</{t}>");
            }
            out.push_str("</li>\n");
        };
        for (level, id, inner) in entries {
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                if let Some(top) = stack.pop() {
                    close(&mut out, top);
                }
            }
            if let Some(top) = stack.last_mut().filter(|top| !top.1) {
                top.1 = true;
                let _ = write!(out, "\n<{t}>\n");
            }
            let _ = write!(
                out,
                "<li><a href=\"#{}\" id=\"{}-{}\">{inner}</a>",
                esc_attr(&id),
                esc_attr(&prefix),
                esc_attr(&id)
            );
            stack.push((level, false));
        }
        while let Some(top) = stack.pop() {
            close(&mut out, top);
        }
        let _ = writeln!(out, "</{t}>");
        out
    }

    fn in_footnote(&self, at: usize) -> bool {
        self.defs.values().any(|(s, e)| *s < at && at < *e)
    }

    /// A heading's content for the table of contents: links become their text and footnote
    /// references go (kramdown's `fix_for_toc_entry`).
    fn render_toc_entry(&mut self, from: usize, to: usize, out: &mut String) {
        let saved: Vec<(usize, Event<'a>)> = (from..to)
            .filter(|i| {
                matches!(
                    self.events[*i].0,
                    Event::Start(Tag::Link { .. })
                        | Event::End(TagEnd::Link)
                        | Event::FootnoteReference(_)
                )
            })
            .map(|i| (i, self.events[i].0.clone()))
            .collect();
        for (i, _) in &saved {
            self.events[*i].0 = Event::Text("".into());
        }
        self.render_range(from, to, out);
        for (i, e) in saved {
            self.events[i].0 = e;
        }
    }

    /// Whole-word occurrences of each abbreviation in already escaped text become
    /// `<abbr title="…">…</abbr>` (kramdown's "Abbreviations").
    fn abbreviate(&self, text: &str) -> String {
        if self.abbrs.is_empty() {
            return esc(text);
        }
        let mut out = String::new();
        let mut rest = text;
        let mut prev: Option<char> = None;
        'outer: while let Some(c) = rest.chars().next() {
            if !prev.is_some_and(is_word) {
                for (abbr, title) in &self.abbrs {
                    if let Some(after) = rest
                        .strip_prefix(abbr.as_str())
                        .filter(|after| !after.chars().next().is_some_and(is_word))
                    {
                        if title.is_empty() {
                            let _ = write!(out, "<abbr>{}</abbr>", esc(abbr));
                        } else {
                            let _ = write!(
                                out,
                                "<abbr title=\"{}\">{}</abbr>",
                                esc_attr(title),
                                esc(abbr)
                            );
                        }
                        prev = abbr.chars().last();
                        rest = after;
                        continue 'outer;
                    }
                }
            }
            out.push_str(&esc(&c.to_string()));
            prev = Some(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Raw HTML opening `<code>`/`<pre>` (or `<kbd>`, `<samp>`) raises the depth, closing lowers it:
/// text inside keeps its straight quotes and abbreviations stay out.
fn html_code_depth(html: &str, depth: usize) -> usize {
    let lower = html.trim_start().to_ascii_lowercase();
    let opens = ["<code", "<pre", "<kbd", "<samp"];
    let closes = ["</code", "</pre", "</kbd", "</samp"];
    if opens.iter().any(|o| lower.starts_with(o)) {
        depth + 1
    } else if closes.iter().any(|c| lower.starts_with(c)) {
        depth.saturating_sub(1)
    } else {
        depth
    }
}

/// Ruby's `\w` (ASCII in kramdown's regexps).
fn is_ascii_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_ruby_space(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}'))
}

fn is_quote(c: Option<char>) -> bool {
    matches!(c, Some('"' | '\''))
}

/// Opening or closing form of a straight quote.
fn curly(q: char, open: bool) -> char {
    match (q, open) {
        ('"', true) => '\u{201c}',
        ('"', false) => '\u{201d}',
        (_, true) => '\u{2018}',
        (_, false) => '\u{2019}',
    }
}

/// kramdown's smart quotes (`SQ_RULES` in its `parser/kramdown/smart_quotes.rb`, tried in order
/// at the first character before a quote) and typographic symbols (`---` —, `--` –, `...` …,
/// `<< ` « and a no-break space, ` >>`, `<<` «, `>>` »), over one text run. `lead` is a
/// character of the source just before the run that kramdown sees as text (a line break),
/// `after` the source right after it (markup included: kramdown's rules look at it).
pub fn smarten(text: &str, lead: Option<char>, after: &str) -> String {
    let mut s: Vec<char> = Vec::with_capacity(text.len() + 9);
    s.extend(lead);
    s.extend(text.chars());
    let n = s.len();
    s.extend(after.chars());
    let at = |k: usize| s.get(k).copied();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let emit = |out: &mut String, k: usize, c: char| {
        if !(lead.is_some() && k == 0) {
            out.push(c);
        }
    };
    while i < n {
        let c = s[i];
        let quote_here = is_quote(Some(c));
        let quote_next = c != '\\' && is_quote(at(i + 1));
        if quote_here || quote_next {
            // R1: quote before `*`/`_` emphasis -> opening
            if quote_here
                && matches!(at(i + 1), Some('_' | '*'))
                && at(i + 2).is_some_and(|c| !is_ruby_space(Some(c)))
            {
                out.push(curly(c, true));
                i += 1;
                continue;
            }
            // R2: quote before punctuation (not `..`) with no word boundary after it -> closing
            const PUNCT: &str = "!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~";
            if quote_here
                && at(i + 1).is_some_and(|p| PUNCT.contains(p))
                && !(at(i + 2) == Some('.') && at(i + 3) == Some('.'))
                && is_ascii_word(at(i + 1)) == is_ascii_word(at(i + 2))
            {
                out.push(curly(c, false));
                i += 1;
                continue;
            }
            // R3/R4: `"'` or `'"` before a word character -> both opening
            let ws = usize::from(is_ruby_space(Some(c)));
            let pair = match (at(i + ws), at(i + ws + 1)) {
                (Some(a), Some(b))
                    if is_quote(Some(a))
                        && is_quote(Some(b))
                        && a != b
                        && is_ascii_word(at(i + ws + 2)) =>
                {
                    Some((a, b))
                }
                _ => None,
            };
            if let Some((a, b)) = pair {
                if ws == 1 {
                    emit(&mut out, i, c);
                }
                out.push(curly(a, true));
                out.push(curly(b, true));
                i += ws + 2;
                continue;
            }
            // R5: decade abbreviation ('80s)
            if at(i + ws) == Some('\'')
                && at(i + ws + 1).is_some_and(|c| c.is_ascii_digit())
                && at(i + ws + 2).is_some_and(|c| c.is_ascii_digit())
                && at(i + ws + 3) == Some('s')
            {
                if ws == 1 {
                    emit(&mut out, i, c);
                }
                out.push('\u{2019}');
                i += ws + 1;
                continue;
            }
            // R6: space, quote, word character -> opening
            if ws == 1 && quote_next && is_ascii_word(at(i + 2)) {
                emit(&mut out, i, c);
                out.push(curly(s[i + 1], true));
                i += 2;
                continue;
            }
            // R7: a closing character before the quote -> closing
            if quote_next && !matches!(c, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-') {
                emit(&mut out, i, c);
                out.push(curly(s[i + 1], false));
                i += 2;
                continue;
            }
            // R8: quote before a space, `s` ending a word, or the end of a line -> closing
            if quote_here
                && (at(i + 1).is_none()
                    || is_ruby_space(at(i + 1))
                    || at(i + 1) == Some('s') && !is_ascii_word(at(i + 2)))
            {
                out.push(curly(c, false));
                i += 1;
                continue;
            }
            // R9/R10: any other quote opens (`'` rules first)
            let (k, q) = if at(i + 1) == Some('\'') {
                (i + 1, '\'')
            } else if c == '\'' {
                (i, '\'')
            } else if at(i + 1) == Some('"') {
                (i + 1, '"')
            } else {
                (i, '"')
            };
            if k == i + 1 {
                emit(&mut out, i, c);
            }
            out.push(curly(q, true));
            i = k + 1;
            continue;
        }
        let rest = |p: &str| p.chars().enumerate().all(|(k, pc)| at(i + k) == Some(pc));
        let sym = [
            ("---", "\u{2014}"),
            ("--", "\u{2013}"),
            ("...", "\u{2026}"),
            ("<< ", "\u{ab}\u{a0}"),
            (" >>", "\u{a0}\u{bb}"),
            ("<<", "\u{ab}"),
            (">>", "\u{bb}"),
        ]
        .into_iter()
        .find(|(p, _)| rest(p) && i + p.chars().count() <= n);
        if let Some((p, r)) = sym {
            out.push_str(r);
            i += p.chars().count();
            continue;
        }
        emit(&mut out, i, c);
        i += 1;
    }
    out
}

/// Text escaped as ammonia (html5ever) writes it, so sanitising changes nothing: `&`, `<`,
/// `>`, and a no-break space as `&nbsp;`.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
    out
}

/// An attribute value escaped as ammonia writes it: `&`, `"`, and a no-break space.
fn esc_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
    out
}

fn matching_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn matching_start(events: &[(Event, Range<usize>)], end: usize) -> usize {
    let mut depth = 0usize;
    for i in (0..=end).rev() {
        match &events[i].0 {
            Event::End(_) => depth += 1,
            Event::Start(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader sees: tags removed, entities decoded, whitespace (a no-break space too)
    /// collapsed to one space.
    fn visible(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&nbsp;", " ")
            .replace("&#8617;", "\u{21a9}")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The element tree as `tag.class#id` per start tag, in order (rouge's token `<span>`s
    /// left out: cph50 does not highlight).
    fn structure(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in html.split('<').skip(1) {
            let tag_text = part.split('>').next().unwrap_or("");
            if tag_text.starts_with('/') || tag_text.starts_with('!') {
                continue;
            }
            let name: String = tag_text
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if name.is_empty() || name == "span" {
                continue;
            }
            let attr = |key: &str| {
                let pat = format!(" {key}=\"");
                tag_text
                    .find(&pat)
                    .map(|at| &tag_text[at + pat.len()..])
                    .and_then(|v| v.split('"').next())
                    .map(ToOwned::to_owned)
            };
            let mut s = name;
            if let Some(c) = attr("class") {
                for c in c.split(' ') {
                    s.push('.');
                    s.push_str(c);
                }
            }
            if let Some(id) = attr("id") {
                s.push('#');
                s.push_str(&id);
            }
            for key in [
                "href", "title", "role", "rel", "alt", "src", "width", "style",
            ] {
                if let Some(v) = attr(key) {
                    s.push_str(&format!("[{key}={v}]"));
                }
            }
            out.push(s);
        }
        out
    }

    /// Ours against kramdown's stored output: same visible text, same elements (tag, classes,
    /// id, link and footnote attributes) in the same order.
    fn assert_like_kramdown((input, kramdown): (&str, &str)) {
        let ours = to_html(input);
        assert_eq!(visible(&ours), visible(kramdown), "visible text\n{ours}");
        assert_eq!(structure(&ours), structure(kramdown), "elements\n{ours}");
    }

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const HEADING_IDS: (&str, &str) = (
        "# Hello World!\n\n## Hello World!\n\n## 2 Café & co\n\n# Title {#custom}\n\n### It's \"q\" -- `x_y` << z >>\n",
        r###"<h1 id="hello-world">Hello World!</h1>

<h2 id="hello-world-1">Hello World!</h2>

<h2 id="2-café--co">2 Café &amp; co</h2>

<h1 id="custom">Title</h1>

<h3 id="its-q--x_y-z">It’s “q” – <code>x_y</code> « z »</h3>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const BLOCK_IALS: (&str, &str) = (
        "Para one\n{: .lead #intro title=\"T\"}\n\n# Head\n{: .big}\n\n* a\n* b\n{: .list}\n\n> quote\n{: .q}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n{: .tbl}\n\n{:ref: .refd}\n\npara\n{: ref}\n\n{: .next}\nNext para\n",
        r###"<p class="lead" id="intro" title="T">Para one</p>

<h1 class="big" id="head">Head</h1>

<ul class="list">
  <li>a</li>
  <li>b</li>
</ul>

<blockquote class="q">
  <p>quote</p>
</blockquote>

<table class="tbl">
  <thead>
    <tr>
      <th>a</th>
      <th>b</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <td>1</td>
      <td>2</td>
    </tr>
  </tbody>
</table>

<p class="refd">para</p>

<p class="next">Next para</p>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const SPAN_IALS: (&str, &str) = (
        "This is *word*{: .x} and [link](http://u){: .y title=\"t\"} and ![img](a.png){: width=\"10\"} and `c`{: .z}\n",
        r###"<p>This is <em class="x">word</em> and <a href="http://u" class="y" title="t">link</a> and <img src="a.png" alt="img" width="10" /> and <code class="z">c</code></p>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const TOC: (&str, &str) = (
        "* TOC\n{:toc}\n\n# One\n\n## Two `code` & \"q\"\n\n## Skip\n{:.no_toc}\n\n### Three [link](x)\n\n# One\n",
        r###"<ul id="markdown-toc">
  <li><a href="#one" id="markdown-toc-one">One</a>    <ul>
      <li><a href="#two-code--q" id="markdown-toc-two-code--q">Two <code>code</code> &amp; “q”</a>        <ul>
          <li><a href="#three-link" id="markdown-toc-three-link">Three link</a></li>
        </ul>
      </li>
    </ul>
  </li>
  <li><a href="#one-1" id="markdown-toc-one-1">One</a></li>
</ul>

<h1 id="one">One</h1>

<h2 id="two-code--q">Two <code>code</code> &amp; “q”</h2>

<h2 class="no_toc" id="skip">Skip</h2>

<h3 id="three-link">Three <a href="x">link</a></h3>

<h1 id="one-1">One</h1>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const TOC_ORDERED: (&str, &str) = (
        "1. TOC\n{:toc}\n\n## A\n\n## B\n",
        r###"<ol id="markdown-toc">
  <li><a href="#a" id="markdown-toc-a">A</a></li>
  <li><a href="#b" id="markdown-toc-b">B</a></li>
</ol>

<h2 id="a">A</h2>

<h2 id="b">B</h2>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const DEFINITION_LIST: (&str, &str) = (
        "Term\n: Def one\n: Def two\n\nTerm2\n: *Def* three\n",
        r###"<dl>
  <dt>Term</dt>
  <dd>Def one</dd>
  <dd>Def two</dd>
  <dt>Term2</dt>
  <dd><em>Def</em> three</dd>
</dl>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const ABBREVIATIONS: (&str, &str) = (
        "The HTML spec and HTMLX and `HTML` and [HTML](x).\n\n*[HTML]: Hyper Text Markup Language\n",
        r###"<p>The <abbr title="Hyper Text Markup Language">HTML</abbr> spec and HTMLX and <code>HTML</code> and <a href="x"><abbr title="Hyper Text Markup Language">HTML</abbr></a>.</p>

"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const FOOTNOTES: (&str, &str) = (
        "Text[^a] and more[^b] and again[^a].\n\n[^b]: Bee note.\n[^a]: Ay note.\n\n    second para\n\n[^c]: unused\n",
        r###"<p>Text<sup id="fnref:a" role="doc-noteref"><a href="#fn:a" class="footnote" rel="footnote">1</a></sup> and more<sup id="fnref:b" role="doc-noteref"><a href="#fn:b" class="footnote" rel="footnote">2</a></sup> and again<sup id="fnref:a:1" role="doc-noteref"><a href="#fn:a" class="footnote" rel="footnote">1</a></sup>.</p>

<div class="footnotes" role="doc-endnotes">
  <ol>
    <li id="fn:a" role="doc-endnote">
      <p>Ay note.</p>

      <p>second para <a href="#fnref:a" class="reversefootnote" role="doc-backlink">&#8617;</a> <a href="#fnref:a:1" class="reversefootnote" role="doc-backlink">&#8617;<sup>2</sup></a></p>
    </li>
    <li id="fn:b" role="doc-endnote">
      <p>Bee note. <a href="#fnref:b" class="reversefootnote" role="doc-backlink">&#8617;</a></p>
    </li>
  </ol>
</div>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const CODE_BLOCKS: (&str, &str) = (
        "```ruby\nputs \"a<b\" && 'c'\n```\n\n    indented \"x\"\n\n```\nplain -- text\n```\n",
        r###"<div class="language-ruby highlighter-rouge"><div class="highlight"><pre class="highlight"><code><span class="nb">puts</span> <span class="s2">"a&lt;b"</span> <span class="o">&amp;&amp;</span> <span class="s1">'c'</span>
</code></pre></div></div>

<pre><code>indented "x"
</code></pre>

<pre><code>plain -- text
</code></pre>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const SMART_QUOTES: (&str, &str) = (
        "It's \"quoted\" and 'single' -- en --- em ... << a >> 1990's the '90s 5' 10\" x \"`co'de`\"\n\nHe said \"Hello,\" she said 'Hi.' O'Neil's \"a\" ('b') ['c'] \"'nested'\" '\"n2\"'\n\n\"*word*\" and *word*'s and café's \\\"esc\\\" 5'10\"\nline\n'start' of line \"x\"...\n",
        r###"<p>It’s “quoted” and ‘single’ – en — em … « a » 1990’s the ’90s 5’ 10” x “<code>co'de</code>”</p>

<p>He said “Hello,” she said ‘Hi.’ O’Neil’s “a” (‘b’) [‘c’] “‘nested’” ‘“n2”’</p>

<p>“<em>word</em>” and <em>word</em>’s and café’s "esc" 5’10”
line
‘start’ of line “x”…</p>
"###,
    );

    // kramdown 2.4 + kramdown-parser-gfm 1.1 with Jekyll's options
    const GFM_BEHAVIOURS: (&str, &str) = (
        "#Title\n\nhttp://example.com and <http://x.y> and www.example.com :smile:\n\nline one\nline two  \nline three\\\nfour\n\n<div markdown=\"1\">\n*em* in div\n</div>\n\n- [x] done\n- [ ] todo\n\n~~gone~~\n",
        r###"<p>#Title</p>

<p>http://example.com and <a href="http://x.y">http://x.y</a> and www.example.com :smile:</p>

<p>line one
line two<br />
line three<br />
four</p>

<div>
  <p><em>em</em> in div</p>
</div>

<ul class="task-list">
  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />done</li>
  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" />todo</li>
</ul>

<p><del>gone</del></p>
"###,
    );

    #[test]
    fn heading_ids_are_kramdown_gfm_auto_ids() {
        assert_like_kramdown(HEADING_IDS);
        assert_eq!(gfm_header_id("2 Café & co"), "2-café--co");
    }

    #[test]
    fn block_ials_apply_to_the_block_before_or_after_and_are_never_printed() {
        assert_like_kramdown(BLOCK_IALS);
        assert!(!to_html(BLOCK_IALS.0).contains("{:"));
    }

    #[test]
    fn span_ials_apply_to_emphasis_links_images_and_code() {
        assert_like_kramdown(SPAN_IALS);
    }

    #[test]
    fn a_toc_list_becomes_kramdowns_table_of_contents() {
        assert_like_kramdown(TOC);
        assert_like_kramdown(TOC_ORDERED);
    }

    #[test]
    fn definition_lists_are_dl_dt_dd() {
        assert_like_kramdown(DEFINITION_LIST);
    }

    #[test]
    fn abbreviations_wrap_whole_words_outside_code() {
        assert_like_kramdown(ABBREVIATIONS);
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_with_back_links() {
        assert_like_kramdown(FOOTNOTES);
        // the unused definition is dropped
        assert!(!to_html(FOOTNOTES.0).contains("unused"));
    }

    #[test]
    fn fenced_code_with_a_language_gets_rouges_wrapper() {
        assert_like_kramdown(CODE_BLOCKS);
    }

    #[test]
    fn smart_quotes_and_symbols_follow_kramdowns_rules() {
        assert_like_kramdown(SMART_QUOTES);
    }

    #[test]
    fn gfm_line_breaks_headings_urls_html_blocks_and_tasks_match() {
        assert_like_kramdown(GFM_BEHAVIOURS);
    }

    #[test]
    fn a_definition_right_after_a_footnote_is_a_definition_as_in_kramdown() {
        let html = to_html(
            "A note[^1] and [a link][t].\n\n[^1]: The note.\n[t]: https://example.com \"T\"\n",
        );
        assert!(
            html.contains("<a href=\"https://example.com\" title=\"T\">a link</a>"),
            "{html}"
        );
        assert!(!html.contains("[t]:"), "{html}");
    }
}
