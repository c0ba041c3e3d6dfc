//! `cph50 classify`: names the car of a stored session (and writes the label into its file,
//! never over a manual label) or of a file, or answers `unknown`.

use serde::Serialize;

use crate::classify::Answer;
use crate::cli::ClassifyArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;

/// What `classify --json` prints: the classifier's answer and, for a stored session, whether
/// its file changed.
#[derive(Debug, Serialize)]
pub struct ClassifyAnswer {
    /// Vehicle id or `unknown`, confidence, method, reason, best guess, distance.
    #[serde(flatten)]
    pub answer: Answer,
    /// The session file was rewritten (only with a SESSION_ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<bool>,
}

/// Runs `cph50 classify`.
///
/// # Errors
/// A usage error when the session has no file; a data error naming the file that cannot be
/// read.
pub fn run(settings: &Settings, out: &Output, args: &ClassifyArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let clock = settings.clock()?;
    let (answer, written, what) = match (&args.session_id, &args.file) {
        (Some(id), _) => {
            let (a, w) =
                crate::identify::classify_session(&store, &clock, id, args.min_confidence)?;
            (a, Some(w), format!("session {id}"))
        }
        (None, Some(path)) => (
            crate::identify::classify_file(&store, &clock, path, args.min_confidence)?,
            None,
            path.display().to_string(),
        ),
        (None, None) => return Err(Error::Usage("give a SESSION_ID or --file PATH".into())),
    };
    if args.json {
        return super::print_json(out, &ClassifyAnswer { answer, written });
    }
    out.result(&format!(
        "{what}: {} (confidence {:.2}, {}): {}",
        answer.vehicle_id, answer.confidence, answer.method, answer.reason
    ));
    Ok(())
}
