//! Account totals and alarm counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::figures;
use crate::format;
use crate::store::Store;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;

pub const HEIGHT: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, store: &Store, theme: &Theme) {
    let t = store.totals();
    let alarms = store.alarm_counts();
    let label = |s: &'static str| Span::styled(s, theme.muted);
    let title = Line::from(vec![
        Span::styled(" lambdatop ", theme.accent),
        label("· "),
        Span::styled(store.source.to_string(), theme.text),
        label(" · "),
        Span::styled(
            store
                .region
                .as_deref()
                .map_or_else(|| "no region".into(), |r| sanitize(r).into_owned()),
            theme.text,
        ),
        label(" · last "),
        Span::styled(store.window().to_string(), theme.text),
        Span::styled(
            match store.functions().len() {
                1 => " · 1 function".to_string(),
                n => format!(" · {} functions", format::count(n as u64)),
            },
            theme.muted,
        ),
    ]);
    let error_style = theme.health(figures::ERROR_RATE.health(t.error_rate));
    let throttle_style = if t.throttles > 0 {
        theme.warn
    } else {
        theme.ok
    };
    let conc_style = match t.concurrency_peak {
        Some(p) if t.concurrency_limit > 0 => {
            theme.health(figures::CONCURRENCY_USED.health(p / f64::from(t.concurrency_limit)))
        }
        _ => theme.text,
    };
    let totals = Line::from(vec![
        label(" Invocations "),
        Span::styled(format::count(t.invocations), theme.accent),
        label("  Errors "),
        Span::styled(format::count(t.errors), error_style),
        label(" ("),
        Span::styled(format::percent(t.error_rate), error_style),
        label(")  Throttles "),
        Span::styled(format::count(t.throttles), throttle_style),
        label("  Concurrency "),
        Span::styled(
            t.concurrency_peak
                .map_or("-".to_string(), |p| format!("{p:.0}")),
            conc_style,
        ),
        Span::styled(
            format!("/{}", format::count(u64::from(t.concurrency_limit))),
            theme.muted,
        ),
    ]);
    let count_style = |n: usize, hot| if n > 0 { hot } else { theme.muted };
    let alarm_line = Line::from(vec![
        label(" Alarms  "),
        Span::styled(
            format!("ALARM {}", alarms.alarm),
            count_style(alarms.alarm, theme.error),
        ),
        label("  "),
        Span::styled(
            format!("INSUFFICIENT DATA {}", alarms.insufficient_data),
            count_style(alarms.insufficient_data, theme.warn),
        ),
        label("  "),
        Span::styled(
            format!("OK {}", alarms.ok),
            count_style(alarms.ok, theme.ok),
        ),
    ]);
    frame.render_widget(Paragraph::new(vec![title, totals, alarm_line]), area);
}
