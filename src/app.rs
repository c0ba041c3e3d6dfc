//! The dispatch: resolves the global settings and runs the command's module under `commands/`.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::error::Result;
use crate::output::Output;
use crate::settings::Settings;

/// Runs the parsed command line.
///
/// # Errors
/// The command's error; [`crate::error::Error::exit_code`] turns it into the exit code.
pub fn execute(cli: Cli) -> Result<()> {
    // doctor reports a config file it cannot read as a finding, so it resolves no settings
    if let Command::Doctor(args) = &cli.command {
        let out = Output {
            quiet: cli.global.quiet,
            github_actions: crate::settings::on_github_actions(),
        };
        return commands::doctor::run(&out, args, &cli.global);
    }
    let settings = Settings::resolve(&cli.global)?;
    let out = Output {
        quiet: settings.quiet,
        github_actions: settings.github_actions,
    };
    match cli.command {
        Command::Validate => commands::validate::run(&settings, &out),
        Command::DemoData(args) => commands::demo_data::run(&settings, &out, &args),
        Command::Status(args) => commands::status::run(&settings, &out, &args),
        Command::Check => commands::check::run(&settings, &out),
        Command::Cache(args) => commands::cache::run(&settings, &out, &args),
        Command::Monitor(args) => commands::monitor::run(&settings, &out, &args),
        Command::Collect(args) => commands::collect::run(&settings, &out, &args),
        Command::Charge(args) => commands::charge::run(&settings, &out, &args),
        Command::Stop(args) => commands::stop::run(&settings, &out, &args),
        Command::Limit(args) => commands::limit::run(&settings, &out, &args),
        Command::Schedule(args) => commands::schedule::run(&settings, &out, &args),
        Command::Train(args) => commands::train::run(&settings, &out, &args),
        Command::Classify(args) => commands::classify::run(&settings, &out, &args),
        Command::Label(args) => commands::label::run(&settings, &out, &args),
        Command::Sim(args) => commands::sim::run(&args),
        Command::Archive(args) => commands::archive::run(&settings, &out, &args),
        Command::Build(args) => commands::build::run(&settings, &out, &args),
        Command::Export(args) => commands::export::run(&settings, &out, &args),
        Command::Incident(args) => commands::incident::run(&settings, &out, &args),
        Command::Init(args) => commands::init::run(&settings, &out, &args, &cli.global),
        Command::Login(args) => commands::login::run(&settings, &out, &args),
        Command::Doctor(_) => Ok(()), // ran above
    }
}
