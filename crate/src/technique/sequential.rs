use futures::future::LocalBoxFuture;

use super::{
    finish, process_task, Env, Job, Outcome, RunOutput, Technique, TechniqueKind, CANCELLED,
};
use crate::platform::{Cancel, Clock, Progress};
use crate::trace::Lane;

/// One image after another on the calling thread. Never yields: on a page's main thread the page
/// freezes until it is done; in a worker it is the fair single-core baseline.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

impl Sequential {
    /// The whole run, synchronously.
    pub fn run_sync(
        &self,
        job: &Job,
        clock: &dyn Clock,
        progress: &dyn Progress,
        cancel: &Cancel,
        home: &str,
    ) -> RunOutput {
        let start = clock.now_us();
        let mut spans = Vec::with_capacity(job.sources.len() * 3);
        let outcomes: Vec<Outcome> = job
            .sources
            .iter()
            .zip(0u32..)
            .map(|(src, task)| {
                if cancel.is_cancelled() {
                    return Err(CANCELLED.to_string());
                }
                let out = process_task(src, &job.spec, clock, 0, task, &mut spans);
                progress.task_done(task, out.is_ok());
                out
            })
            .collect();
        let lanes = vec![Lane {
            id: 0,
            name: home.to_string(),
        }];
        finish(
            self.kind(),
            lanes,
            spans,
            job,
            start,
            clock.now_us(),
            outcomes,
        )
    }
}

impl Technique for Sequential {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Sequential
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move { self.run_sync(job, env.clock, env.progress, env.cancel, env.home) })
    }
}
