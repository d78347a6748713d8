//! The status line: freshness, errors, API use, key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::format;
use crate::store::Store;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;

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
        spans.push(Span::styled("FROZEN (p resumes) ", theme.warn));
    }
    match store.last_refresh() {
        _ if store.loading() => spans.push(Span::styled(
            format!(
                "loading the last {}… (the figures shown are the previous window's)",
                store.window()
            ),
            theme.warn,
        )),
        _ if store.reports_loading() => spans.push(Span::styled(
            format!(
                "loading the REPORT figures of the last {}… (Cold %, Mem % and Cost shown are the previous window's)",
                store.window()
            ),
            theme.warn,
        )),
        Some(at) => {
            let age = (now - at).num_seconds().max(0);
            let stale = store.is_stale(store.stale_after());
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
    if view.maximised {
        spans.push(Span::styled(" · maximised (m)", theme.accent));
    }
    spans.push(Span::styled(
        format!(" · sort: {} · ? help  q quit", view.sort().label()),
        theme.muted,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use chrono::TimeZone;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::clock::ManualClock;
    use crate::message::{Poller, SourceKind, Update};
    use crate::store::StoreLimits;
    use crate::window::TimeWindow;

    /// The status line `age_s` seconds after a metrics round, with rounds `refresh_s` apart.
    fn status(refresh_s: u64, age_s: i64) -> String {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap();
        let clock = Arc::new(ManualClock::new(at));
        let mut store = Store::new(
            SourceKind::Cloudwatch,
            None,
            TimeWindow::default(),
            StoreLimits::default(),
            clock.clone(),
        );
        store.set_refresh(Duration::from_secs(refresh_s));
        store.apply(Update::Polled {
            poller: Poller::Metrics,
            at,
        });
        clock.advance(chrono::Duration::seconds(age_s));
        let mut terminal = Terminal::new(TestBackend::new(120, 1)).unwrap();
        terminal
            .draw(|f| render(f, f.area(), &ViewState::default(), &store, &Theme::dark()))
            .unwrap();
        let buf = terminal.backend().buffer();
        buf.content().iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn data_is_stale_after_two_and_a_half_rounds() {
        // Every minute: stale after 150 s.
        assert!(!status(60, 150).contains("STALE"), "{}", status(60, 150));
        assert!(status(60, 151).contains("(151s ago) STALE"));
        // Every five minutes: fresh data is not stale half of each cycle; stale after 750 s.
        assert!(!status(300, 299).contains("STALE"));
        assert!(!status(300, 750).contains("STALE"));
        assert!(status(300, 751).contains("(751s ago) STALE"));
    }

    #[test]
    fn report_figures_of_the_window_before_are_said_to_be_loading() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap();
        let mut store = Store::new(
            SourceKind::Cloudwatch,
            None,
            TimeWindow::minutes(60),
            StoreLimits::default(),
            Arc::new(ManualClock::new(at)),
        );
        let reports = |window: TimeWindow| {
            Update::Reports(crate::message::WindowReports {
                origin: crate::message::ReportOrigin::Filter,
                window,
                from: window.start(at),
                to: at,
                reports: vec![("orders".into(), Some(Default::default()))],
            })
        };
        store.apply(reports(TimeWindow::minutes(60)));
        let line = |store: &Store| {
            let mut terminal = Terminal::new(TestBackend::new(160, 1)).unwrap();
            terminal
                .draw(|f| render(f, f.area(), &ViewState::default(), store, &Theme::dark()))
                .unwrap();
            let buf = terminal.backend().buffer();
            buf.content().iter().map(|c| c.symbol()).collect::<String>()
        };
        assert!(!line(&store).contains("REPORT"), "{}", line(&store));
        store.set_window(TimeWindow::minutes(15));
        assert!(
            line(&store).contains("loading the REPORT figures of the last 15m"),
            "{}",
            line(&store)
        );
        store.apply(reports(TimeWindow::minutes(15)));
        assert!(!line(&store).contains("REPORT"), "{}", line(&store));
    }
}
