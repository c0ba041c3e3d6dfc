//! Checks that run before the `liquid` crate sees a blog's Liquid, for inputs that would
//! otherwise abort the whole process (the crate recurses without a limit), and a one-line
//! form of the crate's multi-line errors.
//!
//! - [`check_nesting`]: block tags nested thousands deep overflow the crate's recursive
//!   parser the same way;
//! - [`describe`]: `line N: what` for an error message.

/// Block tags: each opens with `{% NAME` and closes with `{% endNAME`.
const BLOCKS: &[&str] = &[
    "if",
    "unless",
    "for",
    "case",
    "capture",
    "tablerow",
    "comment",
    "raw",
    "highlight",
    "ifchanged",
];

/// The deepest block nesting [`check_nesting`] lets through (Jekyll's Ruby Liquid has no
/// limit of its own; real pages nest a handful deep).
pub const MAX_NESTING: usize = 100;

/// Each `{% … %}` tag of `text` (`{%-` and `-%}` too) outside `{% raw %}` blocks: its byte
/// offset, its name, and the rest of its markup.
fn tags(text: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut in_raw = false;
    while let Some(i) = text[pos..].find("{%") {
        let start = pos + i;
        let Some(len) = text[start..].find("%}") else {
            break;
        };
        let inner = text[start + 2..start + len]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        pos = start + len + 2;
        let (name, rest) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, r)| (n, r.trim()));
        if in_raw {
            if name == "endraw" {
                in_raw = false;
                out.push((start, name, rest));
            }
            continue;
        }
        if name == "raw" {
            in_raw = true;
        }
        out.push((start, name, rest));
    }
    out
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

/// Checks that Liquid block tags (`if`, `for`, `case`, …) in `text` nest at most
/// [`MAX_NESTING`] deep.
///
/// # Errors
/// `Liquid blocks nest more than 100 deep (line N: {% if …)`, N the line of `text` where the
/// 101st open block starts.
pub fn check_nesting(text: &str) -> Result<(), String> {
    if !text.contains("{%") {
        return Ok(());
    }
    let mut depth = 0usize;
    for (at, name, _) in tags(text) {
        if BLOCKS.contains(&name) {
            depth += 1;
            if depth > MAX_NESTING {
                return Err(format!(
                    "Liquid blocks nest more than {MAX_NESTING} deep (line {}: {{% {name} …)",
                    line_of(text, at)
                ));
            }
        } else if name
            .strip_prefix("end")
            .is_some_and(|b| BLOCKS.contains(&b))
        {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// How many entries of a list of expected tokens [`describe`] keeps.
const EXPECTED_KEPT: usize = 4;

/// One line for a `liquid` crate error text: `line N: what`, N the line in the file (the
/// crate's line + `line_offset`, the lines the front matter took) when the crate gives one.
///
/// `what` is the `= …` explanation of a parse error (a list of expected tokens cut to its
/// first few), or the first message; then its `with:` pairs joined with `, ` (the
/// `available …` lists and the `from:` traces are left out).
pub fn describe(err: &str, line_offset: usize) -> String {
    let text = err.trim().strip_prefix("liquid:").unwrap_or(err).trim();
    let mut lines = text.lines().peekable();
    let mut line_no: Option<usize> = None;
    let mut what = String::new();
    let mut pairs: Vec<String> = Vec::new();
    if let Some(first) = lines.peek().map(|l| l.trim()) {
        if let Some(pos) = first.strip_prefix("-->") {
            line_no = pos
                .trim()
                .split(':')
                .next()
                .and_then(|n| n.parse::<usize>().ok());
            lines.next();
        }
    }
    let mut in_with = false;
    for raw in lines {
        let l = raw.trim();
        if l.starts_with("from:") {
            break;
        }
        if line_no.is_some() && what.is_empty() {
            // the snippet (`4 | {% if x %}`, `| ^---^`) until the `= …` line
            if let Some(msg) = l.strip_prefix('=') {
                what = msg.trim().to_owned();
            }
            continue;
        }
        if what.is_empty() {
            what = l.to_owned();
            continue;
        }
        if l == "with:" {
            in_with = true;
            continue;
        }
        if in_with {
            if let Some((k, v)) = l.split_once('=') {
                if !k.trim().starts_with("available") {
                    pairs.push(format!("{}={}", k.trim(), v.trim()));
                }
            }
        }
    }
    let what = shorten_expected(&what);
    let mut out = match line_no {
        Some(n) => format!("line {}: {what}", n + line_offset),
        None => what,
    };
    if !pairs.is_empty() {
        out.push_str(" (");
        out.push_str(&pairs.join(", "));
        out.push(')');
    }
    out.replace(['\n', '\r'], " ")
}

/// `expected A, B, C, D, E, or F` -> `expected A, B, C, D, …`.
fn shorten_expected(what: &str) -> String {
    let Some(list) = what.strip_prefix("expected ") else {
        return what.to_owned();
    };
    let items: Vec<&str> = list.split(", ").collect();
    if items.len() <= EXPECTED_KEPT {
        return what.to_owned();
    }
    format!("expected {}, …", items[..EXPECTED_KEPT].join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_before_the_parser_recurses() {
        let deep = |n: usize| "{% if true %}\n".repeat(n) + &"{%- endif -%}".repeat(n);
        check_nesting(&deep(MAX_NESTING)).unwrap();
        let e = check_nesting(&deep(20_000)).unwrap_err();
        assert_eq!(
            e,
            "Liquid blocks nest more than 100 deep (line 101: {% if …)"
        );
        // side by side is not nesting; a raw block's text is not Liquid
        check_nesting(&"{% for x in y %}{% endfor %}".repeat(500)).unwrap();
        check_nesting(&format!("{{% raw %}}{}{{% endraw %}}", deep(500))).unwrap();
    }

    /// The error text the `liquid` crate gives for `text`.
    fn crate_error(text: &str) -> String {
        let p = liquid::ParserBuilder::with_stdlib().build().unwrap();
        let globals = liquid::object!({"site": {"a": 1}});
        p.parse(text)
            .and_then(|t| t.render(&globals))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn crate_errors_become_one_line_with_the_files_line() {
        let e = crate_error("a\nb\nc\n{% if x %}");
        assert!(e.contains('\n'), "{e}");
        assert_eq!(
            describe(&e, 3),
            "line 7: Unclosed block. {% endif %} tag expected."
        );
        assert_eq!(
            describe(&crate_error("x {% for %}"), 0),
            "line 1: Identifier expected."
        );
        assert_eq!(
            describe(&crate_error("\n{% endif %}"), 2),
            "line 4: Unknown tag. (requested=endif)"
        );
        assert_eq!(
            describe(&crate_error("{{ site.nope.deeper }}"), 5),
            "Unknown index (variable=site, requested index=nope)"
        );
        assert_eq!(
            describe(&crate_error("{{ x | nofilter }}"), 0),
            "Unknown filter (requested filter=nofilter)"
        );
        assert_eq!(
            describe(&crate_error("{{ 'a' | date }}"), 0),
            "Invalid number of arguments (cause=expected at least 1 positional argument)"
        );
        for t in ["{{ x | }}", "{% if x == %}{% endif %}", "{% assign = 1 %}"] {
            let d = describe(&crate_error(t), 0);
            assert!(d.starts_with("line 1: ") && !d.contains('\n'), "{d}");
        }
    }

    #[test]
    fn a_long_expected_list_is_cut() {
        assert_eq!(
            shorten_expected("expected A, B, C, D, E, or F"),
            "expected A, B, C, D, …"
        );
        assert_eq!(shorten_expected("expected A or B"), "expected A or B");
    }

    #[test]
    fn the_engine_refuses_cycles_and_deep_nesting_and_uses_jekylls_filters() {
        let dir = tempfile::tempdir().unwrap();
        let inc = dir.path().join("_includes");
        std::fs::create_dir(&inc).unwrap();
        std::fs::write(inc.join("a.html"), "{% include a.html %}").unwrap();
        // a recursion that stops on a condition renders, as in Jekyll
        std::fs::write(
            inc.join("r.html"),
            "{% if include.n > 0 %}[{% assign m = include.n | minus: 1 %}{% include r.html n=m %}]{% endif %}",
        )
        .unwrap();
        let engine = super::super::liquid::Engine::new(dir.path(), Default::default()).unwrap();
        let site = super::super::liquid::SiteVars {
            obj: liquid::object!({"list": [{"t": ["x", "y"]}, {"t": "z"}], "o": {"b": 1, "a": 2}}),
            ..Default::default()
        };
        let page = liquid::object!({});
        assert_eq!(
            engine
                .render("{% include r.html n=3 %}", &site, &page)
                .unwrap(),
            "[[[]]]"
        );
        let e = engine
            .render("{% include a.html %}", &site, &page)
            .unwrap_err();
        assert!(e.contains("includes nest more than"), "{e}");
        let e = engine
            .render(&"{% if true %}".repeat(20_000), &site, &page)
            .unwrap_err();
        assert!(e.contains("more than 100 deep"), "{e}");
        // Jekyll's `where` (a list holding the value) and `jsonify` (sorted) replace the crate's
        assert_eq!(
            engine
                .render(
                    "{{ site.list | where: 't', 'y' | size }} {{ site.o | jsonify }}",
                    &site,
                    &page
                )
                .unwrap(),
            "1 {\"a\":2,\"b\":1}"
        );
    }
}
