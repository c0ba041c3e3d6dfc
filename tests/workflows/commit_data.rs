//! `.github/scripts/commit-data.sh` against a local bare repository.

use super::*;

fn commit_data(clone: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join(".github/scripts/commit-data.sh"))
        .args(args)
        .current_dir(clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("COMMIT_RETRY_DELAY", "0")
        .env_remove("GITHUB_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

#[test]
fn commit_data_commits_only_data_changes() {
    let origin = Origin::new();
    let a = origin.clone("a");
    fs::write(a.join("data/a.json"), "{\"a\": 2}\n").unwrap();
    fs::create_dir_all(a.join("data/sessions")).unwrap();
    fs::write(a.join("data/sessions/1.json"), "{}\n").unwrap();
    // changes outside data/, one of them already staged: none may land
    fs::write(a.join("README.md"), "changed\n").unwrap();
    fs::write(a.join("stray.txt"), "x\n").unwrap();
    git(&a, &["add", "README.md"]);

    let out = commit_data(&a, &["data: session 1 started"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(origin.log(), ["data: session 1 started", "seed"]);
    assert_eq!(origin.head_files(), ["data/a.json", "data/sessions/1.json"]);
    // what was outside data/ is still there, uncommitted
    let status = git_text(&a, &["status", "--porcelain"]);
    assert!(
        status.contains("README.md") && status.contains("stray.txt"),
        "{status}"
    );
}

#[test]
fn commit_data_commits_nothing_when_nothing_changed() {
    let origin = Origin::new();
    let a = origin.clone("a");
    fs::write(a.join("README.md"), "changed outside data\n").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing to commit"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

#[test]
fn commit_data_rebases_after_a_concurrent_push() {
    let origin = Origin::new();
    let a = origin.clone("a");
    let b = origin.clone("b");
    // b pushes first (another data job)
    fs::write(b.join("data/b.json"), "{\"b\": 2}\n").unwrap();
    let out = commit_data(&b, &["data: cache 2026-01"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    // a's first push is rejected; it rebases and retries
    fs::write(a.join("data/a.json"), "{\"a\": 2}\n").unwrap();
    let out = commit_data(&a, &["data: monitor (charging)"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("rebasing"), "{}", text(&out));
    assert_eq!(
        origin.log(),
        ["data: monitor (charging)", "data: cache 2026-01", "seed"]
    );
    // linear history holding both changes
    let b_json = git_text(&origin.bare(), &["show", "main:data/b.json"]);
    let a_json = git_text(&origin.bare(), &["show", "main:data/a.json"]);
    assert_eq!(
        (a_json.as_str(), b_json.as_str()),
        ("{\"a\": 2}", "{\"b\": 2}")
    );
}

#[test]
fn commit_data_gives_up_after_bounded_retries() {
    let origin = Origin::new();
    let hook = origin.bare().join("hooks/pre-receive");
    fs::write(&hook, "#!/bin/sh\necho rejected by test >&2\nexit 1\n").unwrap();
    Command::new("chmod")
        .args(["+x"])
        .arg(&hook)
        .status()
        .unwrap();
    let a = origin.clone("a");
    fs::write(a.join("data/a.json"), "{\"a\": 3}\n").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[("COMMIT_RETRIES", "3")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("rejected 3 times"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

#[test]
fn commit_data_refuses_other_paths_and_token_files() {
    let origin = Origin::new();
    let a = origin.clone("a");
    for bad in [
        &["msg", "src"][..],
        &["msg", "."],
        &["msg", "data/../src"],
        &[""],
    ] {
        let out = commit_data(&a, bad, &[]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out));
    }
    fs::write(a.join("data/token.json"), "secret").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("token"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

/// Two jobs changed the same file: the rebase conflicts. With `COMMIT_REDO` this job's commit
/// is dropped, the redo runs on top of the other job's commit and its result is pushed; without
/// it the run fails and nothing of it lands.
#[test]
fn commit_data_redoes_the_write_on_a_conflict_or_gives_up_without_a_redo() {
    let origin = Origin::new();
    let a = origin.clone("a");
    let b = origin.clone("b");
    let c = origin.clone("c");
    fs::write(b.join("data/a.json"), "{\"a\": 1, \"b\": true}\n").unwrap();
    let out = commit_data(&b, &["data: label by b"], &[]);
    assert!(out.status.success(), "{}", text(&out));

    // c changed the same line: no redo, a conflict ends the run
    fs::write(a.join("data/a.json"), "{\"a\": 1, \"a_was_here\": true}\n").unwrap();
    fs::write(c.join("data/a.json"), "{\"a\": 1, \"c_was_here\": true}\n").unwrap();
    let out = commit_data(&c, &["data: label by c"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("conflict"), "{}", text(&out));
    assert_eq!(origin.log(), ["data: label by b", "seed"]);

    // with a redo that edits the file as it finds it, both changes land, in order
    let redo = "sed -i 's/}$/, \"a_was_here\": true}/' data/a.json";
    let out = commit_data(&a, &["data: label by a"], &[("COMMIT_REDO", redo)]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("redoing the write"), "{}", text(&out));
    assert_eq!(
        origin.log(),
        ["data: label by a", "data: label by b", "seed"]
    );
    assert_eq!(
        git_text(&origin.bare(), &["show", "main:data/a.json"]),
        "{\"a\": 1, \"b\": true, \"a_was_here\": true}"
    );
    // a redo that fails is named and ends the run
    let d = origin.clone("d");
    let e = origin.clone("e");
    fs::write(d.join("data/a.json"), "{\"d\": 1}\n").unwrap();
    fs::write(e.join("data/a.json"), "{\"e\": 1}\n").unwrap();
    assert!(commit_data(&d, &["data: d"], &[]).status.success());
    let out = commit_data(&e, &["data: e"], &[("COMMIT_REDO", "exit 3")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("the redo (COMMIT_REDO) failed"),
        "{}",
        text(&out)
    );
}
