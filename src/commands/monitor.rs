//! `cph50 monitor`: one poll of the charger; with `--collect`, samples a new session at once.

use serde::Serialize;

use crate::api::Stats;
use crate::cli::MonitorArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::pipeline::StageContext;
use crate::pipeline::collect::{self, Collected};
use crate::pipeline::monitor::{self, Event, Poll};
use crate::settings::Settings;
use crate::store::Store;
use crate::store::values::SessionId;

/// What `monitor --json` prints.
#[derive(Debug, Serialize)]
pub struct MonitorAnswer {
    /// What the poll found (event, session, figures, files changed).
    #[serde(flatten)]
    pub poll: Poll,
    /// The collection of a new session (`--collect`), else null.
    pub collected: Option<Collected>,
    /// Requests and logins this command made.
    pub api: Stats,
}

/// Runs `cph50 monitor`.
///
/// # Errors
/// The API error that stopped the poll, or a data error naming the file.
pub fn run(settings: &Settings, out: &Output, args: &MonitorArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let plan = super::collect::plan(&args.sampling);
    let answer = super::with_client(settings, async |client, clock| {
        let mut ctx = StageContext {
            client,
            store: &store,
            clock,
        };
        let poll = monitor::poll(&mut ctx).await?;
        // a session seen before but not collected (an earlier collection failed) is tried again
        let collected = match (&poll.event, &poll.session_id, args.collect) {
            (Event::NewSession | Event::Charging, Some(id), true) => {
                let id = SessionId::parse(id).map_err(Error::SessionId)?;
                if poll.event == Event::Charging && ctx.store.find_session(&id)?.is_some() {
                    None
                } else {
                    let done = collect::collect(&mut ctx, &id, plan).await?;
                    monitor::refresh_label(&ctx, &id)?;
                    Some(done)
                }
            }
            _ => None,
        };
        let api = ctx.client.stats();
        Ok(MonitorAnswer {
            poll,
            collected,
            api,
        })
    })?;
    let line = answer.poll.describe();
    if args.json {
        super::print_json(out, &answer)?;
    } else {
        out.result(&format!(
            "{line} [{} request(s), {} login(s)]",
            answer.api.requests, answer.api.logins
        ));
        if let Some(note) = &answer.poll.note {
            out.result(&format!("note: {note}"));
        }
        if let Some(c) = &answer.collected {
            out.result(&super::collect::collected_line(c));
        }
    }
    if answer.poll.event == Event::Offline {
        // a known condition, not a failure of the poll: the workflow reports the incident
        out.set_output("trouble", crate::incident::Kind::Offline.name());
        out.set_output(
            "trouble_details",
            "The charger is offline (found by monitor).",
        );
    }
    out.step_summary(&format!("### cph50 monitor\n\n{line}\n"));
    Ok(())
}
