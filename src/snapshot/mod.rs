//! `--once`: run the source's pollers until each has delivered once, then print the store.

mod table;

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{mpsc, watch};

use crate::cli::OutputFormat;
use crate::clock::SharedClock;
use crate::source::{Request, Source, SourceContext};
use crate::store::{Selection, Store, Update};

/// How long a snapshot waits for its data before giving up.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// Fills `store` from `source`: returns once every poller has delivered (or failed) once.
pub async fn collect(
    store: &mut Store,
    source: Box<dyn Source>,
    clock: SharedClock,
) -> anyhow::Result<()> {
    let pollers = source.pollers();
    let (tx, mut rx) = mpsc::channel::<Update>(1024);
    let (_requests_tx, requests) = watch::channel(Request::new(store.window()));
    source.start(SourceContext {
        updates: tx,
        requests,
        clock,
        once: true,
    });
    let wait = async {
        while let Some(u) = rx.recv().await {
            store.apply(u);
            if store.has_polled(&pollers) {
                // Take what is already queued, then stop.
                while let Ok(u) = rx.try_recv() {
                    store.apply(u);
                }
                break;
            }
        }
    };
    tokio::time::timeout(DEADLINE, wait)
        .await
        .context("timed out waiting for data")?;
    store.tick();
    Ok(())
}

/// Writes the snapshot in `format`.
pub fn write(
    out: &mut dyn Write,
    store: &Store,
    selection: &Selection,
    format: OutputFormat,
) -> anyhow::Result<()> {
    match format {
        OutputFormat::Table | OutputFormat::Json | OutputFormat::Csv | OutputFormat::Markdown => {
            table::write(out, store, selection)
        }
    }
    .context("cannot write the snapshot")
}
