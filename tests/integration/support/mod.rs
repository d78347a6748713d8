//! Shared helpers for the integration tests.
//!
//! * [`peer`]: a local AWS peer (moto + a CBOR adapter) that the real AWS SDK clients can call.
//! * [`http`]: the HTTP framing of the scripted peers.
//! * [`svg`]: a drawn screen as an SVG image, for the README's screenshots.
#![allow(dead_code)]

pub mod http;
pub mod live_tail_peer;
pub mod peer;
pub mod svg;
