//! The questions `init` asks on a terminal: each with a default that Enter accepts, asked
//! again (at most three times) when the answer cannot be used.

use std::io::{BufRead, Write};

use chrono::NaiveTime;
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// How often a question is asked before `init` gives up.
const TRIES: usize = 3;

/// Questions on `output`, answers from `input` (a terminal's stdin and stderr in use).
#[derive(Debug)]
pub struct Prompter<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    /// A prompter reading `input` and asking on `output`.
    pub fn new(input: R, output: W) -> Self {
        Self { input, output }
    }

    /// Asks `question` showing `default`; the trimmed answer, or `default` for an empty line
    /// or the end of the input.
    fn ask(&mut self, question: &str, default: &str) -> Result<String> {
        let io = |e| Error::io("ask on", "the terminal", e);
        write!(self.output, "{question} [{default}]: ").map_err(io)?;
        self.output.flush().map_err(io)?;
        let mut line = String::new();
        self.input.read_line(&mut line).map_err(io)?;
        let answer = line.trim();
        Ok(if answer.is_empty() {
            default.to_owned()
        } else {
            answer.to_owned()
        })
    }

    /// Asks until `parse` takes the answer, at most [`TRIES`] times.
    fn ask_until<T>(
        &mut self,
        question: &str,
        default: &str,
        parse: impl Fn(&str) -> std::result::Result<T, String>,
    ) -> Result<T> {
        let mut last = String::new();
        for _ in 0..TRIES {
            let answer = self.ask(question, default)?;
            match parse(&answer) {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let _ = writeln!(self.output, "  {e}");
                    last = e;
                }
            }
        }
        Err(Error::Usage(format!("{question}: {last}")))
    }

    /// The local zone (IANA name).
    ///
    /// # Errors
    /// [`Error::Usage`] after three answers that are not zones; [`Error::Io`] when the
    /// terminal cannot be read.
    pub fn zone(&mut self, default: Tz) -> Result<Tz> {
        self.ask_until(
            "Time zone of the charger (IANA name, e.g. Europe/Berlin)",
            default.name(),
            crate::clock::parse_tz,
        )
    }

    /// The local time of the daily start.
    ///
    /// # Errors
    /// As [`Self::zone`].
    pub fn start(&mut self, default: NaiveTime) -> Result<NaiveTime> {
        self.ask_until(
            "Local time of the daily start (HH:MM)",
            &default.format("%H:%M").to_string(),
            crate::cli::parse::parse_hhmm,
        )
    }

    /// A yes/no question; Enter gives `default`.
    ///
    /// # Errors
    /// As [`Self::zone`].
    pub fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        let shown = if default { "Y/n" } else { "y/N" };
        self.ask_until(question, shown, |a| {
            if a == shown {
                return Ok(default);
            }
            match a.to_ascii_lowercase().as_str() {
                "y" | "yes" => Ok(true),
                "n" | "no" => Ok(false),
                _ => Err(format!("{a:?}: answer y or n")),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompter(input: &str) -> Prompter<&[u8], Vec<u8>> {
        Prompter::new(input.as_bytes(), Vec::new())
    }

    #[test]
    fn enter_takes_the_defaults() {
        let mut p = prompter("\n\n\n");
        assert_eq!(
            p.zone(chrono_tz::America::Los_Angeles).unwrap(),
            chrono_tz::America::Los_Angeles
        );
        let six = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        assert_eq!(p.start(six).unwrap(), six);
        assert!(p.confirm("Remove the demo data?", true).unwrap());
        let asked = String::from_utf8(p.output).unwrap();
        assert!(
            asked.contains("[America/Los_Angeles]: ")
                && asked.contains("[06:00]: ")
                && asked.contains("[Y/n]: "),
            "{asked}"
        );
    }

    #[test]
    fn answers_are_taken_and_bad_ones_asked_again() {
        let mut p = prompter("Mars/Olympus\nEurope/Berlin\n7:30\n25:00\nmaybe\nn\n");
        assert_eq!(p.zone(chrono_tz::UTC).unwrap(), chrono_tz::Europe::Berlin);
        assert_eq!(
            p.start(NaiveTime::MIN).unwrap(),
            NaiveTime::from_hms_opt(7, 30, 0).unwrap()
        );
        assert!(!p.confirm("Remove?", true).unwrap());
        let asked = String::from_utf8(p.output).unwrap();
        assert!(
            asked.contains("unknown time zone \"Mars/Olympus\""),
            "{asked}"
        );
        assert!(asked.contains("\"maybe\": answer y or n"), "{asked}");
    }

    #[test]
    fn three_bad_answers_give_up_and_the_end_of_input_takes_the_default() {
        let e = prompter("a\nb\nc\n").zone(chrono_tz::UTC).unwrap_err();
        assert!(e.to_string().contains("unknown time zone \"c\""), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert!(!prompter("").confirm("Delete?", false).unwrap());
    }
}
