//! Whether a trace is well formed.

use std::collections::BTreeMap;

use thiserror::Error;

use super::{Span, Stage, State, Trace};

/// A way in which a trace is not well formed.
#[derive(Debug, Error, PartialEq)]
pub enum TraceError {
    /// A time is not finite, ends before it starts, or lies outside the run.
    #[error("span {index} has bad times ({start} → {end} µs, run {run_start} → {run_end})")]
    BadTime {
        /// Index of the span.
        index: usize,
        /// Its start.
        start: f64,
        /// Its end.
        end: f64,
        /// Start of the run.
        run_start: f64,
        /// End of the run.
        run_end: f64,
    },
    /// A span names a lane or a task the trace does not have.
    #[error("span {index} names lane {lane} / task {task}, which the trace does not have")]
    Unknown {
        /// Index of the span.
        index: usize,
        /// Its lane.
        lane: u32,
        /// Its task.
        task: u32,
    },
    /// The trace lists a cancelled task it does not have.
    #[error("task {task} is listed as cancelled, but the trace does not have it")]
    UnknownCancelled {
        /// The task.
        task: u32,
    },
    /// Two running spans overlap on one lane: one thread cannot run two things at once.
    #[error("lane {lane}: task {a} and task {b} run at the same time")]
    Overlap {
        /// The lane.
        lane: u32,
        /// One task.
        a: u32,
        /// The other task.
        b: u32,
    },
    /// A task ran a stage twice (not in consecutive pieces), skipped one, or ran them out of
    /// order.
    #[error("task {task}: stages ran as {seen:?}, expected {expected:?}")]
    Stages {
        /// The task.
        task: u32,
        /// The stages it ran, in time order.
        seen: Vec<Stage>,
        /// The stages it should have run.
        expected: Vec<Stage>,
    },
}

impl Trace {
    /// Checks that the trace is well formed: times are finite, ordered and inside the run; spans
    /// name known lanes and tasks; running spans on one lane never overlap; each task ran the
    /// `expected` stages once each, in order (a failed task stops at the stage that failed; a
    /// cancelled one, listed in [`Trace::cancelled`], after any stage). A stage may be cut into
    /// consecutive spans (a task that gave way inside it), with nothing but waits between them.
    /// Other stages (transfers) and waits (ready) may come in between.
    pub fn validate(&self, expected: &[Stage]) -> Result<(), TraceError> {
        // Clocks of different workers are aligned to one origin but round differently, so a span
        // may start a hair before the run did: allow one clock tick (100 µs when not isolated).
        const SLACK_US: f64 = 100.0;
        for (index, s) in self.spans.iter().enumerate() {
            let ok = s.start_us.is_finite()
                && s.end_us.is_finite()
                && s.start_us <= s.end_us
                && s.start_us >= self.start_us - SLACK_US
                && s.end_us <= self.end_us + SLACK_US;
            if !ok {
                return Err(TraceError::BadTime {
                    index,
                    start: s.start_us,
                    end: s.end_us,
                    run_start: self.start_us,
                    run_end: self.end_us,
                });
            }
            if s.lane as usize >= self.lanes.len() || s.task >= self.tasks {
                return Err(TraceError::Unknown {
                    index,
                    lane: s.lane,
                    task: s.task,
                });
            }
        }

        if let Some(&task) = self.cancelled.iter().find(|&&t| t >= self.tasks) {
            return Err(TraceError::UnknownCancelled { task });
        }

        let mut by_lane: BTreeMap<u32, Vec<&Span>> = BTreeMap::new();
        for s in self.running() {
            by_lane.entry(s.lane).or_default().push(s);
        }
        for (lane, mut spans) in by_lane {
            // By start, then end: a span that took no time (an image refused at once) at the
            // instant the next one starts is before it, not inside it, whatever the task order.
            spans.sort_by(|a, b| {
                a.start_us
                    .total_cmp(&b.start_us)
                    .then(a.end_us.total_cmp(&b.end_us))
            });
            for pair in spans.windows(2) {
                if pair[1].start_us < pair[0].end_us {
                    return Err(TraceError::Overlap {
                        lane,
                        a: pair[0].task,
                        b: pair[1].task,
                    });
                }
            }
        }

        // A task's stages: its running and blocked spans (waits for a core or lock are not stages).
        let mut by_task: BTreeMap<u32, Vec<&Span>> = BTreeMap::new();
        let mut waits: BTreeMap<u32, Vec<&Span>> = BTreeMap::new();
        for s in self.spans.iter().filter(|s| expected.contains(&s.stage)) {
            let into = if s.state == State::Ready {
                &mut waits
            } else {
                &mut by_task
            };
            into.entry(s.task).or_default().push(s);
        }
        for task in 0..self.tasks {
            let mut spans = by_task.remove(&task).unwrap_or_default();
            spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
            let waits = waits.remove(&task).unwrap_or_default();
            // A stage that gave way part-way is pieces with a wait (ready, same stage) between
            // each two: one stage. Two pieces with no wait between are the stage run twice.
            let resumed = |a: &Span, b: &Span| {
                a.stage == b.stage
                    && waits.iter().any(|w| {
                        w.stage == a.stage && w.start_us >= a.end_us && w.end_us <= b.start_us
                    })
            };
            let mut seen: Vec<Stage> = spans.iter().take(1).map(|s| s.stage).collect();
            for pair in spans.windows(2) {
                if !resumed(pair[0], pair[1]) {
                    seen.push(pair[1].stage);
                }
            }
            let stopped =
                spans.last().is_some_and(|s| s.error.is_some()) || self.cancelled.contains(&task);
            let in_order = spans.windows(2).all(|p| p[0].end_us <= p[1].start_us);
            let complete = if stopped {
                expected.starts_with(&seen)
            } else {
                seen == expected
            };
            if !complete || !in_order {
                return Err(TraceError::Stages {
                    task,
                    seen,
                    expected: expected.to_vec(),
                });
            }
        }
        Ok(())
    }
}
