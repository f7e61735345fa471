use std::cell::RefCell;

use futures::future::LocalBoxFuture;

use super::awaiting::{Awaiting, Turns};
use super::stages::{run_task, At};
use super::{finish, report, Env, Job, RunOutput, Technique, TechniqueKind};
use crate::budget::PixelBudget;
use crate::trace::Lane;

/// One image after another on the calling thread: fetch (awaited, one request at a time), then
/// the CPU stages without a pause. In a worker it is the fair single-core baseline; on a page's
/// main thread ([`Sequential::ON_MAIN`]) the page freezes during every CPU stretch.
#[derive(Clone, Copy, Debug)]
pub struct Sequential {
    on_main: bool,
}

impl Sequential {
    /// Sequential in a worker.
    pub const IN_WORKER: Sequential = Sequential { on_main: false };
    /// Sequential on the page's main thread.
    pub const ON_MAIN: Sequential = Sequential { on_main: true };
}

impl Technique for Sequential {
    fn kind(&self) -> TechniqueKind {
        if self.on_main {
            TechniqueKind::SequentialMain
        } else {
            TechniqueKind::Sequential
        }
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move {
            // explain:begin sequential
            let start = env.clock.now_us();
            let link = job.link();
            let budget = PixelBudget::new(job.budget_px);
            // On the main thread nothing can be heard mid-task anyway; in a worker, a turn
            // between bands lets a cancel message in.
            let turns = if self.on_main {
                Turns::Never
            } else {
                Turns::Listen
            };
            let hook = Awaiting::new(&link, job, env, turns);
            let spans = RefCell::new(Vec::with_capacity(job.tasks() as usize * 4));
            let mut outcomes = Vec::with_capacity(job.tasks() as usize);
            // explain:key
            for task in 0..job.tasks() {
                let at = At {
                    clock: env.clock,
                    lane: 0,
                    task,
                    spans: &spans,
                };
                let outcome = run_task(&hook, &job.spec, &budget, &at).await; // explain:key
                report(env.progress, task, &outcome);
                outcomes.push(outcome);
            }
            // explain:end sequential
            let lanes = vec![Lane::new(0, env.home)];
            finish(
                self.kind(),
                lanes,
                spans.into_inner(),
                job,
                (start, env.clock.now_us()),
                outcomes,
            )
        })
    }
}
