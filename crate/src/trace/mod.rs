//! What a run did, when and where: spans of time on lanes.
//!
//! A lane is one thread of execution (the main thread, a worker, a rayon thread). A span is one
//! stage of one task (image) in one state. Times are microseconds on one clock shared by every
//! lane of a trace (in the browser: `performance.timeOrigin + performance.now()`).

mod chrome;
mod csv;
mod file;
#[cfg(test)]
pub(crate) mod fixtures;
mod scene;
mod svg;
mod tracks;
mod validate;

pub use chrome::{
    chrome_trace, chrome_trace_measured, FLOW_NAME, FRAMES_THREAD, IN_FLIGHT_COUNTER,
    LONG_TASKS_THREAD, MEMORY_COUNTER, PAGE_THREAD,
};
pub use csv::{
    results_csv, results_csv_measured, run_figures, run_figures_measured, spans_csv, RunFigures,
};
pub use file::{
    RecordedRun, Recording, RunEnd, SavedThumb, TaskOutcome, TraceFile, TraceFileError,
    OLDEST_TRACE_FILE_VERSION, REPLAY_KEY, TRACE_FILE_VERSION,
};
pub use scene::{
    axis_ticks, stage_colour, timeline_scene, Anchor, Fill, Group, Line, Rect, Scene, Shape,
    Stroke, Text, TextPart, FONT_FAMILY, FONT_SIZE, STARTUP_COLOUR,
};
pub use svg::{timeline_svg, write_svg};
pub use validate::TraceError;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kind::TechniqueKind;

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

    /// Whether it is a CPU stage (not I/O, not a message).
    pub fn is_cpu(self) -> bool {
        Stage::CPU.contains(&self)
    }

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
    /// When (µs) and why the lane's process died and was retired; its later work went to the
    /// live ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<(f64, String)>,
}

impl Lane {
    /// A lane that was running before the run began.
    pub fn new(id: u32, name: &str) -> Lane {
        Lane {
            id,
            name: name.to_string(),
            startup_us: None,
            retired: None,
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
    /// Tasks stopped by cancellation, started or not: they may stop after any stage, and their
    /// spans carry no error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled: Vec<u32>,
    /// The engine build that ran it: "threaded", "plain" or "native" (see
    /// [`crate::technique::BUILD`]); `None` in traces saved before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
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
}

#[cfg(test)]
mod tests;
