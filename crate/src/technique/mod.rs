//! The techniques: one type each, behind [`Technique`].
//!
//! Every technique runs the same [`Job`] through the same stage functions and records a
//! [`Trace`]; they differ only in where the stages run and how they wait for I/O.

mod cooperative;
#[cfg(feature = "threads")]
mod parallel;
mod processes;
mod sequential;

pub use cooperative::Cooperative;
#[cfg(feature = "threads")]
pub use parallel::{Gil, Threads};
pub use processes::{process_task, Process, ProcessReply, Processes, Spawner};
pub use sequential::Sequential;

use std::cell::RefCell;
use std::fmt::Display;
use std::sync::Arc;

use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

use crate::network::{Link, Network};
use crate::pipeline::{self, ThumbSpec, Thumbnail};
use crate::platform::{Cancel, Clock, EventLoop, Progress, Source};
use crate::trace::{Lane, Span, Stage, State, Trace};

/// The techniques the product knows, as named in URLs and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechniqueKind {
    /// One image after another in a worker: the fair baseline.
    Sequential,
    /// One image after another on the page's main thread, which freezes meanwhile.
    SequentialMain,
    /// A rayon pool: one image per thread at a time, on shared memory.
    Threads,
    /// The same pool, with one global lock held during CPU stages (Python's GIL).
    Gil,
    /// Futures on one thread, yielding to the event loop, overlapping their waits.
    Cooperative,
    /// Isolated workers, each its own wasm instance, passing messages.
    Processes,
}

impl TechniqueKind {
    /// Every technique, in the order the page shows them.
    pub const ALL: [TechniqueKind; 6] = [
        TechniqueKind::Sequential,
        TechniqueKind::SequentialMain,
        TechniqueKind::Threads,
        TechniqueKind::Gil,
        TechniqueKind::Cooperative,
        TechniqueKind::Processes,
    ];

    /// The id used in URLs, test ids and exports.
    pub fn id(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "sequential",
            TechniqueKind::SequentialMain => "sequential-main",
            TechniqueKind::Threads => "threads",
            TechniqueKind::Gil => "gil",
            TechniqueKind::Cooperative => "cooperative",
            TechniqueKind::Processes => "processes",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "Sequential",
            TechniqueKind::SequentialMain => "Sequential on the main thread",
            TechniqueKind::Threads => "Threads",
            TechniqueKind::Gil => "Threads + global lock",
            TechniqueKind::Cooperative => "Cooperative tasks",
            TechniqueKind::Processes => "Processes",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether it needs shared-memory threads (a cross-origin isolated page).
    pub fn needs_threads(self) -> bool {
        matches!(self, TechniqueKind::Threads | TechniqueKind::Gil)
    }
}

/// The work: where the images are, how to reach them, what to make of them.
#[derive(Clone)]
pub struct Job {
    /// The images, one task each.
    pub source: Arc<dyn Source>,
    /// The thumbnail to make of each.
    pub spec: ThumbSpec,
    /// The simulated network on top of the real I/O.
    pub network: Network,
    /// Fixes the network's jitter.
    pub seed: u64,
}

impl Job {
    /// Number of tasks.
    pub fn tasks(&self) -> u32 {
        self.source.len()
    }

    /// A fresh connection gate for one run.
    pub fn link(&self) -> Link {
        Link::new(self.network, self.seed)
    }
}

/// The stages every task goes through, in order.
pub const STAGES: [Stage; 4] = [Stage::Fetch, Stage::Decode, Stage::Resize, Stage::Encode];

/// The platform a run uses.
pub struct Env<'a> {
    /// Shared clock of every lane.
    pub clock: &'a dyn Clock,
    /// The calling thread's event loop.
    pub events: &'a dyn EventLoop,
    /// Where finished tasks are reported.
    pub progress: &'a dyn Progress,
    /// Stops the run early when set.
    pub cancel: &'a Cancel,
    /// Name of the thread the run is started on (a single-lane technique's lane).
    pub home: &'a str,
}

/// What one task produced: a thumbnail, or why it failed.
pub type Outcome = Result<Thumbnail, String>;

/// A finished run.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// When and where each stage ran.
    pub trace: Trace,
    /// One outcome per task, in task order.
    pub outcomes: Vec<Outcome>,
}

/// A way of running the job.
pub trait Technique {
    /// Which technique this is.
    fn kind(&self) -> TechniqueKind;

    /// Runs every task of `job`. Failures of single tasks are outcomes, not errors of the run.
    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput>;
}

/// Reason recorded for tasks skipped by [`Cancel`].
pub const CANCELLED: &str = "cancelled";

/// Runs `f` as one stage of `task` on `lane` in `state`, recording its span (with the error,
/// if it fails).
pub(crate) fn timed<T, E: Display>(
    clock: &dyn Clock,
    lane: u32,
    task: u32,
    (stage, state): (Stage, State),
    spans: &mut Vec<Span>,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, String> {
    let start_us = clock.now_us();
    let result = f().map_err(|e| e.to_string());
    spans.push(Span {
        lane,
        task,
        stage,
        state,
        start_us,
        end_us: clock.now_us(),
        error: result.as_ref().err().cloned(),
    });
    result
}

/// Fetches image `task`, awaiting (other tasks of the thread run meanwhile), as one blocked span
/// from when the request got a connection (the wait for one shows as a gap: queued).
pub(crate) async fn fetch_async(
    link: &Link,
    job: &Job,
    env: &Env<'_>,
    lane: u32,
    task: u32,
    spans: &RefCell<Vec<Span>>,
) -> Result<Vec<u8>, String> {
    let (result, start_us, end_us) = link
        .fetch(job.source.as_ref(), task, env.clock, env.events)
        .await;
    spans
        .borrow_mut()
        .push(fetch_span(lane, task, (start_us, end_us), &result));
    result
}

/// The blocked span of a fetch, carrying its error if it failed.
pub(crate) fn fetch_span<T>(
    lane: u32,
    task: u32,
    (start_us, end_us): (f64, f64),
    result: &Result<T, String>,
) -> Span {
    Span {
        lane,
        task,
        stage: Stage::Fetch,
        state: State::Blocked,
        start_us,
        end_us,
        error: result.as_ref().err().cloned(),
    }
}

/// One whole task on one lane: fetch (awaited), then the CPU stages without a pause.
pub(crate) async fn fetch_then_cpu(
    link: &Link,
    job: &Job,
    env: &Env<'_>,
    lane: u32,
    task: u32,
    spans: &RefCell<Vec<Span>>,
) -> Outcome {
    let bytes = fetch_async(link, job, env, lane, task, spans).await?;
    cpu_stages(
        &bytes,
        &job.spec,
        env.clock,
        lane,
        task,
        &mut spans.borrow_mut(),
    )
}

/// Runs the CPU stages of one task without pausing, on the calling thread.
pub(crate) fn cpu_stages(
    src: &[u8],
    spec: &ThumbSpec,
    clock: &dyn Clock,
    lane: u32,
    task: u32,
    spans: &mut Vec<Span>,
) -> Outcome {
    let run = (Stage::Decode, State::Running);
    let px = timed(clock, lane, task, run, spans, || {
        pipeline::decode(src, spec)
    })?;
    let resize = (Stage::Resize, State::Running);
    let small = timed(clock, lane, task, resize, spans, || {
        pipeline::resize(&px, spec)
    })?;
    drop(px);
    timed(
        clock,
        lane,
        task,
        (Stage::Encode, State::Running),
        spans,
        || pipeline::encode(&small),
    )
}

/// Builds the trace of a run from its parts.
pub(crate) fn finish(
    kind: TechniqueKind,
    lanes: Vec<Lane>,
    spans: Vec<Span>,
    job: &Job,
    (start_us, end_us): (f64, f64),
    outcomes: Vec<Outcome>,
) -> RunOutput {
    RunOutput {
        trace: Trace {
            technique: kind,
            lanes,
            spans,
            tasks: job.tasks(),
            start_us,
            end_us,
        },
        outcomes,
    }
}

/// Reports a finished task, unless it was skipped by cancellation.
pub(crate) fn report(progress: &dyn Progress, task: u32, outcome: &Outcome) {
    if outcome.as_ref().err().map(String::as_str) != Some(CANCELLED) {
        progress.task_done(task, outcome.is_ok());
    }
}

#[cfg(test)]
mod tests;
