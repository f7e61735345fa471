//! The techniques: one type each, behind [`Technique`].
//!
//! Every technique runs the same [`Job`] through the same stage path (`stages.rs`) and records a
//! [`Trace`]; they differ only in where the stages run, how they wait for I/O, and what their
//! hook does around each stage.
//!
//! **Cancellation.** Setting the run's [`Cancel`] stops every task at its next stage boundary,
//! or between two bands of a long stage (the encode): the run returns within about one band
//! (a few ms), except on a page's main thread, which hears the cancel only between stages. A task that
//! stopped, started or not, ends with the [`CANCELLED`] outcome, is not reported as done, and is
//! listed in [`Trace::cancelled`]; its spans are those of the stages it ran.

mod awaiting;
mod cooperative;
mod grain;
#[cfg(feature = "threads")]
mod lock;
#[cfg(feature = "threads")]
mod parallel;
mod processes;
mod sequential;
mod stages;

pub use crate::kind::TechniqueKind;
pub use cooperative::Cooperative;
pub use grain::{Grain, DEFAULT_INTERVAL_MS, DEFAULT_ROWS, INTERVAL_MS, ROWS};
#[cfg(feature = "threads")]
pub use parallel::{Gil, Threads};
pub use processes::{
    process_task, process_task_via, Process, ProcessReply, Processes, Spawner, MAX_CRASHES,
};
pub use sequential::Sequential;

use std::sync::Arc;

use futures::future::LocalBoxFuture;

use crate::budget::DEFAULT_BUDGET_PX;
use crate::network::{Link, Network};
use crate::pipeline::{ThumbSpec, Thumbnail};
use crate::platform::{Cancel, Clock, EventLoop, Progress, Source};
use crate::trace::{Lane, Span, Stage, Trace};

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
    /// Decoded pixels the run's tasks may hold at once (see [`crate::budget`]); an image larger
    /// than this fails.
    pub budget_px: u64,
    /// Where cooperative tasks yield and the global lock may change hands inside stages.
    pub grain: Grain,
    /// How long a thread holds the global lock before it gives it to a waiting thread at the
    /// next point the grain allows, ms (CPython's `sys.setswitchinterval`).
    pub switch_interval_ms: u32,
}

impl Job {
    /// A job with the default memory budget ([`DEFAULT_BUDGET_PX`]), giving way between
    /// stages only.
    pub fn new(source: Arc<dyn Source>, spec: ThumbSpec, network: Network, seed: u64) -> Job {
        Job {
            source,
            spec,
            network,
            seed,
            budget_px: DEFAULT_BUDGET_PX,
            grain: Grain::Stage,
            switch_interval_ms: DEFAULT_INTERVAL_MS,
        }
    }

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

pub use crate::platform::CANCELLED;

/// Which engine build this is, as recorded in [`Trace::build`]: "threaded" (wasm with atomics),
/// "plain" (wasm without) or "native".
pub const BUILD: &str = if cfg!(not(target_arch = "wasm32")) {
    "native"
} else if cfg!(target_feature = "atomics") {
    "threaded"
} else {
    "plain"
};

/// Builds the trace of a run from its parts.
pub(crate) fn finish(
    kind: TechniqueKind,
    lanes: Vec<Lane>,
    spans: Vec<Span>,
    job: &Job,
    (start_us, end_us): (f64, f64),
    outcomes: Vec<Outcome>,
) -> RunOutput {
    let cancelled = (0u32..)
        .zip(&outcomes)
        .filter(|(_, o)| is_cancelled(o))
        .map(|(task, _)| task)
        .collect();
    RunOutput {
        trace: Trace {
            technique: kind,
            lanes,
            spans,
            tasks: job.tasks(),
            start_us,
            end_us,
            cancelled,
            build: Some(BUILD.to_string()),
        },
        outcomes,
    }
}

/// Whether the task was stopped by cancellation.
pub(crate) fn is_cancelled(outcome: &Outcome) -> bool {
    outcome.as_ref().err().map(String::as_str) == Some(CANCELLED)
}

/// Reports a finished task, unless it was stopped by cancellation.
pub(crate) fn report(progress: &dyn Progress, task: u32, outcome: &Outcome) {
    if !is_cancelled(outcome) {
        progress.task_done(task, outcome.is_ok());
    }
}

#[cfg(test)]
mod tests;
