use std::cell::RefCell;

use futures::future::{join_all, LocalBoxFuture};

use super::{
    fetch_async, finish, report, timed, Env, Job, Link, Outcome, RunOutput, Technique,
    TechniqueKind, CANCELLED,
};
use crate::pipeline;
use crate::trace::{Lane, Span, Stage, State};

/// Every image is a future on one thread, all started at once: their fetches are in flight
/// together (up to the connection limit) and each yields to the event loop between CPU stages,
/// so they interleave and the page stays responsive. One core does all the CPU work: on
/// CPU-bound work this is no faster than sequential; on I/O-bound work the waits overlap.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cooperative;

impl Technique for Cooperative {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Cooperative
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move {
            let start = env.clock.now_us();
            let link = job.link();
            // One thread: tasks take turns with this log, and never hold it across an await.
            let spans = RefCell::new(Vec::with_capacity(job.tasks() as usize * 4));
            let tasks = (0..job.tasks()).map(|task| run_task(task, job, env, &link, &spans));
            let outcomes = join_all(tasks).await;
            let lanes = vec![Lane::new(0, env.home)];
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

async fn run_task(
    task: u32,
    job: &Job,
    env: &Env<'_>,
    link: &Link,
    spans: &RefCell<Vec<Span>>,
) -> Outcome {
    let clock = env.clock;
    // Each `turn` gives the event loop a chance to run, then checks for cancellation.
    let turn = || async {
        env.events.yield_now().await;
        if env.cancel.is_cancelled() {
            Err(CANCELLED.to_string())
        } else {
            Ok(())
        }
    };
    let running = |stage| (stage, State::Running);
    let outcome = async {
        turn().await?;
        let bytes = fetch_async(link, job, env, 0, task, spans).await?;
        turn().await?;
        let px = timed(
            clock,
            0,
            task,
            running(Stage::Decode),
            &mut spans.borrow_mut(),
            || pipeline::decode(&bytes, &job.spec),
        )?;
        drop(bytes);
        turn().await?;
        let small = timed(
            clock,
            0,
            task,
            running(Stage::Resize),
            &mut spans.borrow_mut(),
            || pipeline::resize(&px, &job.spec),
        )?;
        drop(px);
        turn().await?;
        timed(
            clock,
            0,
            task,
            running(Stage::Encode),
            &mut spans.borrow_mut(),
            || pipeline::encode(&small),
        )
    }
    .await;
    report(env.progress, task, &outcome);
    outcome
}
