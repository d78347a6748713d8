//! Shared helpers for the integration tests (`mod support;` in a test file).
//!
//! * [`peer`]: a local AWS peer (moto + a CBOR adapter) that the real AWS SDK clients can call.
//!
//! Each test binary compiles this module separately and uses only part of it.
#![allow(dead_code)]

pub mod peer;
