//! lambdatop: a terminal dashboard for AWS Lambda.
//!
//! Data flows one way: a **source** (CloudWatch, the demo account or a replayed log) runs pollers
//! that send [`store::Update`]s over a channel; one owner applies them to the [`store::Store`];
//! a **front end** (the TUI or a `--once` snapshot) reads the store.

pub mod analytics;
pub mod clock;
pub mod lambda_log;
pub mod model;
