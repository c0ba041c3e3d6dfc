//! `cph50 cache`: merges ChargePoint's session details into the monthly caches.

use crate::cli::CacheArgs;
use crate::error::Result;
use crate::output::Output;
use crate::pipeline::StageContext;
use crate::pipeline::cache::{self, Options, Selection};
use crate::settings::Settings;
use crate::store::Store;

/// The selection of the flags (clap makes sure exactly one is given).
pub fn selection(args: &CacheArgs) -> Selection {
    if let Some(id) = args.session {
        Selection::Session(id)
    } else if let Some(month) = args.month {
        Selection::Month(month)
    } else if let Some(date) = args.since {
        Selection::Since(date)
    } else if args.current {
        Selection::Current
    } else if args.previous {
        Selection::Previous
    } else {
        Selection::All
    }
}

/// Runs `cph50 cache`, with a progress bar over the session details on a terminal.
///
/// # Errors
/// The API error that stopped the run (nothing is written then), or a data error naming the
/// cache file that cannot be read or written.
pub fn run(settings: &Settings, out: &Output, args: &CacheArgs) -> Result<()> {
    let opts = Options {
        selection: selection(args),
        keep_personal_data: settings.keep_personal_data,
        tariff: settings.tariff.as_ref(),
    };
    let store = Store::new(&settings.data);
    let bar = super::progress_bar(
        out,
        args.json,
        0,
        "session details",
        "{pos}/{len} sessions ({eta})",
    );
    let report = super::with_client(settings, async |client, clock| {
        let mut ctx = StageContext {
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
        return super::print_json(out, &report);
    }
    out.result(&report.line());
    Ok(())
}
