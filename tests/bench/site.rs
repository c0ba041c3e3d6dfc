//! `cargo bench --bench site`: what `cph50 build` costs, and what the history page costs a
//! visitor.
//!
//! Prints, for `cph50 demo-data --months 120` plus 100 generated Markdown posts: the wall time
//! and peak memory (maximum resident set size) of a full build with the release binary; the
//! same 100 posts built by cph50 (empty data folder), Hugo and Jekyll, side by side as ratios
//! (each skipped when not installed; `.ci/run` does not install them); and, for the history
//! page of that site in headless Chromium (`tests/browser/bench.mjs`), the requests, gzip bytes
//! (page load, "Previous", all three levels) and time to the first chart. Not a test: it
//! asserts nothing, it measures. `CPH50_BENCH_ONLY=browser` builds the site once and runs only
//! the Chromium part.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POSTS: usize = 100;
const BUILD_RUNS: usize = 5;
const BLOG_RUNS: usize = 3;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn cph50(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cph50"));
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdout(Stdio::null());
    cmd
}

/// Runs `cmd` to completion: wall time, or `None` when it fails.
fn timed(cmd: &mut Command) -> Option<Duration> {
    summary_timed(cmd).map(|(elapsed, _)| elapsed)
}

/// Runs `cmd` to completion: wall time and its summary line (stdout), or `None` when it fails.
fn summary_timed(cmd: &mut Command) -> Option<(Duration, String)> {
    let started = Instant::now();
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        println!(
            "  ! {:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    Some((
        elapsed,
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    ))
}

/// `12 files written, 0 removed` (or `nothing changed, nothing written`) of a build's summary.
fn written_part(line: &str) -> &str {
    line.rsplit_once("; ")
        .map_or(line, |(_, w)| w.trim_end_matches(')'))
}

/// Peak resident memory (kB) of `cmd`: `/usr/bin/time -v` when present, else the child's
/// `VmHWM` read from `/proc/<pid>/status` until it exits (a lower bound).
fn peak_kb(cmd: &Command) -> Option<u64> {
    let rebuild = |program: &std::ffi::OsStr, prefix: &[&std::ffi::OsStr]| {
        let mut c = Command::new(program);
        c.args(prefix).arg(cmd.get_program()).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            c.current_dir(dir);
        }
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    };
    if Path::new("/usr/bin/time").exists() {
        let out = rebuild("/usr/bin/time".as_ref(), &["-v".as_ref()])
            .stdout(Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stderr);
        return text
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse().ok());
    }
    let mut child = rebuild(cmd.get_program(), &[])
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().ok()?.is_none() {
        if let Ok(text) = fs::read_to_string(&status) {
            if let Some(kb) = text.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            }) {
                peak = peak.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Some(peak)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 100 posts in Jekyll's form: front matter with offset dates, tags, categories; headings, a
/// list, a table, a code block, a footnote and a link each.
fn write_posts(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    let tags = ["data", "charging", "ev", "github", "rust", "energy", "cost"];
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for i in 0..POSTS {
        let date = start + chrono::Days::new(3 * i as u64);
        let slug = format!("note-{i:03}");
        let mut body = String::new();
        writeln!(
            body,
            "---\nlayout: post\ntitle: \"Charging note {i}\"\ndate: {date}T20:{:02}:00-08:00\ntags: [{}, {}]\ncategories: [notes]\n---\n",
            i % 60,
            tags[i % tags.len()],
            tags[(i * 3 + 1) % tags.len()]
        )
        .unwrap();
        for section in 0..6 {
            writeln!(body, "## Part {section} of note {i}\n").unwrap();
            for p in 0..3 {
                writeln!(
                    body,
                    "The charger delivered **{} kWh** in session {p} of part {section}, which is \
                     about {} miles for a car that does 2.4 miles per kWh. The *schedule* ran \
                     on time, the [logbook](https://example.com/{slug}) kept every sample, \
                     and the cost stayed under ~~the old rate~~ the new one.[^{section}{p}]\n",
                    10 + (i + p) % 40,
                    (24 + (i + p) % 96)
                )
                .unwrap();
            }
            body.push_str("- first item\n- second item with `code`\n- [x] a done task\n\n");
            body.push_str("| day | kWh | cost |\n|---|---:|---:|\n");
            for d in 1..=5 {
                writeln!(
                    body,
                    "| {d} | {}.{} | {}.{:02} |",
                    d * 3,
                    i % 10,
                    d,
                    i % 100
                )
                .unwrap();
            }
            body.push_str("\n```rust\nfn main() {\n    println!(\"kWh: {}\", 12.5);\n}\n```\n\n");
            for p in 0..3 {
                writeln!(body, "[^{section}{p}]: Footnote {p} of part {section}.").unwrap();
            }
            body.push('\n');
        }
        fs::write(dir.join(format!("{date}-{slug}.md")), body).unwrap();
    }
}

/// Writes a generator's site around the posts: `(site dir, posts dir)`.
type MakeSite = fn(&Path, &Path);

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn installed(program: &str, version_arg: &str) -> Option<String> {
    let out = Command::new(program).arg(version_arg).output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned()
    })
}

/// A minimal Jekyll site around the posts: a layout for posts and an index listing them.
fn jekyll_site(dir: &Path, posts: &Path) {
    copy_dir(posts, &dir.join("_posts"));
    fs::create_dir_all(dir.join("_layouts")).unwrap();
    fs::write(
        dir.join("_config.yml"),
        "title: bench\nmarkdown: kramdown\nexclude: [out]\n",
    )
    .unwrap();
    fs::write(
        dir.join("_layouts/default.html"),
        "<!doctype html><html><head><title>{{ page.title }}</title></head><body>{{ content }}</body></html>\n",
    )
    .unwrap();
    fs::write(
        dir.join("_layouts/post.html"),
        "---\nlayout: default\n---\n<article><h1>{{ page.title }}</h1><p>{{ page.date | date_to_string }} · {{ page.tags | join: \", \" }}</p>{{ content }}</article>\n",
    )
    .unwrap();
    fs::write(
        dir.join("index.html"),
        "---\nlayout: default\n---\n<ul>{% for post in site.posts %}<li><a href=\"{{ post.url }}\">{{ post.title }}</a> {{ post.excerpt }}</li>{% endfor %}</ul>\n",
    )
    .unwrap();
}

/// A minimal Hugo site around the posts: single, list and home layouts.
fn hugo_site(dir: &Path, posts: &Path) {
    copy_dir(posts, &dir.join("content/posts"));
    let layouts = dir.join("layouts/_default");
    fs::create_dir_all(&layouts).unwrap();
    fs::write(
        dir.join("config.toml"),
        "baseURL = \"http://example.com/\"\ntitle = \"bench\"\n",
    )
    .unwrap();
    let single = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><article><h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }} · {{ delimit .Params.tags \", \" }}</p>{{ .Content }}</article></body></html>\n";
    fs::write(layouts.join("single.html"), single).unwrap();
    fs::write(layouts.join("post.html"), single).unwrap();
    let list = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul></body></html>\n";
    fs::write(layouts.join("list.html"), list).unwrap();
    fs::write(dir.join("layouts/index.html"), list).unwrap();
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    let templates = repo("templates");
    println!(
        "cph50 build benchmark (release binary, {} cores)\n",
        cores()
    );

    // The 10-year data set and 100 posts.
    let started = Instant::now();
    cph50(root)
        .args(["demo-data", "--months", "120", "--out", "data"])
        .status()
        .expect("demo-data runs");
    let sessions: usize = walkdir::WalkDir::new(root.join("data/sessions"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    println!(
        "data: `cph50 demo-data --months 120`: {sessions} session files ({:.0} ms); {POSTS} generated posts",
        ms(started.elapsed())
    );
    let posts = root.join("blog/_posts");
    write_posts(&posts);
    // `CPH50_BENCH_ONLY=browser`: one build, then only the history page in Chromium
    if std::env::var("CPH50_BENCH_ONLY").is_ok_and(|v| v == "browser") {
        let mut build = cph50(root);
        build
            .args(["build", "--out", "site", "--blog", "blog", "--templates"])
            .arg(&templates);
        if timed(&mut build).is_none() {
            println!("build failed");
            return;
        }
        history_in_chromium(root);
        return;
    }

    // A full build.
    let mut build = cph50(root);
    build
        .args(["build", "--out", "site", "--blog", "blog", "--templates"])
        .arg(&templates);
    // a full build each time: the previous site removed first (a rebuild writes only what changed)
    let times: Vec<Duration> = (0..BUILD_RUNS)
        .filter_map(|_| {
            let _ = fs::remove_dir_all(root.join("site"));
            timed(&mut build)
        })
        .collect();
    let _ = fs::remove_dir_all(root.join("site"));
    let peak = peak_kb(&build);
    let (files, bytes) = walkdir::WalkDir::new(root.join("site"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| {
            (n + 1, b + e.metadata().map(|m| m.len()).unwrap_or(0))
        });
    if times.is_empty() {
        println!("full build failed");
        return;
    }
    let mut sorted = times.clone();
    sorted.sort();
    println!(
        "\nfull `cph50 build` ({sessions} sessions + {POSTS} posts -> {files} files, {:.1} MB):",
        bytes as f64 / 1e6
    );
    println!(
        "  wall time  median {:.0} ms over {} runs (min {:.0}, max {:.0})   goal <= 1000 ms",
        ms(median(times.clone())),
        times.len(),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1])
    );
    match peak {
        Some(kb) => println!(
            "  peak RSS   {:.1} MB                                goal <= 200 MB",
            kb as f64 / 1024.0
        ),
        None => println!("  peak RSS   not measured"),
    }

    // Rebuilds: nothing new, then one new session (the newest held out of the first build).
    let no_change: Vec<(Duration, String)> = (0..BUILD_RUNS)
        .filter_map(|_| summary_timed(&mut build))
        .collect();
    if let Some((_, line)) = no_change.last() {
        println!(
            "  rebuild, nothing new      median {:.0} ms over {} runs   ({})",
            ms(median(no_change.iter().map(|(d, _)| *d).collect())),
            no_change.len(),
            written_part(line)
        );
    }
    let newest = walkdir::WalkDir::new(root.join("data/sessions"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .max()
        .expect("a session file");
    let held = root.join("held-session.json");
    let mut one_new: Vec<(Duration, String)> = Vec::new();
    for _ in 0..BLOG_RUNS {
        fs::rename(&newest, &held).expect("hold the newest session out");
        let _ = summary_timed(&mut build);
        fs::rename(&held, &newest).expect("put it back");
        if let Some(run) = summary_timed(&mut build) {
            one_new.push(run);
        }
    }
    if let Some((_, line)) = one_new.last() {
        println!(
            "  rebuild, one new session  median {:.0} ms over {} runs   ({})   goal <= about 15 files",
            ms(median(one_new.iter().map(|(d, _)| *d).collect())),
            one_new.len(),
            written_part(line)
        );
    }

    // The same 100 posts by cph50 (no sessions), Hugo and Jekyll.
    println!("\nthe same {POSTS} posts, median of {BLOG_RUNS} cold builds:");
    fs::create_dir_all(root.join("empty/data")).unwrap();
    let mut blog_only = cph50(&root.join("empty"));
    blog_only
        .args(["build", "--out", "site", "--blog"])
        .arg(root.join("blog"))
        .arg("--templates")
        .arg(&templates);
    let ours = median(
        (0..BLOG_RUNS)
            .filter_map(|_| timed(&mut blog_only))
            .collect(),
    );
    println!(
        "  {:<8} {:>9.0} ms   1.00        (cph50 {})",
        "cph50",
        ms(ours),
        env!("CARGO_PKG_VERSION")
    );
    let others: [(&str, &str, MakeSite); 2] = [
        ("hugo", "version", hugo_site),
        ("jekyll", "--version", jekyll_site),
    ];
    for (name, version_arg, make) in others {
        let Some(version) = installed(name, version_arg) else {
            println!("  {name:<8} not installed, skipped");
            continue;
        };
        let dir = root.join(name);
        make(&dir, &posts);
        let out = dir.join("out");
        let mut times = Vec::new();
        for _ in 0..BLOG_RUNS {
            let _ = fs::remove_dir_all(&out);
            let _ = fs::remove_dir_all(dir.join(".jekyll-cache"));
            let _ = fs::remove_dir_all(dir.join("resources"));
            let mut cmd = Command::new(name);
            if name == "hugo" {
                cmd.arg("--quiet").arg("--source").arg(&dir);
                cmd.arg("--destination").arg(&out);
            } else {
                cmd.args(["build", "--quiet", "--source"]).arg(&dir);
                cmd.arg("--destination").arg(&out);
            }
            if let Some(t) = timed(&mut cmd) {
                times.push(t);
            }
        }
        if times.is_empty() {
            continue;
        }
        let theirs = median(times);
        println!(
            "  {name:<8} {:>9.0} ms   {:>5.2}x      ({version}; cph50 is {:.1}x faster)",
            ms(theirs),
            ms(theirs) / ms(ours),
            ms(theirs) / ms(ours)
        );
    }

    history_in_chromium(root);
}

/// The history page of the site in `root/site` in headless Chromium (tests/browser/bench.mjs):
/// requests, gzip and raw bytes (page load, "Previous", all three levels), time to the first
/// chart.
fn history_in_chromium(root: &Path) {
    println!("\nhistory.html of the 10-year site in headless Chromium (tests/browser/bench.mjs):");
    let browser = repo("tests/browser");
    if !browser.join("node_modules/playwright-core").is_dir() {
        println!("  skipped: run `npm ci` in tests/browser");
        return;
    }
    let out = Command::new("node")
        .arg(browser.join("bench.mjs"))
        .arg(root.join("site"))
        .arg("5")
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            println!(
                "  failed: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            return;
        }
        Err(e) => {
            println!("  skipped: node: {e}");
            return;
        }
    };
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bench.mjs prints JSON");
    let list = |v: &serde_json::Value| {
        v["urls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (label, key) in [
        ("page load", "load"),
        ("load + \"Previous\" month", "interaction"),
        ("all three levels (day, month, year)", "levels"),
    ] {
        let v = &r[key];
        println!(
            "  {label}: {} requests, {:.1} KB gzip ({:.1} KB raw): {}",
            v["requests"],
            v["gzip_bytes"].as_f64().unwrap() / 1024.0,
            v["bytes"].as_f64().unwrap() / 1024.0,
            list(v)
        );
    }
    let f = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
    println!(
        "  time to first chart: median {:.0} ms (first contentful paint {:.0} ms); redraw after \"Previous\": median {:.0} ms; {} runs",
        f("first_chart_median_ms"),
        f("fcp_median_ms"),
        f("redraw_median_ms"),
        r["runs"]
    );
    println!(
        "  goals: all three levels <= 150 KB gzip, <= 300 ms to the first chart, <= 4 requests for load + \"Previous\""
    );
    let errors = r["errors"].as_array().map_or(0, Vec::len);
    if errors > 0 {
        println!("  page errors: {}", r["errors"]);
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
