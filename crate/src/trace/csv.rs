//! The results as CSV (RFC 4180): one row per run, and optionally one row per span.
//!
//! Lane names, file names and errors may hold anything (commas, quotes, line breaks): every
//! field that needs it is quoted, quotes doubled, lines end in CRLF. Fields are not altered
//! otherwise, so the file reads back exactly.

use std::borrow::Cow;

use super::{Stage, State, Trace};
use crate::kind::TechniqueKind;
use crate::measure::repeats::{self, repeat_numbers, repeated_speedup, Measured};
use crate::measure::RunMeasures;
use crate::platform::CANCELLED;
use crate::stats;

/// The figures of one run, as [`results_csv`] writes them.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFigures {
    /// Which technique ran.
    pub technique: TechniqueKind,
    /// The engine build that ran it, if recorded.
    pub build: Option<String>,
    /// Lanes (threads or processes) it had: the N of speedup per worker.
    pub lanes: usize,
    /// Tasks (images) in the batch.
    pub tasks: u32,
    /// Tasks that neither failed nor were cancelled.
    pub succeeded: u32,
    /// Tasks whose last stage failed.
    pub failed: u32,
    /// Tasks stopped by cancellation.
    pub cancelled: u32,
    /// Wall time, ms.
    pub wall_ms: f64,
    /// Sequential's wall time over this one: only when the traces hold a sequential run that
    /// made as many thumbnails (the median one, if several), as on the page.
    pub speedup: Option<f64>,
    /// Speedup per lane.
    pub efficiency: Option<f64>,
    /// Time running CPU stages, summed over lanes, ms.
    pub cpu_ms: f64,
    /// Time fetches were blocked, summed over requests, ms.
    pub fetch_blocked_ms: f64,
    /// Most requests in flight at one instant.
    pub max_in_flight: usize,
    /// Most stages running at one instant.
    pub max_parallelism: usize,
    /// Which repeat of its technique this run is (from 1, in the order given), and of how many.
    pub repeat: (u32, u32),
    /// The median wall of its technique's complete repeats, ms: the figure the page shows.
    pub median_wall_ms: Option<f64>,
    /// Its technique's speedup from medians, as the page shows it (see
    /// [`crate::measure::repeated_speedup`]).
    pub median_speedup: Option<f64>,
    /// That speedup per lane.
    pub median_efficiency: Option<f64>,
    /// The longest the main thread went without a frame while it ran, ms.
    pub longest_gap_ms: Option<f64>,
    /// Frames the display wanted and the page did not draw.
    pub dropped_frames: Option<u32>,
    /// Long tasks the browser reported (`None` where it reports none at all).
    pub long_tasks: Option<usize>,
    /// Time in those long tasks, ms.
    pub long_task_ms: Option<f64>,
    /// Peak wasm memory of all its instances together, bytes.
    pub memory_peak_bytes: Option<f64>,
    /// Their memory when it ended, bytes.
    pub memory_end_bytes: Option<f64>,
    /// How much it made them grow, bytes.
    pub memory_grown_bytes: Option<f64>,
    /// How many wasm instances it ran in.
    pub memory_instances: Option<usize>,
}

/// The figures of each run, in order.
pub fn run_figures(traces: &[Trace]) -> Vec<RunFigures> {
    run_figures_measured(traces, &[])
}

/// Like [`run_figures`], with the frames and memory measured around each run (`measures[i]`
/// beside `traces[i]`), as the page shows them.
pub fn run_figures_measured(traces: &[Trace], measures: &[RunMeasures]) -> Vec<RunFigures> {
    let mut figures: Vec<RunFigures> = traces.iter().map(figures_of).collect();
    for (f, m) in figures.iter_mut().zip(measures) {
        if let Some(frames) = m.frames {
            f.longest_gap_ms = Some(frames.longest_gap_us() / 1000.0);
            f.dropped_frames = Some(frames.dropped());
            f.long_tasks = frames
                .long_tasks_supported
                .then_some(frames.long_tasks.len());
            f.long_task_ms = frames
                .long_tasks_supported
                .then(|| frames.long_task_us() / 1000.0);
        }
        if let Some(memory) = m.memory {
            f.memory_peak_bytes = Some(memory.peak());
            f.memory_end_bytes = Some(memory.end());
            f.memory_grown_bytes = Some(memory.growth());
            f.memory_instances = Some(memory.instances.len());
        }
    }
    let baselines: Vec<(u32, f64)> = figures
        .iter()
        .filter(|f| f.technique == TechniqueKind::Sequential && f.succeeded > 0)
        .map(|f| (f.succeeded, f.wall_ms))
        .collect();
    for f in &mut figures {
        let walls: Vec<f64> = baselines
            .iter()
            .filter(|(made, _)| *made == f.succeeded)
            .map(|&(_, wall)| wall)
            .collect();
        f.speedup = stats::median(&walls)
            .map(|base| stats::speedup(base, f.wall_ms))
            .filter(|s| s.is_finite());
        f.efficiency = f
            .speedup
            .filter(|_| f.lanes > 0)
            .map(|s| stats::efficiency(s, f.lanes as u32));
    }
    for (f, repeat) in figures.iter_mut().zip(repeat_numbers(traces)) {
        f.repeat = repeat;
    }
    let complete = |figures: &[RunFigures], kind: TechniqueKind| -> Vec<Measured> {
        figures
            .iter()
            .filter(|f| f.technique == kind && f.cancelled == 0)
            .map(|f| Measured {
                made: f.succeeded as usize,
                wall_us: f.wall_ms * 1000.0,
            })
            .collect()
    };
    let baseline = complete(&figures, TechniqueKind::Sequential);
    let medians: Vec<_> = figures
        .iter()
        .map(|f| {
            let runs = complete(&figures, f.technique);
            let wall = repeats::spread(&runs).map(|s| s.median / 1000.0);
            let scaling = repeated_speedup(&baseline, &runs, f.lanes.max(1) as u32);
            (wall, scaling)
        })
        .collect();
    for (f, (wall, scaling)) in figures.iter_mut().zip(medians) {
        f.median_wall_ms = wall;
        f.median_speedup = scaling.map(|s| s.speedup);
        f.median_efficiency = scaling.map(|s| s.efficiency);
    }
    figures
}

fn figures_of(trace: &Trace) -> RunFigures {
    let mut cancelled: Vec<u32> = trace
        .cancelled
        .iter()
        .copied()
        .filter(|&t| t < trace.tasks)
        .collect();
    cancelled.sort_unstable();
    cancelled.dedup();
    let mut failed: Vec<u32> = trace
        .failures()
        .filter(|&(task, e)| e != CANCELLED && task < trace.tasks && !cancelled.contains(&task))
        .map(|(task, _)| task)
        .collect();
    failed.sort_unstable();
    failed.dedup();
    let total_ms = |keep: &dyn Fn(Stage, State) -> bool| {
        trace
            .spans
            .iter()
            .filter(|s| keep(s.stage, s.state) && s.duration_us().is_finite())
            .map(|s| s.duration_us())
            .sum::<f64>()
            / 1000.0
    };
    RunFigures {
        technique: trace.technique,
        build: trace.build.clone(),
        lanes: trace.lanes.len(),
        tasks: trace.tasks,
        succeeded: trace
            .tasks
            .saturating_sub(failed.len() as u32 + cancelled.len() as u32),
        failed: failed.len() as u32,
        cancelled: cancelled.len() as u32,
        wall_ms: trace.wall_us() / 1000.0,
        speedup: None,
        efficiency: None,
        cpu_ms: total_ms(&|stage, state| stage.is_cpu() && state == State::Running),
        fetch_blocked_ms: total_ms(&|stage, state| {
            stage == Stage::Fetch && state == State::Blocked
        }),
        max_in_flight: trace.max_in_flight(),
        max_parallelism: trace.max_parallelism(),
        repeat: (1, 1),
        median_wall_ms: None,
        median_speedup: None,
        median_efficiency: None,
        longest_gap_ms: None,
        dropped_frames: None,
        long_tasks: None,
        long_task_ms: None,
        memory_peak_bytes: None,
        memory_end_bytes: None,
        memory_grown_bytes: None,
        memory_instances: None,
    }
}

/// The header of [`results_csv`].
const RESULTS_HEADER: [&str; 29] = [
    "run",
    "technique",
    "label",
    "build",
    "lanes",
    "tasks",
    "succeeded",
    "failed",
    "cancelled",
    "wall_ms",
    "speedup",
    "efficiency",
    "cpu_ms",
    "fetch_blocked_ms",
    "max_in_flight",
    "max_parallelism",
    "repeat",
    "repeats",
    "median_wall_ms",
    "median_speedup",
    "median_efficiency",
    "longest_frame_gap_ms",
    "dropped_frames",
    "long_tasks",
    "long_task_ms",
    "memory_peak_bytes",
    "memory_end_bytes",
    "memory_grown_bytes",
    "memory_instances",
];

/// One row per run: `run` (from 1, the process id in the Chrome trace), technique id and
/// label, build, lanes, tasks, succeeded, failed, cancelled, wall ms, speedup and efficiency
/// against sequential (empty without a comparable sequential run), CPU ms, fetch blocked ms,
/// most requests in flight, most stages running at once; then which repeat of its technique the
/// run is and of how many, and the technique's median wall (complete repeats), speedup and
/// efficiency from medians, as the page shows them (empty where they do not apply).
pub fn results_csv(traces: &[Trace]) -> String {
    results_csv_measured(traces, &[])
}

/// Like [`results_csv`], with the frames and memory measured around each run: the longest
/// main-thread frame gap (ms), frames dropped, long tasks and their time (ms; empty where the
/// browser does not report them), and the wasm memory of all its instances at the peak, at the
/// end and grown (bytes), with how many instances (empty where not measured).
pub fn results_csv_measured(traces: &[Trace], measures: &[RunMeasures]) -> String {
    let mut out = line(RESULTS_HEADER.iter().map(|h| h.to_string()));
    for (i, f) in run_figures_measured(traces, measures)
        .into_iter()
        .enumerate()
    {
        out += &line([
            (i + 1).to_string(),
            f.technique.id().to_string(),
            f.technique.label().to_string(),
            f.build.unwrap_or_default(),
            f.lanes.to_string(),
            f.tasks.to_string(),
            f.succeeded.to_string(),
            f.failed.to_string(),
            f.cancelled.to_string(),
            number(f.wall_ms),
            f.speedup.map(number).unwrap_or_default(),
            f.efficiency.map(number).unwrap_or_default(),
            number(f.cpu_ms),
            number(f.fetch_blocked_ms),
            f.max_in_flight.to_string(),
            f.max_parallelism.to_string(),
            f.repeat.0.to_string(),
            f.repeat.1.to_string(),
            f.median_wall_ms.map(number).unwrap_or_default(),
            f.median_speedup.map(number).unwrap_or_default(),
            f.median_efficiency.map(number).unwrap_or_default(),
            f.longest_gap_ms.map(number).unwrap_or_default(),
            text(f.dropped_frames),
            text(f.long_tasks),
            f.long_task_ms.map(number).unwrap_or_default(),
            f.memory_peak_bytes.map(bytes).unwrap_or_default(),
            f.memory_end_bytes.map(bytes).unwrap_or_default(),
            f.memory_grown_bytes.map(bytes).unwrap_or_default(),
            text(f.memory_instances),
        ]);
    }
    out
}

/// The header of [`spans_csv`].
const SPANS_HEADER: [&str; 12] = [
    "run",
    "technique",
    "lane",
    "lane_name",
    "task",
    "image",
    "stage",
    "state",
    "start_ms",
    "end_ms",
    "duration_ms",
    "error",
];

/// One row per span: run (from 1), technique id, lane id and name, task, the image's name
/// (`images[task]`, empty when not given), stage, state, start and end ms from the run's
/// start, duration ms, and the error if the stage failed.
pub fn spans_csv(traces: &[Trace], images: &[String]) -> String {
    let mut out = line(SPANS_HEADER.iter().map(|h| h.to_string()));
    for (i, trace) in traces.iter().enumerate() {
        for s in &trace.spans {
            let lane_name = trace.lanes.iter().find(|l| l.id == s.lane);
            out += &line([
                (i + 1).to_string(),
                trace.technique.id().to_string(),
                s.lane.to_string(),
                lane_name.map(|l| l.name.clone()).unwrap_or_default(),
                s.task.to_string(),
                images.get(s.task as usize).cloned().unwrap_or_default(),
                s.stage.name().to_string(),
                s.state.name().to_string(),
                number((s.start_us - trace.start_us) / 1000.0),
                number((s.end_us - trace.start_us) / 1000.0),
                number(s.duration_us() / 1000.0),
                s.error.clone().unwrap_or_default(),
            ]);
        }
    }
    out
}

/// A number with µs precision (in ms); empty when it is not finite.
fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        String::new()
    }
}

/// A whole number of bytes; empty when it is not finite.
fn bytes(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// A count, or empty.
fn text<T: ToString>(x: Option<T>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// One record: fields quoted where RFC 4180 requires, then CRLF.
fn line(fields: impl IntoIterator<Item = String>) -> String {
    let mut out = fields
        .into_iter()
        .map(|f| field(&f).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// A field as written: in quotes, with quotes doubled, if it holds a comma, a quote or a line
/// break; as is otherwise.
fn field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests;
