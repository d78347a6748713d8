//! The figures registry is the one definition every front end reads: each figure shows up, with
//! the same value and the same colour, wherever the registry says it does.

use crate::common;

use lambdatop::cli::OutputFormat;
use lambdatop::figures::{FIGURES, Figure, Health, Selection, SortKey, round};
use lambdatop::snapshot::rules;
use lambdatop::snapshot::{self, Snapshot, Style};
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use serde_json::Value;

fn demo_snapshot() -> Snapshot {
    let store = common::demo_store(TimeWindow::default());
    Snapshot::build(&store, &Selection::default())
}

fn written(snap: &Snapshot, format: OutputFormat) -> String {
    let mut out = Vec::new();
    snapshot::write(
        &mut out,
        snap,
        Style {
            format,
            colour: false,
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// The JSON value at a dotted key.
fn at<'a>(v: &'a Value, key: &str) -> &'a Value {
    key.split('.').fold(v, |v, k| &v[k])
}

/// Every figure with a JSON key is in the JSON with the registry's value (rounded as the unit
/// says) and is a CSV column with the same text; every figure with a heading is a column of the
/// table and of the Markdown; every rule name parses; every sort name sorts.
#[test]
fn every_figure_is_where_the_registry_says() {
    let snap = demo_snapshot();
    let json: Value = serde_json::from_str(&written(&snap, OutputFormat::Json)).unwrap();
    let csv = written(&snap, OutputFormat::Csv);
    let mut csv_lines = csv.lines();
    let header: Vec<&str> = csv_lines.next().unwrap().split(',').collect();
    let records: Vec<Vec<&str>> = csv_lines.map(|l| l.split(',').collect()).collect();
    for d in FIGURES {
        let Some(key) = d.key else { continue };
        let column = header
            .iter()
            .position(|h| *h == key.replace('.', "_"))
            .unwrap_or_else(|| panic!("{key} is no CSV column"));
        for (i, row) in snap.functions.iter().enumerate() {
            let expected = row.figure(d.figure);
            let in_json = at(&json["functions"][i], key);
            match (expected, d.figure) {
                (None, _) => assert!(in_json.is_null(), "{key} of {}", row.name),
                (Some(_), Figure::Alarm) => {
                    assert_eq!(in_json.as_str(), row.alarm_state.map(|s| s.as_str()))
                }
                (Some(v), _) => assert_eq!(
                    in_json.as_f64(),
                    Some(round(v, d.unit.decimals())),
                    "{key} of {}",
                    row.name
                ),
            }
            let in_csv = records[i][column];
            assert_eq!(in_csv, expected.map_or(String::new(), |v| d.unit.plain(v)));
        }
    }
    let table = written(&snap, OutputFormat::Table);
    let markdown = written(&snap, OutputFormat::Markdown);
    assert!(snap.has_reports());
    for d in FIGURES {
        if let Some(heading) = d.heading {
            assert!(table.contains(heading), "{heading} not in the table");
            assert!(markdown.contains(&format!("| {heading} |")), "{heading}");
        }
        if let Some(rule) = d.rule {
            let parsed = rules::parse(&format!("{rule}>=0{}", unit_of(d.figure)))
                .or_else(|_| rules::parse(rule))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.metric, d.figure);
        }
        if let Some((name, _)) = d.sort {
            let key: SortKey = name.parse().unwrap();
            assert_eq!(key, SortKey::By(d.figure));
            assert!(SortKey::all().contains(&key));
        }
    }
}

fn unit_of(figure: Figure) -> &'static str {
    match figure.unit() {
        lambdatop::figures::Unit::Ratio => "%",
        lambdatop::figures::Unit::Millis => "ms",
        _ => "",
    }
}

/// One figure has one set of thresholds: the dashboard's table colours each cell as the
/// `--once` table tones it, for every function of the demo account.
#[test]
fn the_dashboard_and_the_snapshot_colour_figures_alike() {
    let store = common::demo_store(TimeWindow::default());
    let snap = Snapshot::build(&store, &Selection::default());
    let grid = snapshot::cells::grid(&snap);
    let mut view = ViewState::new(Selection::default());
    let terminal = common::draw(&mut view, &store, 200, 60);
    let buffer = terminal.backend().buffer();
    let theme = Theme::dark();
    let row_text = |y: u16| -> Vec<String> {
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    let header_y = (0..buffer.area.height)
        .find(|&y| row_text(y).concat().starts_with("Function"))
        .expect("the table's header");
    let header = row_text(header_y);
    let find = |title: &str| -> Option<usize> {
        (0..header.len()).find(|&x| header[x..].concat().starts_with(title))
    };
    let mut compared = 0;
    let mut toned = 0;
    for d in FIGURES {
        let (Some(title), Some(heading)) = (d.title, d.heading) else {
            continue;
        };
        if d.figure == Figure::Alarm {
            continue; // drawn as a badge in the dashboard
        }
        let Some(x0) = find(title) else { continue };
        let column = grid
            .headings
            .iter()
            .position(|h| *h == heading)
            .expect("a --once column");
        for (i, row) in snap.functions.iter().enumerate() {
            if i == view.selected {
                continue; // drawn in the selection's colours
            }
            let y = (header_y + 1..buffer.area.height)
                .find(|&y| row_text(y).concat().starts_with(&format!("{} ", row.name)))
                .expect("the function's row");
            // The first drawn character of the cell is the figure's.
            let x = (x0..usize::from(buffer.area.width))
                .find(|&x| buffer[(x as u16, y)].symbol() != " ")
                .unwrap();
            let drawn = buffer[(x as u16, y)].fg;
            let expected = match grid.rows[i][column].tone {
                snapshot::cells::Tone::Error => theme.error.fg,
                snapshot::cells::Tone::Warn => theme.warn.fg,
                _ => theme.text.fg,
            };
            assert_eq!(
                Some(drawn),
                expected,
                "{} of {}: dashboard and --once disagree",
                heading,
                row.name
            );
            compared += 1;
            toned += usize::from(expected != theme.text.fg);
        }
    }
    assert!(compared >= 11 * 8, "{compared} cells compared");
    assert!(toned >= 5, "only {toned} coloured cells compared");
    // And the thresholds behind them are the registry's.
    assert_eq!(Figure::ErrorRate.health(0.05), Health::Bad);
    assert_eq!(Figure::MemoryUsed.health(0.85), Health::Warn);
}

/// A row's colour comes from what the table can show: the detail view's metrics (read only
/// while it is open) never colour a function's name.
#[test]
fn the_detail_views_metrics_do_not_colour_the_row() {
    use lambdatop::model::MetricKind;
    let store = common::demo_store(TimeWindow::default());
    let f = store.function_named("image-resize-prod").unwrap();
    let dlq = Figure::Detail(MetricKind::DeadLetterErrors);
    let dead_letters = dlq
        .value(f)
        .expect("the demo's async function has DLQ errors");
    assert_eq!(dlq.health(dead_letters), Health::Bad);
    assert_ne!(lambdatop::figures::health(f), Health::Bad);
}
