//! SIGKILLs of `cph50 archive` and `cph50 archive --restore` at random instants (each after a
//! random delay between 0 and the command's own uninterrupted run time). After every kill the
//! data validates and the store reads every session with the same bytes as before, none twice
//! (a month with both its folder and its archive is read from the archive); at the end a run
//! finishes the job, restoring every month gives the data folder back byte for byte, and no
//! staging folder is left. `CPH50_KILL_SEED` replays a run.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cph50::clock::Clock;
use cph50::store::Store;

use crate::common::kill_rng::Rng;
use crate::common::{Demo, snapshot};

const NOW: &str = "2026-10-20T18:00:00Z";
const KILLS_EACH: usize = 12;

fn cph50(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cph50"));
    cmd.current_dir(root)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .env("CPH50_NOW", NOW)
        .args(args);
    cmd
}

/// Runs `cmd`, SIGKILLs it after `delay` unless it ended; a run that ended must have succeeded.
fn kill_after(cmd: &mut Command, delay: Duration) -> bool {
    use std::os::unix::process::ExitStatusExt;
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let killed = out.status.signal() == Some(9);
    assert!(
        killed || out.status.success(),
        "a run that was not killed failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    killed
}

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

/// Every session as the store reads it: id -> bytes; no problem, no id twice.
fn sessions(data: &Path, what: &str) -> BTreeMap<String, Vec<u8>> {
    let store = Store::new(data);
    let (found, problems) = store.discover_sessions();
    assert!(problems.is_empty(), "{what}: {problems:?}");
    let mut seen = BTreeMap::new();
    for f in found {
        let bytes = store.read_bytes(&f.path).unwrap().unwrap();
        let id = f.id.unwrap().to_string();
        assert!(
            seen.insert(id.clone(), bytes).is_none(),
            "{what}: {id} read twice"
        );
    }
    let clock = Clock::fixed(chrono_tz::America::Los_Angeles, NOW.parse().unwrap());
    let report = cph50::validate::validate(&store, &clock);
    assert!(report.problems.is_empty(), "{what}: {:?}", report.problems);
    seen
}

fn archived(data: &Path) -> Vec<String> {
    let (_, archives) = Store::new(data).session_months().unwrap();
    archives.iter().map(ToString::to_string).collect()
}

#[test]
fn killed_archive_and_restore_runs_lose_nothing_and_count_nothing_twice() {
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
    let demo = Demo::new(12);
    let (root, data) = (demo.root(), demo.data());
    let before = snapshot(&data);
    let original = sessions(&data, "before");
    let pack = ["archive", "--older-than", "0months"];
    let typical = timed(&mut cph50(root, &pack));
    let months = archived(&data);
    let restore_time = timed(&mut cph50(root, &["archive", "--restore", &months[0]]));
    let mut killed = 0;
    for i in 0..KILLS_EACH {
        killed += usize::from(kill_after(&mut cph50(root, &pack), rng.below(typical)));
        assert_eq!(
            sessions(&data, "after a killed archive"),
            original,
            "seed {seed}, {i}"
        );
        let now = archived(&data);
        if let Some(month) = (!now.is_empty()).then(|| rng.pick(&now).clone()) {
            let mut cmd = cph50(root, &["archive", "--restore", &month]);
            killed += usize::from(kill_after(&mut cmd, rng.below(restore_time * 2)));
            assert_eq!(
                sessions(&data, "after a killed restore"),
                original,
                "seed {seed}"
            );
        }
    }
    assert!(killed > 0, "seed {seed}: no run was killed");
    assert!(
        cph50(root, &pack).status().unwrap().success(),
        "seed {seed}"
    );
    assert_eq!(archived(&data), months, "seed {seed}");
    for month in &months {
        let ok = cph50(root, &["archive", "--restore", month])
            .status()
            .unwrap();
        assert!(ok.success(), "seed {seed}: restore {month}");
    }
    // a killed atomic write leaves a `.cph50-XXXXXX.tmp` that readers skip and the lock's
    // tidy-up deletes once a minute old; a staging folder must be gone
    let (temp, after): (Vec<_>, Vec<_>) = snapshot(&data)
        .into_iter()
        .partition(|(p, _)| p.to_string_lossy().contains(".cph50-"));
    for (p, _) in &temp {
        let name = p.file_name().unwrap().to_string_lossy();
        assert!(
            name.ends_with(".tmp")
                && p.parent()
                    .unwrap()
                    .file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with(".cph50-")),
            "seed {seed}: left behind: {}",
            p.display()
        );
    }
    assert!(
        after == before,
        "seed {seed}: the data folder differs after a full restore"
    );
}
