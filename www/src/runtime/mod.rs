//! Runs techniques where they belong ([`place`] is the one place that says where), one after
//! another so that they never compete for cores, and stops them when asked.

pub mod browser;
pub mod canvas;
pub mod clipboard;
mod engine;
mod frames;
pub mod isolation;
mod main_thread;
mod processes;
pub mod replay;
pub mod signal;
mod sweep;
pub mod workers;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use interleave::config::Config;
use interleave::measure::MemoryUse;
use interleave::platform::Cancel;
use interleave::technique::{Job, TechniqueKind, STAGES};
use interleave_web::protocol::{Fault, Images};
use yew::UseReducerDispatcher;

use crate::state::{Action, RunStatus, State};
use signal::Signal;
use workers::{Deadline, WorkerBridge};

/// Where a technique runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The page's own thread, in an engine build loaded on the page (the workers' build).
    MainThread,
    /// The engine worker's own thread, in the engine worker's build.
    EngineWorker,
    /// The rayon pool of the engine worker (threaded build only).
    Pool,
    /// N process workers, each an instance of its own (no rayon pool).
    ProcessWorkers,
}

/// Where each technique runs: the one place that says so.
pub fn place(kind: TechniqueKind) -> Place {
    match kind {
        TechniqueKind::Sequential => Place::EngineWorker,
        TechniqueKind::SequentialMain | TechniqueKind::Cooperative => Place::MainThread,
        TechniqueKind::Threads | TechniqueKind::Gil => Place::Pool,
        TechniqueKind::Processes => Place::ProcessWorkers,
    }
}

/// How a run is stopped: the signal reaches requests to workers, the flag the techniques on
/// this thread (checked between stages).
#[derive(Default)]
pub struct Stop {
    signal: Signal,
    cancel: Cancel,
}

impl Stop {
    fn fired(&self) -> bool {
        self.signal.fired()
    }
}

/// What survives between runs: the engine worker (and its rayon pool), the engine instance on
/// the page's thread, whether each has run its code once, and the run in progress.
#[derive(Default)]
pub struct Runtime {
    engine: RefCell<Option<Rc<WorkerBridge>>>,
    engine_warm: Cell<bool>,
    page: RefCell<Option<Rc<WorkerBridge>>>,
    page_warm: Cell<bool>,
    /// Engine instances loaded on the page so far (each crash loads a fresh one).
    page_instances: Cell<u32>,
    stop: RefCell<Option<Rc<Stop>>>,
    fault: Cell<Option<(TechniqueKind, bool)>>,
}

/// What a run does: the configured techniques, the N sweep, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Every configured technique, `repeats` times.
    pub techniques: bool,
    /// Threads and processes at every N (after the techniques).
    pub sweep: bool,
}

/// The batch every run of a session works on.
struct Batch {
    /// The images (URLs, or the user's files read into memory).
    images: Images,
    /// The first few, for warm-ups.
    warm_up: Images,
    /// The work, for the processes' coordinator on this thread.
    job: Job,
    /// How long a worker may stay silent.
    deadline: Deadline,
}

/// Images of the untimed warm-up run.
const WARM_UP_IMAGES: usize = 2;

type Dispatch = UseReducerDispatcher<State>;

/// Test-only switch (`?fault=<technique>` or `?fault=<technique>:hang`, read once at start-up):
/// in the next run, that technique's worker code panics (or spins for ever, so the worker stops
/// answering) at its first image, so that end-to-end tests can check that every kind of
/// worker's death or silence is survived. Not part of the configuration or the link.
fn fault_from_query() -> Option<(TechniqueKind, bool)> {
    let query = browser::query();
    let (_, value) = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == "fault")?;
    let (id, hang) = match value.strip_suffix(":hang") {
        Some(id) => (id.to_string(), true),
        None => (value.to_string(), false),
    };
    TechniqueKind::from_id(&id).map(|kind| (kind, hang))
}

/// The longest a worker may stay silent, derived from the work: the slowest request, queued
/// behind the others for a connection, plus time for the CPU stages of a very large image.
pub fn deadline(config: &Config, tasks: u32) -> Deadline {
    const CPU_ALLOWANCE_MS: f64 = 20_000.0;
    const LARGEST_FILE_BYTES: usize = 16 << 20;
    let n = config.network;
    let transfer = n.delay_ms(0, 0, LARGEST_FILE_BYTES) - n.delay_ms(0, 0, 0);
    let slowest = f64::from(n.latency_ms + n.jitter_ms) + transfer;
    let queue = f64::from(tasks.div_ceil(n.connections.max(1)));
    Deadline {
        silence_ms: CPU_ALLOWANCE_MS + slowest * queue,
    }
}

impl Runtime {
    /// A runtime with no worker started yet.
    pub fn new() -> Runtime {
        Runtime {
            fault: Cell::new(fault_from_query()),
            ..Runtime::default()
        }
    }

    /// The test-only fault for `kind` in this run: a panic or a hang at image 0.
    fn fault_for(&self, kind: TechniqueKind) -> Option<Fault> {
        match self.fault.get() {
            Some((k, hang)) if k == kind => Some(Fault { task: 0, hang }),
            _ => None,
        }
    }

    /// Asks the run in progress to stop: every lane stops at its next stage boundary or band; what is
    /// done is kept and marked cancelled.
    pub fn cancel(&self) {
        if let Some(stop) = self.stop.borrow().as_ref() {
            stop.signal.fire();
            stop.cancel.cancel();
        }
    }

    /// Runs what `plan` says (every configured technique, the N sweep, or both), reporting
    /// through `dispatch`.
    pub async fn run(&self, state: Rc<State>, dispatch: Dispatch, plan: Plan) {
        let stop = Rc::new(Stop::default());
        *self.stop.borrow_mut() = Some(stop.clone());
        let batch = self.prepare(&state, plan, &stop).await;
        dispatch.dispatch(Action::Started);
        if plan.techniques {
            self.rounds(&state, &batch, &dispatch, &stop).await;
        }
        if plan.sweep && !stop.fired() {
            self.sweep(&state, &batch, &dispatch, &stop).await;
        }
        self.fault.set(None);
        self.stop.borrow_mut().take();
        dispatch.dispatch(if stop.fired() {
            Action::Cancelled
        } else {
            Action::AllDone
        });
    }

    /// The batch, read before anything is timed, and the engine on this thread loaded and warm
    /// if a technique will run there.
    async fn prepare(&self, state: &State, plan: Plan, stop: &Stop) -> Batch {
        let config = &state.config;
        // Own files are read before anything is timed.
        let images = if state.own.is_empty() {
            let urls = state
                .sample_paths()
                .iter()
                .map(|p| browser::absolute(p))
                .collect();
            Images::Urls { urls }
        } else {
            browser::read_files(&state.own).await
        };
        let total = images.len() as u32;
        let job = config.schedule(Job::new(
            images.clone().source(),
            config.thumb_spec(),
            config.network,
            config.seed,
        ));
        let deadline = deadline(config, total);
        // wasm starts in a baseline compiler and is optimised once hot: an untimed warm-up run in
        // each engine that measures (the worker, the instance on the page) keeps that out of the
        // comparison (new processes start cold: that is part of their cost).
        let warm_up = images.head(WARM_UP_IMAGES);
        // The engine on this thread freezes the page while it warms up: done here, before any
        // technique's frames are watched, it is charged to none. A failure is the technique's
        // to report when it runs.
        let on_main = |k: &TechniqueKind| place(*k) == Place::MainThread;
        if plan.techniques && config.techniques.iter().any(on_main) {
            let _ = self.page_engine(state, &warm_up, deadline, stop).await;
        }
        Batch {
            images,
            warm_up,
            job,
            deadline,
        }
    }

    /// Every configured technique, `repeats` times.
    async fn rounds(&self, state: &State, batch: &Batch, dispatch: &Dispatch, stop: &Rc<Stop>) {
        let config = &state.config;
        let total = batch.images.len() as u32;
        // Rounds: every technique once, then every technique again, R times, rather than R
        // runs of one technique back to back. The machine drifts during a session (other
        // programs, heat, the browser's own housekeeping): in rounds a slow stretch hits every
        // technique about equally and the ratios between them stay fair, where back to back it
        // would fall on whichever technique was running then, all of its runs at once.
        let mut dropped: Vec<TechniqueKind> = Vec::new();
        for round in 0..config.repeats.max(1) {
            for &kind in &config.techniques {
                if dropped.contains(&kind) {
                    continue;
                }
                if stop.fired() {
                    if round == 0 {
                        dispatch.dispatch(Action::Settled(kind, RunStatus::Cancelled(None)));
                    }
                    continue;
                }
                dispatch.dispatch(Action::Progress(kind, 0, total));
                // The page draws the last results before the clock starts, not during the run.
                frames::settled().await;
                let watch = frames::Watch::start();
                let (status, memory) = self.run_once(kind, state, batch, dispatch, stop).await;
                let frames = watch.stop().await;
                let status = match checked(status) {
                    // Only if the cancel stopped something: a technique that finished is done.
                    RunStatus::Done(f) if stop.fired() && f.thumbs.iter().any(is_cancelled) => {
                        RunStatus::Cancelled(Some(f))
                    }
                    // A worker that did not stop in time was terminated: still a cancel, not a
                    // fault.
                    RunStatus::Failed(_) if stop.fired() => RunStatus::Cancelled(None),
                    other => other,
                };
                let measured = |f: Rc<crate::state::Finished>| {
                    let f = Rc::unwrap_or_clone(f);
                    Rc::new(crate::state::Finished {
                        frames: Some(frames),
                        memory: memory.or(f.memory.clone()),
                        ..f
                    })
                };
                let action = match status {
                    RunStatus::Done(f) => Action::Measured(kind, measured(f), true),
                    RunStatus::Cancelled(Some(f)) => Action::Measured(kind, measured(f), false),
                    other => {
                        // A technique that cannot run or failed is not tried again this session.
                        if !matches!(other, RunStatus::Cancelled(None)) {
                            dropped.push(kind);
                        }
                        Action::Settled(kind, other)
                    }
                };
                dispatch.dispatch(action);
            }
        }
    }

    /// One timed run of `kind`, where it belongs; with the memory of its instances when it ran
    /// in several (processes).
    async fn run_once(
        &self,
        kind: TechniqueKind,
        state: &State,
        batch: &Batch,
        dispatch: &Dispatch,
        stop: &Rc<Stop>,
    ) -> (RunStatus, Option<MemoryUse>) {
        let config = &state.config;
        let Batch {
            images,
            warm_up,
            job,
            deadline,
        } = batch;
        let deadline = *deadline;
        match place(kind) {
            Place::MainThread => (
                self.on_main(kind, state, images, warm_up, deadline, dispatch, stop)
                    .await,
                None,
            ),
            Place::ProcessWorkers => {
                let spawner = processes::Spawner {
                    config: config.clone(),
                    images: images.clone(),
                    deadline,
                    stop: stop.clone(),
                    fault: self.fault_for(kind),
                    slots: Arc::new(async_lock::Semaphore::new(
                        config.network.connections.max(1) as usize,
                    )),
                    memory: Rc::default(),
                    threaded: state.caps.threads_unavailable.is_none(),
                    fell_back: Rc::default(),
                };
                let status =
                    main_thread::processes(&spawner, state.threads(), job, dispatch, &stop.cancel)
                        .await;
                let memory = spawner.memory.borrow().clone();
                (
                    status,
                    Some(MemoryUse {
                        shared_by: 1,
                        ..memory
                    }),
                )
            }
            Place::EngineWorker | Place::Pool => (
                self.in_engine(kind, state, images, warm_up, deadline, dispatch, stop)
                    .await,
                None,
            ),
        }
    }
}

fn is_cancelled(thumb: &Result<crate::state::Thumb, String>) -> bool {
    thumb
        .as_ref()
        .is_err_and(|e| e == interleave::technique::CANCELLED)
}

/// A trace that is not well formed (say, worker clocks not aligned) is a failure, not a result.
fn checked(status: RunStatus) -> RunStatus {
    match status {
        RunStatus::Done(f) => match f.trace.validate(&STAGES) {
            Ok(()) => RunStatus::Done(f),
            Err(e) => RunStatus::Failed(format!("its trace is malformed: {e}")),
        },
        other => other,
    }
}
