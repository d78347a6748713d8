//! lambdatop: a terminal dashboard for AWS Lambda.
//!
//! Data flows one way: a **source** (CloudWatch, the demo account or a replayed log) runs pollers
//! that send [`message::Update`]s over a channel; one owner applies them to the [`store::Store`];
//! a **front end** (the [`tui`], a `--once` [`snapshot`] or `lambdatop` [`tail`]) reads the
//! store.
//!
//! Module map, bottom up (each imports only modules above it in this list; no cycles):
//! - [`model`], [`clock`], [`window`], [`format`], [`sanitize`], [`textfile`], [`lambda_log`]:
//!   domain types, time, figures and text made safe for a terminal, small files read safely,
//!   and the pure log parser (with the log filter language and the REPORT summary);
//! - [`message`], [`diag`]: what sources and the store share (updates, requests, log blocks),
//!   and diagnostics;
//! - [`analytics`], [`store`]: invocation analytics and the one store;
//! - [`figures`]: every per-function figure, defined once, and selecting/sorting functions;
//! - [`poll`], [`source`]: the round driver, backoff and rate limits; CloudWatch, demo, replay;
//! - [`tui`], [`snapshot`], [`tail`]: the front ends; [`cli`], [`sdk_trace`] (the AWS SDK's
//!   events into the diagnostics log), [`config`], [`app`]: wiring.
//!
//! `tests/integration/architecture.rs` keeps the map true.

#![forbid(unsafe_code)]

pub mod analytics;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diag;
pub mod figures;
pub mod format;
pub mod lambda_log;
pub mod message;
pub mod model;
pub mod poll;
pub mod sanitize;
pub mod sdk_trace;
pub mod snapshot;
pub mod source;
pub mod store;
pub mod tail;
pub mod textfile;
pub mod tui;
pub mod window;
