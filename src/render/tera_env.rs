//! The Tera instance: every `*.html` / `*.xml` template of the templates folder, loaded once,
//! auto-escaping on; errors name the template file and give Tera's whole cause chain.

use std::error::Error as _;
use std::path::Path;

use tera::{Context, Tera};

use crate::error::{Error, Problem, Result};

/// Loads every template under `dir` (not `assets/`), by path relative to it.
///
/// # Errors
/// [`Error::Data`] naming `dir` when it is not a folder or cannot be walked, or naming the
/// template that does not parse, with Tera's cause chain; [`Error::Io`] naming a template
/// that cannot be read.
pub fn load(dir: &Path) -> Result<Tera> {
    if !dir.is_dir() {
        return Err(Error::Data(Problem::file(
            dir,
            "templates folder not found (set --templates)",
        )));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Data(Problem::file(dir, e.to_string())))?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_file()
            || name.starts_with("assets/")
            || !(name.ends_with(".html") || name.ends_with(".xml"))
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| Error::io("read", entry.path(), e))?;
        files.push((name, text));
    }
    let mut tera = Tera::default();
    // Autoescape stays on for .html and .xml (Tera's default): every data value is escaped.
    tera.add_raw_templates(files).map_err(|e| {
        let name = template_named(&e).unwrap_or_default();
        Error::Data(Problem::file(dir.join(name), chain(&e)))
    })?;
    Ok(tera)
}

/// Renders `name`, naming the template file on failure.
///
/// # Errors
/// [`Error::Data`] naming `dir/name`, with Tera's cause chain, when the template is unknown or
/// fails to render.
pub fn render(tera: &Tera, dir: &Path, name: &str, ctx: &Context) -> Result<String> {
    tera.render(name, ctx)
        .map_err(|e| Error::Data(Problem::file(dir.join(name), chain(&e))))
}

/// Tera's message and every cause under it, on one line.
fn chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg.replace('\n', " ")
}

fn template_named(e: &tera::Error) -> Option<String> {
    // Tera says "Failed to parse 'index.html'" (or names the template in a cause).
    let text = chain(e);
    let start = text.find('\'')? + 1;
    let len = text[start..].find('\'')?;
    Some(text[start..start + len].to_owned())
}
