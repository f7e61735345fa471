use std::cell::RefCell;

use futures::future::{join_all, LocalBoxFuture};

use super::{finish, timed, Env, Job, Outcome, RunOutput, Technique, TechniqueKind, CANCELLED};
use crate::pipeline;
use crate::trace::{Lane, Span, Stage};

/// Every image is a future on one thread; all are started at once and each yields to the event
/// loop between stages, so they interleave and the page stays responsive. One core does all the
/// CPU work: on CPU-bound work this is no faster than sequential.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cooperative;

impl Technique for Cooperative {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Cooperative
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move {
            let start = env.clock.now_us();
            // One thread: tasks take turns with this log, and never hold it across an await.
            let spans = RefCell::new(Vec::with_capacity(job.sources.len() * 3));
            let tasks = job
                .sources
                .iter()
                .zip(0u32..)
                .map(|(src, task)| run_task(src, task, job, env, &spans));
            let outcomes = join_all(tasks).await;
            let lanes = vec![Lane {
                id: 0,
                name: env.home.to_string(),
            }];
            let end = env.clock.now_us();
            finish(
                self.kind(),
                lanes,
                spans.into_inner(),
                job,
                start,
                end,
                outcomes,
            )
        })
    }
}

async fn run_task(
    src: &[u8],
    task: u32,
    job: &Job,
    env: &Env<'_>,
    spans: &RefCell<Vec<Span>>,
) -> Outcome {
    let clock = env.clock;
    // Each `turn` gives the event loop a chance to run (first of all, so that starting every
    // task is cheap and their first stages interleave), then checks for cancellation.
    let turn = || async {
        env.yielder.yield_now().await;
        if env.cancel.is_cancelled() {
            Err(CANCELLED.to_string())
        } else {
            Ok(())
        }
    };
    let result = async {
        turn().await?;
        let px = timed(
            clock,
            0,
            task,
            Stage::Decode,
            &mut spans.borrow_mut(),
            || pipeline::decode(src),
        )?;
        turn().await?;
        let small = timed(
            clock,
            0,
            task,
            Stage::Resize,
            &mut spans.borrow_mut(),
            || pipeline::resize(&px, &job.spec),
        )?;
        drop(px);
        turn().await?;
        timed(
            clock,
            0,
            task,
            Stage::Encode,
            &mut spans.borrow_mut(),
            || pipeline::encode(&small),
        )
    }
    .await;
    if result.as_ref().err().map(String::as_str) != Some(CANCELLED) {
        env.progress.task_done(task, result.is_ok());
    }
    result
}
