//! `cph50 build` writes only what changed: a rebuild of unchanged inputs writes no file (the
//! site folder is not even swapped), and one new session rewrites only the pages it touches,
//! while the swap stays whole (a failed build still leaves the previous site).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::{Demo, cph50};

fn build(root: &Path) -> String {
    let out = cph50(root)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["build", "--out", "site"])
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// Every file of the site: path -> (inode, modification time in ns).
fn stamps(site: &Path) -> Vec<(String, u64, i64)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().strip_prefix(site).unwrap().display().to_string(),
                m.ino(),
                m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_rebuild_of_the_same_inputs_writes_nothing() {
    let demo = Demo::new(2);
    let first = build(demo.root());
    assert!(first.contains("written, 0 removed"), "{first}");
    let site = demo.root().join("site");
    let before = stamps(&site);
    let second = build(demo.root());
    assert!(
        second.contains("nothing changed, nothing written"),
        "{second}"
    );
    assert_eq!(stamps(&site), before, "a file was touched");
}

#[test]
fn one_new_session_rewrites_a_few_files_and_keeps_the_others_as_they_were() {
    let demo = Demo::new(2);
    let newest = walkdir::WalkDir::new(demo.data().join("sessions"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .max()
        .unwrap();
    let held = demo.root().join("held.json");
    fs::rename(&newest, &held).unwrap();
    build(demo.root());
    let site = demo.root().join("site");
    let before = stamps(&site);
    fs::rename(&held, &newest).unwrap();
    let summary = build(demo.root());
    let after = stamps(&site);
    let changed: Vec<&String> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|(p, _, _)| p)
        .collect();
    // the session's page, its day/month/year in the history data, the exports, the sitemap
    assert!(
        !changed.is_empty() && changed.len() <= 15,
        "{} files changed: {changed:?}",
        changed.len()
    );
    assert!(
        summary.contains(&format!("{} files written, 0 removed", changed.len())),
        "{summary}"
    );
    assert!(
        changed.iter().any(|p| p.starts_with("sessions/")),
        "{changed:?}"
    );
}

#[test]
fn a_file_the_new_site_no_longer_has_is_removed() {
    let demo = Demo::new(1);
    build(demo.root());
    let stray = demo.root().join("site/old-page.html");
    fs::write(&stray, "from an older build").unwrap();
    let summary = build(demo.root());
    assert!(summary.contains("0 files written, 1 removed"), "{summary}");
    assert!(!stray.exists());
}

#[test]
fn a_site_folder_that_is_a_link_is_built_where_it_points_and_odd_permissions_are_rewritten() {
    use std::os::unix::fs::PermissionsExt;
    let demo = Demo::new(1);
    let real = demo.root().join("real-site");
    build(demo.root());
    fs::rename(demo.root().join("site"), &real).unwrap();
    std::os::unix::fs::symlink(&real, demo.root().join("site")).unwrap();
    let feed = real.join("feed.xml");
    fs::set_permissions(&feed, fs::Permissions::from_mode(0o600)).unwrap();
    let summary = build(demo.root());
    assert!(summary.contains("1 file written"), "{summary}");
    let link = fs::symlink_metadata(demo.root().join("site")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a folder"
    );
    let feed = real.join("feed.xml");
    assert_eq!(
        fs::metadata(&feed).unwrap().permissions().mode() & 0o644,
        0o644
    );
}
