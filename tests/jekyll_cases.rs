//! Jekyll blogs that `cph50 build` used to get wrong, each found in the field and kept here as
//! its blog folder under `tests/fixtures/jekyll_cases/<case>/`, plus the kinds each stands for:
//! excerpt separators, Jekyll's date forms, posts dated in the future, permalink placeholders
//! and output collisions, tags that differ only in case, `_config.yml`, drafts, static files,
//! Liquid, and style attributes under the CSP.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::cph50;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jekyll_cases")
        .join(name)
        .join("blog")
}

/// A scratch folder with a data folder (the repository's vehicle configuration only).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("data")).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vehicle_config.json"),
        dir.path().join("data/vehicle_config.json"),
    )
    .unwrap();
    dir
}

/// `cph50 build --blog BLOG --out site` in `dir`, at 2026-06-01 (`CPH50_NOW`), plus `extra`.
fn build(dir: &Path, blog: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    cph50(dir)
        .env("CPH50_NOW", "2026-06-01T12:00:00Z")
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["build", "--out", "site", "--blog"])
        .arg(blog)
        .args(extra)
        .assert()
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join("site").join(rel)).unwrap_or_else(|e| panic!("site/{rel}: {e}"))
}

/// The text of the first `<tag ...>…</tag>` of `xml` inside each `<entry>`.
fn entries<'a>(feed: &'a str, tag: &str) -> Vec<&'a str> {
    feed.split("<entry>")
        .skip(1)
        .map(|e| {
            let start = e.find(&format!("<{tag}")).unwrap();
            let body = &e[start..];
            let open_end = body.find('>').unwrap() + 1;
            let close = body.find(&format!("</{tag}>")).unwrap();
            &body[open_end..close]
        })
        .collect()
}

/// XML text with the entities Tera writes decoded.
fn decoded(text: &str) -> String {
    text.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

// case excerpt-separator (found failing in the field)
#[test]
fn excerpt_separator_gives_everything_before_the_marker_on_the_index_and_in_the_feed() {
    let dir = scratch();
    build(dir.path(), &case("excerpt-separator"), &[]).success();
    let index = read(dir.path(), "blog/index.html");
    let feed = read(dir.path(), "feed.xml");
    let summary = entries(&feed, "summary")[0];
    for teaser in ["First paragraph", "Second paragraph"] {
        assert!(
            index.contains(teaser),
            "{teaser} not on the index:\n{index}"
        );
        assert!(
            summary.contains(teaser),
            "{teaser} not in the summary: {summary}"
        );
    }
    assert!(!index.contains("The rest of the post"), "{index}");
    assert!(!summary.contains("The rest of the post"), "{summary}");
}

#[test]
fn a_site_wide_excerpt_separator_comes_from_config_yml() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_config.yml",
        "excerpt_separator: \"<!-- cut -->\"\n",
    );
    write(
        &blog,
        "_posts/2026-01-10-a.md",
        "---\ntitle: A\n---\nOne.\n\nTwo.\n\n<!-- cut -->\n\nThree.\n",
    );
    build(dir.path(), &blog, &[]).success();
    let summary = entries(&read(dir.path(), "feed.xml"), "summary")[0].to_owned();
    assert!(
        summary.contains("One.") && summary.contains("Two."),
        "{summary}"
    );
    assert!(!summary.contains("Three."), "{summary}");
}

// case jekyll-date-fraction (found failing in the field)
#[test]
fn jekyll_date_fraction_builds_and_the_post_is_at_its_days_url() {
    let dir = scratch();
    build(dir.path(), &case("jekyll-date-fraction"), &[]).success();
    assert!(
        dir.path()
            .join("site/blog/2015/05/28/introducing-gotop.html")
            .is_file()
    );
    let feed = read(dir.path(), "feed.xml");
    // 23:23:39 -05:00 is 21:23:39 in the blog's zone (cph50's default, Los Angeles)
    assert_eq!(entries(&feed, "published"), ["2015-05-28T21:23:39-07:00"]);
}

#[test]
fn every_date_form_jekyll_reads_builds() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    for (i, date) in [
        "2015-05-28 23:23:39 UTC",
        "2015-05-28 23:23:39 PST",
        "2026-01-13T10:00",
        // unquoted, with seconds and no zone: a YAML timestamp, UTC (as Psych reads it)
        "2026-01-13 10:00:00.5",
        "'2015-05-28 23:23:39.00000000 -05:00'",
    ]
    .iter()
    .enumerate()
    {
        write(
            &blog,
            &format!("_posts/2015-05-28-p{i}.md"),
            &format!("---\ndate: {date}\n---\nx\n"),
        );
    }
    build(dir.path(), &blog, &[]).success();
    let feed = read(dir.path(), "feed.xml");
    let mut published = entries(&feed, "published");
    published.sort_unstable();
    assert_eq!(
        published,
        [
            "2015-05-28T16:23:39-07:00",
            "2015-05-28T21:23:39-07:00",
            "2015-05-29T00:23:39-07:00",
            "2026-01-13T02:00:00-08:00",
            "2026-01-13T10:00:00-08:00",
        ]
    );
    // a date that is not one names the file and the date
    write(
        &blog,
        "_posts/2026-02-01-bad.md",
        "---\ndate: next Tuesday\n---\nx\n",
    );
    build(dir.path(), &blog, &[])
        .failure()
        .code(1)
        .stderr(predicates::str::contains("2026-02-01-bad.md"))
        .stderr(predicates::str::contains("next Tuesday"));
}

// case jekyll-future-post (found failing in the field)
#[test]
fn jekyll_future_post_waits_for_its_date_unless_build_future() {
    let dir = scratch();
    let blog = case("jekyll-future-post");
    build(dir.path(), &blog, &[]).success();
    let feed = read(dir.path(), "feed.xml");
    for page in [
        feed.as_str(),
        &read(dir.path(), "blog/index.html"),
        &read(dir.path(), "sitemap.xml"),
    ] {
        assert!(
            !page.contains("Scheduled announcement") && !page.contains("scheduled-announcement"),
            "{page}"
        );
    }
    assert!(feed.contains("Today"), "{feed}");
    assert!(
        !dir.path()
            .join("site/blog/2099/01/01/scheduled-announcement.html")
            .exists()
    );
    build(dir.path(), &blog, &["--future"]).success();
    assert!(
        dir.path()
            .join("site/blog/2099/01/01/scheduled-announcement.html")
            .is_file()
    );
    assert!(read(dir.path(), "feed.xml").contains("Scheduled announcement"));
}

#[test]
fn drafts_are_published_only_with_build_drafts() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_drafts/an-idea.md",
        "---\ntitle: An idea\ndate: 2026-05-01\n---\nSoon.\n",
    );
    build(dir.path(), &blog, &[]).success();
    assert!(!read(dir.path(), "blog/index.html").contains("An idea"));
    build(dir.path(), &blog, &["--drafts"]).success();
    assert!(read(dir.path(), "blog/index.html").contains("An idea"));
    assert!(
        dir.path()
            .join("site/blog/2026/05/01/an-idea.html")
            .is_file()
    );
}

// case permalink-slug-placeholder (found failing in the field)
#[test]
fn permalink_slug_placeholder_fills_slug_title_and_output_ext() {
    let dir = scratch();
    build(dir.path(), &case("permalink-slug-placeholder"), &[]).success();
    for (file, h1) in [
        ("blog/2026/first/index.html", "First"),
        ("blog/2026/second/index.html", "Second"),
        ("blog/2026/third.html", "Third"),
    ] {
        assert!(
            read(dir.path(), file).contains(&format!("<h1>{h1}</h1>")),
            "{file}"
        );
    }
    let mut written = Vec::new();
    for e in walkdir::WalkDir::new(dir.path().join("site/blog")) {
        let e = e.unwrap();
        written.push(e.path().display().to_string());
    }
    assert!(!written.iter().any(|p| p.contains(':')), "{written:?}");
}

#[test]
fn two_posts_with_one_url_or_an_unknown_placeholder_stop_the_build_naming_the_files() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_posts/2026-01-10-a.md",
        "---\npermalink: /same/\n---\nA\n",
    );
    build(dir.path(), &blog, &[]).success();
    write(
        &blog,
        "_posts/2026-01-11-b.md",
        "---\npermalink: /same/\n---\nB\n",
    );
    build(dir.path(), &blog, &[])
        .failure()
        .code(1)
        .stderr(predicates::str::contains("2026-01-10-a.md"))
        .stderr(predicates::str::contains("2026-01-11-b.md"))
        .stderr(predicates::str::contains("/same/"));
    // the previous site is kept, A's page in it
    assert!(read(dir.path(), "blog/same/index.html").contains(">A</p>"));
    fs::remove_file(blog.join("_posts/2026-01-11-b.md")).unwrap();
    write(
        &blog,
        "_posts/2026-01-12-c.md",
        "---\npermalink: /:year/:nope/\n---\nC\n",
    );
    build(dir.path(), &blog, &[])
        .failure()
        .code(1)
        .stderr(predicates::str::contains("2026-01-12-c.md"))
        .stderr(predicates::str::contains(":nope"));
}

// case tag-case-collision (found failing in the field)
#[test]
fn tag_case_collision_merges_both_posts_on_one_tag_page() {
    let dir = scratch();
    build(dir.path(), &case("tag-case-collision"), &[]).success();
    let page = read(dir.path(), "blog/tags/milk.html");
    assert!(
        page.contains("Upper post") && page.contains("Lower post"),
        "{page}"
    );
    let tags: Vec<_> = fs::read_dir(dir.path().join("site/blog/tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(tags.len(), 1, "{tags:?}");
}

#[test]
fn config_yml_sets_the_zone_permalinks_urls_title_and_static_files() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_config.yml",
        "title: Driveway notes\nurl: https://example.github.io\nbaseurl: /logbook\ntimezone: Asia/Tokyo\npermalink: pretty\nexclude: [private]\ntheme: minima\n",
    );
    write(
        &blog,
        "_posts/2026-01-10-first.md",
        "---\ntags: [2026, ev]\n---\nHello {{ site.title }}, see ![c]({{ '/assets/c.svg' | relative_url }}).\n",
    );
    write(
        &blog,
        "assets/c.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(&blog, "private/secret.txt", "no");
    let out = build(dir.path(), &blog, &["--blog-path", "/"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("theme"),
        "the ignored key is named: {stderr}"
    );
    // a date-less post is midnight in the `timezone` of _config.yml
    let feed = read(dir.path(), "feed.xml");
    assert_eq!(entries(&feed, "published"), ["2026-01-10T00:00:00+09:00"]);
    assert_eq!(
        entries(&feed, "id")
            .iter()
            .map(|t| decoded(t))
            .collect::<Vec<_>>(),
        ["https://example.github.io/logbook/2026/01/10/first"]
    );
    assert!(
        feed.contains("<title type=\"html\">Driveway notes</title>"),
        "{feed}"
    );
    let post = read(dir.path(), "2026/01/10/first/index.html");
    assert!(post.contains("Hello Driveway notes"), "{post}");
    assert!(post.contains("src=\"/logbook/assets/c.svg\""), "{post}");
    assert!(dir.path().join("site/assets/c.svg").is_file());
    assert!(!dir.path().join("site/private").exists());
    assert!(read(dir.path(), "blog/tags/2026.html").contains("First"));
    let sitemap = decoded(&read(dir.path(), "sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://example.github.io/logbook/2026/01/10/first/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn a_post_with_style_attributes_keeps_them_and_the_csp_allows_exactly_those() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_posts/2026-01-10-styled.md",
        "---\ntitle: Styled\n---\n<p style=\"color: green\" onclick=\"alert(1)\">Green</p>\n",
    );
    build(dir.path(), &blog, &[]).success();
    let page = read(dir.path(), "blog/2026/01/10/styled.html");
    assert!(page.contains("style=\"color: green\""), "{page}");
    assert!(!page.contains("onclick"), "{page}");
    let csp = page
        .split("Content-Security-Policy\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(csp.contains("'unsafe-hashes'"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    // sha256 of `color: green`
    use sha2::Digest;
    let digest = sha2::Sha256::digest(b"color: green");
    let hash = base64_of(&digest);
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
}

fn base64_of(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn blog_path_in_cph50_toml_moves_the_posts_and_the_flag_wins() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_posts/2026-01-10-first.md",
        "---\npermalink: /:year/:slug/\n---\nHi\n",
    );
    fs::write(dir.path().join("cph50.toml"), "blog_path = \"/\"\n").unwrap();
    build(dir.path(), &blog, &[]).success();
    assert!(dir.path().join("site/2026/first/index.html").is_file());
    build(dir.path(), &blog, &["--blog-path", "notes"]).success();
    assert!(
        dir.path()
            .join("site/notes/2026/first/index.html")
            .is_file()
    );
    fs::write(dir.path().join("cph50.toml"), "blog_path = \"../up\"\n").unwrap();
    build(dir.path(), &blog, &[])
        .failure()
        .code(2)
        .stderr(predicates::str::contains("blog_path"));
}

#[test]
fn a_post_at_one_of_cph50s_own_urls_stops_the_build_and_a_file_there_is_left_out_by_name() {
    for url in [
        "/feed.xml",
        "/sitemap.xml",
        "/blog/",
        "/blog/tags/ok.html",
        "/data/sessions.csv",
        "/assets/site.css",
        "/index.html",
    ] {
        let dir = scratch();
        let blog = dir.path().join("blog");
        write(
            &blog,
            "_posts/2026-01-10-x.md",
            &format!("---\ntags: [ok]\npermalink: {url}\n---\nX\n"),
        );
        build(dir.path(), &blog, &["--blog-path", "/"])
            .failure()
            .code(1)
            .stderr(predicates::str::contains("2026-01-10-x.md"))
            .stderr(predicates::str::contains(format!("its URL {url}")));
    }
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(&blog, "_posts/2026-01-10-x.md", "---\ntitle: X\n---\nX\n");
    write(&blog, "feed.xml", "<rss>mine</rss>");
    write(&blog, "history.html", "<p>mine</p>");
    let out = build(dir.path(), &blog, &["--blog-path", "/"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for file in ["feed.xml", "history.html"] {
        assert!(
            stderr.contains(&format!("the site already has {file}; left out")),
            "{stderr}"
        );
    }
    assert!(read(dir.path(), "feed.xml").contains("<entry>"));
}

#[test]
fn a_blog_folder_that_is_not_there_symlinks_and_category_post_folders_are_named() {
    let dir = scratch();
    build(dir.path(), &dir.path().join("no-such-blog"), &[])
        .failure()
        .code(2)
        .stderr(predicates::str::contains("--blog"))
        .stderr(predicates::str::contains("no-such-blog"));
    let blog = dir.path().join("blog");
    write(&blog, "_posts/2026-01-10-a.md", "---\ntitle: A\n---\nA\n");
    write(
        &blog,
        "news/_posts/2026-01-11-b.md",
        "---\ntitle: B\n---\nB\n",
    );
    write(&blog, "shared/logo.txt", "logo");
    #[cfg(unix)]
    std::os::unix::fs::symlink("shared/logo.txt", blog.join("logo.txt")).unwrap();
    let out = build(dir.path(), &blog, &[]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("news/_posts") && stderr.contains("not read"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert!(
        stderr.contains("logo.txt: a symbolic link; left out"),
        "{stderr}"
    );
}

#[test]
fn feed_ids_are_percent_encoded_authors_kept_and_a_repeated_hour_is_the_later_one() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_config.yml",
        "url: https://example.org\ntimezone: America/New_York\nauthor: {name: Pat, email: pat@example.org}\n",
    );
    write(
        &blog,
        "_posts/2024-10-10-título-ñ.md",
        "---\ntitle: T\n---\nx\n",
    );
    write(
        &blog,
        "_posts/2023-11-05-fall-back.md",
        "---\ntitle: F\nauthor: Sam\ndate: \"2023-11-05 01:30:00\"\n---\nx\n",
    );
    build(dir.path(), &blog, &["--blog-path", "/"]).success();
    let feed = read(dir.path(), "feed.xml");
    let ids: Vec<String> = entries(&feed, "id").iter().map(|t| decoded(t)).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/2024/10/10/t%C3%ADtulo-%C3%B1",
            "https://example.org/2023/11/05/fall-back"
        ]
    );
    // Ruby reads 01:30 on the fall-back night as the second one, in standard time
    assert_eq!(entries(&feed, "published")[1], "2023-11-05T01:30:00-05:00");
    assert!(
        feed.contains("<author><name>Pat</name><email>pat@example.org</email></author>"),
        "{feed}"
    );
    assert!(feed.contains("<author><name>Sam</name></author>"), "{feed}");
}

#[test]
fn dated_drafts_odd_tags_excerpt_styles_and_bad_urls_are_handled_as_jekyll_or_refused() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_drafts/2020-01-01-named-draft.md",
        "---\ntitle: D\n---\nd\n",
    );
    write(
        &blog,
        "_posts/2026-01-10-s.md",
        "---\ntitle: S\ntags: [\"\", \"..\", ok]\n---\n<p style=\"color: red\">Red</p>\n",
    );
    let out = build(dir.path(), &blog, &["--drafts"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    // a draft's name may carry its date, as in Jekyll
    assert!(
        dir.path()
            .join("site/blog/2020/01/01/named-draft.html")
            .is_file()
    );
    assert!(
        stderr.contains("tags: \"..\" cannot name a tag page"),
        "{stderr}"
    );
    let post = read(dir.path(), "blog/2026/01/10/s.html");
    assert!(!post.contains("tags/.html"), "{post}");
    // the index shows the excerpt's style, so its CSP allows it
    let index = read(dir.path(), "blog/index.html");
    assert!(
        index.contains("style=\"color: red\"") && index.contains("'unsafe-hashes'"),
        "{index}"
    );
    for bad in [
        ["--base-url", "pat.example.com"],
        ["--base-url", "https://x/?q=1"],
        ["--blog-path", "index.html"],
        ["--blog-path", "?x"],
    ] {
        build(dir.path(), &blog, &bad)
            .failure()
            .code(2)
            .stderr(predicates::str::contains(if bad[1] == "index.html" {
                "blog path"
            } else {
                bad[0]
            }));
    }
}

#[test]
fn liquid_errors_are_one_line_with_the_files_line_and_a_looping_include_is_an_error() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_posts/2026-01-10-x.md",
        "---\ntitle: X\n---\nOne.\n\n{% if page.title %}\nunclosed\n",
    );
    let out = build(dir.path(), &blog, &[]).failure().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or("");
    assert!(
        line.contains("2026-01-10-x.md") && line.contains("Liquid: line 8: Unclosed block"),
        "{stderr}"
    );
    assert!(
        !line.contains("\\n") && !line.contains("liquid: "),
        "{stderr}"
    );
    fs::remove_file(blog.join("_posts/2026-01-10-x.md")).unwrap();
    write(&blog, "_includes/a.html", "{% include b.html %}");
    write(&blog, "_includes/b.html", "{% include a.html %}");
    write(
        &blog,
        "_posts/2026-01-10-y.md",
        "---\ntitle: Y\n---\n{% include a.html %}\n",
    );
    build(dir.path(), &blog, &[])
        .failure()
        .code(1)
        .stderr(predicates::str::contains("2026-01-10-y.md"))
        .stderr(predicates::str::contains("includes nest more than 64 deep"));
}

#[test]
fn neighbours_excerpts_as_written_and_a_folder_of_cph50s_file() {
    let dir = scratch();
    let blog = dir.path().join("blog");
    write(
        &blog,
        "_posts/2026-01-01-a.md",
        "---\ntitle: Alpha\n---\nA\n",
    );
    write(
        &blog,
        "_posts/2026-01-02-b.md",
        "---\ntitle: Bravo\nexcerpt: \"X {{ page.title }} *em*\"\n---\n[{{ page.previous.title }}|{{ page.next.title }}|{{ page.next.url }}]\n",
    );
    write(
        &blog,
        "_posts/2026-01-03-c.md",
        "---\ntitle: Charlie\n---\nC\n",
    );
    build(dir.path(), &blog, &[]).success();
    let b = read(dir.path(), "blog/2026/01/02/b.html");
    assert!(b.contains("[Alpha|Charlie|/2026/01/03/c.html]"), "{b}");
    // an excerpt from the front matter is text as written: no Liquid in it
    let index = read(dir.path(), "blog/index.html");
    assert!(index.contains("X {{ page.title }} <em>em</em>"), "{index}");
    write(
        &blog,
        "_posts/2026-01-04-d.md",
        "---\npermalink: /feed.xml/\n---\nD\n",
    );
    build(dir.path(), &blog, &["--blog-path", "/"])
        .failure()
        .code(1)
        .stderr(predicates::str::contains(
            "its URL /feed.xml/ is cph50's own feed.xml",
        ));
}
