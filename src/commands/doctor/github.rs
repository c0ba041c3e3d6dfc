//! What `doctor` asks GitHub through its CLI `gh`, when it is installed and logged in: the
//! secrets by name (`gh secret list` never shows a value), the repository (fork, visibility),
//! whether Actions are on and any workflow is disabled, and how Pages is built.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use super::Report;
use crate::commands::setup::{LOGIN_SECRETS, SECRETS, gh_secret_line};

/// Runs `gh <args>` in `root`; `None` when gh cannot be started, else its stdout or stderr.
fn gh(root: &Path, args: &[&str]) -> Option<Result<String, String>> {
    let out = Command::new("gh")
        .args(args)
        .current_dir(root)
        .env("GH_PROMPT_DISABLED", "1")
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    let text = |b: &[u8]| crate::text::printable(String::from_utf8_lossy(b).trim());
    Some(if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(text(&out.stderr))
    })
}

/// `gh repo view --json ...`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RepoView {
    name_with_owner: String,
    visibility: String,
    is_fork: bool,
    /// `None` when gh does not say.
    #[serde(default)]
    has_issues_enabled: Option<bool>,
}

/// One entry of `gh workflow list --json ...`.
#[derive(Debug, Deserialize)]
struct WorkflowState {
    name: String,
    path: String,
    state: String,
}

/// The checks that need GitHub; a warning that says so when `gh` cannot answer.
pub fn check(root: &Path, report: &mut Report) {
    let manual = "check Settings → Secrets and variables → Actions for CP_USERNAME, CP_TOKEN_KEY and CP_PASSWORD (or CP_SESSION_SEALED), and Settings → Pages for Source \"GitHub Actions\"";
    match gh(root, &["auth", "status"]) {
        None => {
            report.warn(format!(
                "cannot check the secrets, Actions and Pages: gh (GitHub's CLI) is not installed; {manual}"
            ));
            return;
        }
        Some(Err(_)) => {
            report.warn(format!(
                "cannot check the secrets, Actions and Pages: gh is not logged in (`gh auth login`); {manual}"
            ));
            return;
        }
        Some(Ok(_)) => {}
    }
    let view = match gh(
        root,
        &[
            "repo",
            "view",
            "--json",
            "nameWithOwner,visibility,isFork,hasIssuesEnabled",
        ],
    ) {
        Some(Ok(json)) => serde_json::from_str::<RepoView>(&json).ok(),
        _ => None,
    };
    let Some(view) = view else {
        report.warn(format!(
            "gh cannot tell which GitHub repository this is (no GitHub remote?); {manual}"
        ));
        return;
    };
    check_repo(&view, report);
    check_secrets(root, report);
    check_actions(root, &view.name_with_owner, report);
    check_pages_site(root, &view, report);
}

fn check_repo(view: &RepoView, report: &mut Report) {
    let name = &view.name_with_owner;
    if view.is_fork {
        report.warn(format!(
            "{name} is a fork: GitHub runs no workflow of a fork until you enable them (Actions tab → \"I understand my workflows, go ahead and enable them\"), and a fork of a public repository is always public, with your charging history; a repository made from the template (\"Use this template\") can be private"
        ));
    }
    if view.visibility.eq_ignore_ascii_case("public") {
        report.ok(format!(
            "{name} is public: Actions minutes are free, and the data and the site are public"
        ));
    } else {
        report.warn(format!(
            "{name} is {}: Pages of a private repository needs a paid plan (GitHub Pro, Team or Enterprise), and Actions minutes count against the plan's quota (README, \"Costs\")",
            view.visibility.to_ascii_lowercase()
        ));
    }
    match view.has_issues_enabled {
        Some(false) => report.fix(format!(
            "Issues are disabled for {name}{}: the workflows report an offline charger, a blocked login or failing runs as issues, and fail without them: gh repo edit {name} --enable-issues",
            if view.is_fork { " (forks start without them)" } else { "" }
        )),
        Some(true) => report.ok(format!(
            "Issues are enabled for {name}: incidents are reported there"
        )),
        None => {}
    }
}

fn check_secrets(root: &Path, report: &mut Report) {
    let names: Vec<String> = match gh(root, &["secret", "list"]) {
        Some(Ok(list)) => list
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_owned)
            .collect(),
        Some(Err(e)) => {
            report.warn(format!(
                "cannot list the secrets ({e}); check Settings → Secrets and variables → Actions"
            ));
            return;
        }
        None => return,
    };
    let has = |n: &str| names.iter().any(|s| s == n);
    for spec in SECRETS.iter().filter(|s| s.required) {
        if !has(spec.name) {
            report.fix(format!(
                "secret {} is not set ({}): {}",
                spec.name,
                spec.what,
                gh_secret_line(spec.name, "")
            ));
        }
    }
    if !LOGIN_SECRETS.iter().any(|n| has(n)) {
        report.fix(format!(
            "no secret gives the runners a session: {} (your password), or `cph50 login --set-secrets` on your own machine where bot protection blocks the runners",
            gh_secret_line("CP_PASSWORD", "")
        ));
    }
    let present: Vec<&str> = SECRETS.iter().map(|s| s.name).filter(|n| has(n)).collect();
    if !present.is_empty() {
        report.ok(format!("secrets set: {}", present.join(", ")));
    }
}

fn check_actions(root: &Path, name: &str, report: &mut Report) {
    let path = format!("repos/{name}/actions/permissions");
    if let Some(Ok(json)) = gh(root, &["api", &path]) {
        let enabled = serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .and_then(|v| v.get("enabled").and_then(serde_json::Value::as_bool));
        if enabled == Some(false) {
            report.fix(format!(
                "Actions are disabled for {name}: gh api -X PUT {path} -F enabled=true"
            ));
            return;
        }
    }
    let list = gh(
        root,
        &["workflow", "list", "--all", "--json", "name,path,state"],
    );
    let json = match list {
        Some(Ok(json)) => json,
        Some(Err(e)) => {
            report.warn(format!(
                "cannot check the workflows: gh workflow list failed ({e}); look at the Actions tab for disabled workflows"
            ));
            return;
        }
        None => return,
    };
    let states = match serde_json::from_str::<Vec<WorkflowState>>(&json) {
        Ok(states) => states,
        Err(e) => {
            report.warn(format!(
                "cannot check the workflows: gh workflow list answered what cph50 cannot read ({e}); look at the Actions tab for disabled workflows"
            ));
            return;
        }
    };
    let mut disabled = 0;
    for w in states.iter().filter(|w| w.state != "active") {
        disabled += 1;
        let file = Path::new(&w.path)
            .file_name()
            .map_or_else(|| w.name.clone(), |f| f.to_string_lossy().into_owned());
        let why = match w.state.as_str() {
            "disabled_inactivity" => {
                " (GitHub stops scheduled workflows after 60 days without activity in the repository; the keepalive workflow prevents it once enabled)"
            }
            "disabled_fork" => " (workflows of a fork start disabled)",
            _ => "",
        };
        report.fix(format!(
            "workflow {} is {}{why}: gh workflow enable {file}",
            w.name, w.state
        ));
    }
    if states.is_empty() {
        report.warn(
            "gh workflow list shows no workflow: Actions may be off or the workflows not pushed yet; look at the Actions tab".to_owned(),
        );
    } else if disabled == 0 {
        report.ok(format!("all {} workflows are enabled", states.len()));
    }
}

fn check_pages_site(root: &Path, view: &RepoView, report: &mut Report) {
    let name = &view.name_with_owner;
    let path = format!("repos/{name}/pages");
    match gh(root, &["api", &path]) {
        Some(Ok(json)) => {
            let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            let build = v.get("build_type").and_then(serde_json::Value::as_str);
            let url = v
                .get("html_url")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("");
            if build == Some("workflow") {
                report.ok(format!("Pages is built by the workflows: {url}"));
            } else {
                report.fix(format!(
                    "Pages is built from a branch, not by pages.yml: gh api -X PUT {path} -f build_type=workflow"
                ));
            }
        }
        Some(Err(e)) if e.contains("404") || e.contains("Not Found") => {
            let enable = format!("gh api -X POST {path} -f build_type=workflow");
            if view.visibility.eq_ignore_ascii_case("public") {
                report.fix(format!("Pages is not enabled for {name}: {enable}"));
            } else {
                // GitHub Free has no Pages for private repositories; the site is still built
                // and committed in site/
                report.warn(format!(
                    "Pages is not enabled for {name}: on GitHub Free a private repository cannot have Pages, so the site is built and committed in site/ but not published; with a paid plan (Pro, Team or Enterprise): {enable}"
                ));
            }
        }
        Some(Err(e)) => report.warn(format!("cannot read the Pages settings: {e}")),
        None => {}
    }
}
