//! `cph50 archive` with the real binary: archived months read exactly as unpacked ones
//! (validate, build, label, classify), restore gives every byte back, --dry-run writes nothing,
//! and a corrupt archive is an error naming it and the file inside it, with nothing lost.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::common::{Demo, cph50, snapshot};

/// Mid-October 2026, the demo's last month: `--older-than 0months` packs all but October.
const NOW: &str = "2026-10-20T18:00:00Z";
const MONTHS: u32 = 24;

fn run(demo: &Demo, args: &[&str]) -> assert_cmd::assert::Assert {
    cph50(demo.root()).env("CPH50_NOW", NOW).args(args).assert()
}

fn build(demo: &Demo, out: &str) -> Vec<(PathBuf, Vec<u8>)> {
    cph50(demo.root())
        .env("CPH50_NOW", NOW)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["build", "--out", out])
        .assert()
        .success();
    snapshot(&demo.root().join(out))
}

fn archive_all(demo: &Demo) {
    run(demo, &["archive", "--older-than", "0months"]).success();
}

/// The months that have an archive, as `YYYY-MM`.
fn archived_months(data: &Path) -> Vec<String> {
    let mut months: Vec<String> = walkdir::WalkDir::new(data.join("sessions"))
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e
                .file_name()
                .to_str()?
                .strip_suffix(".jsonl.gz")?
                .to_owned();
            let year = e.path().parent()?.file_name()?.to_str()?.to_owned();
            Some(format!("{year}-{name}"))
        })
        .collect();
    months.sort();
    months
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[test]
fn archive_validate_build_restore_leaves_data_and_site_byte_for_byte() {
    let demo = Demo::new(MONTHS);
    let data = demo.data();
    let before = snapshot(&data);
    let site_before = build(&demo, "site-before");

    run(&demo, &["archive", "--older-than", "0months", "--dry-run"])
        .success()
        .stdout(predicates::str::contains(
            "would archive 23 month(s) before 2026-10",
        ));
    assert!(snapshot(&data) == before, "--dry-run wrote something");

    archive_all(&demo);
    let months = archived_months(&data);
    assert_eq!(months.len(), 23, "{months:?}");
    assert!(!data.join("sessions/2025/03").exists(), "the folder stays");
    assert!(
        data.join("sessions/2026/10").is_dir(),
        "the current month is not packed"
    );
    let packed = fs::read(data.join("sessions/2025/03.jsonl.gz")).unwrap();
    assert!(gunzip(&data.join("sessions/2025/03.jsonl.gz")).contains("\"path\":\"0"));

    let sessions = before
        .iter()
        .filter(|(p, _)| p.starts_with("sessions"))
        .count();
    run(&demo, &["validate"])
        .success()
        .stdout(predicates::str::contains(format!("({sessions} sessions,")));
    assert!(
        build(&demo, "site-after") == site_before,
        "the site built from archives differs"
    );
    run(&demo, &["archive", "--older-than", "0months"])
        .success()
        .stdout(predicates::str::contains(
            "archived 0 month(s) before 2026-10; 23 archived already",
        ));

    for month in &months {
        run(&demo, &["archive", "--restore", month]).success();
    }
    assert!(archived_months(&data).is_empty());
    let after = snapshot(&data);
    assert_eq!(after.len(), before.len());
    for ((p, a), (q, b)) in before.iter().zip(&after) {
        assert_eq!(p, q);
        assert!(a == b, "{} differs after restore", p.display());
    }
    // deterministic: the same files give the same archive bytes
    archive_all(&demo);
    assert_eq!(
        fs::read(data.join("sessions/2025/03.jsonl.gz")).unwrap(),
        packed
    );
}

/// A session of `month` (`YYYY/MM`) and a second one, by id.
fn two_sessions_of(demo: &Demo, month: &str) -> (String, String) {
    let ids: Vec<String> = demo
        .session_files()
        .iter()
        .filter(|p| p.to_string_lossy().contains(&format!("/sessions/{month}/")))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    (ids[0].clone(), ids[ids.len() - 1].clone())
}

#[test]
fn label_and_classify_rewrite_an_archived_month_and_survive_a_restore() {
    let packed = Demo::new(MONTHS);
    let plain = Demo::new(MONTHS);
    let (labelled, classified) = two_sessions_of(&packed, "2025/03");
    archive_all(&packed);
    let archive = packed.data().join("sessions/2025/03.jsonl.gz");
    let old = fs::read(&archive).unwrap();
    for demo in [&packed, &plain] {
        run(demo, &["label", &labelled, "volvo_xc40_2021"]).success();
        run(demo, &["classify", &classified]).success();
    }
    assert_ne!(
        fs::read(&archive).unwrap(),
        old,
        "the archive was not rewritten"
    );
    assert!(!packed.data().join("sessions/2025/03").exists());
    let text = gunzip(&archive);
    let line = text.lines().find(|l| l.contains(&labelled)).unwrap();
    assert!(line.contains(r#"\"labeled_by\": \"manual\""#), "{line}");
    run(&packed, &["validate"]).success();

    run(&packed, &["archive", "--restore", "2025-03"]).success();
    assert!(!archive.exists());
    for month in archived_months(&packed.data()) {
        run(&packed, &["archive", "--restore", &month]).success();
    }
    assert!(
        snapshot(&packed.data()) == snapshot(&plain.data()),
        "label and classify through the archive differ from the same on plain folders"
    );
}

/// Archives a demo, then replaces March 2025's archive with `bytes`.
fn corrupt(bytes: &[u8]) -> (Demo, PathBuf) {
    let demo = Demo::new(MONTHS);
    archive_all(&demo);
    let archive = demo.data().join("sessions/2025/03.jsonl.gz");
    fs::write(&archive, bytes).unwrap();
    (demo, archive)
}

/// A session id of March 2025, from its monthly cache.
fn march_session(demo: &Demo) -> String {
    let cache = fs::read_to_string(demo.data().join("session_cache/2025-03.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&cache).unwrap();
    v[0]["session_id"].to_string().trim_matches('"').to_owned()
}

/// Every reader and the archive command fail with exit 1 on the archive, naming it and
/// `needle`, and leave every file as it was.
fn refused_everywhere(demo: &Demo, archive: &Path, needle: &str) {
    let before = snapshot(&demo.data());
    let shown = "data/sessions/2025/03.jsonl.gz";
    let id = march_session(demo);
    for args in [
        vec!["validate"],
        vec!["build", "--out", "site"],
        vec!["archive", "--restore", "2025-03"],
        vec!["label", &id, "volvo_xc40_2021"],
        vec!["classify", &id],
    ] {
        let a = run(demo, &args).code(1);
        let err = stderr(&a);
        assert!(err.contains(shown), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let sole = err_line(&run(demo, &["archive", "--restore", "2025-03"]).code(1));
    assert!(sole.starts_with("error: "), "{sole}");
    assert!(
        snapshot(&demo.data()) == before,
        "a refused archive changed files"
    );
    assert!(archive.exists() && !demo.data().join("sessions/2025/03").exists());
}

fn err_line(a: &assert_cmd::assert::Assert) -> String {
    let err = stderr(a);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    lines[0].to_owned()
}

#[test]
fn a_truncated_archive_is_an_error_naming_it() {
    let demo = Demo::new(MONTHS);
    archive_all(&demo);
    let good = fs::read(demo.data().join("sessions/2025/03.jsonl.gz")).unwrap();
    drop(demo);
    let (demo, archive) = corrupt(&good[..good.len() / 2]);
    refused_everywhere(&demo, &archive, "gzip");
}

#[test]
fn a_bad_line_or_an_escaping_entry_is_an_error_naming_the_archive_and_entry() {
    let header = r#"{"format":"cph50-sessions-archive","version":1,"month":"2025-03","files":1}"#;
    let (demo, archive) = corrupt(&gzip(&format!("{header}\n{{\"path\": 3}}\n")));
    refused_everywhere(&demo, &archive, "line 2");
    let escape = format!("{header}\n{{\"path\":\"../x.json\",\"text\":\"{{}}\"}}\n");
    let (demo, archive) = corrupt(&gzip(&escape));
    refused_everywhere(&demo, &archive, "\"../x.json\"");
    assert!(!demo.data().join("sessions/2025/x.json").exists());
}

#[test]
fn an_interrupted_archive_is_counted_once_and_finished_by_the_next_run() {
    let demo = Demo::new(MONTHS);
    let data = demo.data();
    let month = data.join("sessions/2025/03");
    let copy = demo.root().join("march");
    fs::rename(&month, &copy).unwrap();
    fs::create_dir(&month).unwrap();
    for day in fs::read_dir(&copy).unwrap().map(|e| e.unwrap().path()) {
        let target = month.join(day.file_name().unwrap());
        fs::create_dir(&target).unwrap();
        for f in fs::read_dir(&day).unwrap().map(|e| e.unwrap().path()) {
            fs::copy(&f, target.join(f.file_name().unwrap())).unwrap();
        }
    }
    let sessions = demo.session_files().len();
    archive_all(&demo);
    // a kill after the archive was written and while the folder was being removed
    let day = fs::read_dir(&copy).unwrap().next().unwrap().unwrap().path();
    let left = month.join(day.file_name().unwrap());
    fs::create_dir_all(&left).unwrap();
    for f in fs::read_dir(&day).unwrap().map(|e| e.unwrap().path()) {
        fs::copy(&f, left.join(f.file_name().unwrap())).unwrap();
    }
    run(&demo, &["validate"])
        .success()
        .stdout(predicates::str::contains(format!("({sessions} sessions,")));

    // a file beside the archive that the archive does not hold is never removed
    let extra = left.join("99999999.json");
    fs::write(&extra, "{}\n").unwrap();
    let a = run(&demo, &["archive", "--older-than", "0months"]).code(1);
    assert!(err_line(&a).contains("99999999.json"), "{}", stderr(&a));
    assert!(extra.exists());
    fs::remove_file(&extra).unwrap();

    run(&demo, &["archive", "--older-than", "0months"])
        .success()
        .stdout(predicates::str::contains("finished 2025-03"));
    assert!(!month.exists());
    run(&demo, &["validate"]).success();
}

#[test]
fn a_symlink_in_a_month_is_not_packed_and_bad_ages_are_usage_errors() {
    let demo = Demo::new(MONTHS);
    let month = demo.data().join("sessions/2025/03");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("01", month.join("link")).unwrap();
        let a = run(&demo, &["archive", "--older-than", "0months"]).code(1);
        assert!(
            err_line(&a).contains("sessions/2025/03/link"),
            "{}",
            stderr(&a)
        );
        assert!(fs::symlink_metadata(month.join("link")).is_ok() && month.is_dir());
        assert!(!demo.data().join("sessions/2025/03.jsonl.gz").exists());
        fs::remove_file(month.join("link")).unwrap();
    }
    for bad in ["6weeks", "months", "-1months", "101years"] {
        run(&demo, &["archive", "--older-than", bad]).code(2);
    }
    run(&demo, &["archive", "--restore", "2025-3"]).code(2);
    run(
        &demo,
        &["archive", "--restore", "2025-03", "--older-than", "1month"],
    )
    .code(2);
    // March 2025 is 19 months before the demo's October 2026
    run(&demo, &["archive", "--older-than", "19months"]).success();
    assert!(demo.data().join("sessions/2025/02.jsonl.gz").exists());
    assert!(demo.data().join("sessions/2025/03").is_dir());
    run(&demo, &["archive", "--older-than", "1year", "--json"])
        .success()
        .stdout(predicates::str::contains(r#""cutoff":"2025-10""#));
}

/// What `collect` does through the store: a session saved into an archived month goes into its
/// archive (rewritten), and no folder appears beside it.
#[test]
fn a_session_saved_into_an_archived_month_goes_into_its_archive() {
    let demo = Demo::new(MONTHS);
    let (id, _) = two_sessions_of(&demo, "2025/03");
    archive_all(&demo);
    let store = cph50::store::Store::new(demo.data());
    let id = cph50::store::values::SessionId::parse(&id).unwrap();
    let (path, mut session) = store.find_session(&id).unwrap().unwrap();
    assert!(
        path.to_string_lossy()
            .contains("sessions/2025/03.jsonl.gz/"),
        "{}",
        path.display()
    );
    let date = store.layout().session_folder_date(&path).unwrap();
    assert!(!store.save_session(date, &session).unwrap(), "unchanged");
    let archive = demo.data().join("sessions/2025/03.jsonl.gz");
    let old = fs::read(&archive).unwrap();
    session.vehicle_id = Some("unknown".into());
    assert!(store.save_session(date, &session).unwrap());
    assert_ne!(fs::read(&archive).unwrap(), old);
    assert!(!demo.data().join("sessions/2025/03").exists());
    let (_, again) = store.find_session(&id).unwrap().unwrap();
    assert_eq!(again.vehicle_id.as_deref(), Some("unknown"));
    run(&demo, &["validate"]).success();
}

/// Exports read the store's sessions as every other reader does: an archived data folder
/// exports the same bytes as the unpacked one, in each format.
#[test]
fn an_archived_data_folder_exports_the_same_bytes() {
    let demo = Demo::new(24);
    let export = |name: &str| {
        for format in ["sqlite", "parquet", "csv"] {
            let out = format!("{name}-{format}");
            run(&demo, &["export", "--format", format, "--out", &out]).success();
        }
        ["sqlite", "parquet", "csv"]
            .iter()
            .map(|f| {
                let path = demo.root().join(format!("{name}-{f}"));
                if path.is_file() {
                    vec![(PathBuf::new(), std::fs::read(&path).unwrap())]
                } else {
                    snapshot(&path)
                }
            })
            .collect::<Vec<_>>()
    };
    let before = export("before");
    archive_all(&demo);
    assert!(!archived_months(&demo.data()).is_empty());
    assert_eq!(export("after"), before, "an export changed after archiving");
}

/// A file beside an archive that the archive does not hold as it is (changed after a killed
/// archive or restore, or new) is not read: `validate` (and so `build`) used to say all was
/// well and drop the change silently. It is a problem naming the file, and the way out it
/// names works.
#[test]
fn a_changed_or_new_file_beside_an_archive_is_reported_and_the_way_out_works() {
    let demo = Demo::new(MONTHS);
    let data = demo.data();
    let month = data.join("sessions/2025/03");
    let kept = demo.root().join("march");
    fs::create_dir_all(&kept).unwrap();
    let (rel, text) = {
        let day = fs::read_dir(&month)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let file = fs::read_dir(&day).unwrap().next().unwrap().unwrap().path();
        let rel = file.strip_prefix(&month).unwrap().to_owned();
        (rel, fs::read_to_string(&file).unwrap())
    };
    archive_all(&demo);
    assert!(!month.exists());
    // the file, changed, beside the archive
    let changed = text.replacen("\"interval_seconds\": 10", "\"interval_seconds\": 11", 1);
    assert_ne!(changed, text, "the session file has interval_seconds 10");
    fs::create_dir_all(month.join(rel.parent().unwrap())).unwrap();
    fs::write(month.join(&rel), &changed).unwrap();
    let a = run(&demo, &["validate"]).code(1);
    assert!(
        stderr(&a)
            .contains("differs from its copy in data/sessions/2025/03.jsonl.gz and is not read"),
        "{}",
        stderr(&a)
    );
    run(&demo, &["build", "--out", "site"]).code(1);
    // the way out: move the folder aside, restore the month, copy the file back
    fs::rename(&month, kept.join("03")).unwrap();
    run(&demo, &["archive", "--restore", "2025-03"]).success();
    fs::copy(kept.join("03").join(&rel), month.join(&rel)).unwrap();
    run(&demo, &["validate"]).success();
    assert_eq!(fs::read_to_string(month.join(&rel)).unwrap(), changed);
}
