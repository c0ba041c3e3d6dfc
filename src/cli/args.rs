//! The options of each command.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::Args;

use super::parse::{
    parse_base_url, parse_blog_path, parse_confidence, parse_date, parse_duration, parse_grace,
    parse_hhmm, parse_month, parse_rfc3339, parse_session_id, parse_session_number,
};
use crate::store::layout::Month;
use crate::store::values::SessionId;

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (replaced as a whole).
    #[arg(long, default_value = "site", value_name = "DIR")]
    pub out: PathBuf,
    /// Blog folder: a Jekyll site folder (_posts/, _drafts/, _config.yml, _includes/, pages,
    /// assets). Default: ./blog, and no posts when it does not exist; a folder given here must
    /// exist.
    #[arg(long, value_name = "DIR")]
    pub blog: Option<PathBuf>,
    /// Templates folder whose files replace the built-in ones of the same name, file by file
    /// (Tera *.html/*.xml; assets/ is copied as is). Default: ./templates when that folder
    /// exists, else the built-in templates alone.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Where the site is served, for the absolute links of feed.xml, sitemap.xml and Liquid's
    /// site.url/site.baseurl (e.g. https://you.github.io/repo/ or /repo/). Default: the blog's
    /// _config.yml url + baseurl, else /.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Where the blog's URLs start inside the site: blog/ (default), or / to keep a moved
    /// Jekyll blog's addresses (its posts' permalinks then start at the site root).
    /// Default: cph50.toml's blog_path, else blog/.
    #[arg(long, value_name = "PATH", value_parser = parse_blog_path)]
    pub blog_path: Option<String>,
    /// Publish posts dated in the future too (Jekyll's --future; _config.yml `future: true`).
    #[arg(long)]
    pub future: bool,
    /// Publish the posts in the blog's _drafts/ folder, dated by their file's modification time
    /// unless they give a date (Jekyll's --drafts).
    #[arg(long)]
    pub drafts: bool,
}

/// Options of `cache`: which sessions to fetch (exactly one).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["session", "month", "current", "previous", "since", "all"])))]
pub struct CacheArgs {
    /// One session, by its ChargePoint id (its details answer, with update_data).
    #[arg(long, value_name = "ID", value_parser = parse_session_number)]
    pub session: Option<u64>,
    /// One local month.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<Month>,
    /// This local month so far (the daily job).
    #[arg(long)]
    pub current: bool,
    /// Last local month (the job on the 2nd of the month, to catch late sessions).
    #[arg(long)]
    pub previous: bool,
    /// Every session started on or after this local date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// The whole history (a backfill; shows a progress bar on a terminal).
    #[arg(long)]
    pub all: bool,
    /// Print one JSON object instead of the summary line.
    #[arg(long)]
    pub json: bool,
}

/// How `collect` samples.
#[derive(Debug, Args, Clone, Copy)]
pub struct SampleArgs {
    /// Readings to take.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=360))]
    pub samples: u32,
    /// Time between readings (e.g. 10s, 500ms, 1m).
    #[arg(long, default_value = "10s", value_parser = parse_duration, env = "CPH50_SAMPLE_INTERVAL")]
    pub interval: std::time::Duration,
    /// Longest the whole collection may take (e.g. 10m); past it, sampling stops with an error
    /// [default: --samples × --interval + 4m].
    #[arg(long, value_parser = parse_duration)]
    pub deadline: Option<std::time::Duration>,
}

/// Options of `monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Sample a new session at once.
    #[arg(long)]
    pub collect: bool,
    /// How to sample with --collect.
    #[command(flatten)]
    pub sampling: SampleArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The session (digits only).
    #[arg(value_parser = parse_session_id)]
    pub session_id: SessionId,
    /// How to sample.
    #[command(flatten)]
    pub sampling: SampleArgs,
}

/// Options of `charge`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("stop_when").multiple(false).args(["until", "stop_for", "max_kwh"])))]
pub struct ChargeArgs {
    /// Start at once, whatever the time (run_type manual-start).
    #[arg(long)]
    pub now: bool,
    /// Local start time, HH:MM: a scheduled run acts at or after it. [default: `start` in the
    /// config file, else 06:00]
    #[arg(long, value_parser = parse_hhmm, value_name = "HH:MM")]
    pub at: Option<NaiveTime>,
    /// How long after --at a late scheduled run may still start (e.g. 90m, 2h). [default:
    /// `grace` in the config file, else 90m]
    #[arg(long, value_parser = parse_duration)]
    pub grace: Option<std::time::Duration>,
    /// Longest wait for the charger's own schedule window to end.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub max_wait: std::time::Duration,
    /// Time between status checks while waiting.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub poll: std::time::Duration,
    /// Start attempts in all.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub attempts: u32,
    /// Wait before the second attempt; doubled each time.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub backoff: std::time::Duration,
    /// Polls of the start confirmation before it counts as unconfirmed.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub ack_polls: u32,
    /// Time between polls of the start confirmation.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub ack_interval: std::time::Duration,
    /// After the start, stop the session it started at this local time, HH:MM (the next
    /// one, at most 5h away); recorded in runs.json.
    #[arg(long, value_parser = parse_hhmm, value_name = "HH:MM")]
    pub until: Option<NaiveTime>,
    /// After the start, stop the session it started this long after the start was
    /// confirmed (e.g. 90m, 2h; at most 5h); recorded in runs.json.
    #[arg(long = "for", value_parser = parse_duration, value_name = "DURATION")]
    pub stop_for: Option<std::time::Duration>,
    /// After the start, stop the session it started once it has delivered this many kWh
    /// (watched for at most 5h, then left running); recorded in runs.json.
    #[arg(long, value_parser = super::parse::parse_kwh, value_name = "KWH")]
    pub max_kwh: Option<f64>,
}

/// Options of `train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Also print the out-of-fold confusion matrix.
    #[arg(long)]
    pub eval: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `classify`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["session_id", "file"])))]
pub struct ClassifyArgs {
    /// A session with a file under sessions/ (its label is written back).
    #[arg(value_parser = parse_session_id)]
    pub session_id: Option<SessionId>,
    /// A session file, or a saved session-details answer with update_data (nothing written).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Smallest confidence that names a car.
    #[arg(long, default_value_t = crate::classify::DEFAULT_MIN_CONFIDENCE, value_name = "0..1", value_parser = parse_confidence)]
    pub min_confidence: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `label`.
#[derive(Debug, Args)]
pub struct LabelArgs {
    /// The session (digits only).
    #[arg(value_parser = parse_session_id)]
    pub session_id: SessionId,
    /// A vehicle id of vehicle_config.json, or "unknown".
    pub vehicle_id: String,
}

/// Options of `archive`.
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// Pack every month before the month that holds now minus this age, in the local zone
    /// (`6months`: in November, May stays unpacked, April and older are packed; `0months`:
    /// all but the current month).
    #[arg(long, value_name = "AGE", default_value = "6months", value_parser = super::parse::parse_months)]
    pub older_than: u32,
    /// Unpack this month's archive (byte for byte) instead of packing.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, conflicts_with = "older_than")]
    pub restore: Option<Month>,
    /// Say what would be done; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 = any free port; the URL is printed either way).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Starting state: default (Equinox charging), idle (nothing plugged in), offline (charger
    /// unreachable, commands never confirmed), captcha (login answers 403 Datadome),
    /// stale-session (idle, but the user status still lists the last finished session, whose
    /// details answer {}), id-pending (default, but the user status leaves out the session's
    /// id for its first 3 answers).
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub scenario: crate::sim::Scenario,
    /// Seed of everything the sim invents.
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Days of finished sessions before the start.
    #[arg(long, default_value_t = crate::sim::DEFAULT_HISTORY_DAYS, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::sim::MAX_HISTORY_DAYS)))]
    pub history_days: u32,
    /// Sim seconds per real second, 0 to 100000 (0 = frozen; move it with POST /_sim/advance).
    /// Only the sim's clock: `charge --for/--until` wait on cph50's real clock.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub speed: f64,
    /// Inject a fault (repeatable); see SPEC below.
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<crate::sim::FaultSpec>,
    /// The password the login accepts (any username).
    #[arg(long, env = "CP_PASSWORD", hide_env_values = true, default_value = crate::sim::DEFAULT_PASSWORD)]
    pub password: String,
    /// Sim clock start, RFC 3339 (e.g. 2026-01-09T07:40:00Z). [default: now]
    #[arg(long, value_name = "TIME", value_parser = parse_rfc3339)]
    pub start: Option<DateTime<Utc>>,
}

/// Options of `demo-data`.
#[derive(Debug, Args)]
pub struct DemoDataArgs {
    /// Random seed.
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Months of history (1 to 240), ending with --until.
    #[arg(long, default_value_t = crate::demo::DEFAULT_MONTHS, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub months: u32,
    /// Last month of the history, YYYY-MM (fixed by default so the output never depends on today).
    #[arg(long, default_value = "2026-10", value_name = "YYYY-MM", value_parser = parse_month)]
    pub until: Month,
    /// Where to write the data folder. [default: the --data folder]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the folder if it is not empty (its current content is deleted).
    #[arg(long)]
    pub force: bool,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository's root folder (where cph50.toml, data/ and .github/ are).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// Local time of the daily start, HH:MM. [default: `start` of cph50.toml, else 06:00]
    #[arg(long, value_parser = parse_hhmm, value_name = "HH:MM")]
    pub start: Option<NaiveTime>,
    /// How late after --start a scheduled run may still start, 15m to 12h. [default: `grace`
    /// of cph50.toml, else 90m]
    #[arg(long, value_parser = parse_grace)]
    pub grace: Option<std::time::Duration>,
    /// Ask nothing: take the flags, then cph50.toml, then the defaults (needed without a
    /// terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Leave the data folder as it is, even the demo data.
    #[arg(long, conflicts_with = "replace_data")]
    pub keep_data: bool,
    /// Replace the data folder even when it holds your own sessions or runs (they are deleted).
    #[arg(long)]
    pub replace_data: bool,
    /// Rewrite vehicle_config.json from the account even when it exists.
    #[arg(long, conflicts_with = "offline")]
    pub vehicles: bool,
    /// Do not ask the account for its vehicles (write the placeholder car).
    #[arg(long)]
    pub offline: bool,
}

/// Options of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Let GitHub's CLI store the values as repository secrets (`gh secret set`, value on its
    /// standard input): nothing is printed.
    #[arg(long)]
    pub set_secrets: bool,
    /// The repository for --set-secrets, OWNER/NAME. [default: gh's, from the working folder]
    #[arg(long, value_name = "OWNER/NAME", requires = "set_secrets")]
    pub gh_repo: Option<String>,
}

/// Options of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The repository's root folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// Check the files only: do not ask GitHub (through gh) about secrets, Actions and Pages.
    #[arg(long)]
    pub offline: bool,
}
