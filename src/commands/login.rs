//! `cph50 login`: logs in to ChargePoint from the user's own machine (where bot protection
//! lets a person through) and prints the session sealed with `CP_TOKEN_KEY`, to store as the
//! secret `CP_SESSION_SEALED` (see [`crate::session_seal`]). Nothing is written in the
//! repository, and the session is not kept on this machine.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{KeyInit, OsRng};

use crate::api::session::Secret;
use crate::cli::LoginArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::session_file::TokenFile;
use crate::session_seal::{self, SEALED_VARIABLE};
use crate::settings::{Settings, env};

/// A fresh `CP_TOKEN_KEY`: 32 random bytes from the operating system, hex.
fn fresh_key() -> Secret {
    Secret::new(hex::encode(XChaCha20Poly1305::generate_key(&mut OsRng)))
}

/// Runs `cph50 login`.
///
/// # Errors
/// The API error of the login or of the account's charger list (exit 1; 2 for a missing
/// `CP_USERNAME` or password); [`Error::Cannot`] when `--set-secrets` cannot run `gh` or `gh`
/// refuses a secret.
pub fn run(settings: &Settings, out: &Output, args: &LoginArgs) -> Result<()> {
    if args.set_secrets {
        // before ChargePoint is asked anything: a login whose values gh cannot store is wasted
        gh_ready(args.gh_repo.as_deref())?;
    }
    let (key, generated) = match env("CP_TOKEN_KEY") {
        Some(k) => (Secret::new(k), false),
        None => (fresh_key(), true),
    };
    // a private folder of its own: the session is sealed there, read back, and deleted
    let dir = tempfile::Builder::new()
        .prefix("cph50-login-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))?;
    let file = TokenFile {
        path: dir.path().join("session.json"),
        key: Some(key.clone()),
    };
    let mut config = settings.client_config()?;
    config.sessions = Arc::new(file.clone());
    let charger = super::with_client_config(settings, config, async |client, _| {
        Ok(client.station_id().await?)
    })?;
    let session = crate::api::session::SessionStore::load(&file)?
        .ok_or_else(|| Error::Cannot("the login left no session to seal".into()))?;
    let sealed = session_seal::seal(&session, &key)?;
    let mut values: Vec<(&str, &str)> = Vec::new();
    if generated {
        values.push(("CP_TOKEN_KEY", key.expose()));
    }
    values.push((SEALED_VARIABLE, &sealed));
    out.diag(&format!(
        "logged in to ChargePoint (home charger {charger}); the session is sealed with {}",
        if generated {
            "a new random CP_TOKEN_KEY"
        } else {
            "the CP_TOKEN_KEY of your environment"
        }
    ));
    if args.set_secrets {
        // CP_TOKEN_KEY first (when new), then CP_SESSION_SEALED: a key alone on GitHub is a
        // working set-up (it only encrypts the runners' stored session; they log in with the
        // password), while a new sealed session beside the old key is one that key cannot
        // open, and every run fails. Should the second fail, both values are printed below.
        for (i, (name, value)) in values.iter().enumerate() {
            if let Err(e) = gh_secret_set(name, value, args.gh_repo.as_deref()) {
                for (n, v) in &values {
                    out.data(&format!("{n}={v}"));
                }
                let stored: Vec<&str> = values[..i].iter().map(|(n, _)| *n).collect();
                let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
                return Err(Error::Cannot(format!(
                    "{e}; {}store {} by hand from the lines above (`gh secret set NAME`, paste the value): they belong together",
                    if stored.is_empty() {
                        String::new()
                    } else {
                        format!("{} was stored; ", stored.join(", "))
                    },
                    names.join(" and ")
                )));
            }
            out.result(&format!("stored the secret {name} with gh"));
        }
        return Ok(());
    }
    for (name, value) in &values {
        out.data(&format!("{name}={value}"));
    }
    let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
    out.diag(&format!(
        "Store {} as repository secret(s): `gh secret set NAME` and paste the value, or run `cph50 login --set-secrets` to let gh store them unseen.{}",
        names.join(" and "),
        if generated {
            " Keep CP_TOKEN_KEY: the workflows' stored session is encrypted with it too."
        } else {
            ""
        }
    ));
    Ok(())
}

/// Whether `gh` is installed and logged in (`gh auth status`).
///
/// # Errors
/// [`Error::Usage`] (exit 2) saying which, and what to do.
fn gh_ready(repo: Option<&str>) -> Result<()> {
    let status = Command::new("gh")
        .args(["auth", "status"])
        .env("GH_PROMPT_DISABLED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let to = repo.map_or(String::new(), |r| format!(" to {r}"));
    match status {
        Err(e) => Err(Error::Usage(format!(
            "--set-secrets needs GitHub's CLI gh, which cannot be run ({e}): install it (https://cli.github.com) and `gh auth login`, or run `cph50 login` without --set-secrets and store the printed values{to} by hand; ChargePoint was not asked"
        ))),
        Ok(o) if !o.status.success() => Err(Error::Usage(format!(
            "--set-secrets: gh is not logged in ({}): run `gh auth login` first; ChargePoint was not asked",
            crate::text::printable(
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("gh auth status failed")
                    .trim()
            )
        ))),
        Ok(_) => Ok(()),
    }
}

/// `gh secret set NAME [--repo R]` with the value on its standard input (never on a command
/// line, where other users and the shell history could see it).
fn gh_secret_set(name: &str, value: &str, repo: Option<&str>) -> Result<()> {
    let mut cmd = Command::new("gh");
    cmd.args(["secret", "set", name]);
    if let Some(r) = repo {
        cmd.args(["--repo", r]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::Cannot(format!(
                "gh secret set {name}: cannot run gh ({e}); install GitHub's CLI and `gh auth login`, or store the value by hand"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // gh that refuses at once closes its input: its exit status and message below say
        // why, better than the broken pipe
        match stdin.write_all(value.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(Error::Cannot(format!("gh secret set {name}: {e}")));
            }
            _ => {}
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Error::Cannot(format!("gh secret set {name}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    let why = String::from_utf8_lossy(&output.stderr);
    Err(Error::Cannot(format!(
        "gh secret set {name} failed ({}): {}",
        output.status,
        crate::text::printable(why.trim())
    )))
}
