//! Drawing the dashboard: a pure function of the view state, the store and the theme.
//!
//! ```text
//! ┌ header.rs ─────────────────────────────────────────────────────────────┐
//! │ lambdatop · demo · us-east-1 · last 1h                                  │
//! │ Invocations 12,345  Errors 45 (0.36%)  Throttles 3  Concurrency 12/1000 │
//! │ Alarms  ALARM 1  INSUFFICIENT DATA 2  OK 5                              │
//! ├ table.rs ──────────────────────────────────────────────────────────────┤
//! │ Function   Invocations ▁▃█  Errors ▁▁▅  Err%  Throttles  Avg  p99  …    │
//! │ …                                                                      │
//! ├ logs.rs ───────────────────────────────────────────────────────────────┤
//! │ 12:00:01 orders-prod-api  REPORT RequestId: …                          │
//! ├ status.rs ─────────────────────────────────────────────────────────────┤
//! │ refreshed 12:00:01 (2s ago) · 14 API calls · ~$0.02/h · ? help  q quit │
//! └────────────────────────────────────────────────────────────────────────┘
//!                 help.rs draws its overlay over all of it
//! ```
//!
//! Enter on a table row puts detail.rs (charts, panels, recent invocations) in the table's
//! place; the log pane then shows that function's lines.

mod detail;
mod detail_metrics;
mod header;
mod help;
mod logs;
mod status;
mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::theme::Theme;
use super::view::ViewState;
use crate::store::Store;

/// Rows of the function table above its first function (title and column headers).
pub const TABLE_ROWS_ABOVE: u16 = table::ROWS_ABOVE;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, view: &mut ViewState, store: &Store, theme: &Theme) {
    let area = frame.area();
    let log_height = match (view.detail.is_some(), area.height >= 30) {
        (false, true) => area.height / 3,
        (false, false) => (area.height / 4).max(3),
        (true, true) => area.height / 4,
        (true, false) => (area.height / 5).max(3),
    };
    let [header_area, table_area, logs_area, status_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Min(4),
        Constraint::Length(log_height),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, store, theme);
    if view.detail.is_some() {
        detail::render(frame, table_area, view, store, theme);
    } else {
        table::render(frame, table_area, view, store, theme);
    }
    logs::render(frame, logs_area, view, store, theme);
    status::render(frame, status_area, view, store, theme);
    if view.help {
        help::render(frame, centered(area, 84, help::height()), theme);
    }
}

/// A rectangle of at most `w`×`h` in the middle of `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
