//! Data flows one way (API client -> pipeline -> store -> renderer). Each layer may only import
//! what the module map in the style guide allows; this test reads the sources and says which
//! import broke the rule.

use std::path::Path;

/// (folder or file under src/, crate paths it must not import)
const RULES: &[(&str, &[&str])] = &[
    (
        "store",
        &[
            "crate::api",
            "crate::commands",
            "crate::app",
            "crate::sim",
            "crate::demo",
            "crate::validate",
            "crate::status",
            "crate::cli",
            "crate::settings",
        ],
    ),
    (
        "api",
        &[
            "crate::app",
            "crate::sim",
            "crate::demo",
            "crate::validate",
            "crate::status",
            "crate::cli",
            "crate::settings",
            "crate::store",
            "crate::error::",
            "crate::token_file",
            "crate::commands",
        ],
    ),
    (
        "demo",
        &[
            "crate::api",
            "crate::app",
            "crate::sim",
            "crate::validate",
            "crate::status",
            "crate::cli",
        ],
    ),
    (
        "validate",
        &[
            "crate::api",
            "crate::app",
            "crate::sim",
            "crate::demo",
            "crate::cli",
        ],
    ),
    (
        "pipeline",
        &[
            "crate::app",
            "crate::commands",
            "crate::cli",
            "crate::sim",
            "crate::demo",
            "crate::render",
            "crate::settings",
        ],
    ),
    // the leaf modules everyone may use import nothing of the crate
    ("fsio.rs", &["crate::"]),
    ("fsio", &["crate::"]),
    ("text.rs", &["crate::"]),
    ("clock.rs", &["crate::"]),
    (
        "render",
        &[
            "crate::api",
            "crate::app",
            "crate::sim",
            "crate::demo",
            "crate::pipeline",
            "crate::classify",
            "crate::validate",
            "crate::status",
            "crate::cli",
            "crate::settings",
            "crate::commands",
        ],
    ),
    (
        "classify",
        &[
            "crate::api",
            "crate::app",
            "crate::cli",
            "crate::output",
            "crate::settings",
            "crate::pipeline",
            "crate::render",
            "crate::sim",
            "crate::demo",
            "crate::validate",
            "crate::status",
        ],
    ),
    // pipeline stages are run by the command layer, never the other way round
    (
        "pipeline",
        &[
            "crate::app",
            "crate::cli",
            "crate::output",
            "crate::settings",
            "crate::status",
            "crate::validate",
            "crate::render",
            "crate::sim",
            "crate::demo",
        ],
    ),
    (
        "error.rs",
        &["crate::app", "crate::store", "crate::sim", "crate::demo"],
    ),
];

fn sources(rel: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel);
    walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn layers_only_import_what_the_module_map_allows() {
    let mut broken = Vec::new();
    for (rel, forbidden) in RULES {
        let files = sources(rel);
        assert!(!files.is_empty(), "src/{rel} has no sources: update RULES");
        for (file, text) in files {
            // code only: unit tests at the bottom of a file may use anything
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for bad in *forbidden {
                for (n, line) in code.lines().enumerate() {
                    if line.contains(bad) && !line.trim_start().starts_with("//") {
                        broken.push(format!("{file}:{}: imports {bad}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn only_the_store_formats_data_paths() {
    let mut broken = Vec::new();
    for (file, text) in sources("") {
        // site_paths.rs names files of the built site (site/data/sessions.csv), not data/
        if file.contains("/src/store/") || file.ends_with("/src/render/site_paths.rs") {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
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
                if l.contains(needle) {
                    broken.push(format!("{file}:{}: {}", n + 1, l));
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
