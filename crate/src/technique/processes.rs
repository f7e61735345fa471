use std::cell::RefCell;
use std::collections::VecDeque;

use futures::future::{join_all, select, Either, LocalBoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};

use super::awaiting::{Awaiting, Turns};
use super::stages::{fetch_span, run_task, At};
use super::{
    finish, is_cancelled, report, Env, Job, Outcome, RunOutput, Technique, TechniqueKind, CANCELLED,
};
use crate::budget::PixelBudget;
use crate::network::Gate;
use crate::trace::{Lane, Span, Stage, State};

/// What a process sends back for one task.
#[derive(Clone, Debug)]
pub struct ProcessReply {
    /// The spans the process recorded, on the shared clock (their lanes are set by the caller).
    pub spans: Vec<Span>,
    /// The thumbnail, or why the image failed: final for that image.
    pub outcome: Outcome,
    /// When the process sent the reply, µs: the message's transfer starts there.
    pub sent_us: f64,
}

/// A started process: isolated, with its own memory; work and results cross as messages.
pub trait Process {
    /// Runs task `task` inside the process, which fetches and makes the thumbnail on its own.
    /// An image that fails inside a live process is an `Ok` reply with an error outcome; `Err`
    /// means the process died (crashed, stopped answering, or answered nonsense) and is not
    /// used again.
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>>;
}

/// Starts processes (in the browser: a worker with its own wasm instance each).
pub trait Spawner {
    /// Starts process number `lane`; resolves once it can take tasks.
    fn spawn(&self, lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>>;
}

/// Processes a task may see die while it is in flight before it fails on its own: past that,
/// the image itself is the likely cause, and retrying it would take down every process.
pub const MAX_CRASHES: u32 = 2;

/// What a process does with one task: fetch (awaited), then the CPU stages. The browser's
/// process worker and the native test double both run exactly this.
pub async fn process_task(job: &Job, env: &Env<'_>, task: u32) -> ProcessReply {
    process_task_via(job, env, task, None).await
}

/// [`process_task`], taking its connection slot from `gate` (the coordinator's) when given.
pub async fn process_task_via(
    job: &Job,
    env: &Env<'_>,
    task: u32,
    gate: Option<&dyn Gate>,
) -> ProcessReply {
    let spans = RefCell::new(Vec::with_capacity(4));
    // A process keeps no state between tasks but its memory: one link and one budget per task
    // are enough, as each process has one task in flight.
    let link = job.link();
    let budget = PixelBudget::new(job.budget_px);
    let hook = Awaiting {
        gate,
        ..Awaiting::new(&link, job, env, Turns::Listen)
    };
    let at = At {
        clock: env.clock,
        lane: 0,
        task,
        spans: &spans,
    };
    let outcome = run_task(&hook, &job.spec, &budget, &at).await;
    ProcessReply {
        spans: spans.into_inner(),
        outcome,
        sent_us: env.clock.now_us(),
    }
}

/// N processes started at once, each handed the next image as soon as it is free (like a
/// process pool's `imap`). Starting a process and moving each result back are drawn as spans:
/// that is what isolation costs. A process that dies is retired (its lane says when and why)
/// and its image goes back to the front of the queue for the live ones; only when none is left
/// do the remaining images fail, with the reasons.
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
            // explain:begin processes
            let clock = env.clock;
            let start = clock.now_us();
            let started = join_all((0..self.count).map(|lane| async move {
                let t0 = clock.now_us();
                let process = self.spawner.spawn(lane).await; // explain:key
                (lane, (t0, clock.now_us()), process)
            }))
            .await;
            let mut pool = Pool::new(job.tasks());
            let mut idle = VecDeque::new();
            for (lane, startup, process) in started {
                let mut l = Lane::new(lane, &format!("process {lane}"));
                l.startup_us = Some(startup);
                pool.lanes.push(l);
                match process {
                    Ok(p) => idle.push_back((lane, p)),
                    Err(e) => pool.gone.push(format!("process {lane} did not start: {e}")),
                }
            }

            let mut running = FuturesUnordered::new();
            loop {
                while !env.cancel.is_cancelled() && !idle.is_empty() && !pool.queue.is_empty() {
                    let (Some(task), Some((lane, process))) =
                        (pool.queue.pop_front(), idle.pop_front())
                    else {
                        break;
                    };
                    running.push(async move {
                        let reply = process.run(task).await; // explain:key
                        (lane, process, task, reply)
                    });
                }
                // A cancelled run stops waiting: tasks still in processes are abandoned (the
                // caller stops the processes), even those whose reply is already in. Cancellation
                // is polled first for that reason.
                let done = match select(env.cancel.cancelled(), running.next()).await {
                    Either::Left(_) => None,
                    Either::Right((done, _)) => done,
                };
                // explain:end processes
                let Some((lane, process, task, reply)) = done else {
                    break;
                };
                match reply {
                    Ok(reply) => {
                        let outcome = pool.received(lane, task, reply, clock.now_us());
                        report(env.progress, task, &outcome);
                        pool.outcomes[task as usize] = Some(outcome);
                        idle.push_back((lane, process));
                    }
                    Err(why) => {
                        if let Some(outcome) = pool.died(lane, task, why, clock.now_us()) {
                            report(env.progress, task, &outcome);
                            pool.outcomes[task as usize] = Some(outcome);
                        }
                    }
                }
            }

            let (lanes, spans, outcomes) = pool.finish(env.cancel.is_cancelled(), clock.now_us());
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

/// The coordinator's books.
struct Pool {
    lanes: Vec<Lane>,
    spans: Vec<Span>,
    outcomes: Vec<Option<Outcome>>,
    /// Tasks not yet handed out, next first.
    queue: VecDeque<u32>,
    /// Why each task's processes died under it.
    crashes: Vec<Vec<String>>,
    /// Why each process that is gone is gone.
    gone: Vec<String>,
}

impl Pool {
    fn new(tasks: u32) -> Pool {
        Pool {
            lanes: Vec::new(),
            spans: Vec::new(),
            outcomes: vec![None; tasks as usize],
            queue: (0..tasks).collect(),
            crashes: vec![Vec::new(); tasks as usize],
            gone: Vec::new(),
        }
    }

    /// Takes in a reply: the process's spans on its lane, then the message back as a transfer.
    fn received(&mut self, lane: u32, task: u32, reply: ProcessReply, now_us: f64) -> Outcome {
        self.spans
            .extend(reply.spans.into_iter().map(|s| Span { lane, ..s }));
        self.spans.push(Span {
            lane,
            task,
            stage: Stage::Transfer,
            state: State::Blocked,
            start_us: reply.sent_us,
            end_us: now_us.max(reply.sent_us),
            error: None,
        });
        reply.outcome
    }

    /// Retires the lane of a process that died with `task` in flight, and puts the task back
    /// at the front of the queue; or fails it (returned) once it saw [`MAX_CRASHES`] die.
    fn died(&mut self, lane: u32, task: u32, why: String, now_us: f64) -> Option<Outcome> {
        let reason = format!("process {lane} died: {why}");
        if let Some(l) = self.lanes.get_mut(lane as usize) {
            l.retired = Some((now_us, why));
        }
        self.gone.push(reason.clone());
        let crashes = &mut self.crashes[task as usize];
        crashes.push(reason);
        if crashes.len() as u32 >= MAX_CRASHES {
            return Some(Err(format!(
                "{} processes died while making this image, so it is not tried again: {}",
                crashes.len(),
                crashes.join("; ")
            )));
        }
        self.queue.push_front(task);
        None
    }

    /// The lanes, spans and outcomes once no process will take more work: tasks left over are
    /// cancelled, or failed because no process is left.
    fn finish(self, cancelled: bool, now_us: f64) -> (Vec<Lane>, Vec<Span>, Vec<Outcome>) {
        let left = if cancelled {
            CANCELLED.to_string()
        } else {
            format!("no process is left to make it: {}", self.gone.join("; "))
        };
        let outcomes: Vec<Outcome> = self
            .outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(left.clone())))
            .collect();
        // A task that failed before any process recorded anything for it still shows where it
        // failed: at its fetch, as a zero-length span.
        let mut spans = self.spans;
        for (task, outcome) in (0u32..).zip(&outcomes) {
            if outcome.is_err() && !is_cancelled(outcome) && !spans.iter().any(|s| s.task == task) {
                spans.push(fetch_span(0, task, (now_us, now_us), outcome));
            }
        }
        (self.lanes, spans, outcomes)
    }
}
