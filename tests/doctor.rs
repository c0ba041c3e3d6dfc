//! `cph50 doctor` on copies of the repository: what it finds in the files, and what it reads
//! from GitHub through a fake `gh`.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::common::gha::Scratch;
use crate::common::{cph50, fake_gh};

/// A fake gh answering the calls doctor makes; `secrets` are listed as set, `workflow_state`
/// is charge.yml's state, `pages` the body of the Pages answer (empty for a 404).
struct GitHub<'a> {
    secrets: &'a [&'a str],
    visibility: &'a str,
    fork: bool,
    issues: bool,
    /// charge.yml's state; empty: `gh workflow list` fails; `none`: it lists no workflow.
    workflow_state: &'a str,
    pages: &'a str,
}

impl GitHub<'_> {
    /// A `bin` folder holding the fake, for PATH.
    fn install(&self, dir: &Path) -> String {
        let bin = dir.join("bin");
        fs::create_dir_all(&bin).unwrap();
        let secrets: String = self
            .secrets
            .iter()
            .map(|s| format!("{s}\t2026-01-01T00:00:00Z\n"))
            .collect();
        let workflows = if self.workflow_state.is_empty() {
            "echo 'HTTP 403: Resource not accessible by integration' >&2; exit 1".to_owned()
        } else if self.workflow_state == "none" {
            "echo '[]'".to_owned()
        } else {
            format!(
                r#"echo '[{{"name":"charge","path":".github/workflows/charge.yml","state":"{}"}},{{"name":"monitor","path":".github/workflows/monitor.yml","state":"active"}}]'"#,
                self.workflow_state
            )
        };
        let pages = if self.pages.is_empty() {
            "echo 'gh: Not Found (HTTP 404)' >&2; exit 1".to_owned()
        } else {
            format!("echo '{}'", self.pages)
        };
        fake_gh(
            &bin,
            &format!(
                r#"case "$*" in
  "auth status") exit 0 ;;
  "repo view --json nameWithOwner,visibility,isFork,hasIssuesEnabled") echo '{{"nameWithOwner":"me/charging","visibility":"{vis}","isFork":{fork},"hasIssuesEnabled":{issues}}}' ;;
  "secret list") printf '{secrets}' ;;
  "api repos/me/charging/actions/permissions") echo '{{"enabled":true}}' ;;
  "workflow list --all --json name,path,state") {workflows} ;;
  "api repos/me/charging/pages") {pages} ;;
  *) echo "fake gh: unexpected $*" >&2; exit 1 ;;
esac
"#,
                vis = self.visibility,
                fork = self.fork,
                issues = self.issues,
            ),
        );
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

fn doctor(s: &Scratch, path: &str) -> assert_cmd::Command {
    let mut cmd = cph50(&s.root);
    cmd.arg("doctor").env("PATH", path);
    cmd
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn doctor_on_the_template_says_to_run_init() {
    let s = Scratch::new();
    let a = cph50(&s.root)
        .args(["doctor", "--offline"])
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(out.contains("fix: no cph50.toml: the zone and the daily start are defaults (06:00 America/Los_Angeles); run `cph50 init`\n"), "{out}");
    assert!(out.contains("fix: data/ is the demo data ("), "{out}");
    // the shipped crons are right for the defaults
    assert!(
        out.contains(
            "ok: .github/workflows/charge.yml: at least two runs in the start window every day"
        ),
        "{out}"
    );
    a.stderr(predicate::str::starts_with(
        "error: doctor: 2 thing(s) to fix",
    ));
}

#[test]
fn doctor_after_init_with_everything_set_on_github_is_well() {
    let s = Scratch::new();
    s.init()
        .args(["--tz", "Europe/Berlin", "--yes"])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let path = GitHub {
        secrets: &["CP_PASSWORD", "CP_TOKEN_KEY", "CP_USERNAME"],
        visibility: "PUBLIC",
        fork: false,
        issues: true,
        workflow_state: "active",
        pages: r#"{"build_type":"workflow","html_url":"https://me.github.io/charging/"}"#,
    }
    .install(dir.path());
    let a = doctor(&s, &path).assert().success();
    let out = stdout(&a);
    for line in [
        "ok: cph50.toml: zone Europe/Berlin, daily start 06:00, grace 90 min\n",
        "ok: data/ is your own: 0 session(s) and 0 daily-start run(s) so far\n",
        "ok: .github/workflows/charge.yml: at least two runs in the start window every day, on both sides of DST: 06:00 Europe/Berlin (04:00 or 05:00 UTC)\n",
        "ok: me/charging is public: Actions minutes are free, and the data and the site are public\n",
        "ok: secrets set: CP_USERNAME, CP_TOKEN_KEY, CP_PASSWORD\n",
        "ok: all 2 workflows are enabled\n",
        "ok: Issues are enabled for me/charging: incidents are reported there\n",
        "ok: Pages is built by the workflows: https://me.github.io/charging/\n",
        "warn: data/vehicle_config.json still holds the placeholder car my_car: put your cars in it, or with CP_USERNAME and CP_PASSWORD set, `cph50 init --yes --vehicles` fills it from your account",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    assert!(
        out.lines().last().unwrap().starts_with("all well: "),
        "{out}"
    );
}

#[test]
fn doctor_gives_the_command_for_each_thing_github_lacks() {
    let s = Scratch::new();
    s.init()
        .args(["--tz", "Europe/London", "--yes"])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let path = GitHub {
        secrets: &["CP_USERNAME"],
        visibility: "PRIVATE",
        fork: true,
        issues: false,
        workflow_state: "disabled_inactivity",
        pages: "",
    }
    .install(dir.path());
    let a = doctor(&s, &path).assert().code(1);
    let out = stdout(&a);
    for line in [
        "fix: secret CP_TOKEN_KEY is not set (a long random key that encrypts the session kept between runs): gh secret set CP_TOKEN_KEY --body \"$(openssl rand -hex 32)\"\n",
        "fix: no secret gives the runners a session: gh secret set CP_PASSWORD (your password), or `cph50 login --set-secrets` on your own machine where bot protection blocks the runners\n",
        "fix: workflow charge is disabled_inactivity (GitHub stops scheduled workflows after 60 days without activity in the repository; the keepalive workflow prevents it once enabled): gh workflow enable charge.yml\n",
        "warn: Pages is not enabled for me/charging: on GitHub Free a private repository cannot have Pages, so the site is built and committed in site/ but not published; with a paid plan (Pro, Team or Enterprise): gh api -X POST repos/me/charging/pages -f build_type=workflow\n",
        "fix: Issues are disabled for me/charging (forks start without them): the workflows report an offline charger, a blocked login or failing runs as issues, and fail without them: gh repo edit me/charging --enable-issues\n",
        "warn: me/charging is a fork: GitHub runs no workflow of a fork until you enable them",
        "warn: me/charging is private: Pages of a private repository needs a paid plan",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    a.stderr(predicate::str::starts_with(
        "error: doctor: 4 thing(s) to fix",
    ));
}

#[test]
fn doctor_finds_crons_that_miss_the_configured_zone_until_init_rewrites_them() {
    let s = Scratch::new();
    s.init()
        .args(["--tz", "Europe/Berlin", "--yes"])
        .assert()
        .success();
    // the zone changed by hand: the crons still hold Berlin's 06:00
    let toml = s
        .read("cph50.toml")
        .replace("Europe/Berlin", "America/New_York");
    fs::write(s.root.join("cph50.toml"), toml).unwrap();
    let a = cph50(&s.root)
        .args(["doctor", "--offline"])
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(
        out.contains("fix: .github/workflows/charge.yml: no cron runs in the start window (06:00 America/New_York (10:00 or 11:00 UTC) + 90 min) on 731 of the next 731 days"),
        "{out}"
    );
    assert!(out.contains("run `cph50 init --yes`"), "{out}");
    s.init().args(["--yes"]).assert().success();
    cph50(&s.root)
        .args(["doctor", "--offline"])
        .assert()
        .success();
}

#[test]
fn doctor_reports_a_config_it_cannot_read_as_a_finding() {
    let s = Scratch::new();
    fs::write(s.root.join("cph50.toml"), "timezone = \"UTC\"\n").unwrap();
    let a = cph50(&s.root)
        .args(["doctor", "--offline"])
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(
        out.starts_with("fix: config file cph50.toml: unknown field `timezone`"),
        "{out}"
    );
    // a folder that is not there is bad usage
    cph50(&s.root)
        .args(["doctor", "--repo", "no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--repo no-such-folder: not a folder",
        ));
}

#[test]
fn doctor_says_when_it_cannot_ask_github() {
    let s = Scratch::new();
    s.init().args(["--tz", "UTC", "--yes"]).assert().success();
    // no gh on PATH at all
    let a = doctor(&s, "/nonexistent").assert().success();
    assert!(stdout(&a).contains("warn: cannot check the secrets, Actions and Pages: gh (GitHub's CLI) is not installed; check Settings"));
    // gh installed but not logged in
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fake_gh(
        &bin,
        "echo 'You are not logged into any GitHub hosts.' >&2; exit 1\n",
    );
    let a = doctor(&s, &bin.display().to_string()).assert().success();
    assert!(stdout(&a).contains("gh is not logged in (`gh auth login`)"));
}

#[test]
fn doctor_knows_the_shipped_pages_yml_and_warns_about_a_hard_coded_base_url() {
    let s = Scratch::new();
    s.init().args(["--tz", "UTC", "--yes"]).assert().success();
    let out = stdout(&cph50(&s.root).args(["doctor", "--offline"]).assert());
    assert!(
        out.contains(
            "ok: .github/workflows/pages.yml takes the site's base URL from configure-pages"
        ),
        "{out}"
    );
    let path = s.root.join(".github/workflows/pages.yml");
    let text = fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "cph50 build --out site --base-url \"$base\"",
        "cph50 build --out site --base-url /charging/",
    );
    let text = text.replace(
        "BASE_URL: ${{ steps.pages.outputs.base_url }}",
        "BASE_URL: /charging/",
    );
    fs::write(&path, text).unwrap();
    let out = stdout(&cph50(&s.root).args(["doctor", "--offline"]).assert());
    assert!(
        out.contains("warn: .github/workflows/pages.yml: `cph50 build --base-url` does not take configure-pages' `steps.pages.outputs.base_url`"),
        "{out}"
    );
}

#[test]
fn doctor_says_when_it_cannot_list_the_workflows_and_a_public_repo_without_pages_is_a_fix() {
    let s = Scratch::new();
    s.init().args(["--tz", "UTC", "--yes"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let path = GitHub {
        secrets: &["CP_PASSWORD", "CP_TOKEN_KEY", "CP_USERNAME"],
        visibility: "PUBLIC",
        fork: false,
        issues: true,
        workflow_state: "",
        pages: "",
    }
    .install(dir.path());
    let a = doctor(&s, &path).assert().code(1);
    let out = stdout(&a);
    for line in [
        "warn: cannot check the workflows: gh workflow list failed (HTTP 403: Resource not accessible by integration)",
        "fix: Pages is not enabled for me/charging: gh api -X POST repos/me/charging/pages -f build_type=workflow\n",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
}

#[test]
fn doctor_says_to_edit_a_bad_start_or_grace_which_init_cannot_mend() {
    let s = Scratch::new();
    for (line, says) in [
        (
            "start = \"25:00\"",
            "fix: config file cph50.toml: start: \"25:00\" is not HH:MM",
        ),
        (
            "grace = \"1m\"",
            "fix: config file cph50.toml: grace: \"1m\" is outside 15m to 12h",
        ),
    ] {
        fs::write(s.root.join("cph50.toml"), format!("tz = \"UTC\"\n{line}\n")).unwrap();
        let out = stdout(
            &cph50(&s.root)
                .args(["doctor", "--offline"])
                .assert()
                .code(1),
        );
        let found = out
            .lines()
            .find(|l| l.starts_with(says))
            .unwrap_or_else(|| panic!("{says} in\n{out}"));
        assert!(
            found.contains("edit it in cph50.toml: start is a local time HH:MM such as \"06:00\", grace a duration from 15m to 12h"),
            "{found}"
        );
        assert!(!found.contains("cph50 init"), "{found}");
        // what doctor no longer advises: init stops on the same key
        s.init().args(["--yes"]).assert().code(2);
    }
}

#[test]
fn a_short_grace_is_warned_by_init_and_doctor_says_to_raise_it() {
    let s = Scratch::new();
    s.init()
        .args(["--tz", "Europe/Berlin", "--grace", "30m", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: grace 30m leaves room for one cron run in the start window (7 min after the start)",
        ))
        .stderr(predicate::str::contains("a grace of 42m or more gives two"));
    let out = stdout(
        &cph50(&s.root)
            .args(["doctor", "--offline"])
            .assert()
            .success(),
    );
    assert!(
        out.contains("warn: .github/workflows/charge.yml: one cron run in the start window")
            && out.contains(
                "raise grace in cph50.toml to \"42m\" or more, then run `cph50 init --yes`"
            ),
        "{out}"
    );
    // the advice works: with that grace init writes two runs and doctor is content
    let toml = s
        .read("cph50.toml")
        .replace("grace = \"30m\"", "grace = \"42m\"");
    fs::write(s.root.join("cph50.toml"), toml).unwrap();
    s.init()
        .args(["--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: grace").not());
    let out = stdout(
        &cph50(&s.root)
            .args(["doctor", "--offline"])
            .assert()
            .success(),
    );
    assert!(
        out.contains(
            "ok: .github/workflows/charge.yml: at least two runs in the start window every day"
        ),
        "{out}"
    );
}

#[test]
fn doctor_of_another_folder_gives_commands_for_that_folder() {
    let s = Scratch::new();
    let parent = s.root.parent().unwrap();
    let a = cph50(parent)
        .args(["doctor", "--offline", "--repo", "repo"])
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(out.contains("run `cph50 init --repo repo`"), "{out}");
    assert!(!out.contains("run `cph50 init`"), "{out}");
}

// Run in a folder that is not a repository's root, doctor advised `cph50 init --repo …`,
// which refuses such a folder: one finding says where to run it instead.
#[test]
fn doctor_outside_a_repository_says_so_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = cph50(dir.path())
        .args(["doctor", "--offline"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with(
            "fix: .: not the root of a cph50 repository (no ./.github/workflows/charge.yml)"
        ),
        "{out}"
    );
    assert!(!out.contains("cph50 init"), "{out}");
}

// An empty workflow list (Actions off, or nothing pushed yet) printed no line at all.
#[test]
fn doctor_says_when_github_lists_no_workflow() {
    let s = Scratch::new();
    s.init().args(["--tz", "UTC", "--yes"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let path = GitHub {
        secrets: &["CP_PASSWORD", "CP_TOKEN_KEY", "CP_USERNAME"],
        visibility: "PUBLIC",
        fork: false,
        issues: true,
        workflow_state: "none",
        pages: "",
    }
    .install(dir.path());
    let out = stdout(&doctor(&s, &path).assert());
    assert!(
        out.contains("warn: gh workflow list shows no workflow: Actions may be off"),
        "{out}"
    );
}
