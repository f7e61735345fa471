//! Which spans of a lane can be drawn on the lane itself, and how to stack the others: the
//! rule both exports (Chrome trace, SVG) share, so they show the same thing.
//!
//! A lane's running spans never overlap (one thread runs one thing), but the waits of
//! cooperative tasks do: eight fetches in flight on the one main thread. Drawn on the lane's
//! own track they would overlap, which Perfetto drops and a picture hides.

use super::{Span, State};

/// Whole microseconds from `origin`: exports compare and write integers, so rounding can never
/// make two spans that touch overlap (a float `ts + dur` may land past the next `ts`).
pub(crate) fn micros(us: f64, origin: f64) -> i64 {
    (us - origin).round() as i64
}

/// A span's interval in whole µs, or `None` when its times are not finite (it cannot be
/// placed). An end before the start is read as a zero-length span at the start.
pub(crate) fn interval(s: &Span, origin: f64) -> Option<(i64, i64)> {
    (s.start_us.is_finite() && s.end_us.is_finite()).then(|| {
        let start = micros(s.start_us, origin);
        (start, micros(s.end_us, origin).max(start))
    })
}

/// One thing on a lane: an interval and whether it is work (running, start-up) or a wait.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Item {
    /// Start, µs.
    pub start: i64,
    /// End, µs (≥ start).
    pub end: i64,
    /// Running (or starting up): it belongs on the lane whenever it can.
    pub work: bool,
}

impl Item {
    /// The item of `span`, if it has finite times.
    pub(crate) fn of(span: &Span, origin: f64) -> Option<Item> {
        interval(span, origin).map(|(start, end)| Item {
            start,
            end,
            work: span.state == State::Running,
        })
    }
}

/// Whether two intervals share some time (touching is not sharing; a zero-length interval
/// strictly inside another is).
fn overlap(a: &Item, b: &Item) -> bool {
    a.start < b.end && b.start < a.end
}

/// For the items of one lane, whether each stays on the lane's own track. Work stays unless it
/// overlaps work already kept (only in a malformed trace); a wait stays only if it overlaps
/// nothing else on the lane. What stays is pairwise disjoint (touching allowed).
pub(crate) fn on_lane(items: &[Item]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].start, items[i].end));
    let mut crowded = vec![false; items.len()];
    for (k, &i) in order.iter().enumerate() {
        // Sorted by start: only later items starting before this one ends can overlap it.
        for &j in order[k + 1..]
            .iter()
            .take_while(|&&j| items[j].start < items[i].end)
        {
            if overlap(&items[i], &items[j]) {
                crowded[i] = true;
                crowded[j] = true;
            }
        }
    }
    let mut keep = vec![false; items.len()];
    let mut last_end = i64::MIN;
    for &i in &order {
        let it = &items[i];
        if (it.work || !crowded[i]) && it.start >= last_end {
            keep[i] = true;
            last_end = it.end;
        }
    }
    keep
}

/// Packs intervals into rows so that no two in one row overlap (touching allowed): the row of
/// each, in input order, first row 0. Greedy by start, first row that is free.
pub(crate) fn pack(intervals: &[(i64, i64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..intervals.len()).collect();
    order.sort_by_key(|&i| intervals[i]);
    let mut row_ends: Vec<i64> = Vec::new();
    let mut rows = vec![0; intervals.len()];
    for i in order {
        let (start, end) = intervals[i];
        let row = match row_ends.iter().position(|&e| e <= start) {
            Some(r) => r,
            None => {
                row_ends.push(i64::MIN);
                row_ends.len() - 1
            }
        };
        row_ends[row] = end;
        rows[i] = row;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(start: i64, end: i64, work: bool) -> Item {
        Item { start, end, work }
    }

    #[test]
    fn overlapping_waits_leave_the_lane_and_work_stays() {
        let items = [
            item(0, 50, false),  // a fetch, overlapping the next
            item(10, 60, false), // another fetch
            item(60, 70, true),  // decode, touching the second fetch's end
            item(70, 80, false), // a wait that overlaps nothing
            item(75, 90, true),  // malformed: work overlapping the wait above and…
            item(78, 85, true),  // …more work inside it
        ];
        assert_eq!(on_lane(&items), [false, false, true, false, true, false]);
    }

    #[test]
    fn kept_items_are_disjoint_and_packed_rows_do_not_overlap() {
        let items: Vec<Item> = (0..40)
            .map(|i| item(i * 7 % 23, i * 7 % 23 + i % 5, i % 3 == 0))
            .collect();
        let keep = on_lane(&items);
        let kept: Vec<&Item> = items
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(i, _)| i)
            .collect();
        for (a, b) in kept.iter().zip(kept.iter().skip(1)) {
            assert!(!overlap(a, b) || std::ptr::eq(*a, *b));
        }
        for a in &kept {
            assert!(kept.iter().all(|b| std::ptr::eq(*a, *b) || !overlap(a, b)));
        }
        let intervals: Vec<(i64, i64)> = items.iter().map(|i| (i.start, i.end)).collect();
        let rows = pack(&intervals);
        for i in 0..items.len() {
            for j in 0..i {
                if rows[i] == rows[j] {
                    assert!(
                        !overlap(&items[i], &items[j]),
                        "{i} and {j} share row {}",
                        rows[i]
                    );
                }
            }
        }
        assert!(rows.iter().any(|&r| r > 0), "some intervals did overlap");
    }

    #[test]
    fn bad_times_have_no_interval_and_reversed_ones_are_zero_length() {
        let mut s = Span {
            lane: 0,
            task: 0,
            stage: super::super::Stage::Decode,
            state: State::Running,
            start_us: 10.4,
            end_us: 3.0,
            error: None,
        };
        assert_eq!(interval(&s, 0.0), Some((10, 10)));
        s.end_us = f64::NAN;
        assert_eq!(interval(&s, 0.0), None);
        s.end_us = f64::INFINITY;
        assert_eq!(interval(&s, 0.0), None);
    }
}
