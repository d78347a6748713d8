//! Semantic colour roles. Widgets ask for a role ("error", "muted"), never for a colour.
//!
//! Themes are TOML files (`themes/*.toml`, embedded at build time, and
//! `$XDG_CONFIG_HOME/lambdatop/themes/NAME.toml`) that override some roles of the default:
//!
//! ```toml
//! [roles]
//! error = { fg = "red", modifiers = ["bold"] }
//! warn = "#ebcb8b"
//! chart = 33
//! ```
//!
//! A role is a colour — a name (`red`, `lightcyan`, `darkgray`, `reset`), `#rrggbb` or an ANSI
//! index 0–255 — or a table with `fg`, `bg` and `modifiers`. A role given replaces that role's
//! whole style; roles not given keep the default's.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A colour theme: one style per role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Ordinary text.
    pub text: Style,
    /// Secondary text: labels, units, borders.
    pub muted: Style,
    /// Titles and the things to look at first.
    pub accent: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    /// The selected row.
    pub selection: Style,
    /// Sparklines.
    pub chart: Style,
    /// Filter matches in the log pane.
    pub highlight: Style,
}

/// The built-in themes, embedded at build time: name and TOML text.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("nord", include_str!("../../themes/nord.toml")),
];

impl Theme {
    /// The style of a figure's health: `ok`, `warn` or `error`.
    pub fn health(&self, health: crate::figures::Health) -> Style {
        match health {
            crate::figures::Health::Good => self.ok,
            crate::figures::Health::Warn => self.warn,
            crate::figures::Health::Bad => self.error,
        }
    }

    /// The default dark theme, in the 16 ANSI colours so it reads in any terminal.
    pub fn dark() -> Self {
        Self {
            name: "dark".to_string(),
            text: Style::new().fg(Color::Reset),
            muted: Style::new().fg(Color::DarkGray),
            accent: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            selection: Style::new().fg(Color::Black).bg(Color::Cyan),
            chart: Style::new().fg(Color::Blue),
            highlight: Style::new().fg(Color::Black).bg(Color::Yellow),
        }
    }

    /// No colours at all (`NO_COLOR`): roles are told apart by weight and reverse video.
    pub fn monochrome() -> Self {
        let plain = Style::new();
        Self {
            name: "monochrome".to_string(),
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            error: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selection: plain.add_modifier(Modifier::REVERSED),
            chart: plain,
            highlight: plain.add_modifier(Modifier::REVERSED),
        }
    }

    /// Every role with its name, in the order theme files list them.
    pub fn roles(&self) -> [(&'static str, Style); 9] {
        [
            ("text", self.text),
            ("muted", self.muted),
            ("accent", self.accent),
            ("ok", self.ok),
            ("warn", self.warn),
            ("error", self.error),
            ("selection", self.selection),
            ("chart", self.chart),
            ("highlight", self.highlight),
        ]
    }

    /// A built-in theme by name.
    pub fn built_in(name: &str) -> Option<Result<Theme, ThemeError>> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Theme::from_toml(text, &format!("built-in theme {n}"), n))
    }

    /// Parses a theme file: the default with the file's roles replaced. `origin` names the file
    /// in errors; `fallback_name` is the theme's name when the file does not give one.
    pub fn from_toml(text: &str, origin: &str, fallback_name: &str) -> Result<Theme, ThemeError> {
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| ThemeError::parse(origin, text, &e))?;
        let mut theme = Theme::dark();
        theme.name = file.name.unwrap_or_else(|| fallback_name.to_string());
        let r = file.roles;
        for (slot, spec) in [
            (&mut theme.text, r.text),
            (&mut theme.muted, r.muted),
            (&mut theme.accent, r.accent),
            (&mut theme.ok, r.ok),
            (&mut theme.warn, r.warn),
            (&mut theme.error, r.error),
            (&mut theme.selection, r.selection),
            (&mut theme.chart, r.chart),
            (&mut theme.highlight, r.highlight),
        ] {
            if let Some(StyleSpec(style)) = spec {
                *slot = style;
            }
        }
        Ok(theme)
    }

    /// Reads a theme file (a regular file of at most 1 MiB of UTF-8 text).
    pub fn from_file(path: &Path) -> Result<Theme, ThemeError> {
        let text = crate::textfile::read(path).map_err(|source| ThemeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let stem = path.file_stem().map_or_else(
            || "custom".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        Theme::from_toml(&text, &crate::sanitize::path(path), &stem)
    }

    /// The theme `--theme` asks for: a path (with a `/` or ending in `.toml`), else a name looked
    /// up first in `user_dir` (the user's `lambdatop/themes` directory), then among the built-in
    /// themes. `None` gives the default.
    pub fn resolve(arg: Option<&str>, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let Some(arg) = arg else {
            return Ok(Theme::dark());
        };
        if arg.contains('/') || arg.contains('\\') || arg.ends_with(".toml") {
            return Theme::from_file(Path::new(arg));
        }
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{arg}.toml"));
            if path.is_file() {
                return Theme::from_file(&path);
            }
        }
        Theme::built_in(arg).unwrap_or_else(|| {
            Err(ThemeError::Unknown {
                name: arg.to_string(),
                user_dir: user_dir.map(Path::to_path_buf),
            })
        })
    }

    /// The user's theme directory: `$XDG_CONFIG_HOME/lambdatop/themes` (or the platform's
    /// equivalent).
    pub fn user_dir() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("lambdatop").join("themes"))
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}

/// Why a theme could not be loaded. Each names the file and, for a bad file, the line. Paths and
/// excerpts are quoted inert.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read theme file {}: {source}", crate::sanitize::path(path))]
    Read {
        path: PathBuf,
        source: crate::textfile::TextFileError,
    },
    #[error("theme file {origin}, line {line}, column {column}: {message}{}", excerpt.as_deref().map(|e| format!("\n{e}")).unwrap_or_default())]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        message: String,
        /// The offending line with a caret under the problem; only for a file that is TOML (a
        /// value or key a theme does not take), never for one that is not (`--theme /etc/shadow`
        /// must not print the file's first line).
        excerpt: Option<String>,
    },
    #[error("unknown theme {name:?}: the built-in themes are {}{}", built_in_names(), user_hint(user_dir.as_deref(), name))]
    Unknown {
        name: String,
        user_dir: Option<PathBuf>,
    },
}

fn built_in_names() -> String {
    BUILT_IN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn user_hint(dir: Option<&Path>, name: &str) -> String {
    match dir {
        Some(d) => format!(
            "; or create {}",
            crate::sanitize::path(&d.join(format!("{name}.toml")))
        ),
        None => String::new(),
    }
}

impl ThemeError {
    fn parse(origin: &str, text: &str, e: &toml::de::Error) -> Self {
        let span = e.span().unwrap_or(0..0);
        let (line, column, excerpt) = locate(text, span);
        let is_toml = text.parse::<toml::Table>().is_ok();
        ThemeError::Parse {
            origin: crate::sanitize::sanitize(origin).into_owned(),
            line,
            column,
            message: crate::sanitize::sanitize_lines(e.message().trim()),
            excerpt: is_toml.then(|| crate::sanitize::sanitize_lines(&excerpt)),
        }
    }
}

/// 1-based line and column of a byte span, and the line with a caret under the span.
fn locate(text: &str, span: Range<usize>) -> (usize, usize, String) {
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let source_line = text[line_start..].lines().next().unwrap_or("");
    let width = text
        .get(start..span.end.min(text.len()))
        .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
    let gutter = line.to_string().len();
    let excerpt = format!(
        "{:gutter$} |\n{line} | {source_line}\n{:gutter$} | {}{}",
        "",
        "",
        " ".repeat(column - 1),
        "^".repeat(width),
    );
    (line, column, excerpt)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    #[serde(default)]
    roles: RolesFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    text: Option<StyleSpec>,
    muted: Option<StyleSpec>,
    accent: Option<StyleSpec>,
    ok: Option<StyleSpec>,
    warn: Option<StyleSpec>,
    error: Option<StyleSpec>,
    selection: Option<StyleSpec>,
    chart: Option<StyleSpec>,
    highlight: Option<StyleSpec>,
}

/// One role: a colour (the foreground) or `{ fg, bg, modifiers }`.
#[derive(Debug)]
struct StyleSpec(Style);

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StyleVisitor)
    }
}

struct StyleVisitor;

impl<'de> Visitor<'de> for StyleVisitor {
    type Value = StyleSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a colour (\"red\", \"#ff5555\", 208) or a table { fg, bg, modifiers = [\"bold\"] }",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<StyleSpec, E> {
        parse_color(v)
            .map(|c| StyleSpec(Style::new().fg(c)))
            .map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<StyleSpec, E> {
        index_color(v)
            .map(|c| StyleSpec(Style::new().fg(c)))
            .map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StyleSpec, A::Error> {
        let mut style = Style::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "fg" => style = style.fg(map.next_value::<ColorSpec>()?.0),
                "bg" => style = style.bg(map.next_value::<ColorSpec>()?.0),
                "modifiers" => {
                    for m in map.next_value::<Vec<ModifierSpec>>()? {
                        style = style.add_modifier(m.0);
                    }
                }
                other => {
                    return Err(de::Error::unknown_field(other, &["fg", "bg", "modifiers"]));
                }
            }
        }
        Ok(StyleSpec(style))
    }
}

struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ColorSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour: a name like \"red\", \"#rrggbb\" or an ANSI index 0-255")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColorSpec, E> {
                parse_color(v).map(ColorSpec).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ColorSpec, E> {
                index_color(v).map(ColorSpec).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

struct ModifierSpec(Modifier);

impl<'de> Deserialize<'de> for ModifierSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        parse_modifier(&name).map(ModifierSpec).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown modifier {name:?}; use bold, dim, italic, underlined, reversed or crossed_out"
            ))
        })
    }
}

fn parse_modifier(name: &str) -> Option<Modifier> {
    Some(
        match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" | "underline" => Modifier::UNDERLINED,
            "reversed" | "reverse" => Modifier::REVERSED,
            "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
            "slow_blink" | "blink" => Modifier::SLOW_BLINK,
            "rapid_blink" => Modifier::RAPID_BLINK,
            "hidden" => Modifier::HIDDEN,
            _ => return None,
        },
    )
}

/// A colour name (`red`, `light-red`, `darkgray`, `reset`), `#rrggbb` or an ANSI index 0–255.
pub fn parse_color(s: &str) -> Result<Color, String> {
    let bad = || {
        format!(
            "unknown colour {s:?}; use a name (red, lightred, darkgray, reset…), \"#rrggbb\" or an ANSI index 0-255"
        )
    };
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("bad colour {s:?}: expected \"#rrggbb\""));
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        return Ok(Color::Rgb(channel(0)?, channel(2)?, channel(4)?));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        return s.parse::<i64>().map_err(|_| bad()).and_then(index_color);
    }
    let name: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    Ok(match name.as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" | "brightblack" => Color::DarkGray,
        "lightred" | "brightred" => Color::LightRed,
        "lightgreen" | "brightgreen" => Color::LightGreen,
        "lightyellow" | "brightyellow" => Color::LightYellow,
        "lightblue" | "brightblue" => Color::LightBlue,
        "lightmagenta" | "brightmagenta" => Color::LightMagenta,
        "lightcyan" | "brightcyan" => Color::LightCyan,
        "white" | "brightwhite" => Color::White,
        _ => return Err(bad()),
    })
}

fn index_color(v: i64) -> Result<Color, String> {
    u8::try_from(v)
        .map(Color::Indexed)
        .map_err(|_| format!("ANSI colour index {v} is out of range 0-255"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dark_theme_file_spells_out_the_default() {
        let parsed = Theme::built_in("dark").expect("built in").expect("parses");
        assert_eq!(parsed, Theme::dark());
    }

    #[test]
    fn every_built_in_theme_parses_and_the_default_uses_16_colours() {
        for (name, _) in BUILT_IN {
            let theme = Theme::built_in(name).expect("listed").expect(name);
            assert_eq!(theme.name, *name);
        }
        for (role, style) in Theme::dark().roles() {
            for c in [style.fg, style.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{role} uses {c:?}"
                );
            }
        }
    }

    #[test]
    fn colour_syntaxes() {
        assert_eq!(parse_color("red"), Ok(Color::Red));
        assert_eq!(parse_color("Light-Cyan"), Ok(Color::LightCyan));
        assert_eq!(parse_color("dark_grey"), Ok(Color::DarkGray));
        assert_eq!(parse_color("reset"), Ok(Color::Reset));
        assert_eq!(parse_color("#FF5555"), Ok(Color::Rgb(255, 85, 85)));
        assert_eq!(parse_color("208"), Ok(Color::Indexed(208)));
        assert!(parse_color("#ff55").is_err());
        assert!(parse_color("#gg0000").is_err());
        assert!(parse_color("256").is_err());
        assert!(parse_color("redd").is_err());
        assert!(parse_color("").is_err());
    }

    #[test]
    fn a_partial_override_keeps_the_other_roles() {
        let theme = Theme::from_toml(
            "[roles]\nerror = { fg = \"#ff5555\", modifiers = [\"bold\", \"underlined\"] }\nchart = 33\nwarn = \"lightyellow\"\n",
            "test.toml",
            "mine",
        )
        .expect("parses");
        assert_eq!(theme.name, "mine");
        assert_eq!(
            theme.error,
            Style::new()
                .fg(Color::Rgb(255, 85, 85))
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        assert_eq!(theme.chart, Style::new().fg(Color::Indexed(33)));
        assert_eq!(theme.warn, Style::new().fg(Color::LightYellow));
        let dark = Theme::dark();
        assert_eq!(theme.text, dark.text);
        assert_eq!(theme.selection, dark.selection);
        assert_eq!(theme.accent, dark.accent);
    }

    #[test]
    fn an_empty_file_is_the_default() {
        let theme = Theme::from_toml("", "empty.toml", "empty").expect("parses");
        assert_eq!(
            Theme {
                name: "dark".into(),
                ..theme
            },
            Theme::dark()
        );
    }

    #[test]
    fn errors_point_at_the_line() {
        let text = "name = \"x\"\n[roles]\nerror = \"redd\"\n";
        let e = Theme::from_toml(text, "x.toml", "x").unwrap_err();
        let ThemeError::Parse { line, column, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!((*line, *column), (3, 9));
        assert!(e.to_string().contains("unknown colour \"redd\""), "{e}");
    }

    #[test]
    fn resolve_prefers_the_users_directory_and_rejects_unknown_names() {
        let dir = std::env::temp_dir().join(format!("lambdatop-theme-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("mine.toml"), "[roles]\nok = \"lightgreen\"\n").expect("write");
        let mine = Theme::resolve(Some("mine"), Some(&dir)).expect("found");
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.ok, Style::new().fg(Color::LightGreen));
        assert_eq!(
            Theme::resolve(Some("nord"), Some(&dir))
                .expect("built in")
                .name,
            "nord"
        );
        let path = dir.join("mine.toml");
        let by_path = Theme::resolve(path.to_str(), None).expect("by path");
        assert_eq!(by_path.ok, mine.ok);
        let e = Theme::resolve(Some("nope"), Some(&dir)).unwrap_err();
        assert!(
            e.to_string().contains("dark, light, high-contrast, nord"),
            "{e}"
        );
        let e = Theme::resolve(Some("missing.toml"), None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read theme file missing.toml"),
            "{e}"
        );
        assert_eq!(
            Theme::resolve(None, Some(&dir)).expect("default"),
            Theme::dark()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
