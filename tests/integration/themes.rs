//! Themes: every built-in theme on the table's colour-critical cells, bad theme files and their
//! messages, `NO_COLOR`, and the command line.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use lambdatop::app::dashboard_theme;
use lambdatop::figures::Selection;
use lambdatop::tui::render::render;
use lambdatop::tui::theme::{BUILT_IN, Theme};
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

fn themes() -> Vec<Theme> {
    let mut all: Vec<Theme> = BUILT_IN
        .iter()
        .map(|(name, _)| match Theme::built_in(name) {
            Some(Ok(t)) => t,
            other => panic!("{name}: {other:?}"),
        })
        .collect();
    all.push(Theme::monochrome());
    all
}

fn draw(theme: &Theme, w: u16, h: u16) -> Buffer {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| render(f, &mut view, &store, theme))
        .unwrap();
    terminal.backend().buffer().clone()
}

fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

/// Position of the first cell of `needle` on a line starting with `row_prefix`.
fn cell_of(buf: &Buffer, row_prefix: &str, needle: &str) -> (u16, u16) {
    let y = (0..buf.area.height)
        .find(|&y| line(buf, y).starts_with(row_prefix))
        .unwrap_or_else(|| panic!("no row {row_prefix:?}"));
    let l = line(buf, y);
    let i = l
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {l:?}"));
    (l[..i].chars().count() as u16, y)
}

/// The style a cell shows, as a `Style` for comparison with a role.
fn style_at(buf: &Buffer, (x, y): (u16, u16)) -> Style {
    let c = &buf[(x, y)];
    Style::new().fg(c.fg).bg(c.bg).add_modifier(c.modifier)
}

/// `role` as drawn on the default background: unset colours read as `Reset`.
fn drawn(role: Style) -> Style {
    use ratatui::style::Color;
    Style::new()
        .fg(role.fg.unwrap_or(Color::Reset))
        .bg(role.bg.unwrap_or(Color::Reset))
        .add_modifier(role.add_modifier)
}

#[test]
fn every_theme_colours_the_critical_cells_by_role() {
    for theme in themes() {
        for (w, h) in [(160, 45), (80, 24)] {
            let buf = draw(&theme, w, h);
            let name = &theme.name;
            // The alarm badge: the error role in reverse video.
            let badge = cell_of(&buf, "orders-prod-api", "ALARM");
            assert_eq!(
                style_at(&buf, badge),
                drawn(theme.error.add_modifier(Modifier::REVERSED)),
                "{name} {w}x{h}: badge"
            );
            // A function over its error budget: the name in the error role.
            let failing = cell_of(&buf, "jb-contact-form", "jb");
            assert_eq!(
                style_at(&buf, failing),
                drawn(theme.error),
                "{name} {w}x{h}: failing name"
            );
            // A healthy one: ordinary text.
            let healthy = cell_of(&buf, "check_worker_queue_size", "check");
            assert_eq!(
                style_at(&buf, healthy),
                drawn(theme.text),
                "{name} {w}x{h}: healthy name"
            );
            // The sorted column's title: accent.
            let sorted = cell_of(&buf, "Function", "Invocations ▼");
            assert_eq!(
                style_at(&buf, sorted),
                drawn(theme.accent),
                "{name} {w}x{h}: sorted title"
            );
            // The selected row (the first one) in the selection role, over the text role.
            let selected = cell_of(&buf, "auth-prod-authorizer", "auth");
            let c = &buf[selected];
            if let Some(bg) = theme.selection.bg {
                assert_eq!(c.bg, bg, "{name} {w}x{h}: selection");
            }
            assert!(
                c.modifier.contains(theme.selection.add_modifier),
                "{name} {w}x{h}: selection modifiers"
            );
        }
    }
}

#[test]
fn the_table_reads_the_same_in_every_theme() {
    let text = |b: &Buffer| (0..b.area.height).map(|y| line(b, y)).collect::<Vec<_>>();
    let dark = text(&draw(&Theme::dark(), 80, 24));
    for theme in themes() {
        assert_eq!(text(&draw(&theme, 80, 24)), dark, "{}", theme.name);
    }
}

#[test]
fn no_color_means_monochrome_whatever_the_theme() {
    assert_eq!(
        dashboard_theme(Some("nord"), true).unwrap(),
        Theme::monochrome()
    );
    assert_eq!(dashboard_theme(None, true).unwrap(), Theme::monochrome());
    assert_eq!(dashboard_theme(Some("nord"), false).unwrap().name, "nord");
    assert_eq!(dashboard_theme(None, false).unwrap(), Theme::dark());
    // A wrong --theme is still an error under NO_COLOR.
    assert!(dashboard_theme(Some("no-such-theme"), true).is_err());
    // Monochrome uses no colour at all.
    for (role, style) in Theme::monochrome().roles() {
        assert_eq!((style.fg, style.bg), (None, None), "{role}");
    }
}

fn parse_error(text: &str) -> String {
    match Theme::from_toml(text, "my-theme.toml", "my-theme") {
        Ok(t) => panic!("parsed: {t:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_theme_files_name_the_file_line_and_problem() {
    let cases = [
        (
            "unknown_colour",
            "[roles]\nok = \"green\"\nerror = \"redd\"\n",
        ),
        ("bad_hex", "[roles]\nwarn = \"#ffd70\"\n"),
        ("index_out_of_range", "[roles]\nchart = 300\n"),
        ("unknown_role", "[roles]\neror = \"red\"\n"),
        (
            "unknown_modifier",
            "[roles]\naccent = { fg = \"cyan\", modifiers = [\"bolder\"] }\n",
        ),
        (
            "unknown_style_key",
            "[roles]\naccent = { foreground = \"cyan\" }\n",
        ),
        ("wrong_type", "[roles]\ntext = true\n"),
        ("syntax", "[roles\ntext = \"red\"\n"),
        ("unknown_section", "[colours]\ntext = \"red\"\n"),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("bad_theme_{name}"), parse_error(text), text);
    }
}

#[test]
fn a_bad_theme_file_exits_2_before_the_terminal() {
    let dir = std::env::temp_dir().join(format!("lambdatop-cli-theme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    std::fs::write(&path, "[roles]\nerror = { fg = \"crimson\" }\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "--theme"])
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&*path.to_string_lossy(), "[FILE]");
    assert!(out.stdout.is_empty(), "nothing drawn");
    insta::assert_snapshot!(stderr);
    let unknown = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "--theme", "solarised"])
        .env("XDG_CONFIG_HOME", &dir)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let stderr =
        String::from_utf8_lossy(&unknown.stderr).replace(&*dir.to_string_lossy(), "[CONFIG]");
    insta::assert_snapshot!("unknown_theme_name", stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `lambdatop --demo --once --theme THEME`, killed after 20 s: `None` when it did not end.
fn once_with_theme(theme: &Path) -> Option<Output> {
    let args = [
        "--demo".as_ref(),
        "--once".as_ref(),
        "--theme".as_ref(),
        theme.as_os_str(),
    ];
    common::lambdatop_within(&args, Duration::from_secs(20))
}

#[test]
fn a_bad_theme_is_a_usage_error_in_a_snapshot_too() {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "--once", "--theme", "solarised"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no snapshot");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("lambdatop: unknown theme \"solarised\""),
        "{err}"
    );
    // A good one changes nothing in the snapshot.
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "--once", "--theme", "nord"])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn theme_files_are_read_only_when_small_regular_text() {
    common::refuses_unreadable_files("--theme", "theme file");
}

#[test]
fn the_theme_loader_refuses_big_files_and_fifos_at_once() {
    let dir = std::env::temp_dir().join(format!("lambdatop-theme-loader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A valid theme, 2 MiB long.
    let big = dir.join("big.toml");
    let text = format!("# {}\n[roles]\nok = \"green\"\n", "x".repeat(2 << 20));
    std::fs::write(&big, text).unwrap();
    assert_eq!(
        Theme::from_file(&big)
            .map(|t| t.name)
            .map_err(|e| e.to_string()),
        Err(format!(
            "cannot read theme file {}: it is larger than 1 MiB",
            big.display()
        ))
    );
    // A FIFO nothing writes to: opening it for reading would wait for a writer.
    let fifo = dir.join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(
            Theme::from_file(&path)
                .map(|t| t.name)
                .map_err(|e| e.to_string()),
        );
    });
    let result = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("reading a FIFO theme hung");
    assert_eq!(
        result,
        Err(format!(
            "cannot read theme file {}: it is a FIFO, not a regular file",
            fifo.display()
        ))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_toml_is_never_quoted() {
    let dir = std::env::temp_dir().join(format!("lambdatop-theme-shadow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [
        ("shadow", "root:$6$TOP-SECRET-HASH:20228:0:99999:7:::\n"),
        (
            "credentials",
            "[default]\naws_access_key_id = TOP-SECRET-KEY\naws_secret_access_key = TOP-SECRET\n",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let e = Theme::from_file(&path).unwrap_err().to_string();
        assert!(!e.contains("SECRET") && !e.contains('\n'), "{name}: {e}");
        let out = once_with_theme(&path).expect("ends");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("line "), "{err}");
        assert!(
            !err.contains("SECRET") && !err.contains("root"),
            "{name}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "no excerpt: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_excerpt_of_a_theme_shows_control_characters_inert() {
    let e = Theme::from_toml(
        // TOML takes C1 controls and bidi characters in comments and strings.
        "[roles]\nerror = \"\u{202e}red\" # \u{9b}31m\u{2066}\n",
        "my\u{1b}[31m-theme.toml",
        "x",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "theme file my␛[31m-theme.toml, line 2, column 9: unknown colour \"\\u{202e}red\"; use a name (red, lightred, darkgray, reset…), \"#rrggbb\" or an ANSI index 0-255\n  |\n2 | error = \"\u{fffd}red\" # \u{fffd}31m\u{fffd}\n  |         ^^^^^^"
    );
}
