use std::cell::RefCell;

use futures::future::{join_all, LocalBoxFuture};

use super::awaiting::{Awaiting, Turns};
use super::stages::{run_task, At};
use super::{finish, report, Env, Job, RunOutput, Technique, TechniqueKind};
use crate::budget::PixelBudget;
use crate::trace::Lane;

/// Every image is a future on one thread, all started at once: their fetches are in flight
/// together (up to the connection limit) and each yields to the event loop before every stage,
/// so they interleave and the page stays responsive. One core does all the CPU work: on
/// CPU-bound work this is no faster than sequential; on I/O-bound work the waits overlap.
/// Tasks hold their decoded pixels across yields, so the run's pixel budget may make some wait.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cooperative;

impl Technique for Cooperative {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Cooperative
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move {
            // explain:begin cooperative
            let start = env.clock.now_us();
            let link = job.link();
            let budget = PixelBudget::new(job.budget_px);
            let hook = Awaiting::new(&link, job, env, Turns::EveryStage); // explain:key

            // One thread: tasks take turns with this log, and never hold it across an await.
            let spans = RefCell::new(Vec::with_capacity(job.tasks() as usize * 4));
            let tasks = (0..job.tasks()).map(|task| {
                let (hook, budget, spans) = (&hook, &budget, &spans);
                async move {
                    let at = At {
                        clock: env.clock,
                        lane: 0,
                        task,
                        spans,
                    };
                    let outcome = run_task(hook, &job.spec, budget, &at).await;
                    report(env.progress, task, &outcome);
                    outcome
                }
            });
            let outcomes = join_all(tasks).await; // explain:key
            let lanes = vec![Lane::new(0, env.home)];
            // explain:end cooperative
            let end = env.clock.now_us();
            finish(
                self.kind(),
                lanes,
                spans.into_inner(),
                job,
                (start, end),
                outcomes,
            )
        })
    }
}
