//! The integration tests, in one binary so the AWS SDK is linked once.
//!
//! Each module is one area, run alone with `cargo test --test integration <module>::`.
//! Shared fixtures live in [`common`] (the demo account at a fixed clock) and [`support`]
//! (a local AWS peer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod support;

mod architecture;
mod aws_peer;
mod cli;
mod cloudwatch_canned;
mod cloudwatch_source;
mod cost;
mod demo;
mod figures;
mod hostile_text;
mod lambda_log_fixtures;
mod live_tail;
mod origin_requests;
mod read_only;
mod regions;
mod replay;
mod replay_blocks;
mod report_insights;
mod report_window;
mod screenshots;
mod snapshot_aws;
mod snapshot_formats;
mod snapshot_rules;
mod sort;
mod tail;
mod terminal;
mod themes;
mod tui;
mod tui_detail;
mod tui_reading;
mod views;
