//! All integration tests, compiled into one binary (one link, shared helpers).

// Tests may panic on purpose: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_cli;
mod api_client;
mod api_real;
mod architecture;
mod archive;
#[cfg(unix)]
mod archive_kill;
mod bad_data;
mod browser;
mod cache;
mod cli;
mod collect_deadline;
mod common;
mod concurrent_writers;
mod control;
mod corrupt_config;
mod data_props;
mod demo_data;
mod demo_manifest;
mod dictionary;
mod doctor;
mod e2e_api_faults;
mod e2e_charge;
mod e2e_charge_guards;
mod e2e_jobs;
mod e2e_pipeline;
mod e2e_status;
mod export;
mod fault_matrix;
mod fresh_machine;
mod identify;
mod incidents;
#[cfg(unix)]
mod incremental_build;
mod init;
mod init_guards;
mod init_workflows;
mod init_zones;
mod jekyll_cases;
mod jekyll_differential;
mod jobs_api;
#[cfg(unix)]
mod kill;
mod login;
mod numbers;
mod out_of_limits;
mod power_curve;
mod readme;
mod reliability;
mod render;
mod sim;
mod site_safety;
mod tariff;
mod validate;
mod workflows;
