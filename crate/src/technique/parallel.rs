use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use futures::future::LocalBoxFuture;
use rayon::prelude::*;

use super::lock::{GlobalLock, Holding};
use super::stages::{run_task, At, Hook};
use super::{
    finish, report, Env, Grain, Job, Outcome, RunOutput, Technique, TechniqueKind, CANCELLED,
};
use crate::budget::{BudgetError, PixelBudget, Reservation};
use crate::network::Link;
use crate::platform::{Cancel, Clock, Progress, Source};
use crate::trace::{Lane, Span, Stage, State};

/// The images spread over the current rayon pool: each thread takes whole images, blocks in its
/// own fetch, and all threads share one memory (in the browser: Web Workers on one shared wasm
/// memory). Runs in whichever pool it is called from (`ThreadPool::install`), else rayon's
/// global pool; the pool's size is the N of the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Threads;

/// [`Threads`] with one global lock, held during each CPU stage and released during I/O, as
/// CPython's GIL is: waits for I/O still overlap, CPU work never does. Waiting for the lock is
/// recorded as *ready*. At a grain inside stages ([`Job::grain`]) a thread that has held the
/// lock for the switch interval ([`Job::switch_interval_ms`]) hands it to a waiting thread at
/// the next strip or band, as CPython does every `sys.getswitchinterval()`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gil;

impl Threads {
    /// The whole run; blocks the calling thread until every task is done. Never call this on a
    /// browser's main thread: it cannot block.
    pub fn run_sync(
        &self,
        job: &Job,
        clock: &dyn Clock,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> RunOutput {
        run_pool(TechniqueKind::Threads, job, clock, progress, cancel, None)
    }
}

impl Gil {
    /// The whole run, blocking like [`Threads::run_sync`].
    pub fn run_sync(
        &self,
        job: &Job,
        clock: &dyn Clock,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> RunOutput {
        let lock = GlobalLock::default();
        run_pool(
            TechniqueKind::Gil,
            job,
            clock,
            progress,
            cancel,
            Some(&lock),
        )
    }
}

impl Technique for Threads {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Threads
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move { self.run_sync(job, env.clock, env.progress, env.cancel) })
    }
}

impl Technique for Gil {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Gil
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move { self.run_sync(job, env.clock, env.progress, env.cancel) })
    }
}

fn run_pool(
    kind: TechniqueKind,
    job: &Job,
    clock: &dyn Clock,
    progress: &dyn Progress,
    cancel: &Cancel,
    gil: Option<&GlobalLock>,
) -> RunOutput {
    // explain:begin threads
    let start = clock.now_us();
    let link = job.link();
    let budget = PixelBudget::new(job.budget_px);
    let hook = Blocking {
        link: &link,
        source: job.source.as_ref(),
        clock,
        cancel,
        gil,
        grain: job.grain,
        interval_us: f64::from(job.switch_interval_ms) * 1000.0,
    };
    let per_task: Vec<(Vec<Span>, Outcome)> = (0..job.tasks())
        .into_par_iter() // explain:key
        .map(|task| {
            let spans = RefCell::new(Vec::with_capacity(4));
            let at = At {
                clock,
                lane: rayon::current_thread_index().unwrap_or(0) as u32,
                task,
                spans: &spans,
            };
            let outcome = complete(run_task(&hook, &job.spec, &budget, &at)); // explain:key
            report(progress, task, &outcome);
            (spans.into_inner(), outcome)
        })
        .collect();
    // explain:end threads
    let end = clock.now_us();
    let lanes = (0..rayon::current_num_threads() as u32)
        .map(|id| Lane::new(id, &format!("thread {id}")))
        .collect();
    let (spans, outcomes): (Vec<_>, Vec<_>) = per_task.into_iter().unzip();
    finish(kind, lanes, spans.concat(), job, (start, end), outcomes)
}

/// Runs a future whose waits all block instead of pending (the path under [`Blocking`]) on the
/// calling thread. Not `block_on`: a rayon thread may already be inside an executor (one
/// running the whole technique), and executors refuse to nest.
fn complete<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        // Unreachable with a blocking hook; should a future pend anyway, keep polling rather
        // than lose the task.
        std::thread::yield_now();
    }
}

/// The hook of threads that block: in their fetch, on the budget, and (under a global lock)
/// on the lock, which is held during each CPU stage and released during I/O.
struct Blocking<'a> {
    /// The run's connections.
    pub link: &'a Link,
    /// The images.
    pub source: &'a dyn Source,
    /// The run's clock.
    pub clock: &'a dyn Clock,
    /// Checked before every stage.
    pub cancel: &'a Cancel,
    /// The global lock, if any.
    pub gil: Option<&'a GlobalLock>,
    /// Where the lock may change hands inside a stage.
    pub grain: Grain,
    /// The lock's switch interval, µs.
    pub interval_us: f64,
}

impl Hook for Blocking<'_> {
    type Held<'h>
        = Option<Holding<'h>>
    where
        Self: 'h;

    // explain:begin gil
    async fn enter(&self, stage: Stage, at: &At<'_>) -> Result<Self::Held<'_>, String> {
        if self.cancel.is_cancelled() {
            return Err(CANCELLED.to_string());
        }
        // explain:key
        let Some(lock) = self.gil.filter(|_| stage.is_cpu()) else {
            return Ok(None);
        };
        let start_us = at.clock.now_us();
        let (holding, waited) = lock.acquire(at.clock); // explain:key
        if waited {
            at.push(stage, State::Ready, start_us, None);
        }
        // A cancel may have come while this thread waited for the lock.
        if self.cancel.is_cancelled() {
            return Err(CANCELLED.to_string());
        }
        Ok(Some(holding))
    }

    async fn between(&self, stage: Stage, at: &At<'_>, start_us: &mut f64) -> Result<(), String> {
        // The switch interval: held long enough while another thread waits, give it up.
        let lock = self.gil.filter(|_| self.grain.within_stages());
        // explain:key
        if let Some(paused_us) = lock.and_then(|l| l.offer(at.clock, self.interval_us)) {
            at.gave_way(stage, start_us, paused_us);
        }
        if self.cancel.is_cancelled() {
            return Err(CANCELLED.to_string());
        }
        Ok(())
    }

    async fn fetch(&self, at: &At<'_>) -> (Result<Vec<u8>, String>, f64, f64) {
        self.link
            .fetch_blocking(self.source, at.task, self.clock, self.cancel) // explain:key
    }
    // explain:end gil

    fn grain(&self) -> Grain {
        if self.gil.is_some() {
            self.grain
        } else {
            Grain::Stage
        }
    }

    async fn reserve<'b>(
        &self,
        budget: &'b PixelBudget,
        px: u64,
    ) -> Result<Reservation<'b>, BudgetError> {
        budget.reserve_blocking(px, self.cancel)
    }
}
