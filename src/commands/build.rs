//! `cph50 build`: renders the static site from the data folder, the blog and the templates.

use crate::cli::BuildArgs;
use crate::error::{Error, Problem, Result};
use crate::output::Output;
use crate::render::BuildOptions;
use crate::settings::Settings;

/// Runs `cph50 build`.
///
/// # Errors
/// The renderer's error, naming the data file, post or template that failed; the previous
/// site is then left as it was.
pub fn run(settings: &Settings, out: &Output, args: &BuildArgs) -> Result<()> {
    let options = build_options(settings, args)?;
    let mut inputs = vec![
        ("data", options.data.as_path()),
        ("blog", options.blog.as_path()),
    ];
    if let Some(templates) = &options.templates {
        inputs.push(("templates", templates.as_path()));
    }
    super::refuse_to_replace("--out", &options.out, &inputs, |dir| {
        dir.join("build.json").is_file()
    })?;
    refuse_invalid_data(settings)?;
    let report = crate::render::build(&options)?;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let changed = if report.written == 0 && report.removed == 0 {
        "nothing changed, nothing written".to_owned()
    } else {
        format!(
            "{} written, {} removed",
            plural(report.written, "file", "files"),
            report.removed
        )
    };
    out.result(&format!(
        "built {} ({}, {} KB: {}, {}; {changed})",
        args.out.display(),
        plural(report.files, "file", "files"),
        report.bytes / 1024,
        plural(report.sessions, "session page", "session pages"),
        plural(report.posts, "post", "posts")
    ));
    Ok(())
}

/// A site is only built from data `validate` accepts: the same checks, so whatever `validate`
/// refuses also stops the build (and the other way round, through the shared models).
///
/// # Errors
/// [`Error::Data`] with the first problem (file, field, line and column) and how many there
/// are in all; [`Error::Io`] when the data folder does not exist.
pub(super) fn refuse_invalid_data(settings: &Settings) -> Result<()> {
    if !settings.data.is_dir() {
        return Err(Error::io(
            "read data folder",
            &settings.data,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder (set --data)"),
        ));
    }
    let store = crate::store::Store::new(&settings.data);
    let report =
        crate::validate::validate_with(&store, &settings.clock()?, settings.known_plan().as_ref());
    match report.problems.first() {
        None => Ok(()),
        Some(first) => Err(Error::Data(Problem {
            message: format!(
                "{} ({} problem(s) in all; `cph50 validate` lists them; nothing was built)",
                first.message,
                report.problems.len()
            ),
            ..first.clone()
        })),
    }
}

/// The workflow whose crons poll the charger, from the repository root.
const MONITOR_WORKFLOW: &str = ".github/workflows/monitor.yml";

/// How often `workflow` polls, in minutes: the longest wait between its crons' runs (`on:
/// schedule: - cron:`), or `None` when the file is missing (no warning: a site built outside
/// the repository) or when it holds no schedule that parses (a warning naming the file and
/// why, since the dashboard then cannot tell a late poll).
fn poll_minutes(workflow: &std::path::Path) -> Option<u32> {
    if !workflow.exists() {
        return None;
    }
    match schedule_gap(workflow) {
        Ok(minutes) => Some(minutes),
        Err(why) => {
            tracing::warn!(
                "{}: {why}; the dashboard will not say whether polls are late",
                workflow.display()
            );
            None
        }
    }
}

/// The longest wait between the runs of `workflow`'s crons, in minutes, or why there is none.
fn schedule_gap(workflow: &std::path::Path) -> std::result::Result<u32, String> {
    let text = std::fs::read_to_string(workflow).map_err(|e| format!("cannot be read: {e}"))?;
    let doc: serde_norway::Value =
        serde_norway::from_str(&text).map_err(|e| format!("is not YAML: {e}"))?;
    let crons: Vec<String> = doc
        .get("on")
        .and_then(|on| on.get("schedule"))
        .and_then(|s| s.as_sequence())
        .ok_or("has no `on: schedule:` list")?
        .iter()
        .filter_map(|e| e.get("cron")?.as_str().map(str::to_owned))
        .collect();
    let schedule = crate::cron::Schedule::parse(&crons)
        .map_err(|e| format!("a cron of `on: schedule:` does not parse: {e}"))?;
    let from =
        chrono::DateTime::parse_from_rfc3339("2026-01-05T00:00:00Z").map_err(|e| e.to_string())?;
    let gap = schedule
        .longest_gap(from.to_utc())
        .ok_or("its crons never run")?;
    u32::try_from(gap.num_minutes())
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| "its crons run less than a minute apart".to_owned())
}

/// The folder `./templates` a build uses by default, when it is one.
const DEFAULT_TEMPLATES: &str = "templates";

/// The renderer's options. The templates are the built-in ones, overridden file by file by
/// `--templates`, or else by `./templates` when that folder exists. `SOURCE_DATE_EPOCH`
/// (reproducible builds, seconds since 1970) fixes the `generated_at` of `build.json`;
/// otherwise it is the newest instant the data records, never the clock.
///
/// # Errors
/// A settings error naming `SOURCE_DATE_EPOCH` when it holds no time.
pub fn build_options(settings: &Settings, args: &BuildArgs) -> Result<BuildOptions> {
    let templates = args.templates.clone().or_else(|| {
        let default = std::path::PathBuf::from(DEFAULT_TEMPLATES);
        default.is_dir().then_some(default)
    });
    Ok(BuildOptions {
        data: settings.data.clone(),
        out: args.out.clone(),
        blog: match &args.blog {
            Some(dir) if !dir.is_dir() => {
                return Err(Error::Usage(format!(
                    "--blog {}: not a folder (without --blog, a missing ./blog means no posts)",
                    dir.display()
                )));
            }
            Some(dir) => dir.clone(),
            None => std::path::PathBuf::from("blog"),
        },
        templates,
        base_url: args.base_url.clone(),
        blog_path: args
            .blog_path
            .clone()
            .or_else(|| settings.blog_path.clone())
            .unwrap_or_else(|| "blog/".to_owned()),
        future: args.future,
        drafts: args.drafts,
        now: settings.clock()?.now(),
        poll_minutes: poll_minutes(std::path::Path::new(MONITOR_WORKFLOW)),
        repository: settings.site_repository(),
        tz: settings.tz,
        numbers: settings.numbers.clone(),
        source_date: settings.source_date_epoch()?,
    })
}
