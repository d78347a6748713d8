//! A bounded time series at one fixed period: what a sparkline and a window total read.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::model::Datapoint;

/// Datapoints of one metric, sorted by time, one per period at most, never older than the window.
/// Capacity is the number of periods in the window, so memory is bounded whatever the source sends.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSeries {
    period_s: u32,
    capacity: usize,
    points: VecDeque<Datapoint>,
    /// When the source last read the series; `None` for a series made here (from REPORT lines).
    read_at: Option<DateTime<Utc>>,
}

impl MetricSeries {
    pub fn new(period_s: u32, capacity: usize) -> Self {
        Self {
            period_s,
            capacity,
            points: VecDeque::with_capacity(capacity.min(512)),
            read_at: None,
        }
    }

    /// When the source last read the series.
    pub fn read_at(&self) -> Option<DateTime<Utc>> {
        self.read_at
    }

    /// Notes that the source read the series at `at`.
    pub fn mark_read(&mut self, at: DateTime<Utc>) {
        self.read_at = Some(at);
    }

    pub fn period_s(&self) -> u32 {
        self.period_s
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn points(&self) -> impl DoubleEndedIterator<Item = &Datapoint> + ExactSizeIterator {
        self.points.iter()
    }

    /// Replaces what the series holds for `[from, to)` with `points` (a re-read of the trailing
    /// minutes corrects values Lambda filled in late), then drops what is older than `keep_from`.
    /// Points outside `[from, to)` or not on a period boundary are ignored.
    pub fn merge(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        points: &[Datapoint],
        keep_from: DateTime<Utc>,
    ) {
        self.points.retain(|p| p.at < from || p.at >= to);
        let period = i64::from(self.period_s);
        for p in points {
            if p.at < from || p.at >= to || p.at.timestamp() % period != 0 || !p.value.is_finite() {
                continue;
            }
            let i = self.points.partition_point(|q| q.at < p.at);
            match self.points.get_mut(i) {
                Some(q) if q.at == p.at => q.value = p.value,
                _ => self.points.insert(i, *p),
            }
        }
        self.prune(keep_from);
    }

    /// Drops points before `keep_from`, and the oldest beyond capacity.
    pub fn prune(&mut self, keep_from: DateTime<Utc>) {
        while self.points.front().is_some_and(|p| p.at < keep_from) {
            self.points.pop_front();
        }
        while self.points.len() > self.capacity {
            self.points.pop_front();
        }
    }

    fn in_range(&self, from: DateTime<Utc>) -> impl Iterator<Item = &Datapoint> {
        let i = self.points.partition_point(|p| p.at < from);
        self.points.range(i..)
    }

    /// Sum of the values from `from` on (missing periods count as zero).
    pub fn sum(&self, from: DateTime<Utc>) -> f64 {
        self.in_range(from).map(|p| p.value).sum()
    }

    /// Largest value from `from` on, `None` without data.
    pub fn max(&self, from: DateTime<Utc>) -> Option<f64> {
        self.in_range(from).map(|p| p.value).reduce(f64::max)
    }

    /// Latest value.
    pub fn last(&self) -> Option<Datapoint> {
        self.points.back().copied()
    }

    /// Average of this series' per-period averages weighted by `weights` (the invocations in the
    /// same period): the exact window average when this is Duration Average and the weights are
    /// Invocations Sum. Periods without a weight are skipped.
    pub fn weighted_mean(&self, weights: &MetricSeries, from: DateTime<Utc>) -> Option<f64> {
        let (mut total, mut n) = (0.0, 0.0);
        let mut w = weights.in_range(from).peekable();
        for p in self.in_range(from) {
            while w.next_if(|q| q.at < p.at).is_some() {}
            if let Some(q) = w.next_if(|q| q.at == p.at) {
                total += p.value * q.value;
                n += q.value;
            }
        }
        (n > 0.0).then(|| total / n)
    }

    /// One value per period for `slots` periods starting at `from`; `None` where there is no data.
    pub fn slots(&self, from: DateTime<Utc>, slots: usize) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(slots);
        self.slots_into(from, slots, &mut out);
        out
    }

    /// [`MetricSeries::slots`] into a buffer the caller reuses (one per frame, not per cell).
    pub fn slots_into(&self, from: DateTime<Utc>, slots: usize, out: &mut Vec<Option<f64>>) {
        out.clear();
        out.resize(slots, None);
        let period = i64::from(self.period_s);
        for p in self.in_range(from) {
            let i = (p.at - from).num_seconds() / period;
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
                *slot = Some(p.value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn dp(min: i64, value: f64) -> Datapoint {
        Datapoint { at: t(min), value }
    }

    #[test]
    fn merge_replaces_the_reread_range_and_keeps_the_rest() {
        let mut s = MetricSeries::new(60, 100);
        s.merge(t(0), t(5), &[dp(0, 1.0), dp(1, 2.0), dp(4, 5.0)], t(0));
        // Re-read of the trailing minutes: minute 4 corrected, minute 3 filled in late.
        s.merge(t(3), t(6), &[dp(3, 7.0), dp(4, 6.0), dp(5, 1.0)], t(0));
        let got: Vec<_> = s.points().map(|p| p.value).collect();
        assert_eq!(got, vec![1.0, 2.0, 7.0, 6.0, 1.0]);
        assert_eq!(s.sum(t(0)), 17.0);
        assert_eq!(s.sum(t(3)), 14.0);
        assert_eq!(s.max(t(0)), Some(7.0));
    }

    #[test]
    fn a_reread_without_points_clears_the_range() {
        let mut s = MetricSeries::new(60, 100);
        s.merge(t(0), t(3), &[dp(0, 1.0), dp(2, 2.0)], t(0));
        s.merge(t(2), t(3), &[], t(0));
        assert_eq!(s.sum(t(0)), 1.0);
    }

    #[test]
    fn ignores_points_off_period_outside_range_or_not_finite() {
        let mut s = MetricSeries::new(300, 100);
        let off = Datapoint {
            at: t(1),
            value: 9.0,
        };
        s.merge(
            t(0),
            t(10),
            &[dp(0, 1.0), off, dp(5, f64::NAN), dp(10, 3.0)],
            t(0),
        );
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn bounded_by_age_and_capacity() {
        let mut s = MetricSeries::new(60, 3);
        let pts: Vec<_> = (0..10).map(|m| dp(m, m as f64)).collect();
        s.merge(t(0), t(10), &pts, t(2));
        assert_eq!(s.len(), 3);
        assert_eq!(s.points().next().map(|p| p.at), Some(t(7)));
        s.prune(t(9));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn weighted_mean_is_the_window_average() {
        // Minute 0: 2 invocations averaging 100 ms; minute 1: 6 averaging 20 ms;
        // minute 2: an average without an invocation count is skipped.
        // (2*100 + 6*20) / 8 = 320 / 8 = 40 ms.
        let mut avg = MetricSeries::new(60, 10);
        avg.merge(t(0), t(3), &[dp(0, 100.0), dp(1, 20.0), dp(2, 999.0)], t(0));
        let mut inv = MetricSeries::new(60, 10);
        inv.merge(t(0), t(3), &[dp(0, 2.0), dp(1, 6.0)], t(0));
        assert_eq!(avg.weighted_mean(&inv, t(0)), Some(40.0));
        assert_eq!(avg.weighted_mean(&inv, t(5)), None);
    }

    #[test]
    fn slots_line_up_on_periods() {
        let mut s = MetricSeries::new(60, 10);
        s.merge(t(0), t(5), &[dp(1, 1.0), dp(3, 3.0)], t(0));
        assert_eq!(
            s.slots(t(0), 5),
            vec![None, Some(1.0), None, Some(3.0), None]
        );
        assert_eq!(s.slots(t(2), 2), vec![None, Some(3.0)]);
    }
}
