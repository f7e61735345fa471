//! Numbers computed from traces and repeats: speedup, efficiency, Amdahl's law, the spread of
//! repeats, and totals of time per state that say what they are a share of.
//!
//! The scaling model over several N (Karp–Flatt, Amdahl and Gustafson curves) is in
//! [`crate::model::fit`]; the ideal schedule in [`crate::model::ideal`].

use serde::{Deserialize, Serialize};

use crate::trace::{Stage, State, Trace};

/// How many times faster `wall_us` is than `baseline_us`.
pub fn speedup(baseline_us: f64, wall_us: f64) -> f64 {
    baseline_us / wall_us
}

/// Speedup per worker: 1.0 means every worker was fully useful.
pub fn efficiency(speedup: f64, workers: u32) -> f64 {
    speedup / f64::from(workers)
}

/// Amdahl's law: the speedup on `workers` of work whose `parallel` fraction (0..=1) scales.
pub fn amdahl(parallel: f64, workers: u32) -> f64 {
    1.0 / ((1.0 - parallel) + parallel / f64::from(workers))
}

/// The Karp–Flatt metric: the serial fraction implied by a measured speedup on `workers`.
/// `None` for one worker, where it is undefined.
pub fn karp_flatt(speedup: f64, workers: u32) -> Option<f64> {
    (workers > 1).then(|| {
        let p = f64::from(workers);
        (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p)
    })
}

/// Median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    Spread::of(values).map(|s| s.median)
}

/// What repeats of one measurement gave: the median, and the lowest and highest, so that one
/// lucky or unlucky run cannot pass for the answer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// The middle value (the mean of the middle two for an even count).
    pub median: f64,
    /// The lowest value.
    pub min: f64,
    /// The highest value.
    pub max: f64,
}

impl Spread {
    /// The spread of the finite `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len().is_multiple_of(2) {
            (v[mid - 1] + v[mid]) / 2.0
        } else {
            v[mid]
        };
        Some(Spread {
            median,
            min: v[0],
            max: v[v.len() - 1],
        })
    }

    /// The median of the walls of several runs, µs, with their spread.
    pub fn of_walls<'t>(traces: impl IntoIterator<Item = &'t Trace>) -> Option<Spread> {
        let walls: Vec<f64> = traces.into_iter().map(Trace::wall_us).collect();
        Spread::of(&walls)
    }

    /// Highest less lowest.
    pub fn range(&self) -> f64 {
        self.max - self.min
    }
}

/// Speedup and efficiency of repeated runs on `workers` against repeated baseline runs, both
/// from medians of walls (µs), as the page shows them. `None` when either side is empty.
pub fn median_speedup(baseline_us: &[f64], walls_us: &[f64], workers: u32) -> Option<Scaling> {
    let base = median(baseline_us)?;
    let wall = median(walls_us)?;
    let s = speedup(base, wall);
    Some(Scaling {
        workers,
        speedup: s,
        efficiency: efficiency(s, workers.max(1)),
    })
}

/// Speedup and efficiency on a number of workers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Threads or processes of the run (N).
    pub workers: u32,
    /// Baseline median wall ÷ median wall.
    pub speedup: f64,
    /// Speedup ÷ N.
    pub efficiency: f64,
}

/// Time spent in `state` (narrowed to one `stage` if given), summed over every span of every
/// lane and task, µs. A sum across lanes: on N lanes it can reach N × wall, and overlapping
/// waits (cooperative tasks) can make it larger still; show it with
/// [`percent_of_lane_time`] or say it is a sum.
pub fn total_us(trace: &Trace, state: State, stage: Option<Stage>) -> f64 {
    trace
        .spans
        .iter()
        .filter(|s| s.state == state && stage.is_none_or(|st| s.stage == st))
        // Folded from +0: a sum of no floats is −0, which a page would print as "-0".
        .fold(0.0, |a, s| a + s.duration_us())
}

/// The lane time of a run: lanes × wall, µs. What [`total_us`] is a share of.
pub fn lane_time_us(trace: &Trace) -> f64 {
    trace.lanes.len().max(1) as f64 * trace.wall_us()
}

/// `part_us` as a percentage of [`lane_time_us`]; 0 for a run of no time. Above 100 when the
/// part counts overlapping spans of one lane (several cooperative tasks waiting at once).
pub fn percent_of_lane_time(trace: &Trace, part_us: f64) -> f64 {
    let lane_time = lane_time_us(trace);
    if lane_time > 0.0 {
        100.0 * part_us / lane_time
    } else {
        0.0
    }
}

/// The share (0..=1) of a run's work that is waiting on I/O: blocked time ÷ (blocked + running),
/// messages left out. Near 1 the workload is I/O-bound: speed comes from overlapping waits,
/// not from cores, and Amdahl's law is the wrong model. 0 for a run that did nothing.
pub fn io_fraction(trace: &Trace) -> f64 {
    let fetch = total_us(trace, State::Blocked, None)
        - total_us(trace, State::Blocked, Some(Stage::Transfer));
    let work = fetch + total_us(trace, State::Running, None);
    if work > 0.0 {
        fetch / work
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::TechniqueKind;
    use crate::trace::fixtures::span;
    use crate::trace::Lane;

    #[test]
    fn amdahl_and_karp_flatt_agree() {
        assert_eq!(amdahl(1.0, 4), 4.0);
        assert_eq!(amdahl(0.0, 4), 1.0);
        for serial in [0.0, 0.1, 0.35, 1.0] {
            for n in 2..=16 {
                let s = amdahl(1.0 - serial, n);
                assert!(
                    (karp_flatt(s, n).unwrap() - serial).abs() < 1e-12,
                    "{serial} {n}"
                );
            }
        }
        assert_eq!(karp_flatt(1.0, 1), None);
    }

    #[test]
    fn speedup_efficiency_median_spread() {
        assert_eq!(speedup(200.0, 100.0), 2.0);
        assert_eq!(efficiency(1.8, 2), 0.9);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let s = Spread::of(&[5.0, f64::NAN, 1.0, 9.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (3.5, 1.0, 9.0));
        assert_eq!(s.range(), 8.0);
        assert_eq!(Spread::of(&[f64::INFINITY]), None);
    }

    #[test]
    fn speedup_comes_from_the_medians_of_both_sides() {
        // One outlier on each side changes neither median.
        let base = [1000.0, 1010.0, 5.0];
        let walls = [500.0, 505.0, 99_999.0];
        let s = median_speedup(&base, &walls, 2).unwrap();
        assert_eq!(s.speedup, 1000.0 / 505.0);
        assert_eq!(s.efficiency, s.speedup / 2.0);
        assert_eq!(median_speedup(&[], &walls, 2), None);
    }

    fn two_lanes() -> Trace {
        Trace {
            technique: TechniqueKind::Threads,
            lanes: vec![Lane::new(0, "a"), Lane::new(1, "b")],
            spans: vec![
                span(0, 0, Stage::Fetch, State::Blocked, (0.0, 40.0)),
                span(0, 0, Stage::Decode, State::Running, (40.0, 100.0)),
                span(1, 1, Stage::Fetch, State::Blocked, (0.0, 30.0)),
                span(1, 1, Stage::Decode, State::Ready, (30.0, 50.0)),
                span(1, 1, Stage::Decode, State::Running, (50.0, 80.0)),
            ],
            tasks: 2,
            start_us: 0.0,
            end_us: 100.0,
            cancelled: vec![],
            build: None,
        }
    }

    #[test]
    fn totals_keep_blocked_time_and_say_what_they_are_a_share_of() {
        let t = two_lanes();
        assert_eq!(total_us(&t, State::Blocked, None), 70.0);
        assert_eq!(total_us(&t, State::Blocked, Some(Stage::Fetch)), 70.0);
        assert_eq!(total_us(&t, State::Running, Some(Stage::Decode)), 90.0);
        assert_eq!(total_us(&t, State::Ready, None), 20.0);
        assert_eq!(total_us(&t, State::Running, Some(Stage::Encode)), 0.0);
        assert_eq!(lane_time_us(&t), 200.0);
        // Every state together, plus the idle end of lane 1, is all the lane time there is.
        let states: f64 = [State::Blocked, State::Ready, State::Running]
            .into_iter()
            .map(|s| percent_of_lane_time(&t, total_us(&t, s, None)))
            .sum();
        assert_eq!(states, 90.0);
        assert_eq!(io_fraction(&t), 70.0 / 160.0);
    }
}
