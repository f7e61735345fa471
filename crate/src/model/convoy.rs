//! The convoy effect of a global lock: how long a thread back from I/O waits before it computes
//! again. Under a lock held for whole stages that is up to a whole stage of another thread;
//! with a switch interval, about one interval.

use crate::trace::{Stage, State, Trace};

/// Waits of tasks between their fetch and their first CPU work.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AfterIo {
    /// Fetches that were followed by CPU work.
    pub fetches: u32,
    /// Those that waited (a *ready* span between the fetch and the work).
    pub waited: u32,
    /// Time ready between fetch and work, summed, µs.
    pub wait_us: f64,
    /// The longest such wait, µs.
    pub longest_us: f64,
}

impl AfterIo {
    /// The mean wait per fetch, µs (0 without fetches).
    pub fn mean_us(&self) -> f64 {
        if self.fetches == 0 {
            0.0
        } else {
            self.wait_us / f64::from(self.fetches)
        }
    }
}

/// For each task that fetched and then computed: the time it was *ready* (waiting for the lock,
/// a core or memory) between the end of its fetch and the start of its first CPU stage.
pub fn after_io(trace: &Trace) -> AfterIo {
    let mut out = AfterIo::default();
    for task in 0..trace.tasks {
        let mine = || trace.spans.iter().filter(move |s| s.task == task);
        let Some(fetched) = mine()
            .filter(|s| s.stage == Stage::Fetch && s.state == State::Blocked)
            .map(|s| s.end_us)
            .reduce(f64::max)
        else {
            continue;
        };
        let Some(works) = mine()
            .filter(|s| s.state == State::Running && s.stage.is_cpu() && s.start_us >= fetched)
            .map(|s| s.start_us)
            .reduce(f64::min)
        else {
            continue;
        };
        let wait: f64 = mine()
            .filter(|s| s.state == State::Ready && s.start_us >= fetched && s.end_us <= works)
            .map(|s| s.duration_us().max(0.0))
            .sum();
        out.fetches += 1;
        if wait > 0.0 {
            out.waited += 1;
        }
        out.wait_us += wait;
        out.longest_us = out.longest_us.max(wait);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::fixtures::span;
    use crate::trace::Lane;

    #[test]
    fn waits_between_a_fetch_and_the_first_cpu_work_are_counted() {
        let spans = vec![
            // Task 0 fetched, then waited 30 µs for the lock before decoding.
            span(0, 0, Stage::Fetch, State::Blocked, (0.0, 100.0)),
            span(0, 0, Stage::Decode, State::Ready, (100.0, 130.0)),
            span(0, 0, Stage::Decode, State::Running, (130.0, 200.0)),
            // A wait inside a later stage is not a wait after I/O.
            span(0, 0, Stage::Encode, State::Ready, (200.0, 260.0)),
            span(0, 0, Stage::Encode, State::Running, (260.0, 300.0)),
            // Task 1 decoded at once.
            span(1, 1, Stage::Fetch, State::Blocked, (0.0, 50.0)),
            span(1, 1, Stage::Decode, State::Running, (50.0, 100.0)),
            // Task 2 failed its fetch: no work after it.
            span(1, 2, Stage::Fetch, State::Blocked, (100.0, 120.0)),
        ];
        let trace = Trace {
            technique: crate::kind::TechniqueKind::Gil,
            lanes: vec![Lane::new(0, "a"), Lane::new(1, "b")],
            spans,
            tasks: 3,
            start_us: 0.0,
            end_us: 300.0,
            cancelled: vec![],
            build: None,
        };
        let a = after_io(&trace);
        assert_eq!((a.fetches, a.waited), (2, 1));
        assert_eq!((a.wait_us, a.longest_us, a.mean_us()), (30.0, 30.0, 15.0));
        assert_eq!(AfterIo::default().mean_us(), 0.0);
    }
}
