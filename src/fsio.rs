//! Crash-safe file writes, shared by every layer that writes files (the store, the token file,
//! the site and the demo generator). A leaf module: it imports nothing from the crate, so the
//! API client can use it without knowing the data store.
//!
//! Two guarantees, whatever instant the process is killed at:
//! - [`write_atomic`]: a file is either its old content or its new content, never a mix;
//! - [`replace_dir`]: a folder is either the old folder or the new one, never missing for long
//!   (see its docs for the one rename-to-rename window and how the next run repairs it).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// A new temporary folder beside `target` (same file system, so the final rename is atomic),
/// named `.cph50-<what>-XXXXXX`. It is deleted when dropped unless handed to [`replace_dir`].
///
/// # Errors
/// [`IoError`] when the parent folder cannot be created or written.
pub fn staging_dir(target: &Path, what: &str) -> Result<tempfile::TempDir, IoError> {
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(|e| IoError::new("create folder", &parent, e))?;
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{what}-"))
        .tempdir_in(&parent)
        .map_err(|e| IoError::new("create a temporary folder in", &parent, e))
}

/// Puts the finished `staging` folder in place of `target`: the old folder is moved aside
/// first and deleted only once the new one is in place.
///
/// # Errors
/// [`IoError`] naming the folder that could not be moved; the old folder is then put back
/// where it was when possible.
pub fn replace_dir(staging: tempfile::TempDir, target: &Path) -> Result<(), IoError> {
    let parent = parent_of(target);
    let aside = if target.exists() {
        let holder = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}old-"))
            .tempdir_in(&parent)
            .map_err(|e| IoError::new("create a temporary folder beside", target, e))?;
        let old = holder.path().join("previous");
        fs::rename(target, &old).map_err(|e| IoError::new("move aside", target, e))?;
        Some((holder, old))
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, target) {
        if let Some((_, old)) = &aside {
            let _ = fs::rename(old, target);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(IoError::new("move into place", target, e));
    }
    sync_dir(&parent);
    drop(aside); // deletes the previous folder
    Ok(())
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
