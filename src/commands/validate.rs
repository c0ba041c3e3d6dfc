//! `cph50 validate`: reads every data file, checks it against its model and the other files,
//! and lists every problem (`path:line:col: field /pointer: what was expected`). Writes nothing.

use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;

/// Runs `cph50 validate`: exit 0 when clean, 1 with every problem listed on stderr (and as
/// annotations and a step summary on GitHub Actions).
///
/// # Errors
/// [`Error::Invalid`] when any problem was found (already printed); [`Error::Io`] when the data
/// folder does not exist.
pub fn run(settings: &Settings, out: &Output) -> Result<()> {
    if !settings.data.is_dir() {
        return Err(Error::io(
            "read data folder",
            &settings.data,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder (set --data)"),
        ));
    }
    let store = Store::new(&settings.data);
    let report =
        crate::validate::validate_with(&store, &settings.clock()?, settings.known_plan().as_ref());
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
