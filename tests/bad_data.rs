//! Data that `validate` used to accept and `build` crashed on or published: out-of-range
//! numbers and dates, megabyte strings, oversized files and symbolic links out of `data/`.
//! `validate` and `build` must agree: each refuses it, naming the file, the field (JSON
//! pointer, line and column for `validate`) and the limit, and `build` never panics.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{Demo, cph50};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A temp folder whose `data/` is a copy of `tests/fixtures/bad_data/<name>/`.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo("tests/fixtures/bad_data").join(name);
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let to = dir
            .path()
            .join("data")
            .join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
    dir
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn build(root: &Path) -> assert_cmd::assert::Assert {
    cph50(root)
        .args(["build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .assert()
}

/// `validate` lists `file:line:col: field <pointer>: ...<phrase>` and exits 1; `build` exits 1
/// with one `error: <file>...<pointer>...<phrase>` line, no panic, and no site.
fn refused_by_both(root: &Path, file: &str, pointer: &str, phrase: &str) {
    let pattern = format!(
        r"(?m)^  {}:\d+:\d+: field {}: .*{}",
        escape(file),
        escape(pointer),
        escape(phrase)
    );
    cph50(root)
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(&pattern).unwrap());
    let out = build(root).code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.starts_with(&format!("error: {file}")) && err.contains(pointer) && err.contains(phrase),
        "{err}"
    );
    assert!(!root.join("site").exists());
}

// case build_panic_huge_energy (found failing in the field)
#[test]
fn build_and_validate_agree_on_an_absurd_energy() {
    let dir = fixture("huge_energy");
    refused_by_both(
        dir.path(),
        "data/session_cache/2026-01.json",
        "/0/session/energy_kwh",
        "energy 1e300 kWh is out of range: expected 0 to 168652.8 kWh (MAX_SESSION_ENERGY_KWH",
    );
}

// case build_panic_open_duration (found failing in the field)
#[test]
fn build_and_validate_agree_on_an_open_session_of_1e13_seconds() {
    let dir = fixture("open_duration");
    refused_by_both(
        dir.path(),
        "data/session_cache/2026-01.json",
        "/0/session/duration_seconds",
        "duration 10000000000000 s is out of range: expected 0 to 31622400 s (MAX_SESSION_SECONDS",
    );
}

// case build_panic_open_duration_i64max (found failing in the field)
#[test]
fn build_and_validate_agree_on_an_open_session_of_i64_max_seconds() {
    let dir = fixture("open_duration_i64max");
    refused_by_both(
        dir.path(),
        "data/session_cache/2026-01.json",
        "/0/session/duration_seconds",
        "duration 9223372036854775807 s is out of range",
    );
}

// case nickname_10MB_oom (found failing in the field)
#[test]
fn a_10mb_nickname_is_refused_by_validate_and_build() {
    let demo = Demo::new(1);
    let config = demo.data().join("vehicle_config.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&config).unwrap()).unwrap();
    doc["vehicles"]["serenity_equinox_2024"]["nickname"] = "A".repeat(10 * 1024 * 1024).into();
    fs::write(&config, serde_json::to_vec(&doc).unwrap()).unwrap();
    refused_by_both(
        demo.root(),
        "data/vehicle_config.json",
        "/vehicles/serenity_equinox_2024/nickname",
        "name is 10485760 characters long; at most 200 are allowed (MAX_NAME_CHARS)",
    );
}

#[test]
fn a_start_in_year_0_is_refused_by_validate_and_build() {
    // It used to pass and make the history pages span 2,000 years (1.8 MB site -> 72 MB).
    let demo = Demo::new(1);
    let cache = demo.cache_files()[0].clone();
    let text = fs::read_to_string(&cache).unwrap();
    let start = text.split("\"session_start_time\": \"").nth(1).unwrap()[..4].to_owned();
    demo.edit(
        &cache,
        &format!("\"session_start_time\": \"{start}"),
        "\"session_start_time\": \"0000",
    );
    refused_by_both(
        demo.root(),
        &demo.shown(&cache),
        "/0/session_start_time",
        "is outside 2000-01-01..2100-01-01 (FIRST_YEAR, END_YEAR)",
    );
}

#[test]
fn a_session_ending_years_after_its_start_is_refused_by_validate_and_build() {
    let dir = fixture("open_duration");
    let cache = dir.path().join("data/session_cache/2026-01.json");
    let text = fs::read_to_string(&cache).unwrap();
    let text = text
        .replace(
            "\"session_end_time\": null",
            "\"session_end_time\": \"2090-01-01T08:00:01+00:00\"",
        )
        .replace("10000000000000", "21599");
    fs::write(&cache, text).unwrap();
    refused_by_both(
        dir.path(),
        "data/session_cache/2026-01.json",
        "/0/session_end_time",
        "ends 23376 days after it starts; a session lasts at most 366 days (MAX_SESSION_DAYS)",
    );
}

#[test]
fn a_data_file_over_the_size_limit_is_refused_unread() {
    let demo = Demo::new(1);
    let runs = demo.data().join("runs.json");
    let file = fs::OpenOptions::new().append(true).open(&runs).unwrap();
    file.set_len(32 * 1024 * 1024 + 1).unwrap();
    let phrase = "at most 33554432 are read (MAX_FILE_BYTES";
    demo.validate()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "data/runs.json: the file is 33554433 bytes; {phrase}"
        )));
    let out = build(demo.root()).code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.starts_with("error: data/runs.json: the file is") && err.contains(phrase),
        "{err}"
    );
}

// case symlink_outside_data (found failing in the field)
#[test]
fn a_symlink_out_of_the_data_folder_is_refused() {
    let demo = Demo::new(1);
    let real = demo.session_files()[0].clone();
    let id = real.file_stem().unwrap().to_str().unwrap().to_owned();
    let other = format!("{}9", &id[..id.len() - 1]);
    let outside = demo.root().join("outside");
    fs::create_dir(&outside).unwrap();
    let target = outside.join(format!("{other}.json"));
    fs::write(
        &target,
        fs::read_to_string(&real).unwrap().replace(&id, &other),
    )
    .unwrap();
    let link = real.with_file_name(format!("{other}.json"));
    std::os::unix::fs::symlink(&target, &link).unwrap();
    // a folder linked from outside is reported once, not walked
    std::os::unix::fs::symlink(&outside, demo.data().join("sessions/2000")).unwrap();
    let phrase = "symbolic link to outside the data folder";
    let out = demo.validate().code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains(&format!("  {}: {phrase}", demo.shown(&link))),
        "{err}"
    );
    assert!(
        err.contains(&format!("  data/sessions/2000: {phrase}")),
        "{err}"
    );
    assert!(err.starts_with("error: validate: 2 problem(s)"), "{err}");
    build(demo.root())
        .code(1)
        .stderr(predicate::str::contains(phrase))
        .stderr(predicate::str::starts_with("error: data/sessions/"));
    assert!(!demo.root().join("site").exists());
    // a top-level file linked from outside is refused the same way
    fs::remove_file(&link).unwrap();
    fs::remove_file(demo.data().join("sessions/2000")).unwrap();
    let config = demo.data().join("vehicle_config.json");
    fs::rename(&config, outside.join("vehicle_config.json")).unwrap();
    std::os::unix::fs::symlink(outside.join("vehicle_config.json"), &config).unwrap();
    demo.validate()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "  data/vehicle_config.json: {phrase}"
        )));
    build(demo.root())
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "error: data/vehicle_config.json: {phrase}"
        )));
}

#[test]
fn a_symlink_inside_the_data_folder_is_still_read() {
    let demo = Demo::new(1);
    let config = demo.data().join("vehicle_config.json");
    fs::rename(&config, demo.data().join("vehicles.json")).unwrap();
    std::os::unix::fs::symlink("vehicles.json", &config).unwrap();
    demo.validate().success();
    build(demo.root()).success();
}

#[test]
fn the_committed_data_is_within_every_limit() {
    cph50(&repo(""))
        .args(["--data"])
        .arg(repo("data"))
        .arg("validate")
        .assert()
        .success()
        .stderr("");
}

// A problem that only `validate`'s cross-checks see (each file decodes on its own): a session
// file filed under another session's id. `build` used to publish it.
#[test]
fn build_refuses_what_only_validate_s_cross_checks_find() {
    let demo = Demo::new(1);
    let file = demo.session_files().remove(0);
    let renamed = file.with_file_name("1111111111.json");
    fs::rename(&file, &renamed).unwrap();
    demo.validate().code(1).stderr(predicate::str::contains(
        "but the file is named 1111111111.json",
    ));
    let out = build(demo.root()).code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.starts_with("error: ")
            && err.contains("1111111111.json")
            && err.contains("`cph50 validate` lists them; nothing was built"),
        "{err}"
    );
    assert!(!demo.root().join("site").exists());
}

/// A named pipe made with coreutils' `mkfifo`.
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

// Opening a FIFO blocks until someone writes to it, and a device reads for ever: a path that
// is not a regular file is refused before it is opened, naming what it is, so no scheduled job
// hangs until the workflow's timeout kills it.
#[test]
fn a_fifo_in_the_data_folder_is_refused_without_waiting() {
    let demo = Demo::new(1);
    let file = demo.session_files().remove(0);
    fs::remove_file(&file).unwrap();
    mkfifo(&file);
    let shown = demo.shown(&file);
    cph50(demo.root())
        .arg("validate")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{shown}: cannot read: it is a FIFO (named pipe), not a regular file"
        )));
    cph50(demo.root())
        .args(["build", "--out", "site"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a FIFO (named pipe), not a regular file",
        ));
    assert!(!demo.root().join("site").exists());
}

#[test]
fn a_fifo_among_the_blog_posts_is_passed_over_without_waiting() {
    let demo = Demo::new(1);
    let posts = demo.root().join("blog/_posts");
    fs::create_dir_all(&posts).unwrap();
    fs::write(
        posts.join("2026-01-08-real.md"),
        "---\ntitle: Real\n---\nHello.\n",
    )
    .unwrap();
    mkfifo(&posts.join("2026-01-09-pipe.md"));
    cph50(demo.root())
        .args(["build", "--out", "site", "--blog", "blog"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicate::str::contains("1 post;"));
}

#[test]
fn classify_refuses_a_device_instead_of_reading_it_for_ever() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .args(["classify", "--file", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("/dev/zero").and(predicate::str::contains(
                "it is a device, not a regular file",
            )),
        );
}

#[test]
fn a_config_file_that_is_a_fifo_is_refused_without_waiting() {
    let demo = Demo::new(1);
    mkfifo(&demo.root().join("cph50.toml"));
    cph50(demo.root())
        .arg("validate")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(predicate::ne(0))
        .stderr(
            predicate::str::contains("cph50.toml").and(predicate::str::contains(
                "a FIFO (named pipe), not a regular file",
            )),
        );
}
