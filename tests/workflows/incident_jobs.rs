//! Jobs that report incidents (monitor, cache, check), keep the scheduled workflows enabled
//! (keepalive) and build the site for Pages, run for real against `cph50 sim` and a fake
//! GitHub (`common::github`) in a scratch fork with a bare origin.

use super::jobs::github;
use super::*;
use crate::common::github::FakeGitHub;
use crate::common::sim::SimProcess;

const NOW: &str = "2026-01-10T18:17:00Z";
const NEXT_DAY: &str = "2026-01-11T18:17:00Z";

/// Runs `job` of `file` against `sim` and `gh` at `now`.
fn job(
    file: &str,
    name: &str,
    clone: &Path,
    sim: &SimProcess,
    gh: &FakeGitHub,
    now: &str,
) -> JobRun {
    gh.set_now(now);
    let tokens = tempfile::tempdir().unwrap();
    let (mut values, mut env) = secrets(sim, tokens.path());
    github(gh, &mut values, &mut env);
    env.push(("CPH50_NOW", now.to_owned()));
    run_job_full(file, name, clone, &values, &env)
}

fn sim(scenario: &str, now: &str) -> SimProcess {
    SimProcess::start(&["--scenario", scenario, "--speed", "0", "--start", now])
}

/// A login blocked by bot protection: the poll fails, the login incident opens and the run
/// stays green, nothing is committed; the next good poll closes it. An unknown failure (nobody
/// answers) opens nothing and fails the run.
#[test]
fn monitor_reports_a_blocked_login_stays_green_and_closes_it_when_it_ends() {
    let (origin, clone) = fork_with_demo_data();
    let gh = FakeGitHub::start(NOW);
    let blocked = sim("captcha", NOW);
    let run = job("monitor.yml", "monitor", &clone, &blocked, &gh, NOW);
    assert!(!run.failed, "{}", run.log());
    assert_eq!(run.step("Poll the charger").status.code(), Some(1));
    assert_eq!(run.outcomes["steps.poll.outcome"], "failure");
    let open = gh.open_with("incident:login");
    assert_eq!(open.len(), 1, "{}", run.log());
    assert!(
        open[0].body.contains("Login blocked by bot protection")
            && open[0].body.contains("cph50 login")
            && open[0].body.contains("actions/runs/555"),
        "{}",
        open[0].body
    );
    assert_eq!(origin.log(), ["demo data", "seed"]);

    let idle = sim("idle", NEXT_DAY);
    let run = job("monitor.yml", "monitor", &clone, &idle, &gh, NEXT_DAY);
    assert!(!run.failed, "{}", run.log());
    assert!(gh.open_with("cph50-incident").is_empty(), "{}", run.log());
    let closed = &gh.issues()[0];
    assert!(!closed.open && closed.comments.last().unwrap().0.contains("logs in"));

    // nobody answers: not a known trouble, so the run is red and no issue is opened
    gh.set_now(NEXT_DAY);
    let tokens = tempfile::tempdir().unwrap();
    let (mut values, mut env) = secrets(&idle, tokens.path());
    github(&gh, &mut values, &mut env);
    env.retain(|(k, _)| *k != "CP_DISCOVERY_URL");
    env.push((
        "CP_DISCOVERY_URL",
        "http://127.0.0.1:1/discovery".to_owned(),
    ));
    env.push(("CPH50_HTTP_TIMEOUT", "200ms".to_owned()));
    let run = run_job_full("monitor.yml", "monitor", &clone, &values, &env);
    assert!(run.failed, "{}", run.log());
    assert!(
        text(run.step("Report incidents")).contains("not with a known kind of trouble"),
        "{}",
        run.log()
    );
    assert_eq!(gh.issues().len(), 1);
}

/// The cache job reports a blocked login the same way: green, one incident, nothing pushed.
#[test]
fn cache_reports_a_blocked_login_and_stays_green() {
    let (origin, clone) = fork_with_demo_data();
    let gh = FakeGitHub::start(NOW);
    let blocked = sim("captcha", NOW);
    let run = job("cache.yml", "cache", &clone, &blocked, &gh, NOW);
    assert!(!run.failed, "{}", run.log());
    assert_eq!(run.outcomes["steps.fetch.outcome"], "failure");
    assert_eq!(gh.open_with("incident:login").len(), 1);
    assert_eq!(origin.log(), ["demo data", "seed"]);
}

fn scheduled_run(name: &str, conclusion: &str, created: &str) -> serde_json::Value {
    serde_json::json!({
        "id": 1, "name": name, "path": format!(".github/workflows/{name}.yml"),
        "event": "schedule", "status": "completed", "conclusion": conclusion,
        "created_at": created, "html_url": format!("https://github.example/runs/{name}"),
    })
}

/// The nightly check finds an offline charger, a data file that does not validate and a
/// workflow whose scheduled runs all failed for a day: three incidents, a green run. The next
/// night all is well again and all three are closed.
#[test]
fn check_reports_offline_invalid_data_and_failing_runs_then_closes_them() {
    let (_origin, clone) = fork_with_demo_data();
    let gh = FakeGitHub::start(NOW);
    {
        let mut s = gh.state.lock().unwrap();
        for h in 1..=20 {
            s.runs.push(scheduled_run(
                "monitor",
                "failure",
                &format!("2026-01-10T{:02}:17:00Z", h - 1),
            ));
        }
        s.runs
            .push(scheduled_run("cache", "success", "2026-01-10T10:40:00Z"));
    }
    let caches: Vec<PathBuf> = fs::read_dir(clone.join("data/session_cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let good = fs::read_to_string(&caches[0]).unwrap();
    fs::write(
        &caches[0],
        good.replacen("\"energy_kwh\": ", "\"energy_kwh\": -", 1),
    )
    .unwrap();
    let offline = sim("offline", NOW);
    let run = job("check.yml", "check", &clone, &offline, &gh, NOW);
    assert!(!run.failed, "{}", run.log());
    for kind in ["offline", "data-invalid", "runs-failing"] {
        assert_eq!(
            gh.open_with(&format!("incident:{kind}")).len(),
            1,
            "{kind}: {}",
            run.log()
        );
    }
    assert!(gh.open_with("incident:login").is_empty());

    fs::write(&caches[0], good).unwrap();
    gh.state
        .lock()
        .unwrap()
        .runs
        .push(scheduled_run("monitor", "success", "2026-01-11T17:17:00Z"));
    let online = sim("idle", NEXT_DAY);
    let run = job("check.yml", "check", &clone, &online, &gh, NEXT_DAY);
    assert!(!run.failed, "{}", run.log());
    assert!(gh.open_with("cph50-incident").is_empty(), "{}", run.log());
    assert_eq!(gh.issues().len(), 3);
}

/// Once a month: the scheduled workflows of cph50 are enabled again through the REST API
/// (which restarts GitHub's 60-day count), except one turned off by hand; nothing is committed
/// (the job has no checkout at all).
#[test]
fn keepalive_enables_the_scheduled_workflows_without_a_commit() {
    let gh = FakeGitHub::start(NOW);
    {
        let mut s = gh.state.lock().unwrap();
        for (id, name, state) in [
            (11, "monitor", "active"),
            (12, "cache", "disabled_inactivity"),
            (13, "ci", "active"),
            (14, "check", "disabled_manually"),
            (15, "charge", "disabled_inactivity"),
            (16, "keepalive", "active"),
            (17, "pages", "active"),
        ] {
            s.workflows.push(serde_json::json!({
                "id": id, "name": name, "path": format!(".github/workflows/{name}.yml"),
                "state": state,
            }));
        }
    }
    let wf = workflow("keepalive.yml");
    assert!(
        job_steps(&wf["jobs"]["keepalive"])
            .iter()
            .all(|s| s.get("uses").is_none()),
        "no checkout, no commit"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut values = BTreeMap::new();
    let mut env = Vec::new();
    github(&gh, &mut values, &mut env);
    let run = run_job_full("keepalive.yml", "keepalive", dir.path(), &values, &env);
    assert!(!run.failed, "{}", run.log());
    assert_eq!(gh.state.lock().unwrap().enabled, [11, 12, 15, 16]);
    let log = run.log();
    assert!(
        log.contains("check.yml was turned off by hand") && log.contains("re-enabled 4"),
        "{log}"
    );
    assert!(
        !log.contains(crate::common::github::TOKEN),
        "the token was printed"
    );
    // GitHub refusing (a token without actions: write) fails the run
    let mut env: Vec<(&str, String)> = gh.env();
    env.retain(|(k, _)| *k != "GITHUB_TOKEN");
    values.insert("github.token".into(), "ghs_not-allowed".into());
    let run = run_job_full("keepalive.yml", "keepalive", dir.path(), &values, &env);
    assert!(run.failed, "{}", run.log());
}

/// The Pages build takes its base URL from configure-pages (a user site at the domain root
/// here, which `/$REPO_NAME/` got wrong), and where Pages is not set up it still builds and
/// commits the site, warns what to set, and skips the upload.
#[test]
fn pages_build_uses_the_pages_base_url_or_builds_without_deploying() {
    for (outcome, base_url, expect) in [
        (
            "success",
            "https://owner.github.io",
            Some("https://owner.github.io/"),
        ),
        ("failure", "", None),
    ] {
        let (origin, clone) = fork_with_demo_data();
        for dir in ["templates", "blog"] {
            let status = Command::new("cp")
                .arg("-r")
                .arg(root().join(dir))
                .arg(clone.join(dir))
                .status()
                .unwrap();
            assert!(status.success());
        }
        let mut values = BTreeMap::new();
        values.insert("steps.pages.outcome".to_owned(), outcome.to_owned());
        values.insert(
            "steps.pages.outputs.base_url".to_owned(),
            base_url.to_owned(),
        );
        let env = vec![("SOURCE_DATE_EPOCH", "1767225600".to_owned())];
        let run = run_job_full("pages.yml", "build", &clone, &values, &env);
        assert!(!run.failed, "{}", run.log());
        assert_eq!(origin.log()[0], "site: build");
        // the templates escape `/` in attributes as `&#x2F;`
        let feed = git_text(&origin.bare(), &["show", "main:site/feed.xml"]).replace("&#x2F;", "/");
        match expect {
            Some(url) => {
                assert!(feed.contains(&format!("<id>{url}feed.xml</id>")), "{feed}");
                assert_eq!(run.outcomes["steps.upload.outcome"], "success");
            }
            None => {
                assert!(
                    run.log().contains("GitHub Pages is not set up")
                        && run.log().contains("paid plan"),
                    "{}",
                    run.log()
                );
                assert_eq!(run.outcomes["steps.upload.outcome"], "skipped");
            }
        }
    }
}
