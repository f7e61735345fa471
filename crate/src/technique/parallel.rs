use std::sync::Mutex;

use futures::future::LocalBoxFuture;
use rayon::prelude::*;

use super::{
    fetch_span, finish, report, timed, Env, Job, Outcome, RunOutput, Technique, TechniqueKind,
    CANCELLED,
};
use crate::pipeline;
use crate::platform::{Cancel, Clock, Progress};
use crate::trace::{Lane, Span, Stage, State};

/// The images spread over the current rayon pool: each thread takes whole images, blocks in its
/// own fetch, and all threads share one memory (in the browser: Web Workers on one shared wasm
/// memory). Runs in whichever pool it is called from (`ThreadPool::install`), else rayon's
/// global pool; the pool's size is the N of the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Threads;

/// [`Threads`] with one global lock, held during each CPU stage and released during I/O, as
/// CPython's GIL is: waits for I/O still overlap, CPU work never does. Waiting for the lock is
/// recorded as *ready*.
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
        let lock = Mutex::new(());
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
    gil: Option<&Mutex<()>>,
) -> RunOutput {
    let start = clock.now_us();
    let link = job.link();
    let per_task: Vec<(Vec<Span>, Outcome)> = (0..job.tasks())
        .into_par_iter()
        .map(|task| {
            let mut spans = Vec::with_capacity(4);
            if cancel.is_cancelled() {
                return (spans, Err(CANCELLED.to_string()));
            }
            let lane = rayon::current_thread_index().unwrap_or(0) as u32;
            let (fetched, start_us, end_us) = link.fetch_blocking(job.source.as_ref(), task, clock);
            spans.push(fetch_span(lane, task, (start_us, end_us), &fetched));
            let outcome = fetched.and_then(|bytes| {
                let px = stage(clock, lane, task, Stage::Decode, &mut spans, gil, || {
                    pipeline::decode(&bytes, &job.spec)
                })?;
                let small = stage(clock, lane, task, Stage::Resize, &mut spans, gil, || {
                    pipeline::resize(&px, &job.spec)
                })?;
                drop(px);
                stage(clock, lane, task, Stage::Encode, &mut spans, gil, || {
                    pipeline::encode(&small)
                })
            });
            report(progress, task, &outcome);
            (spans, outcome)
        })
        .collect();
    let end = clock.now_us();
    let lanes = (0..rayon::current_num_threads() as u32)
        .map(|id| Lane::new(id, &format!("thread {id}")))
        .collect();
    let (spans, outcomes): (Vec<_>, Vec<_>) = per_task.into_iter().unzip();
    finish(kind, lanes, spans.concat(), job, (start, end), outcomes)
}

/// One CPU stage; under a global lock, the wait for it is a *ready* span before the stage.
fn stage<T, E: std::fmt::Display>(
    clock: &dyn Clock,
    lane: u32,
    task: u32,
    stage: Stage,
    spans: &mut Vec<Span>,
    gil: Option<&Mutex<()>>,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, String> {
    let _held = gil.map(|lock| {
        let start_us = clock.now_us();
        // A panic while holding the lock poisons it; the lock guards no data, so go on.
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let end_us = clock.now_us();
        if end_us > start_us {
            spans.push(Span {
                lane,
                task,
                stage,
                state: State::Ready,
                start_us,
                end_us,
                error: None,
            });
        }
        guard
    });
    timed(clock, lane, task, (stage, State::Running), spans, f)
}
