//! `cph50 build`: renders the static site from the data folder, the blog and the templates.

use crate::cli::BuildArgs;
use crate::error::Result;
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
    super::refuse_to_replace(
        "--out",
        &options.out,
        &[
            ("data", &options.data),
            ("templates", &options.templates),
            ("blog", &options.blog),
        ],
        |dir| dir.join("build.json").is_file(),
    )?;
    let report = crate::render::build(&options)?;
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

/// The renderer's options. `SOURCE_DATE_EPOCH` (reproducible builds, seconds since 1970) fixes
/// the one timestamp the site carries; otherwise it is the time of the run's clock
/// (`CPH50_NOW`, else the system's).
///
/// # Errors
/// A settings error naming `SOURCE_DATE_EPOCH` or `CPH50_NOW` when one holds no time.
pub fn build_options(settings: &Settings, args: &BuildArgs) -> Result<BuildOptions> {
    let generated_at = match settings.source_date_epoch()? {
        Some(t) => t,
        None => settings.clock()?.now(),
    };
    Ok(BuildOptions {
        data: settings.data.clone(),
        out: args.out.clone(),
        blog: args.blog.clone(),
        templates: args.templates.clone(),
        base_url: args.base_url.clone(),
        tz: settings.tz,
        generated_at,
    })
}
