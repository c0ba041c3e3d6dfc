//! `cph50 collect`: samples a session's power curve, classifies it and writes its session file.

use crate::cli::{CollectArgs, SampleArgs};
use crate::error::Result;
use crate::output::Output;
use crate::pipeline::StageContext;
use crate::pipeline::collect::{self, Collected, Plan};
use crate::settings::Settings;
use crate::store::Store;

/// The sampling plan of `--samples` and `--interval`.
pub fn plan(args: &SampleArgs) -> Plan {
    Plan {
        samples: args.samples,
        interval: args.interval,
        deadline: args
            .deadline
            .unwrap_or_else(|| Plan::default_deadline(args.samples, args.interval)),
    }
}

/// Runs `cph50 collect`.
///
/// # Errors
/// The API error that stopped the sampling, or a data error naming the file.
pub fn run(settings: &Settings, out: &Output, args: &CollectArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let plan = plan(&args.sampling);
    let done = super::with_client(settings, async |client, clock| {
        let mut ctx = StageContext {
            client,
            store: &store,
            clock,
        };
        collect::collect(&mut ctx, &args.session_id, plan).await
    })?;
    out.result(&collected_line(&done));
    Ok(())
}

/// The line a person reads about a collection.
pub fn collected_line(c: &Collected) -> String {
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
