//! Where a command's words go: results on stdout, diagnostics on stderr, and on GitHub
//! Actions also `::error::` annotations and the job's step summary.

use std::io::Write;

/// The process's output channels, as the settings allow them.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Suppress the human summary of a successful command.
    pub quiet: bool,
    /// Also write GitHub Actions annotations and step summaries.
    pub github_actions: bool,
}

impl Output {
    /// One line of the command's result on stdout (skipped with `--quiet`).
    pub fn result(&self, line: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    }

    /// Machine-readable output (`--json`): always printed, `--quiet` or not.
    pub fn data(&self, line: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }

    /// One diagnostic line on stderr.
    pub fn diag(&self, line: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    /// An error annotation on GitHub Actions, pointing at a file position when known.
    pub fn annotate(&self, file: Option<&str>, position: Option<(usize, usize)>, message: &str) {
        if !self.github_actions {
            return;
        }
        let mut props = Vec::new();
        if let Some(f) = file {
            props.push(format!("file={}", escape_property(f)));
        }
        if let Some((line, col)) = position {
            props.push(format!("line={line},col={col}"));
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", props.join(","))
        };
        let _ = writeln!(
            std::io::stdout().lock(),
            "::error{props}::{}",
            escape_data(message)
        );
    }

    /// Appends Markdown to `$GITHUB_STEP_SUMMARY` when running on GitHub Actions.
    pub fn step_summary(&self, markdown: &str) {
        if !self.github_actions {
            return;
        }
        let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
            return;
        };
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{markdown}"));
        if let Err(e) = appended {
            tracing::warn!("cannot append to GITHUB_STEP_SUMMARY: {e}");
        }
    }
}

impl Output {
    /// Sets the step output `key` (appends `key=value` to `$GITHUB_OUTPUT`) when running on
    /// GitHub Actions; `value` is flattened to one line.
    pub fn set_output(&self, key: &str, value: &str) {
        if !self.github_actions {
            return;
        }
        let Some(path) = std::env::var_os("GITHUB_OUTPUT") else {
            return;
        };
        let value = value.replace(['\r', '\n'], " ");
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{key}={value}"));
        if let Err(e) = appended {
            tracing::warn!("cannot append to GITHUB_OUTPUT: {e}");
        }
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_text_is_escaped() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
