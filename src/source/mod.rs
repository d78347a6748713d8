//! Sources of data. One source runs per invocation of lambdatop: the real AWS account
//! ([`cloudwatch`]), the simulated [`demo`] account, or a [`replay`]ed log. A source spawns pollers
//! (tokio tasks) that send owned [`Update`](crate::message::Update)s over a channel; it never touches the store.

use crate::message::{Provides, SourceContext, SourceKind};
use crate::model::Origin;

pub mod cloudwatch;
pub mod demo;
pub mod multi;
pub mod replay;

/// A running source. `start` spawns its pollers on the current tokio runtime and returns.
pub trait Source: Send {
    fn kind(&self) -> SourceKind;
    /// The AWS Region, when the source has one.
    fn region(&self) -> Option<String>;
    /// What the source delivers, and so what the store must make up for itself.
    fn provides(&self) -> Provides;
    /// The origins of a source that reads several accounts or Regions (none for one).
    fn origins(&self) -> Vec<Origin> {
        Vec::new()
    }
    fn start(self: Box<Self>, ctx: SourceContext);
}
