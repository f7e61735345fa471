//! The engine worker and process workers (both run `worker.js`, which loads a build and hands
//! every message to [`Engine::handle`]): the techniques that run off the main thread.
//! `www/src/runtime/workers.rs` owns these workers; [`crate::protocol`] is what they say.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use interleave::config::Config;
use interleave::network::Gate;
use interleave::platform::{Cancel, Progress, Source};
use interleave::technique::{
    process_task_via, Cooperative, Env, Job, Outcome, RunOutput, Sequential, Technique,
    TechniqueKind,
};
use wasm_bindgen::prelude::*;

use crate::outbox::{self, post};
use crate::platform::{BrowserLoop, PerfClock};
use crate::protocol::{
    from_js, memory_bytes, Fault, FromWorker, Images, Png, RequestId, TaskOutcome, ToWorker,
};
use interleave::measure::MemorySample;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[cfg(feature = "threads")]
mod pool;

/// Name of the worker's own lane in traces.
const HOME: &str = "engine worker";
/// Name of the page's thread in traces.
const MAIN: &str = "main thread";

/// The engine as a worker holds it: the configured job, and the cancel switch of each request
/// in flight.
#[wasm_bindgen]
pub struct Engine {
    job: Rc<RefCell<Option<Job>>>,
    cancels: Rc<RefCell<HashMap<RequestId, Arc<Cancel>>>>,
    grants: Grants,
}

/// Tasks waiting for the page to grant them a connection slot.
type Grants = Rc<RefCell<HashMap<RequestId, oneshot::Sender<()>>>>;

#[wasm_bindgen]
impl Engine {
    /// A new engine with no job. Installs the panic hook that tells the page this worker died.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Engine {
        std::panic::set_hook(Box::new(on_panic));
        Engine {
            job: Rc::default(),
            cancels: Rc::default(),
            grants: Rc::default(),
        }
    }

    /// The engine for the page's own thread, where sequential-on-main and cooperative tasks
    /// run: its answers go to `outbox` (one message of [`FromWorker`] a call) rather than
    /// `postMessage`. The page runs this same build in its workers, so every technique is
    /// measured on one build, and the pipeline is downloaded once.
    pub fn on_page(outbox: js_sys::Function) -> Engine {
        outbox::to_page(outbox);
        Engine::new()
    }

    /// Whether this build runs threads (the atomics build, loaded only when cross-origin isolated).
    pub fn threaded() -> bool {
        cfg!(feature = "threads")
    }

    /// Handles one message of [`ToWorker`] from the page; every answer is posted back.
    pub fn handle(&self, msg: JsValue) {
        match from_js::<ToWorker>(msg) {
            Ok(msg) => self.dispatch(msg),
            Err(message) => post(&FromWorker::Error { id: 0, message }),
        }
    }
}

impl Engine {
    fn dispatch(&self, msg: ToWorker) {
        match msg {
            ToWorker::Init { id, .. } => post(&FromWorker::Error {
                id,
                message: "already started".into(),
            }),
            ToWorker::Configure {
                id,
                config,
                images,
                fault,
            } => {
                *self.job.borrow_mut() = Some(job(&config, images, fault));
                post(&FromWorker::Configured {
                    id,
                    memory: memory_bytes(),
                });
            }
            ToWorker::Grant { id } => {
                if let Some(granted) = self.grants.borrow_mut().remove(&id) {
                    let _ = granted.send(());
                }
            }
            ToWorker::Cancel { id } => {
                if let Some(cancel) = self.cancels.borrow().get(&id) {
                    cancel.cancel();
                }
            }
            ToWorker::Run { id, technique } => self.spawn(id, move |job, cancel| {
                Box::pin(async move {
                    let mut memory = MemorySample::at(memory_bytes());
                    let seen = Watermark::default();
                    let out = run(technique, id, &job, &cancel, &seen).await?;
                    memory.sample(seen.bytes());
                    memory.sample(memory_bytes());
                    Ok(FromWorker::Ran {
                        id,
                        trace: out.trace,
                        outcomes: out.outcomes.into_iter().map(png).collect(),
                        memory,
                    })
                })
            }),
            ToWorker::Task { id, task } => {
                let gate = PageGate {
                    id,
                    grants: self.grants.clone(),
                };
                self.spawn(id, move |job, cancel| {
                    Box::pin(async move {
                        let env = env(&interleave::platform::NoProgress, &cancel, "process");
                        let reply = process_task_via(&job, &env, task, Some(&gate)).await;
                        Ok(FromWorker::TaskDone {
                            id,
                            spans: reply.spans,
                            outcome: png(reply.outcome),
                            sent_us: reply.sent_us,
                            memory: memory_bytes(),
                        })
                    })
                })
            }
        }
    }

    /// Runs `work` for request `id` on this thread's event loop, cancellable, and posts its answer.
    fn spawn(
        &self,
        id: RequestId,
        work: impl FnOnce(Job, Arc<Cancel>) -> LocalBoxFuture<'static, Result<FromWorker, String>>
            + 'static,
    ) {
        let Some(job) = self.job.borrow().clone() else {
            return post(&FromWorker::Error {
                id,
                message: "the engine has no job yet".into(),
            });
        };
        let cancel = Arc::new(Cancel::default());
        self.cancels.borrow_mut().insert(id, cancel.clone());
        let cancels = self.cancels.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let answer = work(job, cancel).await;
            cancels.borrow_mut().remove(&id);
            post(&answer.unwrap_or_else(|message| FromWorker::Error { id, message }));
        });
    }
}

fn job(config: &Config, images: Images, fault: Option<Fault>) -> Job {
    let images = images.source();
    let source: Arc<dyn Source> = match fault {
        Some(fault) => Arc::new(Faulty { images, fault }),
        None => images,
    };
    config.schedule(Job::new(
        source,
        config.thumb_spec(),
        config.network,
        config.seed,
    ))
}

fn env<'a>(progress: &'a dyn Progress, cancel: &'a Cancel, home: &'a str) -> Env<'a> {
    Env {
        clock: &PerfClock,
        events: &BrowserLoop,
        progress,
        cancel,
        home,
    }
}

async fn run(
    technique: TechniqueKind,
    id: RequestId,
    job: &Job,
    cancel: &Arc<Cancel>,
    seen: &Watermark,
) -> Result<RunOutput, String> {
    match technique {
        TechniqueKind::Sequential => {
            let progress = PostedProgress {
                id,
                done: AtomicU32::new(0),
                seen,
            };
            Ok(Sequential::IN_WORKER
                .run(job, &env(&progress, cancel, HOME))
                .await)
        }
        TechniqueKind::SequentialMain | TechniqueKind::Cooperative if outbox::on_page() => {
            let progress = PostedProgress {
                id,
                done: AtomicU32::new(0),
                seen,
            };
            let technique: &dyn Technique = match technique {
                TechniqueKind::Cooperative => &Cooperative,
                _ => &Sequential::ON_MAIN,
            };
            Ok(technique.run(job, &env(&progress, cancel, MAIN)).await)
        }
        #[cfg(feature = "threads")]
        TechniqueKind::Threads | TechniqueKind::Gil => {
            pool::run(technique == TechniqueKind::Gil, id, job, cancel, seen).await
        }
        other => Err(format!(
            "“{}” does not run in this worker{}",
            other.label(),
            if Engine::threaded() {
                ""
            } else {
                " (its build has no threads)"
            }
        )),
    }
}

fn png(outcome: Outcome) -> TaskOutcome {
    outcome.map(|t| Png {
        width: t.width,
        height: t.height,
        bytes: t.png,
    })
}

/// Tells the page that this worker died, and why. On a rayon thread (a worker of its own) the
/// message cannot reach the page: the pool's poller reads it from [`pool::PANICKED`] instead.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.to_string();
    console_error_panic_hook::hook(info);
    #[cfg(feature = "threads")]
    if rayon::current_thread_index().is_some() {
        pool::panicked(message);
        return;
    }
    post(&FromWorker::Panic { message });
}

/// The largest this instance's memory was seen at during a run, bytes: sampled after every
/// task (on the worker's own thread, the only one that reads the memory's size).
#[derive(Default)]
pub(crate) struct Watermark(AtomicU64);

impl Watermark {
    /// Samples the memory's size now.
    pub(crate) fn sample(&self) {
        self.0.fetch_max(memory_bytes() as u64, Ordering::Relaxed);
    }

    fn bytes(&self) -> f64 {
        self.0.load(Ordering::Relaxed) as f64
    }
}

/// Posts progress to the page straight from the worker thread.
struct PostedProgress<'a> {
    id: RequestId,
    done: AtomicU32,
    seen: &'a Watermark,
}

impl Progress for PostedProgress<'_> {
    fn task_done(&self, _task: u32, _ok: bool) {
        self.seen.sample();
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        post(&FromWorker::Progress { id: self.id, done });
    }
}

/// Test-only fault: the source panics (or spins for ever) when asked for the fault's task, in
/// whichever thread asks, so that tests can check that each kind of worker's death or silence
/// is survived.
struct Faulty {
    images: Arc<dyn Source>,
    fault: Fault,
}

impl Faulty {
    fn check(&self, task: u32) {
        if task != self.fault.task {
            return;
        }
        if self.fault.hang {
            loop {
                std::hint::spin_loop();
            }
        }
        #[allow(clippy::panic)]
        {
            panic!("fault injected at image {task} (test switch)");
        }
    }
}

impl Source for Faulty {
    fn len(&self) -> u32 {
        self.images.len()
    }

    fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
        self.check(task);
        self.images.get(task)
    }

    fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String> {
        self.check(task);
        self.images.get_blocking(task)
    }
}

/// A process's connection slots are the page's: asking is a message there and back.
struct PageGate {
    id: RequestId,
    grants: Grants,
}

/// A granted slot; dropping it tells the page.
struct PageSlot(RequestId);

impl Drop for PageSlot {
    fn drop(&mut self) {
        post(&FromWorker::Release { id: self.0 });
    }
}

impl Gate for PageGate {
    fn acquire(&self) -> LocalBoxFuture<'_, Box<dyn std::any::Any>> {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            self.grants.borrow_mut().insert(self.id, tx);
            post(&FromWorker::Slot { id: self.id });
            // A page that goes away cancels the task anyway: go on either way.
            let _ = rx.await;
            Box::new(PageSlot(self.id)) as Box<dyn std::any::Any>
        })
    }
}
