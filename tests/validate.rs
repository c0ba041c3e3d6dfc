//! `cph50 validate` on broken data: every case names the file, the field (JSON pointer) and
//! the position, exits 1, and leaves every file as it was.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::common::{Demo, snapshot};

/// Runs validate, expects exit 1, and returns stderr.
fn fails(demo: &Demo) -> String {
    let out = demo.validate().code(1).get_output().clone();
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).expect("utf-8")
}

/// Asserts `stderr` has a line `<file>:<line>:<col>: field <pointer>: ...<phrase>...`.
fn assert_located(stderr: &str, file: &str, pointer: &str, phrase: &str) {
    let pattern = format!(
        r"(?m)^  {}:\d+:\d+: field {}: .*{}",
        regex_escape(file),
        regex_escape(pointer),
        regex_escape(phrase)
    );
    assert!(
        predicate::str::is_match(&pattern)
            .expect("regex")
            .eval(stderr),
        "no line matching {pattern:?} in:\n{stderr}"
    );
}

fn regex_escape(s: &str) -> String {
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

fn first_session(demo: &Demo) -> std::path::PathBuf {
    demo.session_files()
        .into_iter()
        .next()
        .expect("a session file")
}

#[test]
fn demo_data_is_valid() {
    let demo = Demo::new(2);
    demo.validate()
        .success()
        .stdout(predicate::str::starts_with("ok: "))
        .stderr("");
}

#[test]
fn truncated_json_is_reported_as_truncated() {
    let demo = Demo::new(2);
    let runs = demo.data().join("runs.json");
    let text = fs::read(&runs).unwrap();
    fs::write(&runs, &text[..text.len() / 2]).unwrap();
    let err = fails(&demo);
    assert!(
        err.starts_with("error: validate: 1 problem(s) in 1 file(s)"),
        "{err}"
    );
    assert!(
        predicate::str::is_match(r"data/runs\.json:\d+:\d+: field /runs/\d+.*truncated")
            .unwrap()
            .eval(&err),
        "{err}"
    );
}

#[test]
fn empty_file_is_named() {
    let demo = Demo::new(2);
    fs::write(demo.data().join("last_session.json"), "").unwrap();
    let err = fails(&demo);
    assert!(
        err.contains(
            "  data/last_session.json: (whole document): file is empty; expected a JSON document"
        ),
        "{err}"
    );
}

#[test]
fn byte_order_mark_is_named_with_the_fix() {
    let demo = Demo::new(2);
    let path = demo.data().join("vehicle_config.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fs::read(&path).unwrap());
    fs::write(&path, bytes).unwrap();
    let err = fails(&demo);
    assert!(
        err.contains("data/vehicle_config.json:1:1: (whole document): file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_the_field_and_position() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let text = fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"power_kw\""))
        .unwrap()
        + 1;
    let (before, after) = text.split_once("\"power_kw\": ").unwrap();
    let end = after.find(',').unwrap();
    fs::write(
        &file,
        format!("{before}\"power_kw\": \"fast\"{}", &after[end..]),
    )
    .unwrap();
    let err = fails(&demo);
    let expected = format!("{}:{line}:", demo.shown(&file));
    assert!(err.contains(&expected), "expected {expected} in {err}");
    assert_located(
        &err,
        &demo.shown(&file),
        "/samples/0/power_kw",
        "invalid type: string \"fast\", expected f64",
    );
}

#[test]
fn negative_energy_is_refused() {
    let demo = Demo::new(2);
    let cache = &demo.cache_files()[0];
    let text = fs::read_to_string(cache).unwrap();
    let start = text.find("\"energy_kwh\": ").unwrap() + "\"energy_kwh\": ".len();
    let end = start + text[start..].find(',').unwrap();
    fs::write(cache, format!("{}-5.5{}", &text[..start], &text[end..])).unwrap();
    let err = fails(&demo);
    assert_located(
        &err,
        &demo.shown(cache),
        "/0/session/energy_kwh",
        "energy -5.5 kWh is out of range: expected 0 to 168652.8 kWh",
    );
}

#[test]
fn timestamp_without_offset_is_refused() {
    let demo = Demo::new(2);
    let path = demo.data().join("last_session.json");
    let text = fs::read_to_string(&path).unwrap();
    let stamp = text
        .split("\"timestamp\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    demo.edit(&path, &stamp, stamp.trim_end_matches("+00:00"));
    let err = fails(&demo);
    assert_located(
        &err,
        "data/last_session.json",
        "/timestamp",
        "has no UTC offset",
    );
}

#[test]
fn path_like_session_id_is_refused_before_any_path_is_built() {
    let demo = Demo::new(2);
    let path = demo.data().join(".last_session_id.json");
    let text = fs::read_to_string(&path).unwrap();
    let id = text
        .split("\"session_id\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    demo.edit(&path, &id, "../../etc/passwd");
    let err = fails(&demo);
    assert_located(
        &err,
        "data/.last_session_id.json",
        "/session_id",
        "session id \"../../etc/passwd\" contains '.'; a session id is digits only",
    );
}

#[test]
fn session_file_named_with_letters_is_reported() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let renamed = file.with_file_name("47abc.json");
    fs::rename(&file, &renamed).unwrap();
    let err = fails(&demo);
    assert!(
        err.contains(&format!(
            "  {}: bad file name: session id \"47abc\" contains 'a'",
            demo.shown(&renamed)
        )),
        "{err}"
    );
}

#[test]
fn session_id_that_differs_from_the_file_name_is_reported() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let id = file.file_stem().unwrap().to_str().unwrap().to_owned();
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            &format!("\"session_id\": \"{id}\""),
            "\"session_id\": \"123\"",
            1,
        ),
    )
    .unwrap();
    let err = fails(&demo);
    assert_located(
        &err,
        &demo.shown(&file),
        "/session_id",
        &format!("session_id is 123 but the file is named {id}.json"),
    );
}

#[test]
fn unknown_vehicle_id_lists_the_known_ones() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let text = fs::read_to_string(&file).unwrap();
    let id = text
        .split("\"vehicle_id\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    demo.edit(
        &file,
        &format!("\"vehicle_id\": \"{id}\""),
        "\"vehicle_id\": \"batmobile\"",
    );
    let err = fails(&demo);
    assert_located(
        &err,
        &demo.shown(&file),
        "/vehicle_id",
        "unknown vehicle_id \"batmobile\"; vehicle_config.json knows: serenity_equinox_2024, volvo_xc40_2021 (or \"unknown\")",
    );
}

#[test]
fn session_cached_in_two_months_is_reported() {
    let demo = Demo::new(2);
    let caches = demo.cache_files();
    let first: serde_json::Value = serde_json::from_slice(&fs::read(&caches[0]).unwrap()).unwrap();
    let mut second: Vec<serde_json::Value> =
        serde_json::from_slice(&fs::read(&caches[1]).unwrap()).unwrap();
    second.push(first[0].clone());
    let id = first[0]["session_id"].as_str().unwrap().to_owned();
    fs::write(&caches[1], serde_json::to_string_pretty(&second).unwrap()).unwrap();
    let err = fails(&demo);
    let last = second.len() - 1;
    assert_located(
        &err,
        &demo.shown(&caches[1]),
        &format!("/{last}/session_id"),
        &format!(
            "session {id} is cached twice: also in {}",
            demo.shown(&caches[0])
        ),
    );
    // it is also in the wrong month, and that is reported too
    assert_located(
        &err,
        &demo.shown(&caches[1]),
        &format!("/{last}/session_start_time"),
        "but is cached in",
    );
}

#[test]
fn session_file_in_the_wrong_date_folder_is_reported_with_the_right_one() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let right = demo.shown(&file);
    let wrong = demo
        .data()
        .join("sessions/2020/01/01")
        .join(file.file_name().unwrap());
    fs::create_dir_all(wrong.parent().unwrap()).unwrap();
    fs::rename(&file, &wrong).unwrap();
    let err = fails(&demo);
    assert!(
        err.contains(&format!(
            "  {}: in the wrong date folder",
            demo.shown(&wrong)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "but the folder says 2020-01-01; move it to {right}"
        )),
        "{err}"
    );
}

#[test]
fn non_json_file_under_sessions_is_reported() {
    let demo = Demo::new(2);
    let notes = first_session(&demo).with_file_name("notes.txt");
    fs::write(&notes, "remember the milk").unwrap();
    let err = fails(&demo);
    assert!(
        err.contains(&format!(
            "  {}: not a session file: files under sessions/ must be named <session_id>.json",
            demo.shown(&notes)
        )),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_not_followed_forever() {
    let demo = Demo::new(2);
    let link = demo.data().join("sessions/loop");
    std::os::unix::fs::symlink(".", &link).unwrap();
    let err = fails(&demo);
    assert!(
        err.contains("data/sessions/loop: symbolic link loop"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_session_file_is_reported() {
    let demo = Demo::new(2);
    // A dangling link cannot be read by anyone, root included.
    let dangling = first_session(&demo).with_file_name("1234567.json");
    std::os::unix::fs::symlink("/nonexistent/cph50-test", &dangling).unwrap();
    // A file without read permission (only effective when not running as root).
    let locked = first_session(&demo);
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let locked_readable = fs::read(&locked).is_ok();
    let err = fails(&demo);
    assert!(
        err.contains(&format!(
            "  {}: cannot read: it is a broken symbolic link or vanished",
            demo.shown(&dangling)
        )),
        "{err}"
    );
    if !locked_readable {
        assert!(
            err.contains(&format!(
                "  {}: cannot read: permission denied",
                demo.shown(&locked)
            )),
            "{err}"
        );
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn monthly_cache_that_is_an_object_is_reported() {
    let demo = Demo::new(2);
    let cache = &demo.cache_files()[0];
    fs::write(cache, "{\"sessions\": []}\n").unwrap();
    let err = fails(&demo);
    assert!(
        err.contains(&format!(
            "  {}:1:1: (whole document): invalid type: map, expected a sequence; this file must be a JSON array",
            demo.shown(cache)
        )),
        "{err}"
    );
}

#[test]
fn confidence_above_one_is_refused() {
    let demo = Demo::new(2);
    let file = first_session(&demo);
    let text = fs::read_to_string(&file).unwrap();
    let conf = text
        .split("\"vehicle_confidence\": ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    demo.edit(
        &file,
        &format!("\"vehicle_confidence\": {conf}"),
        "\"vehicle_confidence\": 1.7",
    );
    let err = fails(&demo);
    assert_located(
        &err,
        &demo.shown(&file),
        "/vehicle_confidence",
        "confidence 1.7 is outside 0..1",
    );
}

#[test]
fn every_problem_is_listed_not_only_the_first_and_nothing_is_rewritten() {
    let demo = Demo::new(2);
    fs::write(demo.data().join("runs.json"), "{\"runs\": [").unwrap();
    fs::write(demo.data().join("last_session.json"), "").unwrap();
    let cache = &demo.cache_files()[1];
    fs::write(cache, "{}").unwrap();
    let notes = first_session(&demo).with_file_name("notes.txt");
    fs::write(&notes, "x").unwrap();
    let before = snapshot(&demo.data());
    let err = fails(&demo);
    assert!(
        err.starts_with("error: validate: 4 problem(s) in 4 file(s) under data\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 5, "{err}");
    assert_eq!(snapshot(&demo.data()), before, "validate changed a file");
}

#[test]
fn missing_data_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::cph50(dir.path())
        .args(["--data", "nowhere", "validate"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: cannot read data folder nowhere: no such folder",
        ));
}

#[test]
fn github_actions_gets_annotations_and_a_step_summary() {
    let demo = Demo::new(2);
    fs::write(demo.data().join("last_session.json"), "").unwrap();
    let summary = demo.root().join("summary.md");
    let out = crate::common::cph50(demo.root())
        .arg("validate")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.starts_with("::error file=data/last_session.json::data/last_session.json: (whole document): file is empty"), "{stdout}");
    let md = fs::read_to_string(Path::new(&summary)).unwrap();
    assert!(
        md.contains("### cph50 validate: validate: 1 problem(s)"),
        "{md}"
    );
}

#[test]
fn hostile_file_names_cannot_drive_the_terminal() {
    let demo = Demo::new(1);
    let evil =
        first_session(&demo).with_file_name("\u{1b}[2J\u{1b}[31mPWNED\nerror: fake line.json");
    fs::write(&evil, "{}").unwrap();
    let err = fails(&demo);
    assert!(!err.contains('\u{1b}'), "raw escape code in {err:?}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
    // headline + one line per problem (bad name, and the empty object misses its fields)
    assert!(
        err.lines()
            .all(|l| l.starts_with("error: ") || l.starts_with("  data/")),
        "a file name forged a report line: {err}"
    );
}

#[test]
fn caches_in_the_nested_layout_are_read_too() {
    let demo = Demo::new(2);
    let cache = demo.cache_files()[0].clone();
    let name = cache.file_name().unwrap().to_str().unwrap().to_owned(); // YYYY-MM.json
    let nested = demo
        .data()
        .join("session_cache")
        .join(&name[..4])
        .join(&name[5..7])
        .join(&name);
    fs::create_dir_all(nested.parent().unwrap()).unwrap();
    fs::rename(&cache, &nested).unwrap();
    demo.validate()
        .success()
        .stdout(predicate::str::contains("2 cache months"));
    // and a copy in both places is a duplicate, named as such
    fs::copy(&nested, &cache).unwrap();
    let err = fails(&demo);
    assert!(
        err.contains("is cached twice: also in data/session_cache/"),
        "{err}"
    );
}

#[test]
fn no_truncation_or_byte_flip_of_a_session_file_panics() {
    use cph50::store::json::decode;
    use cph50::store::records::SessionFile;
    let demo = Demo::new(1);
    let file = first_session(&demo);
    let bytes = fs::read(&file).unwrap();
    assert!(decode::<SessionFile>(&file, &bytes).is_ok());
    let body = bytes.trim_ascii_end().len();
    for cut in 0..body {
        let p = decode::<SessionFile>(&file, &bytes[..cut]).unwrap_err();
        assert!(!p.message.is_empty());
    }
    for i in (0..bytes.len()).step_by(7) {
        for b in [b'"', b'-', b'}', 0xFF, b'9'] {
            let mut m = bytes.clone();
            m[i] = b;
            let _ = decode::<SessionFile>(&file, &m); // must return, never panic
        }
    }
}

#[test]
fn problems_name_the_file_as_the_user_named_the_data_folder() {
    let demo = Demo::new(1);
    fs::write(demo.data().join("runs.json"), "{").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = demo.data().join("runs.json");
    crate::common::cph50(elsewhere.path())
        .arg("--data")
        .arg(demo.data())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "  {}:1:1: (whole document)",
            absolute.display()
        )));
}
