//! Invocations and per-function analytics folded from parsed log lines.
