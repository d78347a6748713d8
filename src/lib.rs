//! lambdatop: a terminal dashboard for AWS Lambda.
//!
//! Data flows one way: a **source** (CloudWatch, the demo account or a replayed log) runs pollers
//! that send [`store::Update`]s over a channel; one owner applies them to the [`store::Store`];
//! a **front end** (the TUI or a `--once` snapshot) reads the store.

pub mod clock;
pub mod model;
pub mod poll;
pub mod source;
pub mod store;
