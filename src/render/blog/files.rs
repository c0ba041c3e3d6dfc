//! What a blog folder holds, sorted as Jekyll's reader sorts it (`Jekyll::Reader`,
//! `Jekyll::EntryFilter`): posts in `_posts/` (any depth), drafts in `_drafts/`, pages (files
//! with front matter anywhere else) and static files (the rest, copied as they are). Names
//! starting with `.`, `_` or `#` or ending with `~`, and `exclude`'s paths, are neither.

use std::path::{Path, PathBuf};

use super::config::Config;
use super::front_matter::has_front_matter;
use crate::error::{Error, Result};

/// The files of a blog folder, each as (path on disk, path from the blog folder with `/`).
#[derive(Debug, Default)]
pub struct Source {
    /// `_posts/**` files whose name is `YYYY-MM-DD-slug.ext`.
    pub posts: Vec<(PathBuf, String)>,
    /// `_drafts/**` files.
    pub drafts: Vec<(PathBuf, String)>,
    /// Files with front matter outside the special folders.
    pub pages: Vec<(PathBuf, String)>,
    /// Every other file that is not excluded.
    pub statics: Vec<(PathBuf, String)>,
    /// Files in `_posts/` whose name has no date (Jekyll skips them silently; cph50 names them).
    pub skipped: Vec<String>,
}

/// Reads the folder `dir` (a missing folder is an empty blog). Symbolic links are left out
/// with a warning naming them, as GitHub Pages (Jekyll's safe mode) leaves them out.
///
/// # Errors
/// [`Error::Io`] naming the folder or file that cannot be walked or read.
pub fn read(dir: &Path, config: &Config) -> Result<Source> {
    let mut source = Source::default();
    if !dir.is_dir() {
        return Ok(source);
    }
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let rel = relative(dir, e.path());
            let name = e.file_name().to_string_lossy();
            if (name == "_posts" || name == "_drafts") && rel.contains('/') {
                tracing::warn!(
                    "{}: not read (cph50 reads the blog folder's own _posts/ and _drafts/, not a category folder's)",
                    e.path().display()
                );
            }
            rel.is_empty()
                || rel == "_posts"
                || rel == "_drafts"
                || rel.starts_with("_posts/")
                || rel.starts_with("_drafts/")
                || !config.excluded(&rel)
        });
    for entry in walker {
        let entry = entry.map_err(|e| Error::io("read", dir, e.into()))?;
        if entry.file_type().is_symlink() {
            tracing::warn!(
                "{}: a symbolic link; left out (GitHub Pages does not follow them either)",
                entry.path().display()
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let rel = relative(dir, &path);
        let name = rel.rsplit('/').next().unwrap_or("");
        if let Some(inside) = rel.strip_prefix("_posts/") {
            if config.special(inside) {
                continue;
            }
            if dated_name(name) {
                source.posts.push((path, rel));
            } else {
                source.skipped.push(rel);
            }
        } else if let Some(inside) = rel.strip_prefix("_drafts/") {
            if !config.special(inside) {
                source.drafts.push((path, rel));
            }
        } else if starts_with_front_matter(&path)? {
            source.pages.push((path, rel));
        } else {
            source.statics.push((path, rel));
        }
    }
    Ok(source)
}

/// `path` from `dir`, with `/` separators.
fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Jekyll's `DATE_FILENAME_MATCHER`: `YYYY-MM-DD-slug.ext` (1-2 digit month and day).
pub fn dated_name(name: &str) -> bool {
    split_dated_name(name).is_some()
}

/// `2026-01-10-my-post.md` -> (`2026-01-10`, `my-post`, `.md`).
pub fn split_dated_name(name: &str) -> Option<(&str, &str, &str)> {
    let dot = name.rfind('.')?;
    let (stem, ext) = name.split_at(dot);
    let mut parts = stem.splitn(4, '-');
    let y = parts.next()?;
    let m = parts.next()?;
    let d = parts.next()?;
    let slug = parts.next()?;
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    (digits(y, 2, 4) && digits(m, 1, 2) && digits(d, 1, 2) && !slug.is_empty() && ext.len() > 1)
        .then(|| (&stem[..y.len() + m.len() + d.len() + 2], slug, ext))
}

/// Whether the file starts with a front matter block (reads its first bytes only).
fn starts_with_front_matter(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    Ok(has_front_matter(&head[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_names_are_jekylls() {
        assert_eq!(
            split_dated_name("2026-01-10-my-post.md"),
            Some(("2026-01-10", "my-post", ".md"))
        );
        assert_eq!(
            split_dated_name("2026-1-5-x.markdown"),
            Some(("2026-1-5", "x", ".markdown"))
        );
        assert_eq!(split_dated_name("notes.md"), None);
        assert_eq!(split_dated_name("2026-01-10.md"), None);
    }

    #[test]
    fn posts_drafts_pages_and_static_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (rel, text) in [
            ("_posts/2026-01-10-a.md", "x"),
            ("_posts/2025/2025-02-01-b.md", "x"),
            ("_posts/README.md", "x"),
            ("_drafts/idea.md", "x"),
            ("about.md", "---\ntitle: About\n---\nHi"),
            ("assets/a.svg", "<svg/>"),
            ("notes/n.txt", "x"),
            (".hidden", "x"),
            ("_private/p.txt", "x"),
            ("README.md", "x"),
        ] {
            std::fs::create_dir_all(d.join(rel).parent().unwrap()).unwrap();
            std::fs::write(d.join(rel), text).unwrap();
        }
        let raw: serde_norway::Mapping = serde_norway::from_str("exclude: [notes]").unwrap();
        let config = Config::from_test_mapping(raw);
        let s = read(d, &config).unwrap();
        let rels = |v: &[(PathBuf, String)]| v.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
        assert_eq!(
            rels(&s.posts),
            ["_posts/2025/2025-02-01-b.md", "_posts/2026-01-10-a.md"]
        );
        assert_eq!(rels(&s.drafts), ["_drafts/idea.md"]);
        assert_eq!(rels(&s.pages), ["about.md"]);
        assert_eq!(rels(&s.statics), ["assets/a.svg"]);
        assert_eq!(s.skipped, ["_posts/README.md"]);
    }
}
