//! A property test of the data models: arbitrary data folders (plausible records whose fields
//! are now and then replaced by huge, negative or fractional numbers, long strings, odd dates,
//! wrong types or nothing at all) never make `validate` or `build` panic, and whenever
//! `validate` finds no problem, `build` succeeds.
//!
//! `PROPTEST_CASES` sets the number of folders (default 2,000, a few seconds in-process); the
//! issue's 100,000 are `PROPTEST_CASES=100000 cargo test --release data_props`.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Utc;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use cph50::clock::Clock;
use cph50::render::{BuildOptions, build_with, tera_env};
use cph50::store::Store;
use cph50::store::layout::{Layout, Month};
use cph50::store::values::{SessionId, Timestamp};
use cph50::validate::validate;

mod records;
use records::{cache_entry, last_session, odd_value, run, session_file, vehicle};

const TZ: chrono_tz::Tz = chrono_tz::America::Los_Angeles;
const VEHICLES: [&str; 2] = ["serenity_equinox_2024", "volvo_xc40_2021"];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// The records of one data folder; [`write`] puts each where `validate` expects it.
#[derive(Debug, Clone)]
struct Folder {
    config: Option<Value>,
    last: Option<Value>,
    runs: Option<Value>,
    caches: Vec<Value>,
    sessions: Vec<Value>,
}

/// One change to a plausible folder: the `pick`-th value of all (in document order) becomes
/// `to`, or goes away when `to` is `None`.
#[derive(Debug, Clone)]
struct Mutation {
    pick: usize,
    to: Option<Value>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        any::<usize>(),
        prop_oneof![6 => odd_value().prop_map(Some), 1 => Just(None)],
    )
        .prop_map(|(pick, to)| Mutation { pick, to })
}

impl Folder {
    fn records(&mut self) -> Vec<&mut Value> {
        let top = [&mut self.config, &mut self.last, &mut self.runs];
        let top = top.into_iter().filter_map(Option::as_mut);
        top.chain(self.caches.iter_mut())
            .chain(self.sessions.iter_mut())
            .collect()
    }

    fn apply(&mut self, m: &Mutation) {
        let mut spots = Vec::new();
        for (i, r) in self.records().into_iter().enumerate() {
            pointers(r, String::new(), &mut |p| spots.push((i, p)));
        }
        if spots.is_empty() {
            return;
        }
        let (i, pointer) = spots.swap_remove(m.pick % spots.len());
        let mut records = self.records();
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
        let Some(parent) = records[i].pointer_mut(parent) else {
            return;
        };
        match (parent, &m.to) {
            (Value::Object(o), Some(v)) => drop(o.insert(key.to_owned(), v.clone())),
            (Value::Object(o), None) => drop(o.remove(key)),
            (Value::Array(a), to) => {
                let at: usize = key.parse().unwrap_or(0);
                match to {
                    Some(v) => a[at] = v.clone(),
                    None => drop(a.remove(at)),
                }
            }
            _ => {}
        }
    }
}

/// Every JSON pointer below `v` (not `v` itself).
fn pointers(v: &Value, at: String, out: &mut impl FnMut(String)) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (k, child) in children {
        let p = format!("{at}/{k}");
        out(p.clone());
        pointers(child, p, out);
    }
}

fn folder() -> impl Strategy<Value = Folder> {
    (
        prop::option::weighted(
            0.9,
            prop::collection::vec(vehicle(), 2).prop_map(|vs| {
                let ids = VEHICLES.iter().map(|k| (*k).to_owned());
                json!({ "vehicles": ids.zip(vs).collect::<Map<String, Value>>() })
            }),
        ),
        prop::option::of(last_session()),
        prop::option::of(prop::collection::vec(run(), 0..3).prop_map(|r| json!({ "runs": r }))),
        prop::collection::vec(cache_entry(), 0..5),
        prop::collection::vec(session_file(), 0..3),
    )
        .prop_map(|(config, last, runs, caches, sessions)| Folder {
            config,
            last,
            runs,
            caches,
            sessions,
        })
}

/// A plausible folder with none to three mutations.
fn mutated_folder() -> impl Strategy<Value = Folder> {
    (folder(), prop::collection::vec(mutation(), 0..4)).prop_map(|(mut f, ms)| {
        for m in &ms {
            f.apply(m);
        }
        f
    })
}

/// Local date of a record's timestamp field, when it is one cph50 accepts.
fn local_date(v: &Value, key: &str) -> Option<chrono::NaiveDate> {
    let t = Timestamp::parse(v.get(key)?.as_str()?).ok()?;
    Some(Clock::fixed(TZ, Utc::now()).local_date(t.to_utc()))
}

/// Writes the folder under `root/data`, each record where `validate` expects it.
fn write(root: &Path, f: &Folder) -> PathBuf {
    let layout = Layout::new(root.join("data"));
    fs::create_dir_all(layout.root()).unwrap();
    let put = |path: PathBuf, v: &Value| {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    };
    for (name, v) in [
        ("vehicle_config.json", &f.config),
        ("last_session.json", &f.last),
        ("runs.json", &f.runs),
    ] {
        if let Some(v) = v {
            put(layout.file(name), v);
        }
    }
    let fallback = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut months: std::collections::BTreeMap<Month, Vec<Value>> = Default::default();
    for e in &f.caches {
        let day = local_date(e, "session_start_time").unwrap_or(fallback);
        months.entry(Month::of(day)).or_default().push(e.clone());
    }
    for (month, entries) in months {
        put(layout.cache_file(month), &Value::from(entries));
    }
    for s in &f.sessions {
        let day = local_date(s, "collection_start").unwrap_or(fallback);
        let id = s
            .get("session_id")
            .and_then(Value::as_str)
            .and_then(|i| SessionId::parse(i).ok());
        let id = id.unwrap_or_else(|| SessionId::from_number(1));
        put(layout.session_file(day, &id), s);
    }
    layout.root().to_owned()
}

/// A temporary folder, in memory (`/dev/shm`) where there is one: each build syncs its
/// folder, which on a disk costs more than the rest of the case.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    shm.is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
        .unwrap_or_else(|| tempfile::tempdir().unwrap())
}

/// The built-in templates, parsed once for all cases (what `build` does first each time).
fn templates() -> &'static tera_env::Templates {
    static TEMPLATES: std::sync::OnceLock<tera_env::Templates> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| tera_env::load(None).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn validate_and_build_never_panic_and_agree(f in mutated_folder()) {
        let dir = scratch();
        let data = write(dir.path(), &f);
        let report = validate(&Store::new(&data), &Clock::fixed(TZ, Utc::now()));
        let opts = BuildOptions {
            data,
            out: dir.path().join("site"),
            blog: dir.path().join("no-blog"),
            templates: None,
            base_url: Some("/".to_owned()),
            blog_path: "blog/".to_owned(),
            future: false,
            drafts: false,
            now: Utc::now(),
            poll_minutes: None,
            repository: None,
            tz: TZ,
            source_date: None,
            numbers: cph50::render::numbers::Numbers::new("en-US", "USD").unwrap(),
        };
        let built = build_with(&opts, templates());
        if report.problems.is_empty() {
            prop_assert!(built.is_ok(), "validate found nothing, build failed: {:?}", built.err());
        }
    }
}
