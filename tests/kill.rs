//! 200 SIGKILLs at random instants of `cache` (against `cph50 sim`), `build`, `demo-data` and
//! `label`, 50 each, each after a random delay between 0 and the command's own uninterrupted
//! run time. After every kill: the data folder validates and every JSON file decodes, the site
//! (or demo folder) is exactly the old one or the new one, and every run that was not killed
//! succeeded (a leftover that blocks would fail it). At the end each command runs once more
//! and succeeds, and nothing is left beside the folders. `CPH50_KILL_SEED` replays a run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cph50::clock::Clock;
use cph50::store::Store;

use crate::common::kill_rng::Rng;
use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

const NOW: &str = "2026-10-20T18:00:00Z";
const KILLS_EACH: usize = 50;

/// What the kills found.
#[derive(Default)]
struct Tally {
    killed: usize,
    finished: usize,
    folders_checked: usize,
    old: usize,
    new: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Starts `cmd`, SIGKILLs it after `delay` unless it has ended, and records how it ended.
    fn run(&mut self, what: &str, cmd: &mut Command, delay: Duration) {
        use std::os::unix::process::ExitStatusExt;
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        match out.status.signal() {
            Some(9) => self.killed += 1,
            _ if out.status.success() => self.finished += 1,
            _ => self.failures.push(format!(
                "{what} after a kill failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }

    /// The data folder validates, and every JSON file in it decodes.
    fn check_data(&mut self, what: &str, data: &Path) {
        self.folders_checked += 1;
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, NOW.parse().unwrap());
        let report = cph50::validate::validate(&Store::new(data), &clock);
        for p in report.problems {
            self.failures.push(format!("{what}: {p}"));
        }
        for e in walkdir::WalkDir::new(data)
            .into_iter()
            .filter_map(Result::ok)
        {
            let name = e.file_name().to_string_lossy();
            if name.ends_with(".json") && !name.starts_with(".cph50-") {
                let bytes = fs::read(e.path()).unwrap();
                if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
                    self.failures
                        .push(format!("{what}: {} does not decode", e.path().display()));
                }
            }
        }
    }

    /// `folder` is exactly `old` or `new`.
    fn check_old_or_new(&mut self, what: &str, folder: &Path, old: &Snapshot, new: &Snapshot) {
        let now = snapshot(folder);
        if now == *old {
            self.old += 1;
        } else if now == *new {
            self.new += 1;
        } else {
            self.failures.push(format!(
                "{what}: {} is missing or neither old nor new ({} files)",
                folder.display(),
                now.len()
            ));
        }
    }
}

type Snapshot = Vec<(PathBuf, Vec<u8>)>;

/// How long `cmd` takes uninterrupted; it must succeed.
fn timed(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

fn std_cph50(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cph50"));
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767225600");
    cmd
}

fn build_cmd(root: &Path, data: &str) -> Command {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = std_cph50(root);
    cmd.args(["--data", data, "build", "--out", "site", "--templates"])
        .arg(repo.join("templates"))
        .arg("--blog")
        .arg(repo.join("tests/fixtures/blog_ok"));
    cmd
}

fn demo_cmd(root: &Path, seed: &str, out: &str) -> Command {
    let mut cmd = std_cph50(root);
    cmd.args([
        "demo-data",
        "--months",
        "1",
        "--seed",
        seed,
        "--out",
        out,
        "--force",
    ]);
    cmd
}

/// Entries beside the folders in `root` that are cph50's leftovers (lock files aside).
fn leftovers(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cph50-") && !n.ends_with(".lock"))
        .collect()
}

#[test]
fn killed_jobs_leave_valid_data_and_a_site_old_or_new() {
    let seed = std::env::var("CPH50_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    let started = Instant::now();
    let demo = Demo::new(2);
    let root = demo.root();
    let data = demo.data();

    // cache: every run has the sim's sessions to add, because the caches are put back first
    let sim = SimProcess::start(&["--speed", "0", "--start", NOW, "--history-days", "12"]);
    let pristine = snapshot(&data.join("session_cache"));
    let restore = || {
        for (rel, bytes) in &pristine {
            fs::write(data.join("session_cache").join(rel), bytes).unwrap();
        }
    };
    let cache = || {
        let mut cmd = sim.std_command(root);
        cmd.env("CPH50_NOW", NOW).args(["cache", "--current"]);
        cmd
    };
    let typical = timed(&mut cache());
    for _ in 0..KILLS_EACH {
        restore();
        t.run("cache", &mut cache(), rng.below(typical));
        t.check_data("after cache", &data);
    }
    let cache_time = typical;

    // label: a session with a session file and a cache entry, two cars in turn
    let id = demo.session_files()[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let cars = ["volvo_xc40_2021", "serenity_equinox_2024"];
    let label = |car: &str| {
        let mut cmd = std_cph50(root);
        cmd.args(["label", &id, car]);
        cmd
    };
    let typical = timed(&mut label(cars[0]));
    for i in 0..KILLS_EACH {
        t.run("label", &mut label(cars[i % 2]), rng.below(typical));
        t.check_data("after label", &data);
    }

    // build: from two data folders in turn, so every build changes the site
    timed(&mut demo_cmd(root, "43", "data2"));
    timed(&mut build_cmd(root, "data2"));
    let site = root.join("site");
    let from_data2 = snapshot(&site);
    let typical = timed(&mut build_cmd(root, "data"));
    let from_data = snapshot(&site);
    for i in 0..KILLS_EACH {
        let source = if i % 2 == 0 { "data2" } else { "data" };
        t.run("build", &mut build_cmd(root, source), rng.below(typical));
        t.check_old_or_new("after build", &site, &from_data, &from_data2);
    }

    // demo-data: two seeds in turn into one folder
    timed(&mut demo_cmd(root, "43", "demo43"));
    let seed43 = snapshot(&root.join("demo43"));
    let typical = timed(&mut demo_cmd(root, "42", "demo"));
    let seed42 = snapshot(&root.join("demo"));
    for i in 0..KILLS_EACH {
        let seed = if i % 2 == 0 { "43" } else { "42" };
        t.run(
            "demo-data",
            &mut demo_cmd(root, seed, "demo"),
            rng.below(typical),
        );
        t.check_old_or_new("after demo-data", &root.join("demo"), &seed42, &seed43);
        t.check_data("after demo-data", &root.join("demo"));
    }

    // nothing a killed run left stops the next one
    timed(&mut cache());
    timed(&mut label(cars[0]));
    timed(&mut build_cmd(root, "data"));
    timed(&mut demo_cmd(root, "42", "demo"));
    t.check_data("at the end", &data);
    let left = leftovers(root);
    let temp_files = walkdir::WalkDir::new(&data)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".cph50-"))
        .count();
    eprintln!(
        "kill test (CPH50_KILL_SEED={seed}): {} runs of cache, label, build and demo-data, \
         {} SIGKILLed mid-run, {} finished first (cache runs {:?} uninterrupted); \
         {} data folders checked, {} problems; site and demo folder after a kill: {} old, \
         {} new, {} other; {} leftovers beside the folders, {} interrupted writes in data/ \
         (skipped by readers, deleted once a minute old); {:.1} s",
        4 * KILLS_EACH,
        t.killed,
        t.finished,
        cache_time,
        t.folders_checked,
        t.failures.len(),
        t.old,
        t.new,
        2 * KILLS_EACH - t.old - t.new,
        left.len(),
        temp_files,
        started.elapsed().as_secs_f64()
    );
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
    assert!(left.is_empty(), "left beside the folders: {left:?}");
    assert!(t.killed >= KILLS_EACH, "too few runs were killed mid-run");
}
