//! `cph50 cache`: session details merged into the monthly caches (work in progress on a branch).
