//! The README's screenshots: the demo at a fixed clock, drawn into a test backend and written
//! as SVG to `screenshots/`. This test fails when a committed image no longer matches what the
//! code draws; regenerate them all with
//!
//! ```sh
//! UPDATE_SCREENSHOTS=1 cargo test --test integration screenshots
//! ```
//!
//! To add a screen, add a line to [`SCREENS`].

use crate::common;

use std::path::{Path, PathBuf};

use crate::support::svg::{Palette, buffer_to_svg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::figures::Selection;
use lambdatop::message::SourceKind;
use lambdatop::model::Origin;
use lambdatop::store::Store;
use lambdatop::tui::handle_key;
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::{Detail, Pane, ViewState};
use lambdatop::window::TimeWindow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// One screenshot: its file name (without `.svg`), its size, its theme and how to get there.
struct Screen {
    name: &'static str,
    width: u16,
    height: u16,
    theme: fn() -> Theme,
    /// The account shown: the demo's, unless said.
    store: Option<fn() -> Store>,
    setup: fn(&Store, &mut ViewState),
}

const SCREENS: &[Screen] = &[
    Screen {
        name: "overview",
        width: 160,
        height: 45,
        theme: Theme::dark,
        store: None,
        setup: |_, _| {},
    },
    Screen {
        name: "help",
        width: 160,
        height: 45,
        theme: Theme::dark,
        store: None,
        setup: |_, view| view.help = true,
    },
    Screen {
        name: "detail",
        width: 160,
        height: 45,
        theme: Theme::dark,
        store: None,
        setup: |store, view| {
            let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
            handle_key(view, store, enter);
        },
    },
    Screen {
        name: "detail-async",
        width: 160,
        height: 45,
        theme: Theme::dark,
        store: None,
        setup: |store, view| {
            // An S3-triggered function: asynchronous events, their age, a dead-letter error.
            view.detail = Some(Detail::new(store.id_of("image-resize-prod")));
            view.clamp(store);
        },
    },
    Screen {
        name: "logs",
        width: 160,
        height: 45,
        theme: Theme::dark,
        store: None,
        setup: |_, view| view.pane = Pane::Logs,
    },
    Screen {
        name: "overview-80x24",
        width: 80,
        height: 24,
        theme: Theme::dark,
        store: None,
        setup: |_, _| {},
    },
    Screen {
        name: "overview-high-contrast",
        width: 160,
        height: 45,
        theme: || built_in("high-contrast"),
        store: None,
        setup: |_, _| {},
    },
    Screen {
        name: "regions",
        width: 160,
        height: 45,
        theme: Theme::dark,
        // `--demo --region us-east-1,eu-west-1,ap-southeast-2`.
        store: Some(|| {
            let region = |r| Origin::region(Some(r));
            let regions = [
                region("us-east-1"),
                region("eu-west-1"),
                region("ap-southeast-2"),
            ];
            let mut store = common::demo_origins_store(SourceKind::Demo, &regions);
            store.tick();
            store
        }),
        setup: |_, _| {},
    },
];

fn built_in(name: &str) -> Theme {
    match Theme::built_in(name) {
        Some(Ok(t)) => t,
        other => panic!("built-in theme {name}: {other:?}"),
    }
}

fn screenshot(screen: &Screen) -> String {
    let store = match screen.store {
        Some(store) => store(),
        None => common::demo_store(TimeWindow::default()),
    };
    let mut view = ViewState::new(Selection::default());
    (screen.setup)(&store, &mut view);
    let theme = (screen.theme)();
    let mut terminal = Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
    terminal
        .draw(|f| render(f, &mut view, &store, &theme))
        .unwrap();
    buffer_to_svg(terminal.backend().buffer(), &Palette::dark())
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots")
}

#[test]
fn screenshots_are_up_to_date() {
    let update = std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut stale = Vec::new();
    for screen in SCREENS {
        let svg = screenshot(screen);
        let path = dir().join(format!("{}.svg", screen.name));
        let committed = std::fs::read_to_string(&path).ok();
        if committed.as_deref() == Some(svg.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, svg).unwrap();
            eprintln!("wrote {}", path.display());
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "screenshots out of date: {}\nregenerate them with: UPDATE_SCREENSHOTS=1 cargo test --test integration screenshots",
        stale.join(", ")
    );
}

#[test]
fn every_screenshot_is_well_formed() {
    for screen in SCREENS {
        let svg = screenshot(screen);
        assert!(svg.starts_with("<svg xmlns="), "{}", screen.name);
        assert!(svg.trim_end().ends_with("</svg>"), "{}", screen.name);
        // Every & starts one of the five XML escapes.
        for (i, _) in svg.match_indices('&') {
            let rest = &svg[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| rest.starts_with(e)),
                "{}: {}",
                screen.name,
                &rest[..rest.len().min(20)]
            );
        }
        assert_eq!(
            svg.matches("<text").count(),
            svg.matches("</text>").count(),
            "{}",
            screen.name
        );
    }
}
