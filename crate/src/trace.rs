//! What a run did, when and where: spans of time on lanes.
//!
//! A lane is one thread of execution (the main thread, a worker, a rayon thread). A span is one
//! stage of one task (image) in one state. Times are microseconds on one clock shared by every
//! lane of a trace (in the browser: `performance.timeOrigin + performance.now()`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use thiserror::Error;

use crate::technique::TechniqueKind;

/// A step of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Getting the image bytes (I/O).
    Fetch,
    /// Turning bytes into pixels (CPU).
    Decode,
    /// Scaling pixels down (CPU).
    Resize,
    /// Turning the thumbnail into a file (CPU).
    Encode,
    /// Keeping the thumbnail (I/O).
    Store,
    /// Moving a result between isolated processes (a message).
    Transfer,
}

impl Stage {
    /// The CPU stages, in order.
    pub const CPU: [Stage; 3] = [Stage::Decode, Stage::Resize, Stage::Encode];

    /// The lowercase name used in traces, exports and the page.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Decode => "decode",
            Stage::Resize => "resize",
            Stage::Encode => "encode",
            Stage::Store => "store",
            Stage::Transfer => "transfer",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a task is doing during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting on I/O.
    Blocked,
    /// Able to run, waiting for a core, a thread or a lock.
    Ready,
    /// Executing a stage.
    Running,
}

impl State {
    /// The lowercase name used in traces, exports and the page.
    pub fn name(self) -> &'static str {
        match self {
            State::Blocked => "blocked",
            State::Ready => "ready",
            State::Running => "running",
        }
    }
}

/// One thread of execution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    /// Index of the lane within its trace.
    pub id: u32,
    /// What the lane is, e.g. "engine worker" or "thread 1".
    pub name: String,
    /// When the lane's thread or process was being started (spawn, load, instantiate), µs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_us: Option<(f64, f64)>,
}

impl Lane {
    /// A lane that was running before the run began.
    pub fn new(id: u32, name: &str) -> Lane {
        Lane {
            id,
            name: name.to_string(),
            startup_us: None,
        }
    }
}

/// One stage of one task, in one state, on one lane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The lane it ran on.
    pub lane: u32,
    /// The task (image index in the batch).
    pub task: u32,
    /// The stage.
    pub stage: Stage,
    /// The state.
    pub state: State,
    /// Start, µs.
    pub start_us: f64,
    /// End, µs.
    pub end_us: f64,
    /// Why the stage failed, if it did; the task stops there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Span {
    /// Length in µs.
    pub fn duration_us(&self) -> f64 {
        self.end_us - self.start_us
    }
}

/// Everything one technique did in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Which technique ran.
    pub technique: TechniqueKind,
    /// The lanes, indexed by [`Lane::id`].
    pub lanes: Vec<Lane>,
    /// The spans, in the order they were recorded.
    pub spans: Vec<Span>,
    /// How many tasks the run had.
    pub tasks: u32,
    /// When the run started, µs.
    pub start_us: f64,
    /// When the run ended, µs.
    pub end_us: f64,
}

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
    /// A task ran a stage twice, skipped one, or ran them out of order.
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
    /// Wall time of the run, µs.
    pub fn wall_us(&self) -> f64 {
        self.end_us - self.start_us
    }

    /// The running spans.
    pub fn running(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().filter(|s| s.state == State::Running)
    }

    /// Tasks that failed, with the reason.
    pub fn failures(&self) -> impl Iterator<Item = (u32, &str)> {
        self.spans
            .iter()
            .filter_map(|s| s.error.as_deref().map(|e| (s.task, e)))
    }

    /// The most spans that were running at one instant: 1 for one thread, up to N for N threads.
    pub fn max_parallelism(&self) -> usize {
        self.max_in_state(State::Running)
    }

    /// The most spans in `state` at one instant.
    pub fn max_in_state(&self, state: State) -> usize {
        self.max_concurrent(|s| s.state == state)
    }

    /// The most requests in flight at one instant.
    pub fn max_in_flight(&self) -> usize {
        self.max_concurrent(|s| s.stage == Stage::Fetch && s.state == State::Blocked)
    }

    /// The most spans matching `keep` at one instant.
    pub fn max_concurrent(&self, keep: impl Fn(&Span) -> bool) -> usize {
        let mut edges: Vec<(f64, i32)> = self
            .spans
            .iter()
            .filter(|s| keep(s))
            .flat_map(|s| [(s.start_us, 1), (s.end_us, -1)])
            .collect();
        // Ends sort before starts at the same instant: touching spans do not overlap.
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, d) in edges {
            now += d;
            most = most.max(now);
        }
        most as usize
    }

    /// Checks that the trace is well formed: times are finite, ordered and inside the run; spans
    /// name known lanes and tasks; running spans on one lane never overlap; each task ran the
    /// `expected` stages once each, in order (a failed task stops at the stage that failed).
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

        let mut by_lane: BTreeMap<u32, Vec<&Span>> = BTreeMap::new();
        for s in self.running() {
            by_lane.entry(s.lane).or_default().push(s);
        }
        for (lane, mut spans) in by_lane {
            spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
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
        for s in self
            .spans
            .iter()
            .filter(|s| s.state != State::Ready && expected.contains(&s.stage))
        {
            by_task.entry(s.task).or_default().push(s);
        }
        for task in 0..self.tasks {
            let mut spans = by_task.remove(&task).unwrap_or_default();
            spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
            let seen: Vec<Stage> = spans.iter().map(|s| s.stage).collect();
            let failed = spans.last().is_some_and(|s| s.error.is_some());
            let in_order = spans.windows(2).all(|p| p[0].end_us <= p[1].start_us);
            let complete = if failed {
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

/// Exports traces in the Chrome Trace Event format (for Perfetto or `chrome://tracing`): one
/// process per technique, one thread per lane, one complete event per span. Times are µs from
/// the start of the earliest trace, so runs keep their real order.
pub fn chrome_trace(traces: &[Trace]) -> Value {
    let origin = traces
        .iter()
        .map(|t| t.start_us)
        .fold(f64::INFINITY, f64::min);
    let mut events = Vec::new();
    for (i, trace) in traces.iter().enumerate() {
        let pid = i + 1;
        events.push(json!({
            "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
            "args": { "name": trace.technique.label() },
        }));
        events.push(json!({
            "name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
            "args": { "sort_index": i },
        }));
        for lane in &trace.lanes {
            events.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": lane.id,
                "args": { "name": lane.name },
            }));
            if let Some((start, end)) = lane.startup_us {
                events.push(json!({
                    "name": "startup", "cat": "startup", "ph": "X", "pid": pid, "tid": lane.id,
                    "ts": start - origin, "dur": end - start,
                    "args": { "stage": "startup", "state": "running" },
                }));
            }
        }
        for s in &trace.spans {
            let mut args = json!({ "task": s.task, "stage": s.stage, "state": s.state });
            if let Some(e) = &s.error {
                args["error"] = json!(e);
            }
            events.push(json!({
                "name": format!("{} #{}", s.stage, s.task),
                "cat": s.state.name(),
                "ph": "X",
                "pid": pid,
                "tid": s.lane,
                "ts": s.start_us - origin,
                "dur": s.duration_us(),
                "args": args,
            }));
        }
    }
    json!({ "traceEvents": events, "displayTimeUnit": "ms" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: u32, task: u32, stage: Stage, start: f64, end: f64) -> Span {
        Span {
            lane,
            task,
            stage,
            state: State::Running,
            start_us: start,
            end_us: end,
            error: None,
        }
    }

    fn trace(spans: Vec<Span>, tasks: u32) -> Trace {
        Trace {
            technique: TechniqueKind::Threads,
            lanes: vec![Lane::new(0, "a"), Lane::new(1, "b")],
            spans,
            tasks,
            start_us: 0.0,
            end_us: 1000.0,
        }
    }

    fn whole_task(lane: u32, task: u32, t0: f64) -> Vec<Span> {
        Stage::CPU
            .iter()
            .enumerate()
            .map(|(i, &st)| {
                span(
                    lane,
                    task,
                    st,
                    t0 + i as f64 * 10.0,
                    t0 + i as f64 * 10.0 + 10.0,
                )
            })
            .collect()
    }

    #[test]
    fn a_good_trace_validates_and_measures_parallelism() {
        let mut spans = whole_task(0, 0, 0.0);
        spans.extend(whole_task(1, 1, 5.0));
        let t = trace(spans, 2);
        assert_eq!(t.validate(&Stage::CPU), Ok(()));
        assert_eq!(t.max_parallelism(), 2);
    }

    #[test]
    fn overlap_on_one_lane_is_rejected() {
        let mut spans = whole_task(0, 0, 0.0);
        spans.extend(whole_task(0, 1, 5.0));
        assert!(matches!(
            trace(spans, 2).validate(&Stage::CPU),
            Err(TraceError::Overlap { .. })
        ));
    }

    #[test]
    fn missing_repeated_or_unordered_stages_are_rejected() {
        let mut spans = whole_task(0, 0, 0.0);
        spans.pop();
        assert!(matches!(
            trace(spans, 1).validate(&Stage::CPU),
            Err(TraceError::Stages { .. })
        ));
        let mut spans = whole_task(0, 0, 0.0);
        spans.push(span(0, 0, Stage::Encode, 100.0, 110.0));
        assert!(matches!(
            trace(spans, 1).validate(&Stage::CPU),
            Err(TraceError::Stages { .. })
        ));
        let spans = vec![
            span(0, 0, Stage::Resize, 0.0, 10.0),
            span(0, 0, Stage::Decode, 10.0, 20.0),
            span(0, 0, Stage::Encode, 20.0, 30.0),
        ];
        assert!(matches!(
            trace(spans, 1).validate(&Stage::CPU),
            Err(TraceError::Stages { .. })
        ));
    }

    #[test]
    fn a_failed_task_may_stop_early_but_only_where_it_failed() {
        let mut failed = span(0, 0, Stage::Decode, 0.0, 10.0);
        failed.error = Some("corrupt".into());
        assert_eq!(trace(vec![failed.clone()], 1).validate(&Stage::CPU), Ok(()));
        failed.error = None;
        assert!(trace(vec![failed], 1).validate(&Stage::CPU).is_err());
    }

    #[test]
    fn bad_times_and_unknown_lanes_are_rejected() {
        let t = trace(vec![span(0, 0, Stage::Decode, 50.0, 40.0)], 1);
        assert!(matches!(
            t.validate(&Stage::CPU),
            Err(TraceError::BadTime { .. })
        ));
        let t = trace(vec![span(0, 0, Stage::Decode, 0.0, f64::NAN)], 1);
        assert!(matches!(
            t.validate(&Stage::CPU),
            Err(TraceError::BadTime { .. })
        ));
        let t = trace(vec![span(5, 0, Stage::Decode, 0.0, 1.0)], 1);
        assert!(matches!(
            t.validate(&Stage::CPU),
            Err(TraceError::Unknown { .. })
        ));
    }

    #[test]
    fn chrome_export_names_processes_threads_and_spans() {
        let t = trace(whole_task(1, 0, 100.0), 1);
        let v = chrome_trace(&[t]);
        let events = v["traceEvents"].as_array().unwrap();
        let meta = |name: &str| events.iter().filter(|e| e["name"] == name).count();
        assert_eq!(meta("process_name"), 1);
        assert_eq!(meta("thread_name"), 2);
        let complete: Vec<_> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(complete.len(), 3);
        assert_eq!(complete[0]["tid"], 1);
        assert_eq!(complete[0]["ts"], 100.0);
        assert_eq!(complete[0]["dur"], 10.0);
        assert_eq!(complete[0]["args"]["stage"], "decode");
        assert_eq!(complete[0]["args"]["state"], "running");
        assert_eq!(complete[0]["args"]["task"], 0);
    }
}
