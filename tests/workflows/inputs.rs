//! The "Run workflow" forms of `control.yml` and `charge.yml`: each input is checked as cph50
//! takes it, an input the chosen command does not take fails the run (never ignored), and
//! control runs take turns.

use super::*;

/// Runs the one `run:` step of `file`'s `job` with the form's `inputs` (a run by hand), no
/// ChargePoint reachable (so a check that lets a value through fails later, at cph50).
fn dispatch(file: &str, job: &str, inputs: &[(&str, &str)]) -> JobRun {
    let clone = tempfile::tempdir().unwrap();
    let tokens = tempfile::tempdir().unwrap();
    let mut values: BTreeMap<String, String> = inputs
        .iter()
        .map(|(k, v)| (format!("inputs.{k}"), (*v).to_owned()))
        .collect();
    values.insert("github.event_name".into(), "workflow_dispatch".into());
    for (k, v) in [
        ("CP_USERNAME", "driver@example.com"),
        ("CP_PASSWORD", "x"),
        ("CP_TOKEN_KEY", "k"),
    ] {
        values.insert(format!("secrets.{k}"), v.into());
    }
    let env = [
        (
            "CP_DISCOVERY_URL",
            "http://127.0.0.1:9/discovery".to_owned(),
        ),
        ("CPH50_HTTP_TIMEOUT", "200ms".to_owned()),
        (
            "CP_TOKEN_FILE",
            tokens.path().join("token.json").display().to_string(),
        ),
    ];
    run_job_full(file, job, clone.path(), &values, &env)
}

/// The `::error::` line of a run the form refused before cph50 ran, exit 2.
fn refused(run: &JobRun) -> String {
    assert!(run.failed, "{}", run.log());
    let (_, out) = run.steps.first().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", run.log());
    let log = text(out);
    assert!(
        !log.contains("error: "),
        "cph50 ran; the form should have refused:\n{log}"
    );
    log.lines()
        .find(|l| l.starts_with("::error::"))
        .unwrap_or_else(|| panic!("no ::error:: line:\n{log}"))
        .to_owned()
}

#[test]
fn control_refuses_an_input_its_command_does_not_take() {
    for (command, input, value) in [
        ("schedule", "weekday", "23:00-07:00"),
        ("schedule", "amps", "32"),
        ("schedule-off", "weekend", "00:00-06:00"),
        ("limit", "weekday", "23:00-07:00"),
        ("limit", "session_id", "42"),
        ("stop", "amps", "32"),
        ("schedule-set", "session_id", "42"),
    ] {
        let mut inputs = vec![("command", command), (input, value)];
        if command == "schedule-set" {
            inputs.extend([("weekday", "23:00-07:00"), ("weekend", "00:00-06:00")]);
        }
        let line = refused(&dispatch("control.yml", "control", &inputs));
        assert!(
            line.contains(&format!(
                "command {command} does not take the input {input}"
            )),
            "{command} + {input}: {line}"
        );
    }
}

#[test]
fn control_takes_windows_as_cph50_does() {
    // H:MM passes the form and reaches cph50 (which then finds no ChargePoint: exit 1)
    let run = dispatch(
        "control.yml",
        "control",
        &[
            ("command", "schedule-set"),
            ("weekday", "6:00-8:30"),
            ("weekend", "00:00-06:00"),
        ],
    );
    let (_, out) = run.steps.first().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", run.log());
    assert!(text(out).contains("error: "), "{}", run.log());
    for bad in ["00:00-24:00", "6:0-08:00", "noon", "06:00"] {
        let line = refused(&dispatch(
            "control.yml",
            "control",
            &[
                ("command", "schedule-set"),
                ("weekday", bad),
                ("weekend", "00:00-06:00"),
            ],
        ));
        assert!(
            line.contains("HH:MM-HH:MM") && line.contains("23:59"),
            "{bad}: {line}"
        );
    }
}

/// Two control runs take turns in one group of their own (not charge.yml's, so a stop never
/// waits behind a start that watches its session, and never displaces a daily start).
#[test]
fn control_runs_take_turns_in_a_group_of_their_own() {
    let job = &workflow("control.yml")["jobs"]["control"];
    assert_eq!(job["concurrency"]["group"].as_str(), Some("cph50-control"));
    assert_eq!(
        job["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    let charge = &workflow("charge.yml")["jobs"]["charge"]["concurrency"]["group"];
    assert!(
        !charge.as_str().unwrap().contains("cph50-control"),
        "{charge:?}"
    );
}

#[test]
fn charge_form_takes_the_durations_and_times_cph50_does() {
    // each passes the form and reaches cph50 (which prints its own error: line: no
    // ChargePoint, or a time too far away): the form refused none of them
    for (input, value) in [
        ("stop_for", "1h30m"),
        ("stop_for", "1h 30m"),
        ("stop_for", "90min"),
        ("stop_for", "1.5h"),
        ("stop_until", "6:30"),
    ] {
        let run = dispatch(
            "charge.yml",
            "charge",
            &[("start_now", "true"), (input, value)],
        );
        let (_, out) = run.steps.first().unwrap();
        let log = text(out);
        assert!(
            !log.contains("::error::stop_") && log.lines().any(|l| l.starts_with("error: ")),
            "{input}={value}: {}",
            run.log()
        );
    }
    for (input, value) in [("stop_for", "2 h; rm -rf"), ("stop_until", "6:3")] {
        let line = refused(&dispatch(
            "charge.yml",
            "charge",
            &[("start_now", "true"), (input, value)],
        ));
        assert!(line.contains(input), "{input}={value}: {line}");
    }
}

#[test]
fn charge_form_refuses_a_stop_without_start_now() {
    for (input, value) in [
        ("stop_for", "2h"),
        ("stop_until", "07:30"),
        ("max_kwh", "10"),
    ] {
        let line = refused(&dispatch(
            "charge.yml",
            "charge",
            &[("start_now", "false"), (input, value)],
        ));
        assert!(line.contains("tick start_now"), "{input}: {line}");
    }
}
