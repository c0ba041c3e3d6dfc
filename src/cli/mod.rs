//! Command-line types (clap). Flags are parsed into typed values here (value parsers in
//! [`parse`]); each command's module under `commands/` turns its arguments into validated
//! settings. Nothing below the command layer sees these types.

mod args;
mod control;
mod export;
mod incident;
pub mod parse;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use args::*;
pub use control::*;
pub use export::*;
pub use incident::*;

const AFTER_HELP: &str = "\
Data flows one way: ChargePoint API -> pipeline -> data/ (JSON, committed to git) -> site/.
Every command reads and writes the data folder given by --data (default: ./data).

Exit codes: 0 success (also \"nothing to do\"), 1 the job failed (API error, bad data),
2 bad usage, 3 charger offline.

Examples:
  cph50 demo-data --out /tmp/demo     write a demo history (seed 42, 15 months) into /tmp/demo
  cph50 --data /tmp/demo validate     check every file of it
  cph50 validate                      check ./data; lists every problem with file:line:col";

/// cph50 - a charging logbook and controller for a ChargePoint Home Flex (CPH50), run from
/// GitHub Actions, kept as JSON files in git.
#[derive(Debug, Parser)]
#[command(name = "cph50", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// The options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Data folder (the one the data dictionary describes). [default: data, or `data` in the config file]
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Local time zone for dates, folders and display times (IANA name). [default: `tz` in the config file, else America/Los_Angeles; for init, this machine's zone comes before America/Los_Angeles]
    #[arg(long, global = true, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Config file (TOML). Flags win over it. [default: ./cph50.toml when it exists]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// More logging on stderr (-v info, -vv debug, -vvv trace). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Less output: no summary line, only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every data file against its model and across files; list every problem.
    ///
    /// Reads vehicle_config.json, last_session.json, .last_session_id.json, runs.json,
    /// classifier_summary.json, session_vehicle_map.json, every sessions/**/<id>.json and every
    /// monthly cache (session_cache/YYYY-MM.json or session_cache/YYYY/MM/YYYY-MM.json).
    /// Each problem is printed as `path:line:col: field /json/pointer: what was expected`.
    /// Cross-file checks: vehicle ids that vehicle_config.json does not know, a session cached
    /// in two months, a session file in the wrong date folder or under the wrong name.
    /// Writes nothing. Exit 0 when clean, 1 when any problem was found.
    Validate,
    /// Write a deterministic, realistic demo history (a complete data folder).
    ///
    /// Two cars (Chevrolet Equinox EV ~9.0 kW steady, Volvo XC40 Recharge ~8.6 kW), a guest car
    /// the classifier calls "unknown", overnight schedule sessions, 06:00 daily starts,
    /// evening sessions across midnight and both DST changes, top-ups, runs.json records and
    /// monthly caches consistent with the session files. The same seed and months give
    /// byte-identical output; the repository's data/ is `demo-data --seed 42 --months 15`.
    DemoData(DemoDataArgs),
    /// Show the charger and the session in progress (for a person, or `--json` for a script).
    ///
    /// Needs CP_USERNAME and CP_PASSWORD (or CP_SESSION_TOKEN) on the first run; later runs
    /// reuse the session stored in CP_TOKEN_FILE and make 2 requests (3 while charging).
    /// The charger's own status wins: a finished session ChargePoint still lists is set aside
    /// with a note, and session details that are empty or an error are noted as unavailable
    /// (exit 0). `--json` prints one object: charger_id, connected, plugged_in, charging,
    /// charging_status, during_schedule, amperage_limit, session (null, or session_id,
    /// started_at, power_kw, energy_kwh, duration_minutes, details_unavailable), note (null,
    /// or what was set aside) and api (requests, logins).
    Status(StatusArgs),
    /// Health check: exit 0 when the charger is online, 3 (with its last-connected time) when
    /// it is offline, 1 when ChargePoint cannot be asked.
    Check,
    /// One poll: detects a session start or end and writes the dashboard snapshot.
    ///
    /// Writes last_session.json (power, energy and duration null when not charging;
    /// detected_at in local time with PST/PDT) and .last_session_id.json when a new session
    /// appears. A poll that finds nothing new writes nothing (so a scheduled job commits
    /// nothing). With a stored session an idle poll makes 2 requests. The charger's own status
    /// wins over ChargePoint's session listing: a finished session still listed while the
    /// charger is unplugged (or whose details are empty or an error while it is not charging)
    /// is set aside, a session of another station (a workplace charger) is not the home
    /// charger's, and a charger that charges before a session id is listed is "charging" with
    /// the id pending (power and energy null). `--collect` samples a new session at once, or
    /// one seen before whose collection failed (see `collect`). `--json` prints {"event":
    /// idle|plugged_in|new_session|charging|ended|offline, "session_id", "started_at",
    /// "power_kw", "energy_kwh", "changed", "note" (what was set aside, when anything was),
    /// "collected", "api": {"requests", "logins"}}.
    Monitor(MonitorArgs),
    /// Fetch ChargePoint's session details and merge them into the monthly caches.
    ///
    /// Choose exactly one of --session, --month, --current, --previous, --since, --all. The
    /// activity list is read page by page (--all: the whole history); session details (with
    /// update_data) are asked only for sessions that have no label yet, so a second run costs a
    /// few requests. Each session goes to session_cache/YYYY-MM.json of its LOCAL start month
    /// (an existing file is updated where it is), merged by session id: an update replaces only
    /// that entry and keeps keys this version does not know; a run with nothing new changes no
    /// file. Sessions of other stations (public, workplace) are left out: a session is home
    /// when its device_id is the home charger's (CP_STATION_ID or the account's first home
    /// charger), or, without a device_id, when is_home_charger is true.
    ///
    /// The vehicle label comes from the session file (a manual label always wins), else the
    /// legacy session_vehicle_map.json, else the entry already cached, else the classifier on
    /// the session's update_data ("unknown" when unsure). Never from ChargePoint's vehicle_info,
    /// which names the account's primary car, not the car that charged.
    ///
    /// Personal data is left out: location is "Home", ZIP, VIN, street and coordinates are
    /// null/absent. `keep_personal_data = true` in cph50.toml keeps street, ZIP and coordinates
    /// (private repositories only). Nothing is written unless every request succeeded.
    /// Prints `cached N sessions (A new, B updated) in M months; R requests`; `--json` prints
    /// {"sessions", "new", "updated", "unchanged", "months", "files_written", "skipped_public",
    /// "classified", "details_fetched", "requests", "logins"}.
    Cache(CacheArgs),
    /// Sample a session's power curve, classify it, and write its session file.
    ///
    /// Takes --samples readings --interval apart (30 × 10 s by default) from the session
    /// details; a failed reading is tried once more, then recorded as missing (it does not
    /// count in valid_sample_count). Writes sessions/YYYY/MM/DD/<id>.json under the session's
    /// LOCAL start date, with the classifier's label. A session already collected is left as
    /// it is (no duplicate samples, a manual label stays). Exit 1 and nothing written when the
    /// session ran at another station than the home charger, when a reading fails on the
    /// login (bot protection, a refused login, a 401 a new login did not mend: sampling stops
    /// at once), or when no reading succeeded; a later collect can then try again.
    Collect(CollectArgs),
    /// The daily start: at the start time (`start` in cph50.toml, else 06:00 local), start
    /// charging after the charger's own schedule ends, and record the run in runs.json.
    ///
    /// charge.yml's crons (written by `cph50 init` for the zone and start time) run 7, 37 and
    /// 67 minutes after the start in each UTC offset of the zone, off the top of the hour.
    /// GitHub delivers crons late or not at all, so a
    /// scheduled run acts when it is the first at or after the LOCAL start time (--at), within
    /// --grace after it, that finds no scheduled record of that local day in runs.json; every
    /// other run prints why it does nothing ("before the start time", "past the grace window",
    /// "already started today (run <id> at 06:02 PST, <result>)"), writes nothing and exits
    /// 0. This is right on both sides of daylight saving time and in any --tz.
    /// No vehicle plugged in: result "other", exit 0. Charger offline: "failure", exit 3. While
    /// the charger's own schedule window is active it waits (at most --max-wait), then starts;
    /// an unconfirmed start is checked against the charger status; at most --attempts starts
    /// with doubling --backoff (a login blocked by bot protection or refused ends them at
    /// once); a full car is "other", not a failure. A failed start is recorded, then the
    /// command exits 1 with one error line naming the endpoint. The recorded reason never
    /// holds a URL or a server body. `--now` starts at once (run_type manual-start). The run id
    /// is $GITHUB_RUN_ID when set.
    ///
    /// --until HH:MM, --for DURATION or --max-kwh X (one of them) end what the run started:
    /// after a confirmed start it keeps polling every --poll (30 s: the charger status and the
    /// user status, and the session's energy with --max-kwh), then stops that session, and
    /// only it, and appends a stop record to runs.json (`stop`: session_id, condition, value,
    /// outcome, energy_kwh). A session that ended on its own (unplugged, stopped at the
    /// charger) is recorded as ended and no stop is sent; --max-kwh not reached within 5h
    /// leaves the session running. --until and --for may be at most 5h away (exit 2), so the
    /// run fits GitHub's 6-hour job limit. A stop that fails is recorded, then exit 1. A run
    /// that started nothing (no car, already charging, not the day's start) waits for
    /// nothing.
    #[command(after_help = CHARGE_AFTER_HELP)]
    Charge(ChargeArgs),
    /// Stop the session in progress at the home charger and wait for the charger to confirm.
    ///
    /// Reads the charger status and the user status to find the session in progress, sends
    /// the stop once (never retried: a stop is a command) and polls its confirmation (the ack)
    /// --ack-polls times, --ack-interval apart. ChargePoint's reason is printed when the
    /// charger refuses. Writes nothing. Exit 0 stopped, or nothing in progress (a no-op, said
    /// so; `--json` outcome "none"), 1 refused, unconfirmed or a request failed, or --session
    /// names another session than the one in progress (nothing is sent), 2 bad usage, 3 the
    /// charger is offline (nothing is sent). `--json` prints {"outcome": "stopped"|"none",
    /// "session_id", "energy_kwh", "charging_after", "api": {"requests", "logins"}}.
    #[command(after_help = STOP_AFTER_HELP)]
    Stop(StopArgs),
    /// Show the charger's amperage limit and its allowed range, or set it.
    ///
    /// Without AMPS it prints the limit in force, the values the charger allows and whether a
    /// new one is being applied (from the charger status). With AMPS it checks the value
    /// against that range first (outside it: exit 2, nothing sent), sends the new limit once
    /// (never retried), and prints the charger's answer: the value it applies and its state
    /// (APPLYING). Writes nothing. Exit 0 done, 1 the charger refused (ChargePoint's reason is
    /// printed) or a request failed, 2 bad usage or a value outside the range, 3 AMPS given
    /// while the charger is offline (nothing is sent; without AMPS the limit it last reported
    /// is shown, said to be offline, exit 0). `--json` prints {"connected", "limit_a",
    /// "allowed_a", "applying", "set": null or {"desired_a", "status"}, "api"}.
    #[command(after_help = LIMIT_AFTER_HELP)]
    Limit(LimitArgs),
    /// Show or change the charger's own charging schedule; show its utility and rate plan.
    ///
    /// While the schedule is enabled the charger charges a plugged-in car only inside its
    /// window (weekdays Monday to Friday, weekend Saturday and Sunday; local time of the
    /// charger, which is the configured zone), and `charge` waits for the window to end.
    /// `show` (the default) prints the windows, enabled or disabled, and the utility and rate
    /// plan the schedule follows (from the schedule answer, else the charger configuration).
    /// `set` checks both windows (HH:MM-HH:MM or H:MM-H:MM, not empty, no 24:00: exit 2 before
    /// any request), sends them once and prints the schedule as the charger answers it; `off`
    /// disables it. Writes nothing. Exit 0 done, 1 the charger refused (ChargePoint's reason)
    /// or a request failed, 2 bad usage, 3 `set` or `off` while the charger is offline
    /// (nothing is sent; `show` says it is offline, exit 0). `--json` prints {"action",
    /// "connected", "enabled", "weekday", "weekend" (null or
    /// {"start", "end"}), "zone", "utility" (null or {"name", "plan_name", "plan_code"}),
    /// "utility_from", "api"}.
    #[command(after_help = SCHEDULE_AFTER_HELP)]
    Schedule(ScheduleArgs),
    /// Train the vehicle classifier from labelled sessions.
    ///
    /// Labels come from manual labels (session files with labeled_by "manual"), then the legacy
    /// session_vehicle_map.json, then classifier labels with confidence >= 0.9. Curve features
    /// (steady mean/median/percentiles, CV, IQR, dips, ramp time, slope) are standardized; k-NN,
    /// Gaussian naive Bayes and a random forest (smartcore) are compared by stratified k-fold
    /// and the best is kept. Writes classifier_model.json (identical for identical input) and
    /// classifier_summary.json. `--eval` also prints the confusion matrix; `--json` prints
    /// {"accuracy", "folds", "confusion", "classes", "kind", "kinds", "n",
    /// "update_data_accuracy", "skipped"}.
    Train(TrainArgs),
    /// Name the car of a session: a vehicle id and a confidence, or `unknown`.
    ///
    /// `unknown` when the confidence is under --min-confidence, or when the curve lies outside
    /// every known car (farther from the nearest car than its own sessions ever were), so a
    /// third car is never given a known name. Vehicles outside their valid_periods on the
    /// session date are not candidates. Without a trained model it falls back on the
    /// per-vehicle statistics of classifier_summary.json, or answers unknown; it never fails
    /// on a curve it cannot read. With a SESSION_ID it writes the label into the session file
    /// (never over a manual label). `--json` prints {"vehicle_id", "confidence", "method",
    /// "reason", "best_guess", "distance"}.
    Classify(ClassifyArgs),
    /// Label a session by hand; a manual label wins over the classifier everywhere.
    ///
    /// Writes vehicle_id, confidence 1, labeled_by "manual" and labeled_at into the session file
    /// and into the session's monthly cache entry. VEHICLE_ID must be in vehicle_config.json
    /// (or "unknown").
    Label(LabelArgs),
    /// Run a local fake ChargePoint on 127.0.0.1 for demos, tests and benchmarks.
    ///
    /// Serves discovery, login, the account, the home charger (status, technical info,
    /// configuration, schedule, amperage limit), user_status, the monthly activity list,
    /// session details and remote start/stop with their acks, in the shapes of the real API.
    /// Behind them: one charger with an overnight schedule (00:00-06:00 America/Los_Angeles),
    /// an Equinox EV, a Volvo XC40 and a guest car whose sessions follow their power curves,
    /// and --history-days of past sessions. The same --seed gives the same answers. The
    /// charger obeys what it is told: the amperage limit caps a car's power (limit × 240 V,
    /// from the moment it is set, the running session too), the schedule holds a plugged-in
    /// car until its window opens and ends the session when it closes, a stop ends the
    /// session it names.
    ///
    /// The first line on stdout is `CP_DISCOVERY_URL=<url>`: export it and every other cph50
    /// command talks to the sim (log in with any username and the --password). Runs until
    /// Ctrl-C or SIGTERM.
    ///
    /// Control endpoints (JSON, under <base>/_sim/): POST advance {"seconds": n};
    /// POST plug {"vehicle": "serenity_equinox_2024"|"volvo_xc40_2021"|"guest",
    /// "soc_kwh_needed": x}; POST unplug; POST connect {"connected": false};
    /// POST fault {"spec": "status=503x2"}; POST cookie (a browser login's coulomb_sess);
    /// GET state (clock, car, session, quirks, request counts).
    ///
    /// The real API's oddities, on demand: POST stale {"details": "empty"|"error"|"off"} (while
    /// no session runs, the user status keeps listing the last finished one, without state,
    /// and its details answer {} or an in-200 error); POST id-delay {"polls": n, "seconds": s}
    /// (the user status leaves out a new session's id for its first n answers and s sim
    /// seconds while the charger already reports CHARGING); POST workplace {"vehicle": ...,
    /// "hours_ago": 26, "kwh": 9.74} (a finished session at a workplace station, device
    /// 100000777, without is_home_charger, joins the activity list); POST no-curve
    /// {"days_ago": 30} (the details of sessions that ended longer ago come without
    /// update_data; null turns it off).
    #[command(after_help = SIM_AFTER_HELP)]
    Sim(SimArgs),
    /// Set a new repository up: remove the demo data, write cph50.toml, fill
    /// vehicle_config.json, schedule the daily start for your zone, print the secrets to set.
    ///
    /// On a terminal it asks for the zone (default: cph50.toml's, else this machine's), the
    /// start time (default 06:00) and before removing the demo data; with --yes it asks
    /// nothing and takes the flags, then cph50.toml, then the defaults. Without a terminal it
    /// needs --yes. It:
    ///
    /// - removes the demo data the template ships (recognised by its session and run ids)
    ///   and leaves a data folder holding only vehicle_config.json. A folder with any
    ///   session, run or file of your own is kept (--replace-data deletes it); an edited
    ///   vehicle_config.json is kept;
    ///
    /// - writes cph50.toml: tz, start and grace (keys it already had stay). The zone is
    ///   --tz, else `tz` of cph50.toml, else this machine's zone when it can be read (TZ or
    ///   the system's setting), else America/Los_Angeles; the first line of the output says
    ///   which it took and why;
    ///
    /// - fills vehicle_config.json from the account's vehicles when CP_USERNAME and
    ///   CP_PASSWORD (or CP_SESSION_TOKEN) are set: ids from make, model and year, never a
    ///   VIN; otherwise one placeholder car "my_car" in the data dictionary's shape, to edit;
    ///
    /// - rewrites the crons of .github/workflows/charge.yml: 7, 37 and 67 minutes after the
    ///   start in each UTC offset of the zone (both sides of DST), off the top of the hour;
    ///
    /// - prints the `gh secret set` lines of the secrets the workflows read (never a value).
    ///
    /// Every file is written atomically; the data folder is swapped in one step. A second run
    /// with the same answers changes nothing. Exit 0 done, 1 a file could not be written, 2
    /// bad usage (no terminal and no --yes, a bad --tz or --start, an unreadable cph50.toml,
    /// a folder without .github/workflows/charge.yml, a zone change over your own sessions,
    /// --replace-data over files that are not cph50's).
    #[command(after_help = INIT_AFTER_HELP)]
    Init(InitArgs),
    /// Log in to ChargePoint from your own machine and print the session, sealed, to store as
    /// the secret CP_SESSION_SEALED.
    ///
    /// For accounts whose logins from GitHub's runners bot protection (DataDome) blocks: a
    /// login from your own machine usually passes. Needs CP_USERNAME and CP_PASSWORD (or
    /// CP_SESSION_TOKEN, a browser login's coulomb_sess cookie). The session (cookie, region,
    /// endpoints, user and charger ids) is encrypted with CP_TOKEN_KEY as the token file is;
    /// without CP_TOKEN_KEY a new random key is made and printed too. Prints
    /// `CP_TOKEN_KEY=<key>` (only a new one) and `CP_SESSION_SEALED=<value>` on stdout, or with
    /// --set-secrets stores them through `gh secret set` unseen. Every command that finds
    /// CP_SESSION_SEALED (and its CP_TOKEN_KEY) in the environment uses that session once it
    /// is new, then keeps the stored one, refreshed by each answer. Nothing is written in the
    /// repository or kept on this machine. Exit 0 done, 1 the login failed (the error line
    /// names the endpoint), 2 a credential is missing.
    #[command(after_help = LOGIN_AFTER_HELP)]
    Login(LoginArgs),
    /// Check a repository and say what to fix: config, data, crons, secrets, Pages, Actions.
    ///
    /// One line per finding: `ok:`, `warn:` (works, worth a look) or `fix:` with the command
    /// that fixes it. It checks cph50.toml; the data folder (as validate sees it; still the
    /// demo? the placeholder car?); that charge.yml's crons put at least two runs inside the
    /// start window (start + grace in cph50.toml's zone) on every day of the next two years,
    /// on both sides of DST, and none at the top of the hour; that pages.yml takes the base
    /// URL from configure-pages. With GitHub's CLI gh installed and logged in (else it says
    /// it cannot check): the secrets by name (CP_USERNAME, CP_TOKEN_KEY, one of CP_PASSWORD,
    /// CP_SESSION_SEALED, CP_SESSION_TOKEN), fork and visibility, Actions on, workflows
    /// disabled (e.g. after 60 days without activity), Pages built by the workflows. Writes
    /// nothing, never needs a secret's value. Exit 0 all well (warnings allowed), 1 something
    /// to fix, 2 bad usage.
    #[command(after_help = DOCTOR_AFTER_HELP)]
    Doctor(DoctorArgs),
    /// Pack the session files of old months into one gzip file per month, or unpack one.
    ///
    /// Each month before the cut-off (see --older-than) goes from sessions/YYYY/MM/ into
    /// sessions/YYYY/MM.jsonl.gz: JSON Lines of {"path", "text"} (each file's exact text),
    /// gzip, the same bytes for the same files. Every command reads archived months as if
    /// they were unpacked, and label or classify rewrite a month's archive. The archive is
    /// written atomically before the folder is removed; after a kill in between the archive
    /// wins and the next run removes the folder. Runs under the data folder's lock. `--json`
    /// prints {"dry_run", "cutoff", "archived": [{"month", "archive", "files", "bytes",
    /// "archive_bytes", "finished_interrupted"}], "restored", "already_archived"}. Exit 0 done
    /// (also nothing to do), 1 a file cannot be packed or an archive does not read (the
    /// error names the archive and the file inside it; nothing is lost), 2 bad usage.
    #[command(after_help = ARCHIVE_AFTER_HELP)]
    Archive(ArchiveArgs),
    /// Render the static site (dashboard, history, session pages, blog, exports) from the data
    /// folder and the blog.
    ///
    /// Writes index.html (the state of last_session.json, refreshed by the browser every 60 s),
    /// history.html (day/month/year charts computed in local time), sessions/<id>.html (power
    /// curve), the blog (a Jekyll site folder, read as Jekyll 4.3 reads it: _posts/, _drafts/,
    /// _config.yml, _includes/, Liquid and kramdown, pages and static files; its URLs start at
    /// --blog-path), feed.xml and sitemap.xml (as jekyll-feed and jekyll-sitemap write them),
    /// 404.html, data/sessions.csv, data/cph50.sqlite (the tables of `cph50 export --format
    /// sqlite`), api/v1/*.json and assets/. A post dated after now waits for --future, drafts for
    /// --drafts; two posts with one URL, an unknown permalink placeholder or a post whose front
    /// matter, date or Liquid does not read stop the build (exit 1, naming the files).
    /// The site is rendered into a temporary folder beside --out and swapped in only when
    /// complete: a failed build leaves the previous site. Only files whose content changed are
    /// written (the others are hard-linked from the previous site); with nothing changed,
    /// nothing is written. Two builds of the same input are
    /// byte-identical (unless a future post's date came in between, or a post prints or loops over
    /// a map of its own: README, Moving a Jekyll blog in), build.json included: its generated_at is the newest time the data
    /// records (the last poll, session or daily start), or SOURCE_DATE_EPOCH when set. The
    /// templates are built into cph50, so it builds from any folder; a templates folder
    /// (--templates, or ./templates when it exists) replaces them file by file. Links are
    /// relative, so the site opens from file:// and under any project path.
    Build(BuildArgs),
    /// Export the data as a database other tools read: SQLite, Parquet or CSV.
    ///
    /// A derived form of data/ (the JSON stays the source of truth), read and checked as
    /// `build` reads it: tables vehicles, sessions (one row per session, energy_kwh, cost,
    /// duration_s, local_date, local_month, vehicle_id), samples (the power curves) and runs
    /// (the daily starts). --format sqlite writes one file with primary and foreign keys and
    /// indexes by local month and by vehicle; --format parquet writes a folder whose
    /// sessions/ and samples/ are partitioned by local year and month in the Hive layout, so
    /// DuckDB, Polars or Spark read each as one table; --format csv writes one CSV per table.
    /// The same data always gives the same bytes. The output is written beside --out and
    /// swapped in whole, so --out is always the old export or the new one.
    #[command(after_help = EXPORT_AFTER_HELP)]
    Export(ExportArgs),
    /// Incident issues: one open GitHub issue per kind of trouble, opened when it starts,
    /// commented on at most once a day while it lasts, closed with a note when it ends.
    ///
    /// Kinds (labels `cph50-incident` and `incident:<kind>`): offline (the charger is not
    /// connected), login (bot protection blocked the login, it was refused, the session cookie
    /// expired, or a credential is missing), runs-failing (a workflow's scheduled runs all
    /// failed for a day), data-invalid (`cph50 validate` finds problems). The open issue of a
    /// kind is found by its labels, so there is never a second one.
    ///
    /// On GitHub Actions every command that fails with a known kind of trouble (and `monitor`
    /// when it finds the charger offline) writes `trouble=<kind>` and `trouble_details=<one
    /// line>` to $GITHUB_OUTPUT; `incident sync` turns them into issues. Talks to the GitHub
    /// REST API at GITHUB_API_URL about GITHUB_REPOSITORY with GITHUB_TOKEN (the job's token;
    /// never logged), which needs `issues: write` (and `actions: read` for `runs`). Exit 0 when
    /// the issue says what happened, 1 when GitHub could not be told (the run must fail then)
    /// or (sync) the observed step failed for an unknown reason, 2 bad usage.
    #[command(after_help = INCIDENT_AFTER_HELP)]
    Incident(IncidentArgs),
}

const CHARGE_AFTER_HELP: &str = "\
Examples:
  cph50 charge                        the scheduled start (what charge.yml runs)
  cph50 charge --now                  start at once
  cph50 charge --now --for 2h         start, then stop that session 2 hours later
  cph50 charge --now --until 07:30    ... at 07:30 local time (the configured zone)
  cph50 charge --now --max-kwh 10     ... once it has delivered 10 kWh";
const STOP_AFTER_HELP: &str = "\
Examples:
  cph50 stop                          stop whatever session is in progress
  cph50 stop --session 4754846071     stop it only if that is the session in progress
  cph50 stop --json                   {\"outcome\": \"none\", ...} when nothing is in progress";
const LIMIT_AFTER_HELP: &str = "\
Examples:
  cph50 limit                         amperage limit 40 A (the charger allows 20-40 A)
  cph50 limit 32                      set it to 32 A (7.7 kW at 240 V)
  cph50 limit 99                      exit 2: outside the charger's range, nothing sent";
const SCHEDULE_AFTER_HELP: &str = "\
Examples:
  cph50 schedule                      the windows, enabled or not, utility and rate plan
  cph50 schedule set --weekday 23:00-07:00 --weekend 00:00-08:00
                                      charge overnight only
  cph50 schedule off                  charge whenever a car is plugged in
  cph50 schedule --json show          one JSON object";
const INCIDENT_AFTER_HELP: &str = "\
Examples:
  cph50 incident report --kind offline --details \"The charger is offline.\"
  cph50 incident resolve --kind offline
  cph50 incident sync --checks login,offline --outcome failure --trouble login
  cph50 incident runs --window 24h";
const ARCHIVE_AFTER_HELP: &str = "\
Examples:
  cph50 archive --dry-run             what would be packed (months older than 6 months)
  cph50 archive                       pack them: sessions/2025/04/ -> sessions/2025/04.jsonl.gz
  cph50 archive --older-than 1year    keep the last 12 months unpacked
  cph50 archive --restore 2025-04     unpack April 2025 again
  zcat data/sessions/2025/04.jsonl.gz | jq -r 'select(.path) | .path'
                                      list an archive's files";
const INIT_AFTER_HELP: &str = "\
Examples:
  cph50 init                                  ask on the terminal
  cph50 init --tz Europe/Berlin --start 06:30 --yes
                                              from a script: no questions
  cph50 init --yes                            again after editing cph50.toml: crons follow it
  cph50 init --yes --keep-data --offline      only cph50.toml and the crons";

const LOGIN_AFTER_HELP: &str = "\
Examples:
  CP_USERNAME=me@example.com CP_PASSWORD=... cph50 login
                                  prints CP_TOKEN_KEY=... and CP_SESSION_SEALED=...
  cph50 login --set-secrets       stores both with gh, in the repository of this folder
  CP_TOKEN_KEY=... cph50 login    seals with the key the repository already has";

const DOCTOR_AFTER_HELP: &str = "\
Examples:
  cph50 doctor                    check the repository in this folder
  cph50 doctor --repo ~/charging  another one
  cph50 doctor --offline          the files only, without asking GitHub";

const SIM_AFTER_HELP: &str = "\
Fault SPEC: <endpoint>=<kind>[x<count>]; count defaults to 1, x0 = every request, forever.
  endpoints: discovery login logout profile vehicles chargers status technical_info config
             schedule amperage restart user_status activity session start stop ack any
  kinds:     500 502 503     that status, JSON error body
             429             with Retry-After: 1
             delay<ms>       the normal answer, that many real ms late (e.g. delay5000)
             expire          401; every token dies, a new login works
             unauthorized    401; tokens live on (with x0: 401 even after a fresh login)
             captcha_json    403 Datadome JSON {\"url\": captcha}
             captcha_html    403 Datadome text/html page
             html            200 text/html maintenance page where JSON was expected
             truncated       200, half the JSON
             empty           200, empty body
             refuse          start, stop, ack: ChargePoint's refusal, 422 errorId 89 CHARGE
                             (on ack: that poll; on start/stop: when the station answers);
                             amperage, schedule: the next PUT answers 422 with an errorMessage
                             and changes nothing (a schedule GET passes it by)

Browser login: POST <base>/_sim/cookie answers {\"coulomb_sess\": value, \"max_age_s\": 7200}, a
live cookie to paste into CP_SESSION_TOKEN (no password login is counted).

Examples:
  cph50 sim                                   default scenario, real time, any free port
  cph50 sim --port 8765 --speed 60            one sim minute per second
  cph50 sim --scenario offline                the charger is unreachable
  cph50 sim --fault status=503x2 --fault login=captcha_html
  cph50 sim --fault stop=refuse               the next stop is refused (cph50 stop exits 1)
  cph50 sim --fault amperage=refuse --fault schedule=refuse
                                              the next limit and schedule changes are refused";
