//! The dashboard draws outside text through the crate-wide [`crate::sanitize`].

pub use crate::sanitize::{MAX_LINE_CHARS, sanitize};
