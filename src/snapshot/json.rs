//! JSON: the `lambdatop.snapshot/v1` document, pretty-printed, one trailing newline.

use std::io::{self, Write};

use super::document::Snapshot;

pub fn write(out: &mut dyn Write, snap: &Snapshot) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, snap)?;
    writeln!(out)
}
