//! lambdatop: a terminal dashboard for AWS Lambda.
//!
//! Data flows one way: a **source** (CloudWatch, the demo account or a replayed log) runs pollers
//! that send [`store::Update`]s over a channel; one owner applies them to the [`store::Store`];
//! a **front end** (the [`tui`] or a `--once` [`snapshot`]) reads the store.

pub mod analytics;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diag;
pub mod format;
pub mod lambda_log;
pub mod model;
pub mod poll;
pub mod sanitize;
pub mod snapshot;
pub mod source;
pub mod store;
pub mod textfile;
pub mod tui;
