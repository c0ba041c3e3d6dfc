//! `cph50 train`: trains the vehicle classifier from the labelled sessions and writes the model
//! file and `classifier_summary.json`.

use serde::Serialize;

use crate::classify::model::TrainReport;
use crate::cli::TrainArgs;
use crate::error::Result;
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;

/// What `train --json` prints: the training report and how many sessions were left out.
#[derive(Debug, Serialize)]
pub struct TrainAnswer {
    /// The report (accuracy, folds, confusion matrix, classes, ...).
    #[serde(flatten)]
    pub report: TrainReport,
    /// Sessions left out of training (unlabelled or unreadable).
    pub skipped: usize,
}

/// Runs `cph50 train`.
///
/// # Errors
/// A data error naming the file, or a usage error when there is too little to train on.
pub fn run(settings: &Settings, out: &Output, args: &TrainArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let _lock = store.lock()?;
    let (report, skipped) = crate::classify::training::train(&store, &settings.clock()?)?;
    if args.json {
        return super::print_json(out, &TrainAnswer { report, skipped });
    }
    let kinds: Vec<String> = report
        .kinds
        .iter()
        .map(|(k, a)| format!("{k} {:.1}%", a * 100.0))
        .collect();
    out.result(&format!(
        "trained {} on {} sessions of {} vehicles: k-fold accuracy {:.1}% ({} folds; compared {}); update_data model {:.1}%; {} sessions left out",
        report.kind,
        report.n,
        report.classes.len(),
        report.accuracy * 100.0,
        report.folds,
        kinds.join(", "),
        report.update_data_accuracy * 100.0,
        skipped
    ));
    if args.eval {
        for line in confusion_lines(&report) {
            out.result(&line);
        }
    }
    Ok(())
}

/// The out-of-fold confusion matrix as aligned text: true class per row, predicted per column.
fn confusion_lines(report: &TrainReport) -> Vec<String> {
    let width = report
        .classes
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(5)
        .max(9);
    let mut lines = vec![
        format!("{:<width$}  predicted ->", "true"),
        format!(
            "{:<width$}  {}",
            "",
            report
                .classes
                .iter()
                .map(|c| format!("{c:>width$}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for (class, row) in report.classes.iter().zip(&report.confusion) {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>width$}")).collect();
        lines.push(format!("{class:<width$}  {}", cells.join(" ")));
    }
    lines
}
