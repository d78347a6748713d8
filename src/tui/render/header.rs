//! Account totals and alarm counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::figures::{self, Figure, Health};
use crate::format;
use crate::model::Origin;
use crate::store::{Figures, Store};
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;

pub const HEIGHT: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, store: &Store, theme: &Theme) {
    let t = store.totals();
    let alarms = store.alarm_counts();
    let label = |s: &str| Span::styled(s.to_string(), theme.muted);
    let title = Line::from(vec![
        Span::styled(" lambdatop ", theme.accent),
        label("· "),
        Span::styled(store.source.to_string(), theme.text),
        label(" · "),
        Span::styled(
            match store.origins().count() {
                0 => store
                    .region
                    .as_deref()
                    .map_or_else(|| "no region".into(), |r| sanitize(r).into_owned()),
                _ => {
                    let origins: Vec<&Origin> = store.origins().map(|(o, _)| o).collect();
                    let what = sanitize(&Origin::describe(&origins)).into_owned();
                    match store.origin_failures().len() {
                        0 => what,
                        f => format!("{what} ({f} failing)"),
                    }
                }
            },
            if store.origin_failures().is_empty() {
                theme.text
            } else {
                theme.warn
            },
        ),
        label(" · "),
        Span::styled(
            store.covers(Figures::Metrics),
            if store.loading() || store.reports_loading() {
                theme.warn
            } else {
                theme.text
            },
        ),
        Span::styled(
            match store.functions().len() {
                1 => " · 1 function".to_string(),
                n => format!(" · {} functions", format::count(n as u64)),
            },
            theme.muted,
        ),
    ]);
    // Coloured by the table's thresholds; muted while they are the window before's.
    let loading = store.loading();
    let tone = |h: Health| figure_style(h, loading, theme);
    let error_style = tone(Figure::ErrorRate.health(t.error_rate));
    let throttle_style = tone(Figure::Throttles.health(t.throttles as f64));
    let conc_style = match t.concurrency_peak {
        Some(p) if t.concurrency_limit > 0 => {
            tone(figures::CONCURRENCY_USED.health(p / f64::from(t.concurrency_limit)))
        }
        _ => tone(Health::Good),
    };
    // Unknown when the source could not read it (a policy without GetAccountSettings).
    let limit = if t.concurrency_limit_known {
        format::count(u64::from(t.concurrency_limit))
    } else {
        "?".to_string()
    };
    let peak = t
        .concurrency_peak
        .map_or("-".to_string(), |p| format!("{p:.0}"));
    let mut totals = Line::from(vec![
        label(" Invocations "),
        Span::styled(
            format::count(t.invocations),
            if loading { theme.muted } else { theme.accent },
        ),
        label("  Errors "),
        Span::styled(format::count(t.errors), error_style),
        label(" ("),
        Span::styled(format::percent(t.error_rate), error_style),
        label(")"),
    ]);
    if store.from_logs_only() {
        // A replay's logs say nothing of throttles, concurrency or alarms: said once.
        let absent = label(" Throttles, concurrency and alarms: not in logs");
        frame.render_widget(
            Paragraph::new(vec![title, totals, Line::from(absent)]),
            area,
        );
        return;
    }
    totals.spans.push(label("  Throttles "));
    totals
        .spans
        .push(Span::styled(format::count(t.throttles), throttle_style));
    // The Region's headroom: what is claimed of the limit (in use, reserved or provisioned).
    let claimed = t.claimed_concurrency_peak.map(|c| {
        let ratio = c / f64::from(t.concurrency_limit.max(1));
        vec![
            label(" · claimed "),
            Span::styled(format!("{c:.0}"), headroom_style(ratio, theme)),
            label(&format!(" ({})", format::percent(ratio))),
        ]
    });
    let full: Vec<Span> = [
        label("  Concurrency peak "),
        Span::styled(peak.clone(), conc_style),
        label(&format!(" / {limit}")),
    ]
    .into_iter()
    .chain(claimed.iter().flatten().cloned())
    .collect();
    let mut claimed_on_alarms = None;
    if store.several() {
        // Each Region's own limit and headroom, the largest share first, as many as fit.
        totals.spans.push(label("  Concurrency"));
        for (i, (origin, peak, limit)) in store.origin_concurrency().into_iter().enumerate() {
            let ratio = crate::model::concurrency_share(peak, limit);
            let sep = if i == 0 { " " } else { " · " };
            let spans = [
                label(&format!("{sep}{} ", sanitize(&origin.label()))),
                Span::styled(
                    peak.map_or("-".to_string(), |p| format!("{p:.0}")),
                    headroom_style(ratio, theme),
                ),
                label(&format!(
                    "/{}",
                    limit.map_or("?".to_string(), |l| format::count(u64::from(l)))
                )),
            ];
            let width: usize = spans.iter().map(Span::width).sum();
            if totals.width() + width > usize::from(area.width) {
                totals.spans.push(label(" …"));
                break;
            }
            totals.spans.extend(spans);
        }
    } else if totals.width() + Line::from(full.clone()).width() <= usize::from(area.width) {
        totals.spans.extend(full);
    } else {
        // Narrow: the concurrency as before, and what is claimed on the alarms' line.
        totals.spans.push(label("  Concurrency "));
        totals.spans.push(Span::styled(peak, conc_style));
        totals.spans.push(label(&format!("/{limit}")));
        claimed_on_alarms = claimed.map(|mut spans| {
            spans[0] = label("  Claimed concurrency ");
            spans
        });
    }
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
    let mut alarm_line = alarm_line;
    alarm_line
        .spans
        .extend(claimed_on_alarms.into_iter().flatten());
    frame.render_widget(Paragraph::new(vec![title, totals, alarm_line]), area);
}

/// Concurrency in use over its limit, coloured by the registry's thresholds (plain when fine).
fn headroom_style(ratio: f64, theme: &Theme) -> ratatui::style::Style {
    figure_style(figures::CONCURRENCY_USED.health(ratio), false, theme)
}

/// A figure's style as the table gives it: plain when fine, the health's colour otherwise,
/// muted while the figures are the window before's.
fn figure_style(health: Health, loading: bool, theme: &Theme) -> ratatui::style::Style {
    match health {
        _ if loading => theme.muted,
        Health::Good => theme.text,
        h => theme.health(h),
    }
}
