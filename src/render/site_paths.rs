//! Paths inside the built site. Some look like data-folder paths (`data/sessions.csv`,
//! `sessions/<id>.html`) but name files of the site, never of the data folder; they live here
//! so the architecture test can tell the two apart.

/// The CSV export of every session.
pub const CSV_EXPORT: &str = "data/sessions.csv";

/// The SQLite file of every table (`cph50 export --format sqlite`), for download.
pub const SQLITE_EXPORT: &str = "data/cph50.sqlite";

/// The page of one session.
pub fn session_page(id: &str) -> String {
    format!("sessions/{id}.html")
}
