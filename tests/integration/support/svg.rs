//! A drawn screen as an SVG image, for the README's screenshots.
//!
//! [`buffer_to_svg`] is a pure function of a ratatui [`Buffer`] and a [`Palette`]: one `<rect>`
//! per run of cells with a background, one `<text>` per run of cells with the same style, each
//! run stretched to exactly its cells so wide glyphs and fallback fonts stay on the grid.

use std::fmt::Write as _;

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// What the terminal colours look like in the image.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    /// `Color::Reset` as a foreground.
    pub foreground: Rgb,
    /// `Color::Reset` as a background, and the image's background.
    pub background: Rgb,
    /// The 16 ANSI colours: black, red, green, yellow, blue, magenta, cyan, white (gray), then
    /// the bright ones.
    pub ansi: [Rgb; 16],
    pub font_family: &'static str,
    pub font_size: f32,
}

impl Palette {
    /// A dark terminal, with a palette close to common terminal defaults.
    pub fn dark() -> Self {
        Self {
            foreground: (0xd4, 0xd4, 0xd4),
            background: (0x1a, 0x1b, 0x26),
            ansi: [
                (0x1a, 0x1b, 0x26),
                (0xf0, 0x50, 0x50),
                (0x5f, 0xc8, 0x6e),
                (0xe5, 0xc0, 0x4b),
                (0x4e, 0x8c, 0xf0),
                (0xc6, 0x78, 0xdd),
                (0x3f, 0xc5, 0xd3),
                (0xc0, 0xc0, 0xc0),
                (0x6c, 0x70, 0x86),
                (0xff, 0x7b, 0x72),
                (0x8c, 0xe9, 0x9a),
                (0xf9, 0xe2, 0x7a),
                (0x82, 0xaa, 0xff),
                (0xe0, 0x9e, 0xf5),
                (0x7d, 0xe3, 0xf0),
                (0xff, 0xff, 0xff),
            ],
            font_family: "'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace",
            font_size: 14.0,
        }
    }

    /// The RGB a colour stands for; `None` for `Reset` (the default of its layer).
    pub fn rgb(&self, c: Color) -> Option<Rgb> {
        let ansi = |i: usize| Some(self.ansi[i]);
        match c {
            Color::Reset => None,
            Color::Black => ansi(0),
            Color::Red => ansi(1),
            Color::Green => ansi(2),
            Color::Yellow => ansi(3),
            Color::Blue => ansi(4),
            Color::Magenta => ansi(5),
            Color::Cyan => ansi(6),
            Color::Gray => ansi(7),
            Color::DarkGray => ansi(8),
            Color::LightRed => ansi(9),
            Color::LightGreen => ansi(10),
            Color::LightYellow => ansi(11),
            Color::LightBlue => ansi(12),
            Color::LightMagenta => ansi(13),
            Color::LightCyan => ansi(14),
            Color::White => ansi(15),
            Color::Rgb(r, g, b) => Some((r, g, b)),
            Color::Indexed(i) => Some(self.indexed(i)),
        }
    }

    /// The xterm 256-colour palette: 16 ANSI colours, a 6×6×6 cube, 24 greys.
    fn indexed(&self, i: u8) -> Rgb {
        match i {
            0..=15 => self.ansi[usize::from(i)],
            16..=231 => {
                let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
                let n = i - 16;
                (level(n / 36), level((n / 6) % 6), level(n % 6))
            }
            _ => {
                let g = 8 + (i - 232) * 10;
                (g, g, g)
            }
        }
    }
}

/// How one cell looks once reverse video is applied: what runs are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    fg: Rgb,
    bg: Option<Rgb>,
    bold: bool,
    italic: bool,
    dim: bool,
    underlined: bool,
    crossed_out: bool,
}

fn look(cell: &Cell, p: &Palette) -> Look {
    let m = cell.modifier;
    let mut fg = p.rgb(cell.fg).unwrap_or(p.foreground);
    let mut bg = p.rgb(cell.bg);
    if m.contains(Modifier::REVERSED) {
        let old_fg = fg;
        fg = bg.unwrap_or(p.background);
        bg = Some(old_fg);
    }
    if m.contains(Modifier::HIDDEN) {
        fg = bg.unwrap_or(p.background);
    }
    Look {
        fg,
        bg,
        bold: m.contains(Modifier::BOLD),
        italic: m.contains(Modifier::ITALIC),
        dim: m.contains(Modifier::DIM),
        underlined: m.contains(Modifier::UNDERLINED),
        crossed_out: m.contains(Modifier::CROSSED_OUT),
    }
}

fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Escapes text for XML; characters XML 1.0 cannot hold become U+FFFD.
pub fn escape_xml(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Box drawing, block elements and geometric shapes (U+2500–U+25FF).
fn is_drawing(symbol: &str) -> bool {
    symbol
        .chars()
        .next()
        .is_some_and(|c| ('\u{2500}'..='\u{25ff}').contains(&c))
}

/// Renders `buffer` as a standalone SVG image of a terminal with `palette`.
pub fn buffer_to_svg(buffer: &Buffer, palette: &Palette) -> String {
    let area = buffer.area;
    let cw = palette.font_size * 0.6;
    let lh = (palette.font_size * 1.3).round();
    let pad = 12.0;
    let width = f32::from(area.width) * cw + 2.0 * pad;
    let height = f32::from(area.height) * lh + 2.0 * pad;
    let mut out = String::with_capacity(usize::from(area.width) * usize::from(area.height) * 8);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{}\" font-size=\"{}\">\n\
         <rect width=\"100%\" height=\"100%\" rx=\"8\" fill=\"{}\"/>\n\
         <g xml:space=\"preserve\" fill=\"{}\">\n",
        palette.font_family.replace('"', "'"),
        palette.font_size,
        hex(palette.background),
        hex(palette.foreground),
    );
    let mut texts = String::new();
    for y in 0..area.height {
        let top = pad + f32::from(y) * lh;
        let baseline = top + lh * 0.75;
        let mut x = 0;
        // Cells still covered by the wide character before them.
        let mut covered = 0;
        while x < area.width {
            let first = &buffer[(area.x + x, area.y + y)];
            let l = look(first, palette);
            let start = x;
            // Box-drawing and block characters often come from a fallback font: they get runs
            // of their own so a renderer never stretches one font's glyphs over another's.
            let drawing = is_drawing(first.symbol());
            let mut text = String::new();
            while x < area.width {
                let cell = &buffer[(area.x + x, area.y + y)];
                if look(cell, palette) != l
                    || (x > start && covered == 0 && is_drawing(cell.symbol()) != drawing)
                {
                    break;
                }
                if covered > 0 {
                    covered -= 1;
                } else {
                    text.push_str(cell.symbol());
                    covered =
                        unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
                }
                x += 1;
            }
            let cells = f32::from(x - start);
            let left = pad + f32::from(start) * cw;
            if let Some(bg) = l.bg {
                let _ = writeln!(
                    out,
                    "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{lh:.1}\" fill=\"{}\"/>",
                    cells * cw,
                    hex(bg)
                );
            }
            let trimmed = text.trim_end();
            if trimmed.trim_start().is_empty() && !l.underlined && !l.crossed_out {
                continue;
            }
            // Leading spaces are skipped by moving the run; trailing ones by shortening it.
            let lead = trimmed.len() - trimmed.trim_start().len();
            let shown = if l.underlined || l.crossed_out {
                text.as_str()
            } else {
                trimmed.trim_start()
            };
            let (skip, cells_shown) = if shown.len() == text.len() {
                (0.0, cells)
            } else {
                let width_of = |s: &str| unicode_width::UnicodeWidthStr::width(s) as f32;
                (width_of(&text[..lead]), width_of(shown))
            };
            let _ = write!(
                texts,
                "<text x=\"{:.1}\" y=\"{baseline:.1}\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\"",
                left + skip * cw,
                cells_shown * cw,
            );
            if l.fg != palette.foreground {
                let _ = write!(texts, " fill=\"{}\"", hex(l.fg));
            }
            if l.bold {
                texts.push_str(" font-weight=\"bold\"");
            }
            if l.italic {
                texts.push_str(" font-style=\"italic\"");
            }
            if l.dim {
                texts.push_str(" opacity=\"0.6\"");
            }
            match (l.underlined, l.crossed_out) {
                (true, true) => texts.push_str(" text-decoration=\"underline line-through\""),
                (true, false) => texts.push_str(" text-decoration=\"underline\""),
                (false, true) => texts.push_str(" text-decoration=\"line-through\""),
                (false, false) => {}
            }
            texts.push('>');
            escape_xml(shown, &mut texts);
            texts.push_str("</text>\n");
        }
    }
    out.push_str(&texts);
    out.push_str("</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn buffer(lines: &[&str]) -> Buffer {
        Buffer::with_lines(lines.iter().copied())
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        let mut s = String::new();
        escape_xml("a<b & \"c\" 'd'>\u{7}", &mut s);
        assert_eq!(s, "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}");
    }

    #[test]
    fn runs_carry_colour_weight_and_background() {
        let mut buf = buffer(&["ab <x> & cd"]);
        buf.set_style(
            Rect::new(0, 0, 2, 1),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
        buf.set_style(
            Rect::new(9, 0, 2, 1),
            Style::new().fg(Color::Black).bg(Color::Cyan),
        );
        let svg = buffer_to_svg(&buf, &Palette::dark());
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(
            svg.contains("fill=\"#f05050\" font-weight=\"bold\">ab</text>"),
            "{svg}"
        );
        // Leading and trailing spaces are not drawn; the run moves right by one cell instead.
        assert!(svg.contains(">&lt;x&gt; &amp;</text>"), "{svg}");
        assert!(svg.contains("x=\"37.2\""), "{svg}");
        assert!(
            svg.contains("fill=\"#3fc5d3\"/>"),
            "cyan background rect: {svg}"
        );
        assert!(svg.contains("fill=\"#1a1b26\">cd</text>"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn reverse_video_swaps_the_colours() {
        let mut buf = buffer(&["ALARM"]);
        buf.set_style(
            Rect::new(0, 0, 5, 1),
            Style::new().fg(Color::Red).add_modifier(Modifier::REVERSED),
        );
        let svg = buffer_to_svg(&buf, &Palette::dark());
        assert!(
            svg.contains("height=\"18.0\" fill=\"#f05050\"/>"),
            "red background: {svg}"
        );
        assert!(
            svg.contains("fill=\"#1a1b26\">ALARM</text>"),
            "dark text: {svg}"
        );
    }

    #[test]
    fn indexed_and_rgb_colours() {
        let p = Palette::dark();
        assert_eq!(p.rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(p.rgb(Color::Indexed(196)), Some((255, 0, 0)));
        assert_eq!(p.rgb(Color::Indexed(130)), Some((0xaf, 0x5f, 0)));
        assert_eq!(p.rgb(Color::Indexed(232)), Some((8, 8, 8)));
        assert_eq!(p.rgb(Color::Indexed(1)), Some(p.ansi[1]));
        assert_eq!(p.rgb(Color::Rgb(1, 2, 3)), Some((1, 2, 3)));
        assert_eq!(p.rgb(Color::Reset), None);
    }

    #[test]
    fn wide_characters_keep_the_grid() {
        let buf = buffer(&["日本 x"]);
        let svg = buffer_to_svg(&buf, &Palette::dark());
        // Six cells ("日本" covers four of them): the run is six cells of 8.4 px long.
        assert!(svg.contains("textLength=\"50.4\""), "{svg}");
    }
}
