//! Crash-safe file writes, shared by every layer that writes files (the store, the token file,
//! the site and the demo generator). A leaf module: it imports nothing from the crate, so the
//! API client can use it without knowing the data store.
//!
//! Two guarantees, whatever instant the process is killed at:
//! - [`write_atomic`]: a file is either its old content or its new content, never a mix;
//! - [`replace_dir`]: a folder is either the old folder or the new one, never missing (on
//!   Linux; see its docs for the fallback elsewhere and how the next run repairs it).
//!
//! [`lock`] is the writers' lock of a folder; taking it also tidies what killed runs left
//! behind ([`tidy`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub mod lock;
pub mod tidy;

/// The most bytes cph50 reads from any one input file that is not a data file (a blog post, a
/// template, `cph50.toml`, a `classify --file` answer, the token file): 32 MiB, like
/// the data files' `MAX_FILE_BYTES`.
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

/// The bytes of the regular file `path` (a symbolic link is followed), at most `max` of them.
///
/// Shape: the whole file, `max` bytes or fewer. A FIFO, a device (`/dev/zero`), a socket or a
/// folder is refused before it is opened: opening a FIFO blocks until someone writes to it, and
/// a device can be read for ever, so a hostile or mistaken path would hang a scheduled job.
///
/// # Errors
/// The operating system's error (not found, permission denied), or `InvalidInput` naming what
/// the path is instead of a file, or `FileTooLarge` when the file holds more than `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let kind = fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe_kind(kind)),
        ));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > max) {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("it holds more than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
///
/// # Errors
/// As [`read_regular`], and `InvalidData` when the bytes are not UTF-8.
pub fn read_regular_text(path: &Path, max: u64) -> io::Result<String> {
    String::from_utf8(read_regular(path, max)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// "a folder", "a FIFO (named pipe)", "a device", "a socket" or "not a file".
fn describe_kind(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;
    #[cfg(not(unix))]
    let (is_fifo, is_device, is_socket) = (false, false, false);
    #[cfg(unix)]
    let (is_fifo, is_device, is_socket) = (
        kind.is_fifo(),
        kind.is_char_device() || kind.is_block_device(),
        kind.is_socket(),
    );
    if kind.is_dir() {
        "a folder"
    } else if is_fifo {
        "a FIFO (named pipe)"
    } else if is_device {
        "a device"
    } else if is_socket {
        "a socket"
    } else {
        "not a file"
    }
}

/// An I/O failure that names what was being done and to which file or folder.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct IoError {
    /// What was being done ("write", "create folder", "move aside").
    pub action: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The operating system's answer.
    pub source: io::Error,
}

impl IoError {
    /// Shorthand that names the file.
    pub fn new(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The prefix of every temporary file or folder cph50 creates beside its outputs. A name
/// with this prefix is never data: readers skip it and the next run may delete it.
pub const TEMP_PREFIX: &str = ".cph50-";

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one: a
/// temporary file in the same folder, fsync, rename, then fsync of the folder. Creates the
/// folder when needed. Leaves the file untouched when its content is already `bytes`.
/// The file is readable by all (0644), like any file in a repository.
///
/// Returns whether the file changed.
///
/// # Errors
/// [`IoError`] naming the folder or file that could not be created, written or renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool, IoError> {
    write_atomic_mode(path, bytes, 0o644)
}

/// [`write_atomic`] for a file only its owner may read (0600): credentials.
///
/// # Errors
/// As [`write_atomic`].
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<bool, IoError> {
    write_atomic_mode(path, bytes, 0o600)
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<bool, IoError> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = parent_of(path);
    fs::create_dir_all(&dir).map_err(|e| IoError::new("create folder", &dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| IoError::new("create a temporary file in", &dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| IoError::new("set permissions of", tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| IoError::new("write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| IoError::new("replace", path, e.error))?;
    sync_dir(&dir);
    Ok(true)
}

/// The rename is durable only once the folder entry is on disk; best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The folder a path sits in (`.` for a bare name).
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The name of `target`'s last component, which names its staging folders and its lock
/// (`site`, `data`); for `.` or `..` the name of the folder they resolve to.
pub fn folder_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            fs::canonicalize(target)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "root".to_owned())
}

/// Length of the random part of the names of temporary folders (`.cph50-site-site.Ab12Cd`).
pub const RANDOM_LEN: usize = 6;

/// A new temporary folder beside `target` (same file system, so the final rename is atomic),
/// named `.cph50-<what>-<target name>.XXXXXX`, so the next run that holds `target`'s lock
/// knows it for a leftover of a killed run of its own (see [`tidy`]). It is deleted when
/// dropped unless handed to [`replace_dir`].
///
/// # Errors
/// [`IoError`] when the parent folder cannot be created or written.
pub fn staging_dir(target: &Path, what: &str) -> Result<tempfile::TempDir, IoError> {
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(|e| IoError::new("create folder", &parent, e))?;
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{what}-{}.", folder_name(target)))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(&parent)
        .map_err(|e| IoError::new("create a temporary folder in", &parent, e))
}

/// Puts the finished `staging` folder in place of `target`, so that at every instant `target`
/// is the old folder or the new one. On Linux both are exchanged in one step
/// (`renameat2(RENAME_EXCHANGE)`) and the old one, now in the staging folder's place, is then
/// deleted. Elsewhere, or on a file system without the exchange, the old folder is moved aside
/// into `.cph50-old-<target name>.XXXXXX/previous` and the new one renamed into place; a kill
/// between those two renames leaves `target` missing until the next run that takes its lock
/// puts `previous` back ([`tidy::recover`]).
///
/// # Errors
/// [`IoError`] naming the folder that could not be moved; the old folder is then put back
/// where it was when possible.
pub fn replace_dir(staging: tempfile::TempDir, target: &Path) -> Result<(), IoError> {
    let parent = parent_of(target);
    let staged = staging.keep();
    if fs::symlink_metadata(target).is_ok() {
        match exchange(&staged, target) {
            Ok(true) => {
                sync_dir(&parent);
                // the old folder, now where the staging folder was; a kill here leaves it
                // to the next run's tidy-up
                let _ = fs::remove_dir_all(&staged);
                return Ok(());
            }
            Ok(false) => {}
            Err(e) => {
                let _ = fs::remove_dir_all(&staged);
                return Err(IoError::new("swap in", target, e));
            }
        }
    }
    rename_into_place(&staged, target, &parent)
}

/// The swap without an exchange: the old folder aside, the new one in its place, the old one
/// deleted. `staged` is deleted on failure.
fn rename_into_place(staged: &Path, target: &Path, parent: &Path) -> Result<(), IoError> {
    let aside = match move_aside(target, parent) {
        Ok(aside) => aside,
        Err(e) => {
            let _ = fs::remove_dir_all(staged);
            return Err(e);
        }
    };
    if let Err(e) = fs::rename(staged, target) {
        if let Some((_, old)) = &aside {
            let _ = fs::rename(old, target);
        }
        let _ = fs::remove_dir_all(staged);
        return Err(IoError::new("move into place", target, e));
    }
    sync_dir(parent);
    drop(aside); // deletes the previous folder
    Ok(())
}

/// Moves an existing `target` into `.cph50-old-<name>.XXXXXX/previous`; `None` when there is
/// no `target`. The holder folder deletes itself when dropped.
fn move_aside(
    target: &Path,
    parent: &Path,
) -> Result<Option<(tempfile::TempDir, PathBuf)>, IoError> {
    if fs::symlink_metadata(target).is_err() {
        return Ok(None);
    }
    let holder = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}old-{}.", folder_name(target)))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(parent)
        .map_err(|e| IoError::new("create a temporary folder beside", target, e))?;
    let old = holder.path().join(tidy::PREVIOUS);
    fs::rename(target, &old).map_err(|e| IoError::new("move aside", target, e))?;
    Ok(Some((holder, old)))
}

/// Exchanges two existing folders in one step. `Ok(false)` when the system or file system
/// cannot (then nothing was moved).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Exchanges two existing folders in one step: not available here, so `Ok(false)`.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_and_skips_identical_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        assert!(write_atomic(&path, b"{}\n").unwrap());
        assert!(!write_atomic(&path, b"{}\n").unwrap());
        assert!(write_atomic(&path, b"[]\n").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"[]\n");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        write_private(&path, b"x").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    /// The fallback where there is no exchange: the same result, and a kill between its two
    /// renames is repaired by the next run (see `tidy`).
    #[test]
    fn the_two_rename_fallback_swaps_too() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("data");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let staging = staging_dir(&target, "demo").unwrap().keep();
        fs::write(staging.join("new.txt"), "new").unwrap();
        rename_into_place(&staging, &target, dir.path()).unwrap();
        assert!(target.join("new.txt").exists() && !target.join("old.txt").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replace_dir_swaps_a_folder_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let staging = staging_dir(&target, "site").unwrap();
        fs::write(staging.path().join("new.txt"), "new").unwrap();
        replace_dir(staging, &target).unwrap();
        assert!(target.join("new.txt").exists());
        assert!(!target.join("old.txt").exists());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["site"]);
    }
}
