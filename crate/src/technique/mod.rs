//! The techniques: one type each, behind [`Technique`].
//!
//! Every technique runs the same [`Job`] through the same pipeline functions and records a
//! [`Trace`]; they differ only in where the stages run and how they wait.

mod cooperative;
mod sequential;
#[cfg(feature = "threads")]
mod threads;

pub use cooperative::Cooperative;
pub use sequential::Sequential;
#[cfg(feature = "threads")]
pub use threads::Threads;

use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

use crate::pipeline::{self, PipelineError, ThumbSpec, Thumbnail};
use crate::platform::{Cancel, Clock, Progress, Yielder};
use crate::trace::{Lane, Span, Stage, State, Trace};

/// The techniques the product knows, as named in URLs and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechniqueKind {
    /// One image after another, on one thread.
    Sequential,
    /// A rayon pool: one image per thread at a time, on shared memory.
    Threads,
    /// Futures on one thread, yielding to the event loop between stages.
    Cooperative,
}

impl TechniqueKind {
    /// Every technique, in the order the page shows them.
    pub const ALL: [TechniqueKind; 3] = [
        TechniqueKind::Sequential,
        TechniqueKind::Threads,
        TechniqueKind::Cooperative,
    ];

    /// The id used in URLs, test ids and exports.
    pub fn id(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "sequential",
            TechniqueKind::Threads => "threads",
            TechniqueKind::Cooperative => "cooperative",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "Sequential",
            TechniqueKind::Threads => "Threads",
            TechniqueKind::Cooperative => "Cooperative tasks",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// The work: source images and what to make of them.
#[derive(Clone, Debug)]
pub struct Job {
    /// The encoded source images, one task each.
    pub sources: Vec<Vec<u8>>,
    /// The thumbnail to make of each.
    pub spec: ThumbSpec,
}

impl Job {
    /// Number of tasks.
    pub fn tasks(&self) -> u32 {
        self.sources.len() as u32
    }
}

/// The platform a run uses.
pub struct Env<'a> {
    /// Shared clock of every lane.
    pub clock: &'a dyn Clock,
    /// How cooperative tasks give the event loop a turn.
    pub yielder: &'a dyn Yielder,
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

/// Runs `f` as one stage of `task` on `lane`, recording its span (with the error, if it fails).
pub(crate) fn timed<T>(
    clock: &dyn Clock,
    lane: u32,
    task: u32,
    stage: Stage,
    spans: &mut Vec<Span>,
    f: impl FnOnce() -> Result<T, PipelineError>,
) -> Result<T, String> {
    let start_us = clock.now_us();
    let result = f().map_err(|e| e.to_string());
    spans.push(Span {
        lane,
        task,
        stage,
        state: State::Running,
        start_us,
        end_us: clock.now_us(),
        error: result.as_ref().err().cloned(),
    });
    result
}

/// Runs every stage of one task without pausing, on the calling thread.
pub(crate) fn process_task(
    src: &[u8],
    spec: &ThumbSpec,
    clock: &dyn Clock,
    lane: u32,
    task: u32,
    spans: &mut Vec<Span>,
) -> Outcome {
    let px = timed(clock, lane, task, Stage::Decode, spans, || {
        pipeline::decode(src)
    })?;
    let small = timed(clock, lane, task, Stage::Resize, spans, || {
        pipeline::resize(&px, spec)
    })?;
    drop(px);
    timed(clock, lane, task, Stage::Encode, spans, || {
        pipeline::encode(&small)
    })
}

/// Builds the trace of a run from its parts.
pub(crate) fn finish(
    kind: TechniqueKind,
    lanes: Vec<Lane>,
    spans: Vec<Span>,
    job: &Job,
    start_us: f64,
    end_us: f64,
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

#[cfg(test)]
mod tests;
