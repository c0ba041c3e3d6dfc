//! `cph50 build` on a one-month demo data folder and a small fixture blog: page types, exact
//! content, determinism, escaping, atomic replacement and error messages that name the file.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Demo, cph50, snapshot};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Builds `demo` into `<root>/site` with the repository's templates and the fixture blog.
fn build(demo: &Demo, templates: &Path) -> assert_cmd::assert::Assert {
    cph50(demo.root())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args([
            "build",
            "--out",
            "site",
            "--base-url",
            "/repo/",
            "--templates",
        ])
        .arg(templates)
        .arg("--blog")
        .arg(repo("tests/fixtures/blog_ok"))
        .assert()
}

fn read(demo: &Demo, rel: &str) -> String {
    fs::read_to_string(demo.root().join("site").join(rel)).unwrap()
}

/// Compares with `tests/snapshots/render/<name>`; `UPDATE_SNAPSHOTS=1` rewrites it.
fn assert_snapshot(name: &str, actual: &str) {
    let path = repo("tests/snapshots/render").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 to accept):\n{actual}"
    );
}

#[test]
fn build_writes_every_page_type_and_export() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates"))
        .success()
        .stdout(predicates::str::contains("built site ("));
    let site = demo.root().join("site");
    for f in [
        "index.html",
        "history.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "blog/index.html",
        "blog/notes/2026/01/10/first-post.html",
        "blog/custom/second/index.html",
        "blog/tags/data.html",
        "data/sessions.csv",
        "data/cph50.sqlite",
        "api/v1/sessions.json",
        "api/v1/vehicles.json",
        "api/v1/last_session.json",
        "api/v1/history-day.json",
        "api/v1/history-month.json",
        "api/v1/history-year.json",
        "assets/site.js",
        "assets/site.css",
        "build.json",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let sessions = fs::read_dir(site.join("sessions")).unwrap().count();
    assert_eq!(sessions, demo.session_files().len());
    assert!(!site.join("blog/2026/03/01/draft.html").exists());
    assert!(!read(&demo, "blog/index.html").contains("Draft"));
}

#[test]
fn pages_match_their_snapshots() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates")).success();
    let first = demo.session_files()[0].clone();
    let id = first.file_stem().unwrap().to_str().unwrap().to_owned();
    assert_snapshot("index.html", &read(&demo, "index.html"));
    assert_snapshot("history.html", &read(&demo, "history.html"));
    assert_snapshot("session.html", &read(&demo, &format!("sessions/{id}.html")));
    assert_snapshot(
        "post.html",
        &read(&demo, "blog/notes/2026/01/10/first-post.html"),
    );
    assert_snapshot("blog_index.html", &read(&demo, "blog/index.html"));
    assert_snapshot("feed.xml", &read(&demo, "feed.xml"));
    assert_snapshot("sessions.csv", &read(&demo, "data/sessions.csv"));
    assert_snapshot(
        "history-month.json",
        &read(&demo, "api/v1/history-month.json"),
    );
}

#[test]
fn the_history_totals_equal_the_sum_of_the_sessions() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates")).success();
    let sessions: Vec<serde_json::Value> =
        serde_json::from_str(&read(&demo, "api/v1/sessions.json")).unwrap();
    let month = sessions.last().unwrap()["local_date"].as_str().unwrap()[..7].to_owned();
    let in_month: Vec<_> = sessions
        .iter()
        .filter(|s| s["local_date"].as_str().unwrap().starts_with(&month))
        .collect();
    let history = read(&demo, "history.html");
    assert!(
        history.contains(&format!(r#"<p id="sum-sessions">{}</p>"#, in_month.len())),
        "{month}: {} sessions",
        in_month.len()
    );
    // Energy of a month: what its days received, including the part of a session begun the
    // evening before the month; the year level holds every kWh exactly once.
    let year: serde_json::Value =
        serde_json::from_str(&read(&demo, "api/v1/history-year.json")).unwrap();
    let total: f64 = year["values"][0]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|vehicle| {
            vehicle
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
        })
        .sum();
    let expected: f64 = sessions
        .iter()
        .map(|s| s["energy_kwh"].as_f64().unwrap())
        .sum();
    assert!((total - expected).abs() < 0.01, "{total} vs {expected}");
    // The table's sessions are in one file for all levels, in plug-in order; the page inlines
    // its style sheet.
    let table: serde_json::Value =
        serde_json::from_str(&read(&demo, "api/v1/history-sessions.json")).unwrap();
    let ids: Vec<&str> = table["id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let expected_ids: Vec<&str> = sessions
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, expected_ids);
    assert!(!history.contains("site.css") && history.contains("<style>"));
}

/// Bytes of `data` compressed with gzip at the default level (as a web server would send it).
fn gzip_len(data: &[u8]) -> usize {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap().len()
}

/// The history page's data for a 10-year demo: the sessions once, in their own file (its
/// columns decode to the sessions' local starts), level files without sessions, and all that
/// the page can fetch (page, script, three levels, sessions) at most 150 KB gzip.
#[test]
fn the_history_data_of_ten_years_is_one_sessions_file_and_small_levels() {
    let demo = Demo::new(120);
    cph50(demo.root())
        .args(["-q", "build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .assert()
        .success();
    let sessions: Vec<serde_json::Value> =
        serde_json::from_str(&read(&demo, "api/v1/sessions.json")).unwrap();
    assert!(sessions.len() > 3000, "{} sessions", sessions.len());
    let table: serde_json::Value =
        serde_json::from_str(&read(&demo, "api/v1/history-sessions.json")).unwrap();
    let column = |name: &str| table[name].as_array().unwrap().clone();
    let (ids, starts, zones) = (column("id"), column("start_min"), column("zone"));
    assert_eq!(ids.len(), sessions.len());
    // delta-coded local minutes since 1970-01-01 00:00 -> "2016-11-02 21:09 PDT"
    let mut minutes = 0;
    for (i, s) in sessions.iter().enumerate() {
        minutes += starts[i].as_i64().unwrap();
        let start = chrono::DateTime::from_timestamp(minutes * 60, 0).unwrap();
        let zone = table["zones"][zones[i].as_u64().unwrap() as usize]
            .as_str()
            .unwrap();
        let local = s["start_local"].as_str().unwrap();
        assert_eq!(ids[i], s["session_id"]);
        assert_eq!(
            format!("{} {zone}", start.format("%Y-%m-%d %H:%M")),
            format!("{} {}", &local[..16], &local[20..]),
            "session {i}"
        );
    }
    let mut fetched = vec![
        "history.html".to_owned(),
        "assets/site.js".to_owned(),
        "api/v1/history-sessions.json".to_owned(),
    ];
    for level in ["day", "month", "year"] {
        let path = format!("api/v1/history-{level}.json");
        let text = read(&demo, &path);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(json.get("sessions").is_none(), "{path} holds sessions");
        for s in [&sessions[0], &sessions[sessions.len() - 1]] {
            let id = s["session_id"].as_str().unwrap();
            assert!(!text.contains(id), "{path} holds session {id}");
        }
        fetched.push(path);
    }
    let sizes: Vec<(String, usize)> = fetched
        .into_iter()
        .map(|f| {
            let bytes = fs::read(demo.root().join("site").join(&f)).unwrap();
            let n = gzip_len(&bytes);
            (f, n)
        })
        .collect();
    let total: usize = sizes.iter().map(|(_, n)| n).sum();
    assert!(total <= 150 * 1024, "{total} bytes gzip: {sizes:?}");
}

#[test]
fn two_builds_are_byte_identical() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates")).success();
    let first = snapshot(&demo.root().join("site"));
    build(&demo, &repo("templates")).success();
    assert_eq!(first, snapshot(&demo.root().join("site")));
    // Without SOURCE_DATE_EPOCH only build.json changes: its generated_at is the data's
    // newest time instead.
    cph50(demo.root())
        .args(["build", "--out", "site", "--base-url", "/repo/", "--blog"])
        .arg(repo("tests/fixtures/blog_ok"))
        .arg("--templates")
        .arg(repo("templates"))
        .assert()
        .success();
    let third = snapshot(&demo.root().join("site"));
    let differ: Vec<_> = first
        .iter()
        .zip(&third)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.display().to_string())
        .collect();
    assert_eq!(differ, ["build.json"]);
}

#[test]
fn a_nickname_with_markup_is_shown_as_text() {
    let demo = Demo::new(1);
    demo.edit(
        &demo.data().join("vehicle_config.json"),
        "\"Serenity\"",
        "\"<script>alert(1)</script>\"",
    );
    build(&demo, &repo("templates")).success();
    for page in ["index.html", "history.html"] {
        let html = read(&demo, page);
        assert!(!html.contains("<script>alert"), "{page} runs the nickname");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{page}"
        );
    }
}

#[test]
fn pages_have_a_csp_and_no_inline_script_or_handler() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates")).success();
    for (path, bytes) in snapshot(&demo.root().join("site")) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let p = path.display();
        assert!(
            html.contains(r#"http-equiv="Content-Security-Policy""#),
            "{p}: no CSP"
        );
        assert!(html.contains("script-src 'self'"), "{p}");
        assert!(!html.contains("unsafe-inline"), "{p}");
        assert_eq!(html.matches("<script").count(), 1, "{p}: one script tag");
        assert!(
            html.contains(r#"<script src=""#),
            "{p}: the script is a file"
        );
        let lower = html.to_lowercase();
        for handler in [
            " onclick=",
            " onload=",
            " onerror=",
            " onchange=",
            "javascript:",
        ] {
            assert!(!lower.contains(handler), "{p}: {handler}");
        }
    }
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let demo = Demo::new(1);
    build(&demo, &repo("templates")).success();
    let before = snapshot(&demo.root().join("site"));
    let broken = demo.root().join("templates");
    fs::create_dir(&broken).unwrap();
    for e in fs::read_dir(repo("templates")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), broken.join(e.file_name())).unwrap();
        }
    }
    fs::write(
        broken.join("session.html"),
        "{% extends \"base.html\" %}{{ s.id",
    )
    .unwrap();
    build(&demo, &broken)
        .code(1)
        .stderr(predicates::str::contains("templates/session.html"));
    assert_eq!(before, snapshot(&demo.root().join("site")));
    let leftovers: Vec<_> = fs::read_dir(demo.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // the lock file stays: deleting it on release would let two runs hold the lock
        .filter(|n| n.starts_with(".cph50") && !n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_template_that_fails_to_render_is_named() {
    let demo = Demo::new(1);
    let t = demo.root().join("tpl");
    fs::create_dir(&t).unwrap();
    for e in fs::read_dir(repo("templates")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), t.join(e.file_name())).unwrap();
        }
    }
    fs::write(t.join("404.html"), "{{ no_such_variable }}").unwrap();
    build(&demo, &t)
        .code(1)
        .stderr(predicates::str::contains("tpl/404.html"))
        .stderr(predicates::str::contains("no_such_variable"));
}

#[test]
fn bad_data_is_reported_with_its_file() {
    let demo = Demo::new(1);
    let cache = demo.cache_files()[0].clone();
    demo.edit(
        &cache,
        "\"energy_kwh\": ",
        "\"energy_kwh\": \"lots\", \"x\": ",
    );
    build(&demo, &repo("templates"))
        .code(1)
        .stderr(predicates::str::contains(demo.shown(&cache)));
}

#[test]
fn a_front_matter_error_names_the_post_file() {
    let demo = Demo::new(1);
    let posts = demo.root().join("blog/_posts");
    fs::create_dir_all(&posts).unwrap();
    fs::write(
        posts.join("2026-01-01-bad.md"),
        "---\ntitle: [unclosed\n---\nbody\n",
    )
    .unwrap();
    cph50(demo.root())
        .args(["build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("blog/_posts/2026-01-01-bad.md"))
        .stderr(predicates::str::contains("front matter"));
}

#[test]
fn a_session_page_is_titled_by_car_and_time_and_an_unknown_car_is_not_called_recognised() {
    let demo = Demo::new(3);
    build(&demo, &repo("templates")).success();
    let mut unknown_pages = 0;
    for e in fs::read_dir(demo.root().join("site/sessions")).unwrap() {
        let page = fs::read_to_string(e.unwrap().path()).unwrap();
        let h1 = page
            .split("<h1>")
            .nth(1)
            .unwrap()
            .split("</h1>")
            .next()
            .unwrap();
        assert!(
            h1.contains(" charging, ") && !h1.starts_with("Session"),
            "{h1}"
        );
        if page.contains("Unknown vehicle") {
            unknown_pages += 1;
            assert!(
                !page.contains("recognised by the classifier from the power curve"),
                "{page}"
            );
            assert!(page.contains("the classifier named no car"), "{page}");
        }
    }
    assert!(
        unknown_pages > 0,
        "the demo's guest car should give an unknown session"
    );
}
