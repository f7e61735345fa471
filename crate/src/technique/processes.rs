use std::cell::{Cell, RefCell};

use futures::future::{join_all, LocalBoxFuture};

use super::{
    fetch_span, fetch_then_cpu, finish, report, Env, Job, Outcome, RunOutput, Technique,
    TechniqueKind, CANCELLED,
};
use crate::trace::{Lane, Span, Stage, State};

/// What a process sends back for one task.
#[derive(Clone, Debug)]
pub struct ProcessReply {
    /// The spans the process recorded, on the shared clock (their lanes are set by the caller).
    pub spans: Vec<Span>,
    /// The thumbnail, or why the image failed.
    pub outcome: Outcome,
    /// When the process sent the reply, µs: the message's transfer starts there.
    pub sent_us: f64,
}

/// A started process: isolated, with its own memory; work and results cross as messages.
pub trait Process {
    /// Runs task `task` inside the process, which fetches and makes the thumbnail on its own.
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>>;
}

/// Starts processes (in the browser: a worker with its own wasm instance each).
pub trait Spawner {
    /// Starts process number `lane`; resolves once it can take tasks.
    fn spawn(&self, lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>>;
}

/// What a process does with one task: fetch (awaited), then the CPU stages. The browser's
/// process worker and the native test double both run exactly this.
pub async fn process_task(job: &Job, env: &Env<'_>, task: u32) -> ProcessReply {
    let spans = RefCell::new(Vec::with_capacity(4));
    // A process keeps no state between tasks but its memory: one link per task is enough, as
    // each process has one task in flight.
    let link = job.link();
    let outcome = fetch_then_cpu(&link, job, env, 0, task, &spans).await;
    ProcessReply {
        spans: spans.into_inner(),
        outcome,
        sent_us: env.clock.now_us(),
    }
}

/// N processes started at once, each handed the next image as soon as it is free (like a
/// process pool's `imap`). Starting a process and moving each result back are drawn as spans:
/// that is what isolation costs.
pub struct Processes<'s> {
    spawner: &'s dyn Spawner,
    count: u32,
}

impl<'s> Processes<'s> {
    /// `count` processes from `spawner`.
    pub fn new(spawner: &'s dyn Spawner, count: u32) -> Self {
        Processes {
            spawner,
            count: count.max(1),
        }
    }
}

impl Technique for Processes<'_> {
    fn kind(&self) -> TechniqueKind {
        TechniqueKind::Processes
    }

    fn run<'a>(&'a self, job: &'a Job, env: &'a Env<'a>) -> LocalBoxFuture<'a, RunOutput> {
        Box::pin(async move {
            let clock = env.clock;
            let start = clock.now_us();
            let started = join_all((0..self.count).map(|lane| async move {
                let t0 = clock.now_us();
                let process = self.spawner.spawn(lane).await;
                (lane, (t0, clock.now_us()), process)
            }))
            .await;

            let tasks = job.tasks();
            let next = Cell::new(0u32);
            let spans = RefCell::new(Vec::new());
            let outcomes: RefCell<Vec<Option<Outcome>>> = RefCell::new(vec![None; tasks as usize]);
            let mut lanes = Vec::new();
            let mut failures = Vec::new();
            let mut live = Vec::new();
            for (lane, startup, process) in started {
                let mut l = Lane::new(lane, &format!("process {lane}"));
                l.startup_us = Some(startup);
                lanes.push(l);
                match process {
                    Ok(p) => live.push((lane, p)),
                    Err(e) => failures.push(format!("process {lane} did not start: {e}")),
                }
            }
            join_all(live.iter().map(|(lane, process)| {
                let (spans, outcomes, next) = (&spans, &outcomes, &next);
                async move {
                    while next.get() < tasks {
                        let task = next.get();
                        next.set(task + 1);
                        let outcome = if env.cancel.is_cancelled() {
                            Err(CANCELLED.to_string())
                        } else {
                            match process.run(task).await {
                                Ok(reply) => {
                                    let mut spans = spans.borrow_mut();
                                    spans.extend(
                                        reply.spans.into_iter().map(|s| Span { lane: *lane, ..s }),
                                    );
                                    spans.push(Span {
                                        lane: *lane,
                                        task,
                                        stage: Stage::Transfer,
                                        state: State::Blocked,
                                        start_us: reply.sent_us,
                                        end_us: clock.now_us().max(reply.sent_us),
                                        error: None,
                                    });
                                    reply.outcome
                                }
                                Err(e) => Err(format!("process {lane} failed: {e}")),
                            }
                        };
                        report(env.progress, task, &outcome);
                        outcomes.borrow_mut()[task as usize] = Some(outcome);
                    }
                }
            }))
            .await;

            let reason = failures.join("; ");
            let outcomes: Vec<Outcome> = outcomes
                .into_inner()
                .into_iter()
                .map(|o| o.unwrap_or_else(|| Err(reason.clone())))
                .collect();
            // A task that failed before its process recorded anything (the process died or
            // never started) still shows where it failed: at its fetch, as a zero-length span.
            let mut spans = spans.into_inner();
            let now = clock.now_us();
            for (task, outcome) in (0u32..).zip(&outcomes) {
                if outcome.as_ref().is_err_and(|e| e != CANCELLED)
                    && !spans.iter().any(|s| s.task == task)
                {
                    spans.push(fetch_span(0, task, (now, now), outcome));
                }
            }
            finish(
                self.kind(),
                lanes,
                spans,
                job,
                (start, clock.now_us()),
                outcomes,
            )
        })
    }
}
