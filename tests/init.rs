//! `cph50 init` in a copy of the repository: what it removes, keeps and writes, by flags or on
//! a terminal, and that a second run changes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::gha::Scratch;
use crate::common::{cph50, snapshot};

fn crons_for(tz: chrono_tz::Tz, at: &str) -> Vec<String> {
    cph50::cron::DailyStart {
        tz,
        at: chrono::NaiveTime::parse_from_str(at, "%H:%M").unwrap(),
        grace: chrono::Duration::minutes(90),
    }
    .crons(cph50::cron::span_start(chrono::Utc::now()))
}

#[test]
fn init_without_a_terminal_needs_yes_and_changes_nothing() {
    let s = Scratch::new();
    let before = s.files();
    s.init()
        .args(["--tz", "Europe/Berlin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: init asks questions, but standard input is not a terminal",
        ))
        .stderr(predicate::str::contains("--yes"));
    assert_eq!(s.files(), before);
}

#[test]
fn init_replaces_the_demo_writes_config_and_crons_and_a_second_run_changes_nothing() {
    let s = Scratch::new();
    let out = s
        .init()
        .args(["--tz", "Europe/Berlin", "--start", "06:30", "--yes"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(s.data_names(), ["vehicle_config.json"]);
    let config = s.read("data/vehicle_config.json");
    assert!(
        config.contains("\"my_car\"") && config.contains("Placeholder written by cph50 init"),
        "{config}"
    );
    let toml = s.read("cph50.toml");
    for line in [
        "tz = \"Europe/Berlin\"",
        "start = \"06:30\"",
        "grace = \"90m\"",
    ] {
        assert!(toml.lines().any(|l| l == line), "{line} in\n{toml}");
    }
    assert_eq!(s.crons(), crons_for(chrono_tz::Europe::Berlin, "06:30"));
    // 06:30 CET/CEST is 05:30/04:30 UTC; runs 7, 37 and 67 minutes after either
    assert_eq!(s.crons(), ["37 4,5,6 * * *", "7 5,6 * * *"]);
    // the secrets by name, never a value; the key made by a command the user runs
    for line in [
        "gh secret set CP_USERNAME\n",
        "gh secret set CP_PASSWORD\n",
        "gh secret set CP_TOKEN_KEY --body \"$(openssl rand -hex 32)\"\n",
    ] {
        assert!(out.contains(line), "{line} in\n{out}");
    }
    assert!(
        out.contains("my_car: a placeholder; replace every value with your car's, or with CP_USERNAME and CP_PASSWORD set, `cph50 init --yes --vehicles` fills it from your account"),
        "{out}"
    );
    // where the runners cannot log in: login stores the key and the session together (a key
    // made by openssl is never seen, so a session sealed with it could not be made)
    assert!(
        out.contains("run `cph50 login --set-secrets` here")
            && out.contains("stores CP_TOKEN_KEY and CP_SESSION_SEALED together")
            && out.contains("README, \"Set up on GitHub\""),
        "{out}"
    );
    assert!(!out.contains("\"Set-up\""), "{out}");
    cph50(&s.root).arg("validate").assert().success();
    // the workflows run `cph50 charge` in the repository: it reads the config's start
    cph50(&s.root)
        .args(["charge"])
        .env("CPH50_NOW", "2026-01-10T05:10:00Z")
        .env("CP_USERNAME", "driver@example.com")
        .env("CP_TOKEN_FILE", s.root.join("../token.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("the daily start is at 06:30 CET"));

    let after = s.files();
    s.init()
        .args(["--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "zone Europe/Berlin (from cph50.toml)",
        ))
        .stdout(predicate::str::contains("nothing to change"));
    assert_eq!(s.files(), after, "a second init wrote something");
}

#[test]
fn init_never_deletes_data_of_your_own_without_replace_data() {
    let s = Scratch::new();
    let runs = s.root.join("data/runs.json");
    let text = fs::read_to_string(&runs).unwrap();
    let own = "{\n      \"run_id\": \"12345678901\",\n      \"date\": \"2025-07-31\",\n      \"time_utc\": \"14:07:00\",\n      \"time_pt\": \"06:07:00\",\n      \"result\": \"other\",\n      \"reason\": \"No vehicle plugged in\",\n      \"run_type\": \"scheduled\"\n    },\n    {";
    fs::write(
        &runs,
        text.replacen("\"runs\": [\n    {", &format!("\"runs\": [\n    {own}"), 1),
    )
    .unwrap();
    cph50(&s.root).arg("validate").assert().success();
    let data_before = snapshot(&s.root.join("data"));
    // in the demo's own zone (another zone is refused: the kept demo would stop validating)
    s.init()
        .args(["--tz", "America/Los_Angeles", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 runs of your own"))
        .stderr(predicate::str::contains("--replace-data"));
    assert_eq!(
        snapshot(&s.root.join("data")),
        data_before,
        "data/ was changed"
    );
    // asked to, it starts afresh
    s.init()
        .args(["--yes", "--replace-data"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "deleted everything in data/ (--replace-data)",
        ));
    assert_eq!(s.data_names(), ["vehicle_config.json"]);
}

#[test]
fn init_keeps_an_edited_vehicle_config_when_the_demo_goes() {
    let s = Scratch::new();
    let path = s.root.join("data/vehicle_config.json");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("\"Serenity\"", "\"Blue one\"");
    fs::write(&path, &edited).unwrap();
    s.init()
        .args(["--tz", "America/Chicago", "--yes", "--offline"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "kept your edited data/vehicle_config.json",
        ));
    assert_eq!(s.data_names(), ["vehicle_config.json"]);
    assert_eq!(fs::read_to_string(&path).unwrap(), edited);
}

#[test]
fn init_names_the_accounts_cars_and_writes_no_vin() {
    let sim = crate::common::sim::SimProcess::start(&["--scenario", "idle", "--speed", "0"]);
    let s = Scratch::new();
    let before: Vec<PathBuf> = s.files().into_iter().map(|(p, _)| p).collect();
    let tokens = tempfile::tempdir().unwrap();
    sim.cph50(&s.root)
        .env("CP_TOKEN_FILE", tokens.path().join("token.json"))
        .args(["init", "--tz", "America/Denver", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 car(s) from your ChargePoint account",
        ));
    let config: serde_json::Value =
        serde_json::from_str(&s.read("data/vehicle_config.json")).unwrap();
    let ids: Vec<&str> = config["vehicles"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        ids,
        ["chevrolet_equinox_ev_2024", "volvo_xc40_recharge_2021"]
    );
    let volvo = &config["vehicles"]["volvo_xc40_recharge_2021"];
    assert_eq!(volvo["make"], "Volvo");
    assert_eq!(volvo["model"], "XC40 Recharge");
    assert_eq!(volvo["year"], 2021);
    assert_eq!(volvo["max_charge_rate_kw"], 11.0);
    let text = s.read("data/vehicle_config.json").to_lowercase();
    assert!(!text.contains("vin") && !text.contains("image"), "{text}");
    cph50(&s.root).arg("validate").assert().success();
    // nothing of the login is left in the repository: the only new file is cph50.toml
    let added: Vec<PathBuf> = s
        .files()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| !before.contains(p))
        .collect();
    assert_eq!(added, [PathBuf::from("cph50.toml")]);
    // nor on the machine: no token file where the other commands keep the session
    assert!(
        !tokens.path().join("token.json").exists(),
        "init left a token file"
    );
}

#[test]
fn init_takes_this_machines_zone_when_no_tz_is_given() {
    let s = Scratch::new();
    // no data yet (the demo's is filed in Los Angeles time, which another zone refuses)
    fs::remove_dir_all(s.root.join("data")).unwrap();
    fs::create_dir(s.root.join("data")).unwrap();
    s.init()
        .args(["--yes", "--keep-data", "--offline"])
        .env("TZ", "Asia/Tokyo")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "zone Asia/Tokyo (this machine's zone",
        ));
    assert!(s.read("cph50.toml").contains("tz = \"Asia/Tokyo\""));
    assert_eq!(s.crons(), crons_for(chrono_tz::Asia::Tokyo, "06:00"));
    // --keep-data wrote only the placeholder car into the empty folder
    assert_eq!(s.data_names(), ["vehicle_config.json"]);
    // and --help says so, rather than a fixed default
    crate::common::cph50(&s.root)
        .args(["init", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "else this machine's zone when it can be read",
        ))
        .stdout(predicate::str::contains(
            "for init, this machine's zone comes before",
        ));
}

/// On a terminal (a pseudo-terminal made by util-linux `script`), init asks for the zone, the
/// start time and before it removes the demo data.
#[test]
fn init_asks_on_a_terminal() {
    if which("script").is_none() {
        eprintln!(
            "SKIPPED init_asks_on_a_terminal: util-linux `script` is not installed (it makes the pseudo-terminal)"
        );
        return;
    }
    let s = Scratch::new();
    let bin = env!("CARGO_BIN_EXE_cph50");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} init"), "/dev/null"])
        .current_dir(&s.root)
        .env_remove("CP_USERNAME")
        .env("TZ", "Europe/London")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"Europe/Paris\n07:45\ny\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Time zone of the charger (IANA name, e.g. Europe/Berlin) [Europe/London]:"),
        "{text}"
    );
    assert!(
        text.contains("Local time of the daily start (HH:MM) [06:00]:"),
        "{text}"
    );
    assert!(
        text.contains("is the demo data") && text.contains("Remove it? [Y/n]:"),
        "{text}"
    );
    let toml = s.read("cph50.toml");
    assert!(
        toml.contains("tz = \"Europe/Paris\"") && toml.contains("start = \"07:45\""),
        "{toml}"
    );
    // answered yes: the demo is gone (kept, it would not validate in Paris time)
    assert!(!s.root.join("data/runs.json").exists());
}

#[test]
fn a_bad_start_in_the_config_names_the_file_and_key() {
    let s = Scratch::new();
    fs::write(s.root.join("cph50.toml"), "start = \"25:00\"\n").unwrap();
    cph50(&s.root)
        .arg("charge")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: config file cph50.toml: start: \"25:00\" is not HH:MM",
        ));
    fs::write(s.root.join("cph50.toml"), "grace = \"1m\"\n").unwrap();
    cph50(&s.root)
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "grace: \"1m\" is outside 15m to 12h",
        ));
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| Path::new(p).is_file())
    })
}

#[test]
fn the_placeholder_car_is_replaced_by_init_vehicles_as_its_note_says() {
    let s = Scratch::new();
    s.init().args(["--tz", "UTC", "--yes"]).assert().success();
    assert!(s.read("data/vehicle_config.json").contains("\"my_car\""));
    let sim = crate::common::sim::SimProcess::start(&["--scenario", "idle", "--speed", "0"]);
    sim.cph50(&s.root)
        .env("CP_TOKEN_FILE", s.root.join("../token.json"))
        .args(["init", "--yes", "--vehicles"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 car(s) from your ChargePoint account",
        ));
    let config = s.read("data/vehicle_config.json");
    assert!(
        !config.contains("\"my_car\"") && config.contains("volvo_xc40_recharge_2021"),
        "{config}"
    );
}
