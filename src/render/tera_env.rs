//! The templates: the ones built into the binary (the repository's `templates/` at compile
//! time), overridden file by file by a templates folder when there is one. Every `*.html` /
//! `*.xml` outside `assets/` is a Tera template, loaded once with auto-escaping on; `assets/`
//! is copied into the site as is. Errors name the template file (`<built-in>/name` for a
//! built-in one) and give Tera's whole cause chain.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::{Context, Tera};

use super::numbers::{Numbers, Quantity};
use crate::error::{Error, Problem, Result};

/// The repository's `templates/` folder as it was when the binary was compiled.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// How a built-in template is named in messages (it has no path on disk).
pub const BUILT_IN_NAME: &str = "<built-in>";

/// Where the folder of assets copied as is lives, inside the templates.
const ASSETS: &str = "assets/";

/// One file of the template set.
#[derive(Clone)]
struct TemplateFile {
    bytes: Vec<u8>,
    /// The folder it was read from; `None` when built in.
    folder: Option<PathBuf>,
}

/// The template set of a build: the built-in files, each replaced by the override folder's
/// file of the same relative path, plus the folder's other files; the Tera templates parsed.
#[derive(Clone)]
pub struct Templates {
    files: BTreeMap<String, TemplateFile>,
    tera: Tera,
}

/// Loads the built-in templates, overridden file by file by those under `dir` when given.
///
/// # Errors
/// [`Error::Data`] naming `dir` when it is not a folder or cannot be walked, or naming the
/// template that does not parse (or is not UTF-8), with Tera's cause chain; [`Error::Io`]
/// naming a file of `dir` that cannot be read.
pub fn load(dir: Option<&Path>) -> Result<Templates> {
    let mut files = BTreeMap::new();
    built_in(&BUILT_IN, &mut files);
    if let Some(dir) = dir {
        overrides(dir, &mut files)?;
    }
    let mut sources = Vec::new();
    for (name, file) in &files {
        if !is_template(name) {
            continue;
        }
        let text = std::str::from_utf8(&file.bytes)
            .map_err(|e| Error::Data(Problem::file(shown(file, name), e.to_string())))?;
        sources.push((name.as_str(), text));
    }
    let mut tera = Tera::default();
    // Autoescape stays on for .html and .xml (Tera's default): every data value is escaped.
    tera.add_raw_templates(sources).map_err(|e| {
        let name = template_named(&e).unwrap_or_default();
        let path = files
            .get(&name)
            .map_or_else(|| PathBuf::from(&name), |f| shown(f, &name));
        Error::Data(Problem::file(path, chain(&e)))
    })?;
    Ok(Templates { files, tera })
}

impl Templates {
    /// These templates with the number filters of `numbers` (the site's locale and currency),
    /// which every figure of a page goes through: `{{ s.kwh | kwh }}` (`1,234.57`),
    /// `{{ s.kw | kw }}`, `{{ t.miles | miles }}`, `{{ p.share | percent }}`, `{{ n | count }}`,
    /// `{{ s.cost | money }}` (`$1,234.50`), `{{ p.price | price }}` (`$0.1325`); each writes
    /// `–` for a missing value (null) and refuses anything but a number.
    pub fn with_numbers(&self, numbers: &Numbers) -> Self {
        let mut out = self.clone();
        type Format = fn(&Numbers, f64) -> String;
        let filters: [(&str, Format); 7] = [
            ("kwh", Numbers::kwh),
            ("kw", Numbers::kw),
            ("miles", Numbers::miles),
            ("percent", Numbers::percent),
            ("count", |n, v| n.number(v, Quantity::Count.digits())),
            ("money", Numbers::money),
            ("price", Numbers::price),
        ];
        for (name, format) in filters {
            let numbers = numbers.clone();
            out.tera.register_filter(
                name,
                move |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
                    match value {
                        tera::Value::Null => Ok(tera::Value::String("–".to_owned())),
                        tera::Value::Number(v) => Ok(tera::Value::String(format(
                            &numbers,
                            v.as_f64().unwrap_or(f64::NAN),
                        ))),
                        other => Err(tera::Error::msg(format!(
                            "filter `{name}`: expected a number or null, got {other}"
                        ))),
                    }
                },
            );
        }
        out
    }

    /// The parsed Tera templates, by relative name (`index.html`).
    pub fn tera(&self) -> &Tera {
        &self.tera
    }

    /// The bytes of the file `name` (relative, `/`-separated: `assets/site.css`).
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(|f| f.bytes.as_slice())
    }

    /// Every file under `assets/`, by its path relative to the templates (`assets/site.js`).
    pub fn assets(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter(|(name, _)| name.starts_with(ASSETS))
            .map(|(name, f)| (name.as_str(), f.bytes.as_slice()))
    }

    /// Where the file `name` came from, for messages: `<dir>/<name>`, or `<built-in>/<name>`.
    pub fn shown(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .map_or_else(|| Path::new(BUILT_IN_NAME).join(name), |f| shown(f, name))
    }

    /// Renders `name`, naming the template file on failure.
    ///
    /// # Errors
    /// [`Error::Data`] naming the template file, with Tera's cause chain, when the template is
    /// unknown or fails to render.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(name, ctx)
            .map_err(|e| Error::Data(Problem::file(self.shown(name), chain(&e))))
    }
}

/// A Tera template: `*.html` or `*.xml` outside `assets/`.
fn is_template(name: &str) -> bool {
    !name.starts_with(ASSETS) && (name.ends_with(".html") || name.ends_with(".xml"))
}

fn shown(file: &TemplateFile, name: &str) -> PathBuf {
    file.folder
        .as_deref()
        .unwrap_or(Path::new(BUILT_IN_NAME))
        .join(name)
}

/// Every file of the built-in folder, recursively.
fn built_in(dir: &'static Dir<'static>, files: &mut BTreeMap<String, TemplateFile>) {
    for file in dir.files() {
        files.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            TemplateFile {
                bytes: file.contents().to_vec(),
                folder: None,
            },
        );
    }
    for sub in dir.dirs() {
        built_in(sub, files);
    }
}

/// Every file under `dir` replaces the built-in file of the same relative path, or is added.
fn overrides(dir: &Path, files: &mut BTreeMap<String, TemplateFile>) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::Data(Problem::file(
            dir,
            "templates folder not found (leave out --templates to use the built-in ones)",
        )));
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Data(Problem::file(dir, e.to_string())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        let bytes = crate::fsio::read_regular(entry.path(), crate::fsio::MAX_INPUT_BYTES)
            .map_err(|e| Error::io("read", entry.path(), e))?;
        files.insert(
            name,
            TemplateFile {
                bytes,
                folder: Some(dir.to_owned()),
            },
        );
    }
    Ok(())
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
