//! One function per command: wires settings, stages and the store together.

use std::fs;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::api::Client;
use crate::cli::{
    BuildArgs, CacheArgs, ChargeArgs, ClassifyArgs, Cli, CollectArgs, Command, DemoDataArgs,
    LabelArgs, MonitorArgs, SimArgs, StatusArgs, TrainArgs,
};
use crate::clock::Clock;
use crate::demo::{self, DemoData, Params};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;
use crate::store::layout::{self, Month};

/// Runs the parsed command line.
pub fn execute(cli: Cli) -> Result<()> {
    let settings = Settings::resolve(&cli.global)?;
    let out = Output {
        quiet: settings.quiet,
        github_actions: settings.github_actions,
    };
    match cli.command {
        Command::Validate => validate(&settings, &out),
        Command::DemoData(args) => demo_data(&settings, &out, &args),
        Command::Status(args) => status(&settings, &out, &args),
        Command::Check => check(&settings, &out),
        Command::Cache(args) => cache(&settings, &out, &args),
        Command::Monitor(args) => monitor(&settings, &out, &args),
        Command::Collect(args) => collect(&settings, &out, &args),
        Command::Charge(args) => charge(&settings, &out, &args),
        Command::Train(args) => train(&settings, &out, &args),
        Command::Classify(args) => classify(&settings, &out, &args),
        Command::Label(args) => label(&settings, &out, &args),
        Command::Sim(args) => sim(&args),
        Command::Build(args) => build(&settings, &out, &args),
    }
}

/// Runs an API command on a single-threaded tokio runtime with a fresh client, then logs how
/// many requests and logins it took.
fn with_client<T>(
    settings: &Settings,
    job: impl AsyncFnOnce(&mut Client, &Clock) -> Result<T>,
) -> Result<T> {
    with_client_config(settings, settings.client_config()?, job)
}

/// [`with_client`] with a client configuration the command adjusted.
fn with_client_config<T>(
    settings: &Settings,
    config: crate::api::ClientConfig,
    job: impl AsyncFnOnce(&mut Client, &Clock) -> Result<T>,
) -> Result<T> {
    let mut client = Client::new(config)?;
    let clock = settings.clock()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime for", "the API client", e))?;
    let result = runtime.block_on(job(&mut client, &clock));
    let stats = client.stats();
    tracing::debug!(
        "ChargePoint API: {} request(s), {} login(s)",
        stats.requests,
        stats.logins
    );
    result
}

/// `cph50 status`.
fn status(settings: &Settings, out: &Output, args: &StatusArgs) -> Result<()> {
    let clock = settings.clock()?;
    let report = with_client(settings, async |client, clock| {
        crate::status::status(client, clock).await
    })?;
    if args.json {
        let json = serde_json::to_string(&report)
            .map_err(|e| Error::Usage(format!("cannot encode the status as JSON: {e}")))?;
        out.data(&json);
    } else {
        for line in crate::status::describe(&report, &clock) {
            out.result(&line);
        }
    }
    Ok(())
}

/// `cph50 check`.
fn check(settings: &Settings, out: &Output) -> Result<()> {
    let line = with_client(settings, async |client, clock| {
        crate::status::check(client, clock).await
    })?;
    out.result(&line);
    Ok(())
}

/// `cph50 sim`: serves until Ctrl-C or SIGTERM.
fn sim(args: &SimArgs) -> Result<()> {
    use std::io::Write;
    let start = match &args.start {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|e| Error::Usage(format!("--start {text:?} is not an RFC 3339 time: {e}")))?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    let cfg = crate::sim::SimConfig {
        seed: args.seed,
        scenario: args.scenario,
        history_days: args.history_days,
        speed: args.speed,
        faults: args.faults.clone(),
        password: args.password.clone(),
        start,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime for", "cph50 sim", e))?;
    runtime.block_on(async {
        let handle = crate::sim::start(cfg, args.port).await?;
        let stopped = stop_signal()?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "CP_DISCOVERY_URL={}", handle.discovery_url)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("write to", "stdout", e))?;
        // Best effort: a caller may close the pipe once it has the URL; the sim keeps serving.
        let _ = writeln!(
            out,
            "cph50 sim: fake ChargePoint at {} (scenario {}, seed {}, {} days of history, speed {}x); log in with any username and the --password",
            handle.base_url, args.scenario, args.seed, args.history_days, args.speed
        )
        .and_then(|()| {
            writeln!(
                out,
                "cph50 sim: control it under {}/_sim/ (state, advance, plug, unplug, connect, fault); stop with Ctrl-C",
                handle.base_url
            )
        })
        .and_then(|()| out.flush());
        drop(out);
        stopped.await;
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), handle.stop()).await;
        Ok(())
    })
}

/// Registers the Ctrl-C and SIGTERM handlers now (before the URL is printed, so a caller that
/// stops the sim as soon as it has read it still gets a clean exit) and resolves on either.
fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let err = |e| Error::io("listen for signals in", "cph50 sim", e);
        let mut term = signal(SignalKind::terminate()).map_err(err)?;
        let mut int = signal(SignalKind::interrupt()).map_err(err)?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// `cph50 validate`.
fn validate(settings: &Settings, out: &Output) -> Result<()> {
    if !settings.data.is_dir() {
        return Err(Error::io(
            "read data folder",
            &settings.data,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder (set --data)"),
        ));
    }
    let store = Store::new(&settings.data);
    let report = crate::validate::validate(&store, &settings.clock()?);
    if report.problems.is_empty() {
        out.result(&format!(
            "ok: {} files valid under {} ({} sessions, {} cache months with {} entries)",
            report.files,
            settings.data.display(),
            report.sessions,
            report.cache_months,
            report.cache_entries
        ));
        return Ok(());
    }
    let err = Error::Invalid {
        problems: report.problems.len(),
        files: report.files_with_problems(),
        data: settings.data.clone(),
    };
    out.diag(&format!("error: {err}"));
    let mut summary = format!("### cph50 validate: {err}\n\n");
    for p in &report.problems {
        out.diag(&format!("  {p}"));
        out.annotate(
            Some(&p.path.display().to_string()),
            p.position,
            &p.to_string(),
        );
        summary.push_str(&format!("- `{p}`\n"));
    }
    out.step_summary(&summary);
    Err(err)
}

/// `cph50 demo-data`.
fn demo_data(settings: &Settings, out: &Output, args: &DemoDataArgs) -> Result<()> {
    let until = Month::parse(&args.until).ok_or_else(|| {
        Error::Usage(format!(
            "--until {:?} is not a month; expected YYYY-MM",
            args.until
        ))
    })?;
    let target = args.out.clone().unwrap_or_else(|| settings.data.clone());
    if has_entries(&target) && !args.force {
        return Err(Error::Usage(format!(
            "{} is not empty; demo-data writes a complete data folder. Choose an empty --out, or add --force to replace it (its current content is deleted)",
            target.display()
        )));
    }
    let params = Params {
        seed: args.seed,
        months: args.months,
        until,
        clock: settings.clock()?,
    };
    let (first, last) = params.days().ok_or_else(|| {
        Error::Usage(format!(
            "--months {} before {until} is out of range",
            args.months
        ))
    })?;
    let bar = if out.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new((last - first).num_days() as u64 + 1)
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} days").map_or_else(
            |_| ProgressStyle::default_bar(),
            |s| s.progress_chars("=> "),
        ),
    );
    bar.set_prefix("simulating");
    let data = demo::generate(&params, || bar.inc(1))
        .ok_or_else(|| Error::Usage("the requested months are outside the calendar".into()))?;
    bar.finish_and_clear();

    let staging = staging_dir(&target)?;
    write_demo(&Store::new(staging.path()), &data)?;
    replace_dir(staging, &target)?;
    out.result(&format!(
        "wrote demo data to {}: {} sessions from {first} to {last} ({} months, seed {}), {} runs",
        target.display(),
        data.sessions.len(),
        args.months,
        args.seed,
        data.runs.runs.len()
    ));
    Ok(())
}

fn write_demo(store: &Store, data: &DemoData) -> Result<()> {
    store.save_file(layout::VEHICLE_CONFIG, &data.vehicle_config)?;
    store.save_file(layout::RUNS, &data.runs)?;
    store.save_file(layout::CLASSIFIER_SUMMARY, &data.classifier_summary)?;
    store.save_file(layout::SESSION_VEHICLE_MAP, &data.vehicle_map)?;
    if let Some(last) = &data.last_session {
        store.save_file(layout::LAST_SESSION, last)?;
    }
    if let Some(id) = &data.last_session_id {
        store.save_file(layout::LAST_SESSION_ID, id)?;
    }
    for (date, session) in &data.sessions {
        store.save_session(*date, session)?;
    }
    for (month, entries) in &data.caches {
        store.save_cache_month(*month, &mut entries.clone())?;
    }
    Ok(())
}

fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

/// A temporary folder beside `target`, so the final rename stays on one file system.
fn staging_dir(target: &Path) -> Result<tempfile::TempDir> {
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(|e| Error::io("create folder", &parent, e))?;
    tempfile::Builder::new()
        .prefix(".cph50-demo-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a temporary folder in", &parent, e))
}

/// Puts the finished `staging` folder in place of `target`: the old folder is moved aside
/// first and deleted only once the new one is in place.
fn replace_dir(staging: tempfile::TempDir, target: &Path) -> Result<()> {
    let old = if target.exists() {
        let aside = tempfile::Builder::new()
            .prefix(".cph50-old-")
            .tempdir_in(parent_of(target))
            .map_err(|e| Error::io("create a temporary folder beside", target, e))?;
        let aside_path = aside.path().join("data");
        fs::rename(target, &aside_path).map_err(|e| Error::io("move aside", target, e))?;
        Some(aside)
    } else {
        None
    };
    let staged = staging.keep();
    fs::rename(&staged, target).map_err(|e| Error::io("move into place", target, e))?;
    drop(old); // deletes the previous folder
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::Usage(format!("cannot encode JSON output: {e}")))
}

/// `cph50 train`.
fn train(settings: &Settings, out: &Output, args: &TrainArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let (report, skipped) = crate::classify::training::train(&store, &settings.clock()?)?;
    if args.json {
        let mut json = serde_json::to_value(&report)
            .map_err(|e| Error::Usage(format!("cannot encode JSON output: {e}")))?;
        json["skipped"] = skipped.into();
        out.data(&to_json(&json)?);
        return Ok(());
    }
    let kinds: Vec<String> = report
        .kinds
        .iter()
        .map(|(k, a)| format!("{k} {:.1}%", a * 100.0))
        .collect();
    out.result(&format!(
        "trained {} on {} sessions of {} vehicles: k-fold accuracy {:.1}% ({} folds; compared {}); update_data model {:.1}%; {} sessions left out",
        report.kind,
        report.n,
        report.classes.len(),
        report.accuracy * 100.0,
        report.folds,
        kinds.join(", "),
        report.update_data_accuracy * 100.0,
        skipped
    ));
    if args.eval {
        let width = report
            .classes
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(9);
        out.result(&format!("{:<width$}  predicted ->", "true"));
        out.result(&format!(
            "{:<width$}  {}",
            "",
            report
                .classes
                .iter()
                .map(|c| format!("{c:>width$}"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
        for (class, row) in report.classes.iter().zip(&report.confusion) {
            let cells: Vec<String> = row.iter().map(|n| format!("{n:>width$}")).collect();
            out.result(&format!("{class:<width$}  {}", cells.join(" ")));
        }
    }
    Ok(())
}

/// `cph50 classify`.
fn classify(settings: &Settings, out: &Output, args: &ClassifyArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return Err(Error::Usage(format!(
            "--min-confidence {} is outside 0..1",
            args.min_confidence
        )));
    }
    let store = Store::new(&settings.data);
    let clock = settings.clock()?;
    let (answer, written, what) = match (&args.session_id, &args.file) {
        (Some(raw), _) => {
            let id = crate::store::values::SessionId::parse(raw).map_err(Error::SessionId)?;
            let (a, w) =
                crate::pipeline::label::classify_session(&store, &clock, &id, args.min_confidence)?;
            (a, Some(w), format!("session {id}"))
        }
        (None, Some(path)) => (
            crate::pipeline::label::classify_file(&store, &clock, path, args.min_confidence)?,
            None,
            path.display().to_string(),
        ),
        (None, None) => return Err(Error::Usage("give a SESSION_ID or --file PATH".into())),
    };
    if args.json {
        let mut json = serde_json::to_value(&answer)
            .map_err(|e| Error::Usage(format!("cannot encode JSON output: {e}")))?;
        if let Some(w) = written {
            json["written"] = w.into();
        }
        out.data(&to_json(&json)?);
    } else {
        out.result(&format!(
            "{what}: {} (confidence {:.2}, {}): {}",
            answer.vehicle_id, answer.confidence, answer.method, answer.reason
        ));
    }
    Ok(())
}

/// `cph50 label`.
fn label(settings: &Settings, out: &Output, args: &LabelArgs) -> Result<()> {
    let id = crate::store::values::SessionId::parse(&args.session_id).map_err(Error::SessionId)?;
    let store = Store::new(&settings.data);
    let changed =
        crate::pipeline::label::by_hand(&store, &settings.clock()?, &id, &args.vehicle_id)?;
    out.result(&format!(
        "labelled session {id} as {} by hand ({changed} file(s) changed)",
        args.vehicle_id
    ));
    Ok(())
}

/// `cph50 build`.
fn build(settings: &Settings, out: &Output, args: &BuildArgs) -> Result<()> {
    // SOURCE_DATE_EPOCH (reproducible builds) fixes the one timestamp the site carries.
    let generated_at = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .unwrap_or_else(chrono::Utc::now);
    let mut base_url = args.base_url.clone();
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let report = crate::render::build(&crate::render::BuildOptions {
        data: settings.data.clone(),
        out: args.out.clone(),
        blog: args.blog.clone(),
        templates: args.templates.clone(),
        base_url,
        tz: settings.tz,
        generated_at,
    })?;
    out.result(&format!(
        "built {} ({} files, {} KB: {} session pages, {} posts)",
        args.out.display(),
        report.files,
        report.bytes / 1024,
        report.sessions,
        report.posts
    ));
    Ok(())
}

/// `cph50 monitor`.
fn monitor(settings: &Settings, out: &Output, args: &MonitorArgs) -> Result<()> {
    use crate::pipeline::{StageContext, collect, monitor};
    let store = Store::new(&settings.data);
    let plan = collect::Plan {
        samples: args.sampling.samples,
        interval: args.sampling.interval,
    };
    let (poll, collected, stats) = with_client(settings, async |client, clock| {
        let mut ctx = StageContext {
            client,
            store: &store,
            clock,
        };
        let poll = monitor::poll(&mut ctx).await?;
        let collected = match (&poll.event, &poll.session_id, args.collect) {
            (monitor::Event::NewSession, Some(id), true) => {
                let id = crate::store::values::SessionId::parse(id).map_err(Error::SessionId)?;
                let done = collect::collect(&mut ctx, &id, plan).await?;
                monitor::refresh_label(&ctx, &id)?;
                Some(done)
            }
            _ => None,
        };
        Ok((poll, collected, ctx.client.stats()))
    })?;
    let line = poll.describe();
    if args.json {
        let mut json = serde_json::to_value(&poll)
            .map_err(|e| Error::Usage(format!("cannot encode JSON output: {e}")))?;
        json["collected"] = serde_json::to_value(&collected).unwrap_or_default();
        json["api"] = serde_json::to_value(stats).unwrap_or_default();
        out.data(&to_json(&json)?);
    } else {
        out.result(&format!(
            "{line} [{} request(s), {} login(s)]",
            stats.requests, stats.logins
        ));
        if let Some(c) = &collected {
            out.result(&collected_line(c));
        }
    }
    out.step_summary(&format!("### cph50 monitor\n\n{line}\n"));
    Ok(())
}

fn collected_line(c: &crate::pipeline::collect::Collected) -> String {
    if c.samples == 0 {
        return format!(
            "session {} was already collected; nothing sampled",
            c.session_id
        );
    }
    format!(
        "collected session {}: {} of {} samples valid, vehicle {} (confidence {:.2})",
        c.session_id,
        c.valid,
        c.samples,
        c.vehicle_id.as_deref().unwrap_or("unknown"),
        c.confidence.unwrap_or(0.0)
    )
}

/// `cph50 collect`.
fn collect(settings: &Settings, out: &Output, args: &CollectArgs) -> Result<()> {
    use crate::pipeline::{StageContext, collect};
    let id = crate::store::values::SessionId::parse(&args.session_id).map_err(Error::SessionId)?;
    let store = Store::new(&settings.data);
    let plan = collect::Plan {
        samples: args.sampling.samples,
        interval: args.sampling.interval,
    };
    let done = with_client(settings, async |client, clock| {
        let mut ctx = StageContext {
            client,
            store: &store,
            clock,
        };
        collect::collect(&mut ctx, &id, plan).await
    })?;
    out.result(&collected_line(&done));
    Ok(())
}

/// `cph50 charge`.
fn charge(settings: &Settings, out: &Output, args: &ChargeArgs) -> Result<()> {
    use crate::pipeline::{StageContext, charge_control};
    let store = Store::new(&settings.data);
    let run_id = std::env::var("GITHUB_RUN_ID")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| format!("local-{}", chrono::Utc::now().timestamp_millis()));
    let plan = charge_control::ChargePlan {
        at: args.at,
        now: args.now,
        max_wait: args.max_wait,
        poll: args.poll,
        attempts: args.attempts,
        backoff: args.backoff,
        run_id,
    };
    let mut config = settings.client_config()?;
    config.ack = crate::api::AckPolicy {
        attempts: args.ack_polls,
        interval: args.ack_interval,
    };
    let (outcome, charger) = with_client_config(settings, config, async |client, clock| {
        let mut ctx = StageContext {
            client,
            store: &store,
            clock,
        };
        let outcome = charge_control::charge(&mut ctx, &plan).await?;
        let charger = if outcome.offline {
            ctx.client.station_id().await.unwrap_or(0)
        } else {
            0
        };
        Ok((outcome, charger))
    })?;
    out.step_summary(&format!("### cph50 charge\n\n{}\n", outcome.summary));
    if outcome.offline {
        return Err(Error::Offline {
            charger,
            last_connected: None,
        });
    }
    out.result(&outcome.summary);
    Ok(())
}

/// `cph50 cache`.
fn cache(settings: &Settings, out: &Output, args: &CacheArgs) -> Result<()> {
    use crate::pipeline::cache::{self, Options, Selection};
    use std::io::IsTerminal;
    let selection = if let Some(raw) = &args.session {
        Selection::Session(raw.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "--session {raw:?} is not a session id (digits only)"
            ))
        })?)
    } else if let Some(raw) = &args.month {
        Selection::Month(Month::parse(raw).ok_or_else(|| {
            Error::Usage(format!("--month {raw:?} is not a month; expected YYYY-MM"))
        })?)
    } else if let Some(raw) = &args.since {
        Selection::Since(
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                Error::Usage(format!(
                    "--since {raw:?} is not a date; expected YYYY-MM-DD"
                ))
            })?,
        )
    } else if args.current {
        Selection::Current
    } else if args.previous {
        Selection::Previous
    } else {
        Selection::All
    };
    let opts = Options {
        selection,
        keep_personal_data: settings.keep_personal_data,
    };
    let store = Store::new(&settings.data);
    let bar = if out.quiet || args.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} sessions ({eta})")
            .map_or_else(
                |_| ProgressStyle::default_bar(),
                |s| s.progress_chars("=> "),
            ),
    );
    bar.set_prefix("session details");
    let report = with_client(settings, async |client, clock| {
        let mut ctx = crate::pipeline::StageContext {
            client,
            store: &store,
            clock,
        };
        let mut progress = |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        };
        cache::run(&mut ctx, &opts, &mut progress).await
    });
    bar.finish_and_clear();
    let report = report?;
    if args.json {
        out.data(&to_json(&report)?);
    } else {
        out.result(&report.line());
    }
    Ok(())
}
