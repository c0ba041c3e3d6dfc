//! `cph50 doctor`: checks a repository and says what to fix, one line per finding (`ok:`,
//! `warn:` or `fix:` with the command that fixes it): the config file, the data folder (as
//! `validate` sees it, and whether it is still the demo), the crons of `charge.yml` against
//! the zone and start time on every day of two years, the site's workflow, and, through
//! GitHub's CLI `gh` when it is installed and logged in, the secrets (by name only), the
//! repository's visibility and fork state, Actions and Pages settings. Exit 1 when anything
//! must be fixed.

mod github;
mod pages;

use chrono::Duration;

use super::setup::data::{self, DataState};
use super::setup::{CHARGE_WORKFLOW, PAGES_WORKFLOW, Repo, vehicles, workflow};
use crate::cli::{DoctorArgs, GlobalArgs};
use crate::clock::{Clock, DEFAULT_TZ};
use crate::cron::{DailyStart, SPAN_DAYS, Schedule};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::store::Store;
use crate::store::layout;
use crate::store::records::VehicleConfig;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// As it should be.
    Ok,
    /// Works, but worth a look.
    Warn,
    /// Must be fixed: the daily start, the logbook or the site does not work as it is.
    Fix,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub level: Level,
    /// What was found and, for `Warn` and `Fix`, what to do.
    pub text: String,
}

/// The findings, in the order they were made.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding.
    pub findings: Vec<Finding>,
}

impl Report {
    fn push(&mut self, level: Level, text: impl Into<String>) {
        self.findings.push(Finding {
            level,
            text: text.into(),
        });
    }

    /// `ok:` finding.
    pub fn ok(&mut self, text: impl Into<String>) {
        self.push(Level::Ok, text);
    }

    /// `warn:` finding.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.push(Level::Warn, text);
    }

    /// `fix:` finding.
    pub fn fix(&mut self, text: impl Into<String>) {
        self.push(Level::Fix, text);
    }

    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

/// Runs `cph50 doctor`. It needs no settings of its own: a config file that cannot be read
/// is one of its findings, not a usage error.
///
/// # Errors
/// [`Error::Cannot`] (exit 1) when anything must be fixed (each `fix:` line was printed);
/// a usage error (exit 2) for a `--repo` that is not a folder or a bad `CPH50_NOW`.
pub fn run(out: &Output, args: &DoctorArgs, global: &GlobalArgs) -> Result<()> {
    if !args.repo.is_dir() {
        return Err(crate::error::SettingsError::Flags(format!(
            "--repo {}: not a folder; give the root of your repository",
            args.repo.display()
        ))
        .into());
    }
    let mut report = Report::default();
    let charge = args
        .repo
        .join(".github/workflows")
        .join(crate::commands::setup::CHARGE_WORKFLOW);
    if !charge.is_file() {
        report.fix(format!(
            "{}: not the root of a cph50 repository (no {}); run doctor in the folder that holds cph50.toml, data/ and .github/ of a repository made from cph50's template (or give it with --repo)",
            args.repo.display(),
            charge.display()
        ));
        return finish(out, &report);
    }
    let repo = Repo::open(&args.repo, global.data.as_deref());
    let daily = match &repo {
        Ok(repo) => check_config(repo, &mut report)?,
        Err(e) => {
            report.fix(format!("{e}: edit it, or delete it and run `cph50 init`"));
            None
        }
    };
    if let Ok(repo) = &repo {
        let clock = crate::settings::clock_in(daily.map_or(DEFAULT_TZ, |d| d.tz))?;
        check_data(repo, &clock, &mut report);
        if let Some(daily) = daily {
            check_crons(repo, &daily, &clock, &mut report);
        }
        check_pages(repo, &mut report);
        if !args.offline {
            github::check(&repo.root, &mut report);
        }
    }
    if args.repo != std::path::Path::new(".") {
        with_repo_flag(&mut report, &args.repo);
    }
    finish(out, &report)
}

/// Prints the findings and the verdict.
///
/// # Errors
/// [`Error::Cannot`] (exit 1) when a finding is a `fix:`.
fn finish(out: &Output, report: &Report) -> Result<()> {
    for f in &report.findings {
        match f.level {
            Level::Ok => out.result(&format!("ok: {}", f.text)),
            Level::Warn => out.data(&format!("warn: {}", f.text)),
            Level::Fix => out.data(&format!("fix: {}", f.text)),
        }
    }
    let (fixes, warnings) = (report.count(Level::Fix), report.count(Level::Warn));
    if fixes > 0 {
        return Err(Error::Cannot(format!(
            "doctor: {fixes} thing(s) to fix, {warnings} warning(s): see the fix: lines above"
        )));
    }
    out.result(&format!(
        "all well: {} check(s) ok, {warnings} warning(s)",
        report.count(Level::Ok)
    ));
    Ok(())
}

/// The findings' `cph50 init` commands with `--repo DIR`, so that they act on the repository
/// doctor looked at (doctor was run from elsewhere).
fn with_repo_flag(report: &mut Report, repo: &std::path::Path) {
    let flag = format!(
        "`cph50 init --repo {}",
        shell_word(&repo.display().to_string())
    );
    let validate = format!(
        "`cph50 --data {} validate`",
        shell_word(&repo.join("data").display().to_string())
    );
    for f in &mut report.findings {
        f.text = f
            .text
            .replace("`cph50 init", &flag)
            .replace("`cph50 validate`", &validate);
    }
}

/// `s` as one shell word: as it is when plain, else in single quotes.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The config file; the daily start it sets when it can be read.
fn check_config(repo: &Repo, report: &mut Report) -> Result<Option<DailyStart>> {
    let shown = repo.shown(&repo.config_path);
    let Some(config) = &repo.config else {
        report.fix(format!(
            "no {shown}: the zone and the daily start are defaults (06:00 America/Los_Angeles); run `cph50 init`"
        ));
        return Ok(Some(default_daily()));
    };
    let tz = match config.tz.as_deref().map(crate::clock::parse_tz) {
        Some(Ok(tz)) => tz,
        Some(Err(e)) => {
            // init reads the same key and stops on it: the file is what to change
            report.fix(format!(
                "{shown}: tz: {e}; edit tz in {shown} to an IANA zone name such as \"Europe/Berlin\""
            ));
            return Ok(None);
        }
        None => {
            report.warn(format!(
                "{shown} sets no tz: the zone is {DEFAULT_TZ}; run `cph50 init --tz <ZONE> --yes` to choose yours"
            ));
            DEFAULT_TZ
        }
    };
    let start = config.start_time(&repo.config_path);
    let grace = config.grace_duration(&repo.config_path);
    let (start, grace) = match (start, grace) {
        (Ok(s), Ok(g)) => (s, g),
        (Err(e), _) | (_, Err(e)) => {
            // init reads the same keys and stops on them: the file is what to change
            report.fix(format!(
                "{e}; edit it in {shown}: start is a local time HH:MM such as \"06:00\", grace a duration from 15m to 12h such as \"90m\""
            ));
            return Ok(None);
        }
    };
    let daily = DailyStart {
        tz,
        at: start.unwrap_or(super::charge::DEFAULT_START),
        grace: Duration::from_std(grace.unwrap_or(super::charge::DEFAULT_GRACE))
            .unwrap_or(Duration::minutes(90)),
    };
    report.ok(format!(
        "{shown}: zone {}, daily start {}, grace {} min",
        tz.name(),
        daily.at.format("%H:%M"),
        daily.grace.num_minutes()
    ));
    Ok(Some(daily))
}

fn default_daily() -> DailyStart {
    DailyStart {
        tz: DEFAULT_TZ,
        at: super::charge::DEFAULT_START,
        grace: Duration::minutes(90),
    }
}

fn check_data(repo: &Repo, clock: &Clock, report: &mut Report) {
    let shown = format!("{}/", repo.shown(&repo.data));
    let store = Store::new(&repo.data);
    let state = data::inspect(&store);
    match &state {
        DataState::Empty => report.fix(format!(
            "{shown} is missing or empty: run `cph50 init` (it writes vehicle_config.json)"
        )),
        DataState::Demo { .. } => report.fix(format!(
            "{}: the site would show two made-up cars; run `cph50 init` to start your own logbook",
            state.describe(&shown)
        )),
        DataState::Own { demo_sessions, .. } if *demo_sessions > 0 => report.warn(format!(
            "{}: the demo's sessions mix with yours; `cph50 init --replace-data` starts afresh (deleting yours too)",
            state.describe(&shown)
        )),
        DataState::Own { sessions, runs, .. } => report.ok(format!(
            "{shown} is your own: {sessions} session(s) and {runs} daily-start run(s) so far"
        )),
    }
    if state == DataState::Empty {
        return;
    }
    let checked = crate::validate::validate(&store, clock);
    if checked.problems.is_empty() {
        report.ok(format!("{shown}: {} file(s) valid", checked.files));
    } else {
        report.fix(format!(
            "{shown}: {} problem(s) in {} file(s), the first: {}; `cph50 validate` lists them all",
            checked.problems.len(),
            checked.files_with_problems(),
            checked.problems[0]
        ));
    }
    let config_path = store.layout().file(layout::VEHICLE_CONFIG);
    match store.load_file::<VehicleConfig>(layout::VEHICLE_CONFIG) {
        Ok(Some(c)) if vehicles::has_placeholder(&c) => report.warn(format!(
            "{} still holds the placeholder car {}: put your cars in it, or {} (README, \"Set up on GitHub\")",
            repo.shown(&config_path),
            vehicles::PLACEHOLDER_ID,
            vehicles::FILL_FROM_ACCOUNT
        )),
        Ok(None) => report.fix(format!(
            "no {}: run `cph50 init` (it fills it from your account)",
            repo.shown(&config_path)
        )),
        _ => {}
    }
}

fn check_crons(repo: &Repo, daily: &DailyStart, clock: &Clock, report: &mut Report) {
    let path = repo.workflow(CHARGE_WORKFLOW);
    let shown = repo.shown(&path);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            report.fix(format!(
                "{shown} cannot be read ({e}): nothing schedules the daily start; copy it from cph50's repository, then run `cph50 init --yes`"
            ));
            return;
        }
    };
    let schedule = workflow::crons(&text).and_then(|c| {
        if c.is_empty() {
            Err("it has no `on: schedule:` crons".into())
        } else {
            Schedule::parse(&c)
        }
    });
    let schedule = match schedule {
        Ok(s) => s,
        Err(e) => {
            report.fix(format!("{shown}: {e}; run `cph50 init --yes`"));
            return;
        }
    };
    let today = clock.local_date(clock.now());
    let from = crate::cron::span_start(clock.now());
    let coverage = schedule.coverage(daily, today, SPAN_DAYS);
    let rerun = "run `cph50 init --yes` to write crons for cph50.toml's zone and start";
    if let Some(first) = coverage.uncovered.first() {
        report.fix(format!(
            "{shown}: no cron runs in the start window ({} + {} min) on {} of the next {} days (first {first}): the daily start is skipped; {rerun}",
            daily.describe(from),
            daily.grace.num_minutes(),
            coverage.uncovered.len(),
            coverage.days
        ));
    } else if let Some(first) = coverage.single.first() {
        // with a short grace the crons init writes leave one run only: rewriting them again
        // changes nothing, the grace is what to change
        let what = match daily.grace_for_two_runs() {
            Some(two) => format!(
                "grace {} min leaves room for one run only; raise grace in {} to \"{}m\" or more, then run `cph50 init --yes`",
                daily.grace.num_minutes(),
                repo.shown(&repo.config_path),
                two.num_minutes()
            ),
            None => rerun.to_owned(),
        };
        report.warn(format!(
            "{shown}: one cron run in the start window on {} of the next {} days (first {first}): a late or dropped run skips the day; {what}",
            coverage.single.len(),
            coverage.days
        ));
    } else {
        report.ok(format!(
            "{shown}: at least two runs in the start window every day, on both sides of DST: {}",
            daily.describe(from)
        ));
    }
    if !coverage.top_of_hour.is_empty() {
        report.warn(format!(
            "{shown}: {} run(s) at the top of the hour, which GitHub delays or drops most; {rerun}",
            coverage.top_of_hour.join(", ")
        ));
    }
    if let Some(flag) = ["--at", "--grace", "--tz"].into_iter().find(|f| {
        text.lines()
            .any(|l| l.contains("cph50 charge") && l.contains(f))
    }) {
        report.warn(format!(
            "{shown} passes {flag} to `cph50 charge`, which overrides cph50.toml; remove it so the config decides"
        ));
    }
}

fn check_pages(repo: &Repo, report: &mut Report) {
    let path = repo.workflow(PAGES_WORKFLOW);
    let shown = repo.shown(&path);
    match std::fs::read_to_string(&path) {
        Err(_) => report.warn(format!("no {shown}: nothing builds and deploys the site")),
        Ok(text) => match pages::base_url_source(&text) {
            Ok(()) => report.ok(format!(
                "{shown} takes the site's base URL from configure-pages (right for project sites, <user>.github.io and custom domains)"
            )),
            Err(why) => report.warn(format!(
                "{shown}: {why}: links in feed.xml and sitemap.xml are wrong for <user>.github.io and custom domains; pass `--base-url` the configure-pages step's `base_url` output, as cph50's pages.yml does"
            )),
        },
    }
}
