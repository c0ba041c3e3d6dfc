//! What killed runs leave behind, found and repaired by the next run that takes the folder's
//! lock ([`super::lock::FolderLock`]):
//!
//! - a folder missing because a run was killed between the two renames of the fallback swap
//!   ([`super::replace_dir`]): its `.cph50-old-<name>.XXXXXX/previous` is put back;
//! - staging and old folders beside it (`.cph50-<what>-<name>.XXXXXX`): every run that creates
//!   one holds the lock, so under the lock they are all leftovers and are deleted;
//! - staging folders of older versions (`.cph50-site-XXXXXX`, `.cph50-demo-XXXXXX`,
//!   `.cph50-old-XXXXXX`), deleted once they are [`STALE_AGE`] old;
//! - interrupted atomic writes (`.cph50-XXXXXX.tmp`) anywhere inside it, deleted once they are
//!   [`STALE_TMP_AGE`] old (readers skip them meanwhile).
//!
//! Everything here is best effort: what cannot be removed is logged and left for later.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{RANDOM_LEN, TEMP_PREFIX, folder_name, parent_of};

/// The name of the moved-aside folder inside `.cph50-old-<name>.XXXXXX/`.
pub const PREVIOUS: &str = "previous";

/// Age after which a temporary file inside the folder is taken for a leftover. A write takes
/// milliseconds; the margin covers a writer that does not take the lock (an older version).
pub const STALE_TMP_AGE: Duration = Duration::from_secs(60);

/// Age after which a staging folder of an older version (named without its target) is taken
/// for a leftover.
pub const STALE_AGE: Duration = Duration::from_secs(3600);

/// What a tidy-up did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tidied {
    /// The folder was missing and was put back from its moved-aside copy.
    pub recovered: bool,
    /// Staging and old folders deleted beside it.
    pub folders: usize,
    /// Temporary files deleted inside it.
    pub files: usize,
}

/// Repairs and cleans `target` (see the module docs). Call it only while holding `target`'s
/// lock.
pub fn tidy(target: &Path) -> Tidied {
    let mut done = Tidied {
        recovered: recover(target),
        ..Tidied::default()
    };
    done.folders = remove_leftover_folders(target);
    done.files = remove_stale_temp_files(target, STALE_TMP_AGE);
    if done != Tidied::default() {
        tracing::info!(
            "{}: tidied after an interrupted run: {}{} folder(s) and {} temporary file(s) removed",
            target.display(),
            if done.recovered {
                "the folder put back from its moved-aside copy; "
            } else {
                ""
            },
            done.folders,
            done.files
        );
    }
    done
}

/// When `target` is missing and a moved-aside copy of it exists
/// (`.cph50-old-<name>.XXXXXX/previous`), puts the newest such copy back. Returns whether it
/// did.
pub fn recover(target: &Path) -> bool {
    if fs::symlink_metadata(target).is_ok() {
        return false;
    }
    let name = folder_name(target);
    let newest = leftovers(target)
        .into_iter()
        .filter(|(file_name, _)| {
            file_name.starts_with(&format!("{TEMP_PREFIX}old-")) && is_staging_of(file_name, &name)
        })
        .map(|(_, path)| path.join(PREVIOUS))
        .filter(|p| p.is_dir())
        .max_by_key(|p| modified(p).unwrap_or(SystemTime::UNIX_EPOCH));
    let Some(previous) = newest else {
        return false;
    };
    match fs::rename(&previous, target) {
        Ok(()) => {
            tracing::warn!(
                "{} was missing after an interrupted swap; put back from {}",
                target.display(),
                previous.display()
            );
            true
        }
        Err(e) => {
            tracing::warn!(
                "{} is missing; cannot put back {}: {e}",
                target.display(),
                previous.display()
            );
            false
        }
    }
}

/// Deletes the staging and old folders of `target` beside it, and those of older versions
/// once [`STALE_AGE`] old. While `target` is missing, an older version's moved-aside folder
/// may be the only copy of it, and is kept. Returns how many it deleted.
pub fn remove_leftover_folders(target: &Path) -> usize {
    let name = folder_name(target);
    let target_exists = fs::symlink_metadata(target).is_ok();
    let mut removed = 0;
    for (file_name, path) in leftovers(target) {
        let ours = is_staging_of(&file_name, &name);
        let legacy = is_legacy_staging(&file_name)
            && (target_exists || !file_name.starts_with(&format!("{TEMP_PREFIX}old-")))
            && modified(&path).is_some_and(|t| older_than(t, STALE_AGE));
        if !(ours || legacy) || !path.is_dir() || path.is_symlink() {
            continue;
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!("cannot remove the leftover {}: {e}", path.display()),
        }
    }
    removed
}

/// Deletes every `.cph50-*.tmp` file under `dir` (symbolic links not followed) last modified
/// at least `age` ago. Returns how many it deleted.
pub fn remove_stale_temp_files(dir: &Path, age: Duration) -> usize {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !is_temp_file(&name) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| older_than(t, age));
        if !stale {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!("cannot remove the leftover {}: {e}", entry.path().display()),
        }
    }
    removed
}

/// `.cph50-XXXXXX.tmp`: a temporary file of [`super::write_atomic`].
pub fn is_temp_file(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp")
}

/// `.cph50-<what>-<name>.XXXXXX`: a staging or old folder of the folder named `name`.
pub fn is_staging_of(file_name: &str, name: &str) -> bool {
    let Some((what, rest)) = file_name
        .strip_prefix(TEMP_PREFIX)
        .and_then(|r| r.split_once('-'))
    else {
        return false;
    };
    let random = rest
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or("");
    !what.is_empty() && what.chars().all(|c| c.is_ascii_alphanumeric()) && is_random(random)
}

/// `.cph50-site-XXXXXX`, `.cph50-demo-XXXXXX`, `.cph50-old-XXXXXX`: the staging folders of
/// versions that did not name the target.
fn is_legacy_staging(file_name: &str) -> bool {
    ["site", "demo", "old"].iter().any(|what| {
        file_name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.strip_prefix(what))
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(is_random)
    })
}

fn is_random(s: &str) -> bool {
    s.len() == RANDOM_LEN && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Entries beside `target` whose names start with [`TEMP_PREFIX`].
fn leftovers(target: &Path) -> Vec<(String, PathBuf)> {
    let Ok(dir) = fs::read_dir(parent_of(target)) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| name.starts_with(TEMP_PREFIX))
        .collect()
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::symlink_metadata(path).and_then(|m| m.modified()).ok()
}

fn older_than(t: SystemTime, age: Duration) -> bool {
    SystemTime::now()
        .duration_since(t)
        .is_ok_and(|elapsed| elapsed >= age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_belong_to_their_target_only() {
        assert!(is_staging_of(".cph50-site-site.Ab12Cd", "site"));
        assert!(is_staging_of(".cph50-old-data.Ab12Cd", "data"));
        assert!(!is_staging_of(".cph50-site-my-site.Ab12Cd", "my"));
        assert!(!is_staging_of(".cph50-site-site.x.Ab12Cd", "site"));
        assert!(!is_staging_of(".cph50-site.lock", "site"));
        assert!(!is_staging_of(".cph50-site-site.Ab12", "site"));
        assert!(is_legacy_staging(".cph50-old-Ab12Cd"));
        assert!(!is_legacy_staging(".cph50-old-site.Ab12Cd"));
        assert!(is_temp_file(".cph50-Ab12Cd.tmp"));
        assert!(!is_temp_file("2026-01.json"));
    }

    #[test]
    fn a_missing_folder_is_put_back_and_leftovers_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let holder = dir.path().join(".cph50-old-site.Ab12Cd");
        fs::create_dir_all(holder.join(PREVIOUS)).unwrap();
        fs::write(holder.join(PREVIOUS).join("index.html"), "old").unwrap();
        fs::create_dir_all(dir.path().join(".cph50-site-site.Zz99Yy/x")).unwrap();
        fs::create_dir_all(dir.path().join(".cph50-site-other.Zz99Yy")).unwrap();
        let done = tidy(&target);
        assert!(done.recovered);
        assert_eq!(done.folders, 2);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".cph50-site-other.Zz99Yy", "site"]);
    }

    #[test]
    fn old_versions_leftovers_go_after_an_hour_but_never_the_only_copy() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let old_site = dir.path().join(".cph50-old-Ab12Cd");
        let staging = dir.path().join(".cph50-site-Ef34Gh");
        for d in [&old_site, &staging] {
            fs::create_dir_all(d.join(PREVIOUS)).unwrap();
        }
        let hour_ago = SystemTime::now() - Duration::from_secs(3601);
        for d in [&old_site, &staging] {
            fs::File::open(d).unwrap().set_modified(hour_ago).unwrap();
        }
        // site/ is missing: the old version's moved-aside folder may be all there is
        assert_eq!(remove_leftover_folders(&target), 1);
        assert!(old_site.exists() && !staging.exists());
        fs::create_dir_all(&target).unwrap();
        assert_eq!(remove_leftover_folders(&target), 1);
        assert!(!old_site.exists());
    }

    #[test]
    fn only_stale_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("session_cache/2026/01");
        fs::create_dir_all(&nested).unwrap();
        let old = nested.join(".cph50-Ab12Cd.tmp");
        fs::write(&old, "[").unwrap();
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
        let fresh = dir.path().join(".cph50-Xy34Zw.tmp");
        fs::write(&fresh, "{").unwrap();
        fs::write(dir.path().join("runs.json"), "{}").unwrap();
        assert_eq!(remove_stale_temp_files(dir.path(), STALE_TMP_AGE), 1);
        assert!(!old.exists() && fresh.exists());
        assert!(dir.path().join("runs.json").exists());
    }
}
