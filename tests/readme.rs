//! The README's quick start is what CI and a new user run: its commands must exist, and its
//! test command must be the one `.ci/run` runs.

use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect(name)
}

/// The lines of the README's first ```sh block after the "Quick start" heading.
fn quick_start() -> Vec<String> {
    let readme = read("README.md");
    let after = readme
        .split("## Quick start")
        .nth(1)
        .expect("a Quick start section");
    let block = after
        .split("```sh")
        .nth(1)
        .expect("a sh block")
        .split("```")
        .next()
        .unwrap();
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn quick_start_is_two_commands_and_ci_runs_the_test_one() {
    let commands = quick_start();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(
        commands[0].starts_with("cargo run --release -- "),
        "{}",
        commands[0]
    );
    let ci = read(".ci/run");
    assert!(
        ci.contains(&commands[1]),
        ".ci/run does not run {:?}",
        commands[1]
    );
}

#[test]
fn quick_start_run_command_is_a_real_command() {
    let commands = quick_start();
    let sub = commands[0]
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let help = assert_cmd::Command::cargo_bin("cph50")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.lines().any(|l| l.trim_start().starts_with(&sub)),
        "{sub} not in --help:\n{help}"
    );
}

#[test]
fn readme_documents_the_demo_seed_that_reproduces_data() {
    let readme = read("README.md");
    assert!(
        readme.contains("demo-data --seed 42 --months 15"),
        "README must give the command that made data/"
    );
}
