//! A log-bucketed histogram for latency percentiles in constant memory.

/// Relative error of [`Histogram::percentile`]: the returned value is within 1 % of the true
/// sample at that rank.
pub const RELATIVE_ERROR: f64 = 0.01;

/// Values at or below this (in the histogram's unit, e.g. 1 µs for milliseconds) share one
/// bucket whose value is 0.
const SMALLEST: f64 = 1e-3;
/// Values above this are clamped into the last bucket (exact `max` is still kept).
const LARGEST: f64 = 1e9;

/// Counts non-negative values in buckets whose bounds grow geometrically by
/// `γ = (1 + α) / (1 − α)` with `α` = [`RELATIVE_ERROR`]: bucket `i` holds values in
/// `(γ^(i−1), γ^i]` and reports `2γ^i / (γ + 1)`, which is within `α` of every value in it.
/// Memory is bounded: at most ~1,700 buckets between [`SMALLEST`] and [`LARGEST`], allocated only
/// between the smallest and the largest value seen.
///
/// Percentiles use the **nearest-rank** definition: the p-th percentile of `n` samples is the
/// sample of rank `ceil(p / 100 × n)` (at least 1) in ascending order, so it is always one of
/// the recorded values (up to the bucket error), never an interpolation. The result is clamped
/// to the exact minimum and maximum seen, and the top rank is the exact maximum.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// `counts[k]` counts bucket `first_index + k`.
    counts: Vec<u64>,
    first_index: i32,
    zeros: u64,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

fn gamma() -> f64 {
    (1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)
}

/// The buckets' upper bounds `γ^i`, from `first` on, over `(SMALLEST, LARGEST]` and one bucket
/// beyond either end; and `1 / log2 γ`, to guess a value's bucket from its binary logarithm.
struct Buckets {
    first: i32,
    bounds: Vec<f64>,
    per_octave: f64,
}

static BUCKETS: std::sync::LazyLock<Buckets> = std::sync::LazyLock::new(|| {
    let ln_gamma = gamma().ln();
    let first = (SMALLEST.ln() / ln_gamma).ceil() as i32 - 1;
    let last = (LARGEST.ln() / ln_gamma).ceil() as i32 + 1;
    Buckets {
        first,
        bounds: (first..=last)
            .map(|i| (f64::from(i) * ln_gamma).exp())
            .collect(),
        per_octave: std::f64::consts::LN_2 / ln_gamma,
    }
});

/// The bucket of `value` in `(SMALLEST, LARGEST]`: the smallest `i` with `value ≤ γ^i`. Guessed
/// from the value's binary exponent and mantissa (within a bucket), then settled against the
/// bounds: no logarithm per value.
fn bucket_index(value: f64) -> i32 {
    let Buckets {
        first,
        bounds,
        per_octave,
    } = &*BUCKETS;
    let bits = value.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    // The mantissa as `m` in [0, 1): log2(1 + m) ≈ m + 0.346·m·(1 − m), within 0.008.
    let m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52)) - 1.0;
    let log2 = f64::from(exponent) + m + 0.346 * m * (1.0 - m);
    // Rounded down (above `first`, so truncating is flooring), plus one.
    let guess = (log2 * per_octave - f64::from(*first)) as usize + 1;
    let mut k = guess.clamp(1, bounds.len() - 1);
    while k + 1 < bounds.len() && bounds[k] < value {
        k += 1;
    }
    while k > 1 && bounds[k - 1] >= value {
        k -= 1;
    }
    k as i32 + first
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: Vec::new(),
            first_index: 0,
            zeros: 0,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds one value. Negative, NaN and infinite values are ignored.
    pub fn record(&mut self, value: f64) {
        if !value.is_finite() || value < 0.0 {
            return;
        }
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if value <= SMALLEST {
            self.zeros += 1;
            return;
        }
        let index = bucket_index(value.min(LARGEST));
        if self.counts.is_empty() {
            self.first_index = index;
            self.counts.push(0);
        } else if index < self.first_index {
            let grow = (self.first_index - index) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first_index = index;
        }
        let k = (index - self.first_index) as usize;
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        self.counts[k] += 1;
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact sum of the values recorded.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Exact smallest value, if any.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Exact largest value, if any.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Arithmetic mean, if any value was recorded.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The nearest-rank `p`-th percentile (`0 < p ≤ 100`), within [`RELATIVE_ERROR`].
    /// `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = nearest_rank(p, self.count);
        if rank == self.count {
            return Some(self.max);
        }
        if rank <= self.zeros {
            return Some(self.min.max(0.0));
        }
        let mut seen = self.zeros;
        for (k, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let g = gamma();
                let value = 2.0 * g.powi(self.first_index + k as i32) / (g + 1.0);
                return Some(value.clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }
}

/// The 1-based rank of the nearest-rank `p`-th percentile of `n` samples: `ceil(p/100 × n)`,
/// clamped to `1..=n`.
pub fn nearest_rank(p: f64, n: u64) -> u64 {
    let p = if p.is_nan() {
        100.0
    } else {
        p.clamp(0.0, 100.0)
    };
    ((p / 100.0 * n as f64).ceil() as u64).clamp(1, n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= want * RELATIVE_ERROR + 1e-9)
    }

    #[test]
    fn nearest_rank_by_hand() {
        // 10 samples: p50 → rank ceil(5.0) = 5, p90 → 9, p99 → ceil(9.9) = 10, p1 → 1.
        assert_eq!(nearest_rank(50.0, 10), 5);
        assert_eq!(nearest_rank(90.0, 10), 9);
        assert_eq!(nearest_rank(99.0, 10), 10);
        assert_eq!(nearest_rank(1.0, 10), 1);
        assert_eq!(nearest_rank(0.0, 10), 1);
        assert_eq!(nearest_rank(50.0, 1), 1);
    }

    #[test]
    fn percentiles_of_ten_values_by_hand() {
        // Sorted: 1 2 3 4 5 6 7 8 9 100.
        // p50 = 5th = 5; p90 = 9th = 9; p99 = 10th = 100; p10 = 1st = 1.
        let mut h = Histogram::new();
        for v in [7.0, 3.0, 100.0, 1.0, 9.0, 2.0, 5.0, 4.0, 8.0, 6.0] {
            h.record(v);
        }
        assert!(within(h.percentile(50.0), 5.0), "{:?}", h.percentile(50.0));
        assert!(within(h.percentile(90.0), 9.0));
        assert_eq!(h.percentile(99.0), Some(100.0)); // clamped to the exact max
        assert_eq!(h.percentile(10.0), Some(1.0)); // clamped to the exact min
        assert_eq!(h.max(), Some(100.0));
        assert_eq!(h.count(), 10);
        assert_eq!(h.mean(), Some(14.5));
    }

    #[test]
    fn relative_error_holds_over_a_wide_range() {
        // 1..=100_000 in steps of 1: the p-th percentile is exactly rank ceil(p/100 × n).
        let mut h = Histogram::new();
        let n = 100_000u64;
        for v in 1..=n {
            h.record(v as f64);
        }
        for p in [1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9] {
            let want = nearest_rank(p, n) as f64;
            assert!(
                within(h.percentile(p), want),
                "p{p}: {:?} vs {want}",
                h.percentile(p)
            );
        }
    }

    #[test]
    fn zeros_and_junk() {
        let mut h = Histogram::new();
        assert_eq!(h.percentile(50.0), None);
        h.record(f64::NAN);
        h.record(-1.0);
        h.record(f64::INFINITY);
        assert_eq!(h.count(), 0);
        h.record(0.0);
        h.record(0.0);
        h.record(10.0);
        assert_eq!(h.percentile(50.0), Some(0.0));
        assert_eq!(h.percentile(100.0), Some(10.0));
    }

    #[test]
    fn buckets_stay_bounded() {
        let mut h = Histogram::new();
        h.record(1e-2);
        h.record(1e12);
        assert!(h.counts.len() < 1_800, "{}", h.counts.len());
        assert_eq!(h.max(), Some(1e12));
    }

    /// The bucket of a value is `ceil(ln v / ln γ)`, as the logarithm gives it, but for values
    /// within a rounding error of a bound.
    #[test]
    fn bucket_indices_are_the_logarithms_ceiling() {
        let ln_gamma = gamma().ln();
        let mut checked = 0;
        let mut v = SMALLEST * 1.000_001;
        while v <= LARGEST {
            for x in [v, v * 1.003, v * 1.011] {
                let ratio = x.ln() / ln_gamma;
                let exact = ratio.ceil();
                if (1e-9..1.0 - 1e-9).contains(&(exact - ratio)) && x <= LARGEST {
                    assert_eq!(f64::from(bucket_index(x)), exact, "{x}");
                    checked += 1;
                }
            }
            v *= 1.0137;
        }
        assert!(checked > 3_000, "{checked}");
        // The ends: the smallest values above `SMALLEST`, and `LARGEST`.
        assert_eq!(bucket_index(SMALLEST * 1.000_001), BUCKETS.first + 1);
        assert_eq!(BUCKETS.first + 1, (SMALLEST.ln() / ln_gamma).ceil() as i32);
        assert_eq!(
            bucket_index(LARGEST),
            (LARGEST.ln() / ln_gamma).ceil() as i32
        );
        // A bound is in its own bucket, the next value in the next.
        let one = bucket_index(1.0);
        assert_eq!(one, 0);
        assert_eq!(bucket_index(1.0 + f64::EPSILON), 1);
    }
}
