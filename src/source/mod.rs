//! Sources of data. One source runs per invocation of lambdatop: the real AWS account
//! ([`cloudwatch`]), the simulated [`demo`] account, or a [`replay`]ed log. A source spawns pollers
//! (tokio tasks) that send owned [`Update`]s over a channel; it never touches the store.

use std::fmt;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use crate::clock::SharedClock;
use crate::store::{TimeWindow, Update};

pub mod demo;
pub mod replay;

/// Which kind of source feeds the store; printed in the status line and the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Cloudwatch,
    Demo,
    Replay,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Cloudwatch => "cloudwatch",
            SourceKind::Demo => "demo",
            SourceKind::Replay => "replay",
        })
    }
}

/// The independent loops of a source. `--once` waits until each has delivered once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Poller {
    Discovery,
    Metrics,
    Alarms,
    Logs,
}

impl fmt::Display for Poller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Poller::Discovery => "functions",
            Poller::Metrics => "metrics",
            Poller::Alarms => "alarms",
            Poller::Logs => "logs",
        })
    }
}

/// What the front end asks of the source; pollers watch it and react to changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub window: TimeWindow,
    /// Bumped by "refresh now": pollers skip their wait.
    pub refresh: u64,
    /// Functions whose logs the user is looking at (empty: the source decides).
    pub log_functions: Vec<String>,
    /// A server-side filter for log reads, when the user's filter can be expressed as one.
    pub log_filter_pattern: Option<String>,
}

impl Request {
    pub fn new(window: TimeWindow) -> Self {
        Self {
            window,
            refresh: 0,
            log_functions: Vec::new(),
            log_filter_pattern: None,
        }
    }
}

/// Everything a source needs to run: where to send updates, what the user asks, what time it is.
#[derive(Clone)]
pub struct SourceContext {
    pub updates: mpsc::Sender<Update>,
    pub requests: watch::Receiver<Request>,
    pub clock: SharedClock,
    /// `--once`: deliver one complete round, then stop.
    pub once: bool,
}

impl SourceContext {
    /// Sends an update; `false` when the front end has gone and the poller should stop.
    pub async fn send(&self, update: Update) -> bool {
        self.updates.send(update).await.is_ok()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A running source. `start` spawns its pollers on the current tokio runtime and returns.
pub trait Source: Send {
    fn kind(&self) -> SourceKind;
    /// The AWS Region, when the source has one.
    fn region(&self) -> Option<String>;
    /// The pollers `start` will run; `--once` waits for a delivery from each.
    fn pollers(&self) -> Vec<Poller>;
    /// A finite source (a replayed file) ends with [`Update::Ended`]; `--once` waits for it.
    fn finite(&self) -> bool {
        false
    }
    fn start(self: Box<Self>, ctx: SourceContext);
}
