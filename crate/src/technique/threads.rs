use futures::future::LocalBoxFuture;
use rayon::prelude::*;

use super::{finish, process_task, Env, Job, RunOutput, Technique, TechniqueKind, CANCELLED};
use crate::platform::{Cancel, Clock, Progress};
use crate::trace::Lane;

/// The images spread over the current rayon pool: each thread takes whole images, and all
/// threads share one memory (in the browser: Web Workers on one shared wasm memory).
///
/// Runs in whichever pool it is called from (`ThreadPool::install`), else rayon's global pool;
/// the pool's size is the N of the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Threads;

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
        let start = clock.now_us();
        let per_task: Vec<_> = job
            .sources
            .par_iter()
            .enumerate()
            .map(|(task, src)| {
                let task = task as u32;
                if cancel.is_cancelled() {
                    return (Vec::new(), Err(CANCELLED.to_string()));
                }
                let lane = rayon::current_thread_index().unwrap_or(0) as u32;
                let mut spans = Vec::with_capacity(3);
                let out = process_task(src, &job.spec, clock, lane, task, &mut spans);
                progress.task_done(task, out.is_ok());
                (spans, out)
            })
            .collect();
        let end = clock.now_us();
        let lanes = (0..rayon::current_num_threads() as u32)
            .map(|id| Lane {
                id,
                name: format!("thread {id}"),
            })
            .collect();
        let (spans, outcomes): (Vec<_>, Vec<_>) = per_task.into_iter().unzip();
        finish(
            self.kind(),
            lanes,
            spans.concat(),
            job,
            start,
            end,
            outcomes,
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
