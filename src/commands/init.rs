//! `cph50 init`: sets a new repository up in one command. It removes the demo data (never a
//! folder with the user's own sessions or runs, unless `--replace-data`), writes
//! `cph50.toml`, fills `vehicle_config.json` from the account (or writes a placeholder car),
//! rewrites the crons of `charge.yml` for the zone and start time, and prints the secrets to
//! set. Interactive on a terminal; complete by flags with `--yes`. A second run with the same
//! answers changes nothing.

mod plan;
mod prompt;

use std::io::IsTerminal;
use std::time::Duration;

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::setup::data::{self, DataState};
use super::setup::{self, CHARGE_WORKFLOW, Repo};
use crate::cli::{GlobalArgs, InitArgs};
use crate::clock::DEFAULT_TZ;
use crate::cron::{self, DailyStart};
use crate::error::{Error, Result, SettingsError};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;
use prompt::Prompter;

/// What to do with the data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataPlan {
    /// Leave it as it is (add `vehicle_config.json` if it has none).
    Keep,
    /// Swap in a fresh folder holding only `vehicle_config.json`.
    Fresh,
}

/// The answers `init` works with.
#[derive(Debug, Clone)]
struct Answers {
    tz: Tz,
    tz_source: &'static str,
    start: NaiveTime,
    grace: Duration,
    data: DataPlan,
}

/// The zone of this machine: `TZ` when it is an IANA name, else the system's setting.
pub fn machine_zone() -> Option<Tz> {
    let from_env = crate::settings::env("TZ")
        .and_then(|v| crate::clock::parse_tz(v.trim_start_matches(':')).ok());
    from_env.or_else(|| {
        iana_time_zone::get_timezone()
            .ok()
            .and_then(|n| crate::clock::parse_tz(&n).ok())
    })
}

/// Runs `cph50 init`.
///
/// # Errors
/// [`Error::Usage`] (exit 2) when questions would be needed but stdin is not a terminal and
/// `--yes` is not given, or after three unusable answers; [`SettingsError::Flags`] for a
/// `--repo` that is not a folder; the config file's error when `cph50.toml` cannot be read;
/// [`Error::Io`] (exit 1) naming the file or folder that cannot be written.
pub fn run(settings: &Settings, out: &Output, args: &InitArgs, global: &GlobalArgs) -> Result<()> {
    let repo = Repo::open(&args.repo, global.data.as_deref())?;
    let charge = repo.workflow(CHARGE_WORKFLOW);
    if !charge.is_file() {
        return Err(SettingsError::Flags(format!(
            "--repo {}: not a cph50 repository (no {}); give the root of a repository made from cph50's template",
            args.repo.display(),
            repo.shown(&charge)
        ))
        .into());
    }
    let interactive = !args.yes && std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        return Err(Error::Usage(
            "init asks questions, but standard input is not a terminal: run it in a terminal, or add --yes (with --tz and --start) to take the flags and defaults".into(),
        ));
    }
    let store = Store::new(&repo.data);
    let state = data::inspect(&store);
    let answers = if interactive {
        let stdin = std::io::stdin();
        let mut p = Prompter::new(stdin.lock(), std::io::stderr());
        answer(&repo, &state, args, global, Some(&mut p))?
    } else {
        answer::<std::io::Empty, std::io::Sink>(&repo, &state, args, global, None)?
    };
    refuse_zone_change_over_own_sessions(&repo, &state, &answers)?;
    refuse_zone_change(&repo, &store, &state, &answers)?;
    if answers.data == DataPlan::Fresh && matches!(state, DataState::Own { .. }) {
        refuse_foreign(&repo, &store)?;
    }
    let daily = DailyStart {
        tz: answers.tz,
        at: answers.start,
        grace: chrono::Duration::from_std(answers.grace).unwrap_or(chrono::Duration::minutes(90)),
    };
    // everything is checked and worked out first: a failure leaves the repository unchanged
    let plan = plan::make(settings, &repo, &store, &state, &answers, args, &daily, out)?;
    plan::apply(&plan, &repo, &store)?;
    warn_if_kept_data_is_invalid(&repo, &store, &state, &answers, out)?;
    if let Some(two) = daily.grace_for_two_runs() {
        out.diag(&format!(
            "warning: grace {} leaves room for one cron run in the start window ({} min after the start): a late or dropped run skips the day; a grace of {}m or more gives two (--grace, or grace in cph50.toml)",
            grace_text(answers.grace),
            daily.run_offsets().iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
            two.num_minutes()
        ));
    }
    print_summary(&repo, &answers, &daily, settings, out, &plan.done)
}

/// The zone, start time and data plan: flags, then `cph50.toml`, then the questions (on a
/// terminal) or the defaults (`--yes`).
fn answer<R: std::io::BufRead, W: std::io::Write>(
    repo: &Repo,
    state: &DataState,
    args: &InitArgs,
    global: &GlobalArgs,
    mut prompter: Option<&mut Prompter<R, W>>,
) -> Result<Answers> {
    let existing = repo.config.clone().unwrap_or_default();
    let config_tz = existing
        .tz
        .as_deref()
        .map(|n| {
            crate::clock::parse_tz(n).map_err(|e| {
                SettingsError::TimeZone(format!("{}: tz: {e}", repo.shown(&repo.config_path)))
            })
        })
        .transpose()?;
    let flag_tz = global
        .tz
        .as_deref()
        .map(|n| {
            crate::clock::parse_tz(n).map_err(|e| SettingsError::TimeZone(format!("--tz: {e}")))
        })
        .transpose()?;
    let (default_tz, tz_source) = match (config_tz, machine_zone()) {
        (Some(tz), _) => (tz, "from cph50.toml"),
        (None, Some(tz)) => (tz, "this machine's zone; --tz to choose another"),
        (None, None) => (DEFAULT_TZ, "the default; --tz to choose another"),
    };
    let (tz, tz_source) = match (flag_tz, prompter.as_deref_mut()) {
        (Some(tz), _) => (tz, "--tz"),
        (None, Some(p)) => (p.zone(default_tz)?, "your answer"),
        (None, None) => (default_tz, tz_source),
    };
    let default_start = existing
        .start_time(&repo.config_path)?
        .unwrap_or(super::charge::DEFAULT_START);
    let start = match (args.start, prompter.as_deref_mut()) {
        (Some(t), _) => t,
        (None, Some(p)) => p.start(default_start)?,
        (None, None) => default_start,
    };
    let grace = args
        .grace
        .or(existing.grace_duration(&repo.config_path)?)
        .unwrap_or(super::charge::DEFAULT_GRACE);
    let shown = format!("{}/", repo.shown(&repo.data));
    let data = match state {
        _ if args.keep_data => DataPlan::Keep,
        DataState::Empty => DataPlan::Fresh,
        DataState::Demo { .. } => match prompter.as_deref_mut() {
            Some(p) => {
                let q = format!("{}. Remove it?", state.describe(&shown));
                if p.confirm(&q, true)? {
                    DataPlan::Fresh
                } else {
                    DataPlan::Keep
                }
            }
            None => DataPlan::Fresh,
        },
        DataState::Own { .. } if args.replace_data => match prompter {
            Some(p) => {
                let q = format!(
                    "{}. Delete all of it for an empty data folder?",
                    state.describe(&shown)
                );
                if p.confirm(&q, false)? {
                    DataPlan::Fresh
                } else {
                    DataPlan::Keep
                }
            }
            None => DataPlan::Fresh,
        },
        DataState::Own { .. } => DataPlan::Keep,
    };
    Ok(Answers {
        tz,
        tz_source,
        start,
        grace,
        data,
    })
}

/// Refuses to delete a data folder that holds files other than cph50's data files.
fn refuse_foreign(repo: &Repo, store: &Store) -> Result<()> {
    let foreign = data::foreign_files(store);
    let Some(first) = foreign.first() else {
        return Ok(());
    };
    Err(SettingsError::Flags(format!(
        "--replace-data: {} is not a cph50 data file ({} such file(s) in {}/); --replace-data deletes the whole folder, so move them out of it first",
        repo.shown(first),
        foreign.len(),
        repo.shown(&repo.data)
    ))
    .into())
}

/// Refuses a zone other than `cph50.toml`'s (even one they would validate in) while the kept data folder holds sessions of the
/// user's: their folders (`sessions/YYYY/MM/DD/`) and monthly caches are local dates of the
/// old zone, so `validate` would find them misplaced under the new one.
fn refuse_zone_change_over_own_sessions(repo: &Repo, state: &DataState, a: &Answers) -> Result<()> {
    let old = repo
        .config
        .as_ref()
        .and_then(|c| c.tz.as_deref())
        .and_then(|n| crate::clock::parse_tz(n).ok());
    let (Some(old), DataPlan::Keep, DataState::Own { sessions, .. }) = (old, a.data, state) else {
        return Ok(());
    };
    if old == a.tz || *sessions == 0 {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: tz is {}, and {}/ holds {sessions} session(s) of yours filed by {}'s local dates (session folders, monthly caches); under {} they would be misplaced and `cph50 validate` would fail. Keep the zone (run init without --tz), or start over in the new zone with --replace-data (it deletes them; `cph50 cache --all` fetches the history again); nothing was changed",
        repo.shown(&repo.config_path),
        old.name(),
        repo.shown(&repo.data),
        old.name(),
        a.tz.name()
    )))
}

/// Refuses a zone under which the kept data folder would stop validating. Session folders
/// (`sessions/YYYY/MM/DD/`) and monthly caches are filed by the local dates of the zone they
/// were recorded in: `tz` of `cph50.toml`, else the default zone (the demo data's). Keeping
/// them under another zone makes `validate` find them misplaced and `build` refuse, so a zone
/// that finds more problems than the filing zone is refused; the data is read, never changed.
///
/// # Errors
/// [`Error::Usage`] (exit 2) saying how many more problems, the first one, and the ways out.
fn refuse_zone_change(repo: &Repo, store: &Store, state: &DataState, a: &Answers) -> Result<()> {
    if a.data != DataPlan::Keep || matches!(state, DataState::Empty) {
        return Ok(());
    }
    let filed = repo
        .config
        .as_ref()
        .and_then(|c| c.tz.as_deref())
        .and_then(|n| crate::clock::parse_tz(n).ok())
        .unwrap_or(crate::clock::DEFAULT_TZ);
    if filed == a.tz {
        return Ok(());
    }
    let problems = |tz| -> Result<Vec<crate::error::Problem>> {
        let clock = crate::settings::clock_in(tz)?;
        Ok(crate::validate::validate(store, &clock).problems)
    };
    let (before, after) = (problems(filed)?.len(), problems(a.tz)?);
    if after.len() <= before {
        return Ok(());
    }
    let first = after
        .iter()
        .find(|p| !p.message.is_empty())
        .map(|p| format!(" (first: {p})"))
        .unwrap_or_default();
    let way_out = match state {
        DataState::Own { other, .. } if !other.is_empty() => format!(
            "move {} out of {}/, then run init again to remove the demo data, or",
            other.join(", "),
            repo.shown(&repo.data)
        ),
        DataState::Demo { .. } => {
            "let init remove the demo data (no --keep-data; answer yes), or".to_owned()
        }
        _ => "start over in the new zone with --replace-data (it deletes your sessions and runs too; `cph50 cache --all` fetches the history again), or".to_owned(),
    };
    Err(Error::Usage(format!(
        "{}/ is filed by the local dates of {}; under {} `cph50 validate` would find {} more problem(s){first} and `cph50 build` would refuse: {way_out} keep the zone {}; nothing was changed",
        repo.shown(&repo.data),
        filed.name(),
        a.tz.name(),
        after.len() - before,
        filed.name()
    )))
}

/// Says so when the kept data folder does not validate in the zone init wrote: e.g. `tz` was
/// changed in `cph50.toml` by hand before init ran, so no zone change was seen.
///
/// # Errors
/// As [`crate::settings::clock_in`].
fn warn_if_kept_data_is_invalid(
    repo: &Repo,
    store: &Store,
    state: &DataState,
    a: &Answers,
    out: &Output,
) -> Result<()> {
    if a.data != DataPlan::Keep || matches!(state, DataState::Empty) {
        return Ok(());
    }
    let report = crate::validate::validate(store, &crate::settings::clock_in(a.tz)?);
    if let Some(first) = report.problems.first() {
        out.diag(&format!(
            "warning: {}/ does not validate in {}: {} problem(s) (first: {first}); `cph50 validate` lists them, and `cph50 build` refuses such data. Sessions are filed by the local dates of the zone they were recorded in: if you changed tz in {} by hand, put it back",
            repo.shown(&repo.data),
            a.tz.name(),
            report.problems.len(),
            repo.shown(&repo.config_path)
        ));
    }
    Ok(())
}

/// A grace window as cph50.toml and the summary write it: whole minutes (`90m`).
fn grace_text(grace: Duration) -> String {
    if grace.as_secs() % 60 == 0 {
        format!("{}m", grace.as_secs() / 60)
    } else {
        humantime::format_duration(grace)
            .to_string()
            .replace(' ', "")
    }
}

fn print_summary(
    repo: &Repo,
    a: &Answers,
    daily: &DailyStart,
    settings: &Settings,
    out: &Output,
    done: &[String],
) -> Result<()> {
    let from = cron::span_start(settings.clock()?.now());
    out.result(&format!(
        "cph50 init: zone {} ({}), daily start {}, grace {}",
        a.tz.name(),
        a.tz_source,
        daily.describe(from),
        grace_text(a.grace)
    ));
    if done.is_empty() {
        out.result("nothing to change: cph50.toml, the data folder and the crons already match");
    }
    for line in done {
        out.result(&format!("  {line}"));
    }
    let repo_flag = if repo.root == std::path::Path::new(".") {
        String::new()
    } else {
        format!(" (in {})", repo.root.display())
    };
    let secret_lines: Vec<String> = ["CP_USERNAME", "CP_PASSWORD", "CP_TOKEN_KEY"]
        .iter()
        .map(|n| format!("       {}", setup::gh_secret_line(n, "")))
        .collect();
    let steps = [
        format!("Next{repo_flag}:"),
        "  1. Set the secrets the workflows read (gh asks for each value; none is echoed):".into(),
        secret_lines.join("\n"),
        "     Where bot protection blocks the runners' logins, run `cph50 login --set-secrets` here:".into(),
        "     it logs in from this machine and stores CP_TOKEN_KEY and CP_SESSION_SEALED together".into(),
        "     (or run `cph50 login` and store both values it prints; README, \"Set up on GitHub\").".into(),
        "  2. Commit and push: git add -A cph50.toml data .github/workflows && git commit -m \"cph50 init\" && git push".into(),
        "  3. Pages: Settings → Pages → Source \"GitHub Actions\" (Pages of a private repository needs a paid plan).".into(),
        "  4. Fill the history: gh workflow run cache.yml -f mode=all".into(),
        "  5. Check it all: cph50 doctor".into(),
    ];
    out.result("");
    for s in steps {
        out.result(&s);
    }
    Ok(())
}
