//! `cph50 label`: a manual vehicle label, written into the session file and its monthly cache
//! entry; it wins over the classifier everywhere.

use crate::cli::LabelArgs;
use crate::error::Result;
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;

/// Runs `cph50 label`.
///
/// # Errors
/// A usage error for an unknown vehicle or session; a data error naming the file that cannot
/// be read or written.
pub fn run(settings: &Settings, out: &Output, args: &LabelArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let id = &args.session_id;
    let changed =
        crate::pipeline::label::by_hand(&store, &settings.clock()?, id, &args.vehicle_id)?;
    out.result(&format!(
        "labelled session {id} as {} by hand ({changed} file(s) changed)",
        args.vehicle_id
    ));
    Ok(())
}
