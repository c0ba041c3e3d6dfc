//! Data flows one way: API client (`api`) -> pipeline stages (`pipeline`, `classify`) -> data
//! store (`store`) -> renderer (`render`); the command layer (`app`, `commands`, `settings`,
//! `cli`) is the only one that knows more than one layer. These tests read the sources and
//! name the import that breaks the rule (the README's "Source layout" section describes each
//! module).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and the crate modules its code may import. A module not
/// listed may import anything (the command layer).
const ALLOWED: &[(&str, &[&str])] = &[
    // leaves: every layer may use them, they use nothing of the crate
    ("clock", &[]),
    // the daily start's crons: local time through the clock
    ("cron", &["clock"]),
    // the rate plan and the split by time-of-use period (a domain function, as the classifier):
    // local time through the clock, the split as the monthly cache's record
    ("tariff", &["clock", "store"]),
    ("decode", &[]),
    ("fsio", &[]),
    ("text", &[]),
    ("output", &[]),
    // the client knows HTTP, not files, settings or the crate's error type
    ("api", &["decode", "text"]),
    ("error", &["api", "fsio", "github", "text"]),
    // the GitHub REST client (incident issues, workflow runs) knows HTTP and GitHub's JSON
    ("github", &["text"]),
    ("incident", &["api", "error", "github", "pipeline", "text"]),
    ("store", &["clock", "decode", "error", "fsio", "text"]),
    ("classify", &["clock", "error", "store"]),
    ("validate", &["clock", "error", "store", "text"]),
    // the tables of `cph50 export` and their formats; the renderer fills them from its data
    ("export", &["error", "fsio", "text"]),
    (
        "render",
        &["clock", "error", "export", "fsio", "store", "text"],
    ),
    // with a rate plan, the demo's caches carry the split by period
    ("demo", &["classify", "clock", "error", "store", "tariff"]),
    (
        "pipeline",
        &[
            "api", "classify", "clock", "error", "fsio", "store", "tariff", "text",
        ],
    ),
    ("sim", &["api", "clock", "decode", "demo", "error"]),
    ("session_file", &["api", "fsio"]),
    ("session_seal", &["api", "fsio", "session_file"]),
    // clap's types, with their defaults and value types
    ("cli", &["classify", "demo", "incident", "sim", "store"]),
];

/// `(path, code)` of every source file under `src/<rel>`, unit tests and comments left out.
fn sources(rel: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel);
    walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let code: Vec<&str> = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (e.path().display().to_string(), code.join("\n"))
        })
        .collect()
}

/// The top-level crate modules a piece of code names: `crate::x::...` and the members of
/// `use crate::{x, y::z}` groups.
fn crate_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // the first name of each item at depth 0 of the (possibly nested) group
            let mut depth = 0usize;
            let mut name = String::new();
            let mut in_name = true;
            for c in group.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        in_name = false;
                    }
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !name.is_empty() {
                            found.insert(std::mem::take(&mut name));
                        }
                        in_name = true;
                    }
                    c if in_name && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                        name.push(c);
                    }
                    c if in_name && !name.is_empty() && !c.is_whitespace() => in_name = false,
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The top-level module of a source path (`.../src/api/auth.rs` -> `api`).
fn top_module(path: &str) -> String {
    let rel = path.split("/src/").nth(1).unwrap_or(path);
    rel.split('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".rs")
        .to_owned()
}

#[test]
fn crate_modules_are_read_from_paths_and_groups() {
    let code = "use crate::store::Store;\nuse crate::{api, clock::Clock,\n  error::{Error, Result}};\nlet x = crate::fsio::write_atomic(p, b);";
    let found: Vec<String> = crate_modules(code).into_iter().collect();
    assert_eq!(found, ["api", "clock", "error", "fsio", "store"]);
}

#[test]
fn layers_only_import_what_the_module_map_allows() {
    let mut broken = Vec::new();
    for (file, code) in sources("") {
        let module = top_module(&file);
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            continue;
        };
        for used in crate_modules(&code) {
            if used != module && !allowed.contains(&used.as_str()) {
                broken.push(format!("{file}: `{module}` imports crate::{used}"));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, code) in sources("") {
        let module = top_module(&file);
        let deps = crate_modules(&code);
        graph
            .entry(module.clone())
            .or_default()
            .extend(deps.into_iter().filter(|d| *d != module));
    }
    // depth-first search for a back edge
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap().join(" -> ")
        );
    }
}

#[test]
fn only_the_store_formats_data_paths() {
    let mut broken = Vec::new();
    for (file, code) in sources("") {
        // site_paths.rs names files of the built site (site/data/sessions.csv), not data/
        if file.contains("/src/store/") || file.ends_with("/src/render/site_paths.rs") {
            continue;
        }
        for line in code.lines() {
            for needle in [
                "\"sessions/",
                "\"session_cache/",
                "\"data/",
                "\"runs.json\"",
                "\"vehicle_config.json\"",
                "\"last_session.json\"",
                "\"classifier_summary.json\"",
                "\"session_vehicle_map.json\"",
            ] {
                if line.contains(needle) {
                    broken.push(format!("{file}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "data paths built outside src/store:\n{}",
        broken.join("\n")
    );
}

/// The module path of a source file (`src/api/auth.rs` -> `api::auth`, `src/api/mod.rs` ->
/// `api`).
fn module_path(file: &str) -> String {
    let rel = file.split("/src/").nth(1).unwrap_or(file);
    let rel = rel.trim_end_matches(".rs").trim_end_matches("/mod");
    rel.replace('/', "::")
}

/// The sibling modules a file of module `module` names through `super::x` or `crate::a::x`.
fn sibling_modules(module: &str, code: &str, all: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let mut found = BTreeSet::new();
    let mut note = |name: &str| {
        let full = if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}::{name}")
        };
        if full != module && all.contains(&full) {
            found.insert(full);
        }
    };
    for (prefix, base) in [("super::", ""), ("crate::", "crate")] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            match base {
                "" => {
                    if let Some(first) = segments.first() {
                        note(first);
                    }
                }
                _ => {
                    // crate::<parent segments>::<sibling>
                    let parent_segments: Vec<&str> =
                        parent.split("::").filter(|s| !s.is_empty()).collect();
                    if !parent_segments.is_empty()
                        && segments.len() > parent_segments.len()
                        && segments[..parent_segments.len()] == parent_segments[..]
                    {
                        note(segments[parent_segments.len()]);
                    }
                }
            }
        }
    }
    found
}

#[test]
fn files_of_one_module_import_each_other_without_a_cycle() {
    let files = sources("");
    let all: BTreeSet<String> = files.iter().map(|(f, _)| module_path(f)).collect();
    let mut broken = Vec::new();
    let edges: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(f, code)| {
            let m = module_path(f);
            let deps = sibling_modules(&m, code, &all);
            (m, deps)
        })
        .collect();
    for (a, deps) in &edges {
        for b in deps {
            if a < b && edges.get(b).is_some_and(|d| d.contains(a)) {
                broken.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "files import each other both ways:\n{}",
        broken.join("\n")
    );
}
