//! What `init` will write, worked out before anything is written: the text of `cph50.toml`,
//! what happens to the data folder (with `vehicle_config.json` already asked of the account),
//! and the rewritten `charge.yml`; and that every folder it writes in takes a file. Only when
//! all of it is known is anything written, so a failure leaves the repository as it was.

use super::{Answers, DataPlan, grace_text};
use crate::cli::InitArgs;
use crate::commands::setup::data::{self, DataState, FreshConfig};
use crate::commands::setup::{CHARGE_WORKFLOW, Repo, config, vehicles, workflow};
use crate::cron::{self, DailyStart};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::{ConfigFile, Settings};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::VehicleConfig;

/// What happens to the data folder.
enum DataWrite {
    /// A fresh folder holding only this `vehicle_config.json`.
    Fresh(FreshConfig),
    /// `vehicle_config.json` written into the folder as it is.
    Config(VehicleConfig),
    /// Nothing.
    Nothing,
}

/// Everything `init` writes, and the lines of its summary.
pub struct Plan {
    config: Option<String>,
    data: DataWrite,
    crons: Option<String>,
    /// One line per change, for the summary.
    pub done: Vec<String>,
}

/// Works the plan out, writing nothing.
///
/// # Errors
/// [`Error::Cannot`] naming `charge.yml` when its crons cannot be rewritten; [`Error::Io`]
/// naming a file that cannot be read or a folder that cannot be written in.
#[allow(clippy::too_many_arguments)]
pub fn make(
    settings: &Settings,
    repo: &Repo,
    store: &Store,
    state: &DataState,
    a: &Answers,
    args: &InitArgs,
    daily: &DailyStart,
    out: &Output,
) -> Result<Plan> {
    let mut done = Vec::new();
    let config = plan_config(repo, a, &mut done);
    let crons = plan_crons(settings, repo, daily, &mut done)?;
    let data = plan_data(settings, repo, store, state, a, args, out, &mut done)?;
    // every folder written in takes a new file: the failure comes before the first write
    if config.is_some() {
        writable(&repo.root)?;
    }
    if crons.is_some() {
        writable(&repo.workflow(CHARGE_WORKFLOW).with_file_name(""))?;
    }
    match &data {
        DataWrite::Fresh(_) => {
            drop(crate::fsio::staging_dir(store.layout().root(), "init")?);
        }
        DataWrite::Config(_) => writable(store.layout().root())?,
        DataWrite::Nothing => {}
    }
    Ok(Plan {
        config,
        data,
        crons,
        done,
    })
}

/// Writes what [`make`] worked out: the config file, the data folder, then the crons.
///
/// # Errors
/// [`Error::Io`] naming the file or folder that cannot be written.
pub fn apply(plan: &Plan, repo: &Repo, store: &Store) -> Result<()> {
    if let Some(text) = &plan.config {
        crate::fsio::write_atomic(&repo.config_path, text.as_bytes())?;
    }
    match &plan.data {
        DataWrite::Fresh(c) => data::write_fresh(store, c)?,
        DataWrite::Config(c) => data::write_config(store, c)?,
        DataWrite::Nothing => {}
    }
    if let Some(text) = &plan.crons {
        crate::fsio::write_atomic(&repo.workflow(CHARGE_WORKFLOW), text.as_bytes())?;
    }
    Ok(())
}

/// A file can be made in `dir` (made and deleted at once).
fn writable(dir: &std::path::Path) -> Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    tempfile::Builder::new()
        .prefix(&format!("{}probe-", crate::fsio::TEMP_PREFIX))
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| Error::io("write in", dir, e))
}

fn plan_config(repo: &Repo, a: &Answers, done: &mut Vec<String>) -> Option<String> {
    let existing = repo.config.clone();
    let wanted = ConfigFile {
        tz: Some(a.tz.name().to_owned()),
        start: Some(a.start.format("%H:%M").to_string()),
        grace: Some(grace_text(a.grace)),
        ..existing.clone().unwrap_or_default()
    };
    // unchanged values keep the file as the user wrote it
    let same = existing.as_ref().is_some_and(|c| {
        c.tz == wanted.tz
            && c.start_time(&repo.config_path).ok().flatten() == Some(a.start)
            && c.grace_duration(&repo.config_path).ok().flatten() == Some(a.grace)
    });
    if same {
        return None;
    }
    let verb = if existing.is_some() {
        "updated"
    } else {
        "wrote"
    };
    done.push(format!("{verb} {}", repo.shown(&repo.config_path)));
    Some(config::render(&wanted))
}

#[allow(clippy::too_many_arguments)]
fn plan_data(
    settings: &Settings,
    repo: &Repo,
    store: &Store,
    state: &DataState,
    a: &Answers,
    args: &InitArgs,
    out: &Output,
    done: &mut Vec<String>,
) -> Result<DataWrite> {
    let shown = format!("{}/", repo.shown(&repo.data));
    let config_path = store.layout().file(layout::VEHICLE_CONFIG);
    let config_shown = repo.shown(&config_path);
    let to_edit = |config: &VehicleConfig| {
        vehicles::to_edit(config)
            .into_iter()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
    };
    Ok(match (a.data, state) {
        (
            DataPlan::Fresh,
            DataState::Demo {
                config_edited: true,
                ..
            },
        ) if !args.vehicles => {
            let bytes =
                std::fs::read(&config_path).map_err(|e| Error::io("read", &config_path, e))?;
            done.push(format!(
                "removed the demo data from {shown}; kept your edited {config_shown}"
            ));
            DataWrite::Fresh(FreshConfig::Kept(bytes))
        }
        (DataPlan::Fresh, _) => {
            let (config, source) = vehicle_config(settings, args, out);
            let what = match state {
                DataState::Empty => format!("created {shown}"),
                DataState::Demo { .. } => format!("removed the demo data from {shown}"),
                DataState::Own { .. } => format!("deleted everything in {shown} (--replace-data)"),
            };
            done.push(format!("{what}; wrote {config_shown}: {source}"));
            done.extend(to_edit(&config));
            DataWrite::Fresh(FreshConfig::New(config))
        }
        (DataPlan::Keep, _) if data::missing(&config_path) || args.vehicles => {
            let (config, source) = vehicle_config(settings, args, out);
            done.push(format!("kept {shown}; wrote {config_shown}: {source}"));
            done.extend(to_edit(&config));
            DataWrite::Config(config)
        }
        (DataPlan::Keep, DataState::Own { .. }) => {
            out.diag(&format!(
                "note: {}; kept it (init never deletes your own data; --replace-data starts afresh)",
                state.describe(&shown)
            ));
            DataWrite::Nothing
        }
        (DataPlan::Keep, _) => DataWrite::Nothing,
    })
}

/// `vehicle_config.json` from the account when `CP_USERNAME` is set (and not `--offline`),
/// else the placeholder car; with the words that say where it came from.
fn vehicle_config(settings: &Settings, args: &InitArgs, out: &Output) -> (VehicleConfig, String) {
    let now = settings
        .clock()
        .map(|c| c.now())
        .unwrap_or_else(|_| chrono::Utc::now());
    let placeholder = |why: &str| {
        (
            vehicles::placeholder(now),
            format!("one placeholder car to edit ({why})"),
        )
    };
    if args.offline {
        return placeholder("--offline");
    }
    if crate::settings::env("CP_USERNAME").is_none() {
        return placeholder("CP_USERNAME is not set, so the account was not asked");
    }
    // the session lives in memory only: as `login`, init keeps no token file on this machine
    let asked = settings.client_config().and_then(|mut config| {
        config.sessions = std::sync::Arc::new(crate::api::session::NoSessionStore);
        crate::commands::with_client_config(settings, config, async |client, _| {
            Ok(client.vehicles().await?)
        })
    });
    match asked {
        Ok(list) if list.is_empty() => placeholder("the account lists no vehicles"),
        Ok(list) => {
            let n = list.len();
            (
                vehicles::from_account(&list, now),
                format!("{n} car(s) from your ChargePoint account"),
            )
        }
        Err(e) => {
            out.diag(&format!(
                "warning: could not read the account's vehicles: {e}"
            ));
            placeholder("the account could not be asked")
        }
    }
}

fn plan_crons(
    settings: &Settings,
    repo: &Repo,
    daily: &DailyStart,
    done: &mut Vec<String>,
) -> Result<Option<String>> {
    let path = repo.workflow(CHARGE_WORKFLOW);
    let shown = repo.shown(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let from = cron::span_start(settings.clock()?.now());
    let wanted = daily.crons(from);
    let comment = cron_comment(daily, from);
    let rewritten = workflow::rewrite_crons(&text, &wanted, &comment).map_err(|e| {
        Error::Cannot(format!(
            "{shown}: {e}; set its `on: schedule:` crons by hand to {}, then run init again (nothing was changed)",
            wanted.join(" and ")
        ))
    })?;
    if rewritten == text {
        return Ok(None);
    }
    done.push(format!(
        "rewrote the crons of {shown}: {}",
        wanted.join(" | ")
    ));
    Ok(Some(rewritten))
}

/// The comment `init` writes above the crons.
pub fn cron_comment(daily: &DailyStart, from: chrono::NaiveDate) -> Vec<String> {
    let offsets: Vec<String> = daily.run_offsets().iter().map(i64::to_string).collect();
    vec![
        format!(
            "Written by `cph50 init` for the daily start at {}:",
            daily.describe(from)
        ),
        format!(
            "runs {} minutes after it, off the top of the hour. To change them, edit",
            offsets.join(", ")
        ),
        "cph50.toml and run `cph50 init --yes`.".to_owned(),
    ]
}
