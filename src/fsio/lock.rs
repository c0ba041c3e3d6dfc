//! The writers' lock of a folder (the data folder, the site): every run that changes files in
//! it, or replaces it, holds the lock while it reads what it changes and writes, so two runs
//! cannot lose each other's changes. Nobody holds it across a network request.
//!
//! The lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows, through `fs4`) on `.cph50-<name>.lock` beside the folder
//! (beside, not inside, so that replacing the folder keeps the same lock file). The OS
//! releases it when the process ends, however it ends, so a killed run never blocks the next.
//! Whoever takes the lock first tidies what killed runs left behind ([`super::tidy`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs4::{FileExt, TryLockError};

use super::{IoError, TEMP_PREFIX, folder_name, parent_of, tidy};

/// The environment variable that sets how long a run waits for the lock (`30s`, `500ms`).
pub const WAIT_VARIABLE: &str = "CPH50_LOCK_WAIT";

/// How long a run waits for the lock when [`WAIT_VARIABLE`] is unset: longer than any other
/// run holds it (a `cache --all` writes 121 files in well under a second).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// How often a waiting run tries again.
const RETRY_EVERY: Duration = Duration::from_millis(25);

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    path: PathBuf,
}

impl FolderLock {
    /// Takes the lock of `target`, waiting at most [`wait`], then tidies `target` (puts it
    /// back if a killed swap left it missing, deletes leftovers; see [`tidy::tidy`]).
    ///
    /// # Errors
    /// As [`Self::acquire_within`].
    pub fn acquire(target: &Path) -> Result<Self, IoError> {
        Self::acquire_within(target, wait())
    }

    /// [`Self::acquire`] with a given longest wait.
    ///
    /// # Errors
    /// [`IoError`] naming the lock file when it cannot be created or locked, or when another
    /// run still holds it after `wait` (its message says which process, when known).
    pub fn acquire_within(target: &Path, wait: Duration) -> Result<Self, IoError> {
        let lock = Self::take(lock_path(target), wait)?;
        tidy::tidy(target);
        Ok(lock)
    }

    /// Takes the lock of one job's critical section on `target`, `.cph50-<name>.<job>.lock`
    /// beside it, waiting at most `wait`. It is not the writers' lock of the folder (which the
    /// job still takes to write): a job may hold it across network requests, for minutes,
    /// without keeping other commands from the folder. Nothing is tidied.
    ///
    /// # Errors
    /// As [`Self::acquire_within`].
    pub fn acquire_job(target: &Path, job: &str, wait: Duration) -> Result<Self, IoError> {
        let folder = lock_path(target);
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = name.strip_suffix(".lock").unwrap_or(&name);
        Self::take(parent_of(&folder).join(format!("{stem}.{job}.lock")), wait)
    }

    fn take(path: PathBuf, wait: Duration) -> Result<Self, IoError> {
        let dir = parent_of(&path);
        fs::create_dir_all(&dir).map_err(|e| IoError::new("create folder", &dir, e))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| IoError::new("open the lock file", &path, e))?;
        let started = Instant::now();
        loop {
            // fs4's, named in full: std's own `File::try_lock` is newer than our rust-version
            match FileExt::try_lock(&file) {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(RETRY_EVERY);
                }
                Err(TryLockError::WouldBlock) => return Err(busy(&path, wait)),
                Err(TryLockError::Error(e)) => return Err(IoError::new("lock", &path, e)),
            }
        }
        // who holds it, for the message of a run that waits in vain
        let _ = file
            .set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file of `target`: `.cph50-<name>.lock` beside it, with symbolic links resolved so
/// that a folder and a link to it share one lock.
pub fn lock_path(target: &Path) -> PathBuf {
    let resolved = fs::canonicalize(target)
        .ok()
        .or_else(|| {
            let parent = fs::canonicalize(parent_of(target)).ok()?;
            Some(parent.join(folder_name(target)))
        })
        .unwrap_or_else(|| target.to_owned());
    parent_of(&resolved).join(format!("{TEMP_PREFIX}{}.lock", folder_name(&resolved)))
}

/// The longest wait for a lock: [`WAIT_VARIABLE`] (a duration such as `30s`), else
/// [`DEFAULT_WAIT`]. A value that is not a duration is reported and ignored.
pub fn wait() -> Duration {
    let Some(raw) = std::env::var(WAIT_VARIABLE)
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return DEFAULT_WAIT;
    };
    humantime::parse_duration(raw.trim()).unwrap_or_else(|e| {
        tracing::warn!(
            "{WAIT_VARIABLE} {raw:?} is not a duration ({e}); waiting {}",
            humantime::format_duration(DEFAULT_WAIT)
        );
        DEFAULT_WAIT
    })
}

fn busy(path: &Path, wait: Duration) -> IoError {
    let holder = fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .map(|pid| format!(" (process {pid})"))
        .unwrap_or_default();
    IoError::new(
        "take the lock",
        path,
        io::Error::new(
            io::ErrorKind::WouldBlock,
            format!(
                "another cph50 run{holder} still holds it after {} of waiting; try again when \
                 it has ended, or set {WAIT_VARIABLE} to wait longer",
                humantime::format_duration(wait)
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = FolderLock::acquire_within(&data, Duration::ZERO).unwrap();
        assert_eq!(
            first.path().file_name().unwrap().to_string_lossy(),
            ".cph50-data.lock"
        );
        let started = Instant::now();
        let err = FolderLock::acquire_within(&data, Duration::from_millis(200)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        let msg = err.to_string();
        assert!(msg.contains(".cph50-data.lock"), "{msg}");
        assert!(
            msg.contains(&format!("process {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        FolderLock::acquire_within(&data, Duration::ZERO).unwrap();
    }

    #[test]
    fn a_job_lock_is_its_own_beside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let folder = FolderLock::acquire_within(&data, Duration::ZERO).unwrap();
        let job = FolderLock::acquire_job(&data, "charge", Duration::ZERO).unwrap();
        assert_eq!(
            job.path().file_name().unwrap().to_string_lossy(),
            ".cph50-data.charge.lock"
        );
        assert!(FolderLock::acquire_job(&data, "charge", Duration::ZERO).is_err());
        drop((folder, job));
        FolderLock::acquire_job(&data, "charge", Duration::ZERO).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_and_a_link_to_it_share_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir_all(&data).unwrap();
        std::os::unix::fs::symlink(&data, dir.path().join("link")).unwrap();
        assert_eq!(lock_path(&data), lock_path(&dir.path().join("link")));
        assert_eq!(lock_path(&data.join("..").join("data")), lock_path(&data));
    }
}
