//! The options of the charger control commands: `stop`, `limit`, `schedule`.

use clap::{Args, Subcommand};

use super::parse::{TimeWindow, parse_duration, parse_session_number, parse_window};

/// Options of `stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Stop only if this is the session in progress (its ChargePoint id); any other session
    /// in progress is refused before a stop is sent.
    #[arg(long, value_name = "ID", value_parser = parse_session_number)]
    pub session: Option<u64>,
    /// Polls of the stop confirmation before it counts as unconfirmed.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub ack_polls: u32,
    /// Time between polls of the stop confirmation.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub ack_interval: std::time::Duration,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `limit`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// The new amperage limit, whole amperes; one of the values the charger allows (its
    /// status lists them; 20 to 40 on a Home Flex wired for 50 A). Without it, the limit is
    /// shown.
    #[arg(value_name = "AMPS")]
    pub amps: Option<u32>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// What to do (default: show).
    #[command(subcommand)]
    pub action: Option<ScheduleAction>,
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// `schedule show | set | off`.
#[derive(Debug, Clone, Subcommand)]
pub enum ScheduleAction {
    /// Show the charger's schedule, its utility and rate plan (the default).
    Show,
    /// Set and enable the weekday and weekend windows (local time of the configured zone).
    Set {
        /// Monday to Friday window, HH:MM-HH:MM (23:00-07:00 runs past midnight; a one-digit
        /// hour is taken, 6:00; the day ends at 23:59, not 24:00).
        #[arg(long, value_name = "HH:MM-HH:MM", value_parser = parse_window)]
        weekday: TimeWindow,
        /// Saturday and Sunday window, HH:MM-HH:MM.
        #[arg(long, value_name = "HH:MM-HH:MM", value_parser = parse_window)]
        weekend: TimeWindow,
    },
    /// Disable the schedule: a plugged-in car charges at once.
    Off,
}
