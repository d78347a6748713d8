//! Sparklines as text, so they fit in a table cell.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How values of adjacent periods combine when a sparkline has fewer cells than periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    Sum,
    Max,
}

/// Draws `slots` (oldest first) into `width` cells, the newest at the right. Periods without
/// data are blank; the largest value fills a cell, any other value above zero shows at least ▁.
pub fn sparkline(slots: &[Option<f64>], width: usize, combine: Combine) -> String {
    if width == 0 {
        return String::new();
    }
    let per_cell = slots.len().div_ceil(width).max(1);
    let cells = slots.len().div_ceil(per_cell);
    // Group from the newest end so the rightmost cell is the current period.
    let mut values: Vec<Option<f64>> = Vec::with_capacity(cells);
    let mut end = slots.len();
    while end > 0 && values.len() < width {
        let start = end.saturating_sub(per_cell);
        let group = slots[start..end].iter().flatten();
        values.push(match combine {
            Combine::Sum => group.copied().reduce(|a, b| a + b),
            Combine::Max => group.copied().reduce(f64::max),
        });
        end = start;
    }
    values.reverse();
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let mut out = " ".repeat(width - values.len());
    for v in values {
        out.push(match v {
            Some(v) if v > 0.0 && max > 0.0 => {
                let i = ((v / max) * (BARS.len() - 1) as f64).round() as usize;
                BARS[i.min(BARS.len() - 1)]
            }
            Some(_) if max == 0.0 => '▁',
            _ => ' ',
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_to_the_largest_value() {
        let s = sparkline(&[Some(0.0), Some(1.0), Some(7.0), None], 4, Combine::Sum);
        assert_eq!(s, " ▂█ ");
    }

    #[test]
    fn groups_periods_from_the_newest_end() {
        // 6 periods into 3 cells: (1+1) (2+2) (4+4) → 2, 4, 8.
        let slots = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0].map(Some);
        assert_eq!(sparkline(&slots, 3, Combine::Sum), "▃▅█");
        assert_eq!(sparkline(&slots, 3, Combine::Max), "▃▅█");
    }

    #[test]
    fn pads_on_the_left_when_short_and_handles_all_zero() {
        assert_eq!(sparkline(&[Some(0.0), Some(0.0)], 4, Combine::Sum), "  ▁▁");
        assert_eq!(sparkline(&[], 3, Combine::Sum), "   ");
        assert_eq!(sparkline(&[Some(1.0)], 0, Combine::Sum), "");
    }
}
