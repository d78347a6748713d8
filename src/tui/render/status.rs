//! The status line: freshness, errors, API use, key hints.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::format;
use crate::store::Store;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;

/// Data older than this is marked stale.
pub const STALE_AFTER: Duration = Duration::seconds(150);

pub fn render(frame: &mut Frame, area: Rect, view: &ViewState, store: &Store, theme: &Theme) {
    let now = store.now();
    let mut spans = vec![Span::styled(" ", theme.muted)];
    if let Some(n) = &view.notice {
        spans.push(Span::styled(
            format!("{} · ", crate::tui::sanitize::sanitize(&n.text)),
            if n.error { theme.error } else { theme.accent },
        ));
    }
    if view.frozen {
        spans.push(Span::styled("FROZEN ", theme.warn));
    }
    match store.last_refresh() {
        Some(at) => {
            let age = (now - at).num_seconds().max(0);
            let stale = store.is_stale(STALE_AFTER);
            spans.push(Span::styled(
                format!("refreshed {} ({age}s ago)", at.format("%H:%M:%S")),
                if stale { theme.warn } else { theme.muted },
            ));
            if stale {
                spans.push(Span::styled(" STALE", theme.warn));
            }
        }
        None => spans.push(Span::styled("loading…", theme.muted)),
    }
    if let Some((poller, e)) = store.current_error() {
        spans.push(Span::styled(
            format!(" · {poller}: {}", sanitize(&e.to_string())),
            theme.error,
        ));
    } else if let Some((poller, n)) = store.notice() {
        spans.push(Span::styled(
            format!(" · {poller}: {}", sanitize(&n.message)),
            theme.warn,
        ));
    }
    let calls = store.api.total_calls();
    if calls > 0 {
        spans.push(Span::styled(
            format!(
                " · {} API calls · ~{}/h",
                format::count(calls),
                format::usd(store.api.usd_per_hour())
            ),
            theme.muted,
        ));
    }
    spans.push(Span::styled(
        format!(" · sort: {} · ? help  q quit", view.sort().label()),
        theme.muted,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
