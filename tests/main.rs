//! All integration tests, compiled into one binary (one link, shared helpers).

// Tests may panic on purpose: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_cli;
mod api_client;
mod architecture;
mod bad_data;
mod browser;
mod cache;
mod cli;
mod common;
mod data_props;
mod demo_data;
mod dictionary;
mod e2e_pipeline;
mod e2e_status;
mod identify;
mod readme;
mod render;
mod sim;
mod site_safety;
mod validate;
mod workflows;
