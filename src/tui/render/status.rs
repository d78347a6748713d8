//! The status line: freshness, errors, API use, key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::format;
use crate::message::{IDLE_REFRESH, PaceReason, usd_per_month};
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
    let failing = store.origin_failures();
    if let Some((origin, poller, e)) = failing.first() {
        // One Region's failure is its own: the others read on.
        let more = match failing.len() {
            1 => String::new(),
            n => format!(" (+{} more Regions failing)", n - 1),
        };
        spans.push(Span::styled(
            format!(
                " · {}: {poller}: {}{more}",
                sanitize(&origin.label()),
                sanitize(&e.to_string())
            ),
            theme.error,
        ));
    } else if let Some((poller, e)) = store.current_error() {
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
    let api = &store.api;
    let calls = api.total_calls();
    if calls > 0 {
        let hourly = api.usd_per_hour();
        let budget = view.cost.budget_usd_per_hour;
        spans.push(Span::styled(
            format!(
                " · {} API calls · ~{}/h ({}/month)",
                format::count(calls),
                format::usd(hourly),
                format::usd(usd_per_month(hourly))
            ),
            theme.muted,
        ));
        let pace = api.metrics_pace();
        match (budget, pace) {
            (Some(b), Some(p)) if p.reason == PaceReason::Budget => spans.push(Span::styled(
                format!(
                    " · budget {}/h: metrics every {}",
                    format::usd(b),
                    every(p.every)
                ),
                theme.warn,
            )),
            (Some(b), _) => spans.push(Span::styled(
                format!(" · budget {}/h", format::usd(b)),
                theme.muted,
            )),
            _ => {}
        }
    }
    // Only a source that paces its reads to the view (CloudWatch) reads less when idle.
    if view.idle
        && let Some(p) = api.metrics_pace()
    {
        // The idle pace once the source has kept it (longer than five minutes for many rows).
        let pace = if p.reason == PaceReason::Idle {
            p.every
        } else {
            IDLE_REFRESH
        };
        spans.push(Span::styled(
            format!(" · idle: metrics every {} (a key refreshes)", every(pace)),
            theme.accent,
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

/// An interval as the status line says it: `45s`, `5m`, `2m30s`.
fn every(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 60, s % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s:02}s"),
    }
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

    /// A store at 09:00 and its clock.
    fn store() -> (Store, Arc<ManualClock>) {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap();
        let clock = Arc::new(ManualClock::new(at));
        let store = Store::new(
            SourceKind::Cloudwatch,
            None,
            TimeWindow::default(),
            StoreLimits::default(),
            clock.clone(),
        );
        (store, clock)
    }

    /// The status line of `view` on `store`, `width` cells wide.
    fn line(view: &ViewState, store: &Store, width: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, 1)).unwrap();
        terminal
            .draw(|f| render(f, f.area(), view, store, &Theme::dark()))
            .unwrap();
        let buf = terminal.backend().buffer();
        buf.content().iter().map(|c| c.symbol()).collect()
    }

    /// The status line `age_s` seconds after a metrics round, with rounds `refresh_s` apart.
    fn status(refresh_s: u64, age_s: i64) -> String {
        let (mut store, clock) = store();
        let at = store.now();
        store.set_refresh(Duration::from_secs(refresh_s));
        store.apply(Update::Polled {
            poller: Poller::Metrics,
            at,
        });
        clock.advance(chrono::Duration::seconds(age_s));
        line(&ViewState::default(), &store, 120)
    }

    /// The status line of `view` after one metrics round paced by `pace`, if any.
    fn status_with(view: &ViewState, pace: Option<crate::message::Pace>) -> String {
        let (mut store, _) = store();
        store.apply(Update::ApiCalls(crate::message::ApiCalls::new(
            "GetMetricData",
            1,
            125,
        )));
        if let Some(pace) = pace {
            store.apply(Update::Pace {
                poller: Poller::Metrics,
                pace,
            });
        }
        line(view, &store, 200)
    }

    #[test]
    fn the_cost_an_hour_and_a_month_idleness_and_the_budget_are_said() {
        use crate::message::{Pace, PaceReason};
        let idle = Pace {
            every: Duration::from_secs(346),
            reason: PaceReason::Idle,
            usd_per_hour: 0.018,
        };
        let mut view = ViewState {
            idle: true,
            ..ViewState::default()
        };
        let text = status_with(&view, Some(idle));
        assert!(text.contains("~$0.0180/h ($13.14/month)"), "{text}");
        assert!(text.contains("idle: metrics every 5m46s"), "{text}");
        // A source that does not pace its reads (the demo, a replay): no idle mark.
        assert!(!status_with(&view, None).contains("idle"));
        view.idle = false;
        view.cost.budget_usd_per_hour = Some(0.05);
        let stretched = Pace {
            every: Duration::from_secs(150),
            reason: PaceReason::Budget,
            usd_per_hour: 0.05,
        };
        let text = status_with(&view, Some(stretched));
        assert!(
            text.contains("budget $0.0500/h: metrics every 2m30s"),
            "{text}"
        );
        assert!(!text.contains("idle"));
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
