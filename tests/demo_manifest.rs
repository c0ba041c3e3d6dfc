//! The demo data and the repository's `data/`. `cph50 demo-data --seed 42 --months 15` must
//! give exactly the files of `tests/fixtures/demo-data-seed-42-months-15.sha256` (so the
//! generator cannot drift), and `data/` must be that output byte for byte while it still is
//! the demo: while it holds any of the demo's session or cache files. In a user's repository,
//! whose demo data `cph50 init` removed, the first real poll changes nothing here, so CI stays
//! green there; a folder that mixes demo history with other files fails, naming them.
//!
//! After a deliberate change to the generator, regenerate both:
//! `cargo run --release -- demo-data --seed 42 --months 15 --out data --force` and
//! `(cd data && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum)` under the
//! manifest's comment lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{cph50, snapshot};

const MANIFEST: &str = "tests/fixtures/demo-data-seed-42-months-15.sha256";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Relative path (with `/`) -> SHA-256 hex, from the manifest.
fn manifest() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join(MANIFEST)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (hash, path) = l.split_once("  ").expect("sha256sum format");
            (path.to_owned(), hash.to_owned())
        })
        .collect()
}

/// Relative path -> SHA-256 hex of every file under `dir`.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let rel = path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (rel, hex::encode(Sha256::digest(&bytes)))
        })
        .collect()
}

/// What a data folder is with respect to the demo.
#[derive(Debug, PartialEq, Eq)]
enum DemoState {
    /// Exactly the demo.
    Demo,
    /// None of the demo's history: someone's own data (or none yet).
    NotDemo,
    /// Some of the demo's history, and these paths that differ from the demo (changed, missing
    /// or extra).
    Mixed(Vec<String>),
}

fn demo_state(dir: &Path, demo: &BTreeMap<String, String>) -> DemoState {
    let ours = hashes(dir);
    let history = |p: &str| p.starts_with("sessions/") || p.starts_with("session_cache/");
    let holds_demo_history = ours
        .iter()
        .any(|(p, h)| history(p) && demo.get(p) == Some(h));
    if !holds_demo_history {
        return DemoState::NotDemo;
    }
    let mut differ: Vec<String> = demo
        .iter()
        .filter(|(p, h)| ours.get(*p) != Some(*h))
        .map(|(p, _)| p.clone())
        .collect();
    differ.extend(ours.keys().filter(|p| !demo.contains_key(*p)).cloned());
    differ.sort();
    if differ.is_empty() {
        DemoState::Demo
    } else {
        DemoState::Mixed(differ)
    }
}

fn generate(dir: &Path) -> PathBuf {
    cph50(dir)
        .args([
            "-q",
            "demo-data",
            "--seed",
            "42",
            "--months",
            "15",
            "--out",
            "demo",
        ])
        .assert()
        .success();
    dir.join("demo")
}

#[test]
fn documented_seed_reproduces_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let demo = generate(dir.path());
    let want = manifest();
    assert!(want.len() > 400, "manifest entries: {}", want.len());
    let got = hashes(&demo);
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "file lists differ");
    for (path, hash) in &want {
        assert_eq!(&got[path], hash, "{path} differs from the manifest");
    }
}

#[test]
fn committed_data_is_the_demo_while_it_holds_demo_history() {
    match demo_state(&repo().join("data"), &manifest()) {
        DemoState::Demo => {}
        DemoState::NotDemo => {
            // a user's repository: its data is its own, and nothing here depends on it
        }
        DemoState::Mixed(differ) => panic!(
            "data/ still holds the demo's history, but {} file(s) differ from `demo-data --seed 42 --months 15`: {:?}…\n\
             In this repository, regenerate it (cargo run --release -- demo-data --seed 42 --months 15 --out data --force). \
             In your own, the demo data must go: `cph50 init` removes it.",
            differ.len(),
            &differ[..differ.len().min(5)]
        ),
    }
}

/// The rule itself: the generated demo is the demo; a folder without the demo's history (a
/// user's, after `cph50 init`, with a real poll's files) is not, whatever else it holds; a demo
/// folder with one changed or added file is mixed, and names it.
#[test]
fn demo_state_tells_demo_own_and_mixed_data_apart() {
    let dir = tempfile::tempdir().unwrap();
    let demo = generate(dir.path());
    let want = manifest();
    assert_eq!(demo_state(&demo, &want), DemoState::Demo);

    let own = dir.path().join("own");
    std::fs::create_dir_all(own.join("sessions/2027/01/02")).unwrap();
    for name in ["vehicle_config.json", "last_session.json", "runs.json"] {
        std::fs::copy(demo.join(name), own.join(name)).unwrap();
    }
    std::fs::write(own.join("sessions/2027/01/02/123.json"), "{}").unwrap();
    assert_eq!(demo_state(&own, &want), DemoState::NotDemo);

    std::fs::write(demo.join("last_session.json"), "{}\n").unwrap();
    std::fs::write(demo.join("sessions/extra.json"), "{}\n").unwrap();
    assert_eq!(
        demo_state(&demo, &want),
        DemoState::Mixed(vec![
            "last_session.json".to_owned(),
            "sessions/extra.json".to_owned()
        ])
    );
}
