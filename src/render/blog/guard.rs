//! Checks that run before the `liquid` crate sees a blog's Liquid, for inputs that would
//! otherwise abort the whole process (the crate recurses without a limit), and a one-line
//! form of the crate's multi-line errors.
//!
//! - [`check_includes`]: includes that include each other (or themselves) recurse until the
//!   stack overflows (exit 134) when the crate compiles them;
//! - [`check_nesting`]: block tags nested thousands deep overflow the crate's recursive
//!   parser the same way;
//! - [`describe`]: `line N: what` for an error message.

use std::collections::BTreeMap;

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

/// The includes `text` names with a fixed name (`{% include note.html k=v %}`, quoted or not);
/// a name built from a variable (`{% include {{ x }} %}`) is not followed.
fn included(text: &str) -> Vec<String> {
    tags(text)
        .into_iter()
        .filter(|(_, name, _)| *name == "include")
        .filter_map(|(_, _, rest)| {
            let first = rest.split_whitespace().next()?;
            if first.contains("{{") {
                return None;
            }
            let first = first.trim_matches(['"', '\'']);
            (!first.is_empty()).then(|| first.to_owned())
        })
        .collect()
}

/// Checks that no include includes itself, directly or through others.
///
/// `includes`: each include's name under `_includes/` (`note.html`, `sub/a.html`) -> its text.
///
/// # Errors
/// The first cycle found, as `includes include each other: a.html → b.html → a.html`.
pub fn check_includes(includes: &BTreeMap<String, String>) -> Result<(), String> {
    let edges: BTreeMap<&str, Vec<String>> = includes
        .iter()
        .map(|(name, text)| (name.as_str(), included(text)))
        .collect();
    // depth-first search; `path` is the chain from the current root
    let mut done: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for root in edges.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some((node, next)) = stack.pop() {
            if next == 0 {
                if done.contains(node) {
                    continue;
                }
                path.push(node);
            }
            let children = edges.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(child) = children.get(next) {
                stack.push((node, next + 1));
                let Some((child, _)) = edges.get_key_value(child.as_str()) else {
                    continue; // a missing include: the crate names it
                };
                if let Some(at) = path.iter().position(|p| p == child) {
                    let mut cycle: Vec<&str> = path[at..].to_vec();
                    cycle.push(child);
                    return Err(format!(
                        "includes include each other: {}",
                        cycle.join(" → ")
                    ));
                }
                stack.push((child, 0));
            } else {
                done.insert(node);
                path.pop();
            }
        }
    }
    Ok(())
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
