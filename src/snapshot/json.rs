//! JSON: the `lambdatop.snapshot/v1` document, pretty-printed, one trailing newline. Characters a
//! terminal would act on (C1 controls, DEL, bidi and other invisible format characters) are
//! written as `\uXXXX` escapes, like the C0 controls: the strings read back the same.

use std::io::{self, Write};

use crate::sanitize::json_inert;

use super::document::Snapshot;

pub fn write(out: &mut dyn Write, snap: &Snapshot) -> io::Result<()> {
    let text = serde_json::to_string_pretty(snap)?;
    writeln!(out, "{}", json_inert(&text))
}
