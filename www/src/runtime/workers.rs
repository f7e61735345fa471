//! The one owner of workers (the engine worker and process workers) and of the engine instance
//! on the page's own thread (the main-thread techniques): starting them, the typed protocol
//! (`interleave_web::protocol`), a deadline on every request, cancel, crash detection and
//! shutdown. Nothing else touches `Worker` or an engine module. As in Squoosh's worker bridge, a worker that
//! misbehaves — dies, traps, panics, stops answering, or does not stop when cancelled — is
//! terminated and never reused: the caller starts a fresh one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use async_lock::{Semaphore, SemaphoreGuardArc};

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use interleave::config::Config;
use interleave::measure::MemorySample;
use interleave::technique::{Outcome, TechniqueKind};
use interleave::trace::{Span, Trace};
pub use interleave_web::platform::js_error;
use interleave_web::platform::PerfClock;
use interleave_web::protocol::{to_js, Fault, FromWorker, Images, RequestId, ToWorker};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

mod inbox;
mod on_page;

use inbox::{deliver, thumbnail, unexpected, Inbox, Pending, SlotHandler};

use super::signal::Signal;
use interleave::platform::Clock;

/// How long a worker may stay silent in a request before it is taken for dead, and how long it
/// has to stop once cancelled.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    /// Longest silence (no progress, no answer), ms.
    pub silence_ms: f64,
}

/// After a cancel, the longest wait for a worker to stop (it stops within a band of a long
/// stage, a few ms; one that does not answer by then is terminated), ms.
const CANCEL_GRACE_MS: f64 = 1_000.0;
/// How often a waiting request checks its deadline, ms.
const TICK_MS: u32 = 100;

/// Where a bridge's engine runs.
enum Port {
    /// A worker running `worker.js`.
    Worker(Worker),
    /// An engine instance on the page's own thread, and its `handle` method.
    Page {
        engine: JsValue,
        handle: js_sys::Function,
    },
}

/// An engine, started and ready: a worker running `worker.js`, or an instance on the page's
/// thread ([`WorkerBridge::on_page`]). Dropping it terminates the worker.
pub struct WorkerBridge {
    port: Port,
    inbox: Rc<RefCell<Inbox>>,
    /// Whether the threaded build is running (else the plain one).
    pub threaded: bool,
    /// Threads in its rayon pool (1 without threads).
    pub threads: u32,
    /// Why the threaded build did not start, when it was asked for.
    pub threads_error: Option<String>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Option<Closure<dyn FnMut(Event)>>,
}

/// A technique's result as the worker sends it.
pub struct WorkerOutput {
    /// The trace.
    pub trace: Trace,
    /// Per task: the thumbnail, or why the image failed.
    pub outcomes: Vec<Outcome>,
    /// The worker's wasm memory during the run.
    pub memory: MemorySample,
}

/// What a process sends back for one task (see `interleave::technique::ProcessReply`).
pub struct TaskReply {
    /// The spans it recorded.
    pub spans: Vec<Span>,
    /// The thumbnail, or why the image failed.
    pub outcome: Outcome,
    /// When it sent the reply, µs.
    pub sent_us: f64,
    /// Its wasm memory at the end of the task, bytes.
    pub memory: f64,
}

impl WorkerBridge {
    /// Starts a worker: the threaded build with a pool of `threads` when `threaded`, else the
    /// plain build. Fails if it does not answer within `deadline`.
    pub async fn start(
        name: &str,
        threaded: bool,
        threads: u32,
        deadline: Deadline,
    ) -> Result<WorkerBridge, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name(name);
        let worker = Worker::new_with_options("./worker.js", &options).map_err(js_error)?;
        let inbox = Inbox::new("the worker");
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                deliver(&inbox, e.data())
            })
        };
        let on_error = {
            let inbox = inbox.clone();
            // An uncaught exception (a trap: under panic=abort a panic is one) is an ErrorEvent;
            // a script that fails to load is a plain Event.
            Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                let why = match e.dyn_ref::<ErrorEvent>() {
                    Some(e) => format!("the worker crashed: {}", e.message()),
                    None => "the worker's script failed to load".to_string(),
                };
                inbox.borrow_mut().kill(why);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut bridge = WorkerBridge {
            port: Port::Worker(worker),
            inbox,
            threaded: false,
            threads: 1,
            threads_error: None,
            _on_message: Some(on_message),
            _on_error: Some(on_error),
        };
        let init = |id| ToWorker::Init {
            id,
            threaded,
            threads,
        };
        match bridge.request(init, deadline, |_| {}, None, None).await? {
            FromWorker::Ready {
                threaded,
                threads,
                reason,
                ..
            } => {
                bridge.threaded = threaded;
                bridge.threads = threads;
                bridge.threads_error = reason;
                Ok(bridge)
            }
            other => Err(unexpected(&other)),
        }
    }

    /// Gives the worker its job. `fault` (tests only) makes its code panic or hang at a task.
    /// Answers the worker's wasm memory then, bytes.
    pub async fn configure(
        &self,
        config: &Config,
        images: &Images,
        fault: Option<Fault>,
        deadline: Deadline,
    ) -> Result<f64, String> {
        let msg = |id| ToWorker::Configure {
            id,
            config: config.clone(),
            images: images.clone(),
            fault,
        };
        match self.request(msg, deadline, |_| {}, None, None).await? {
            FromWorker::Configured { memory, .. } => Ok(memory),
            other => Err(unexpected(&other)),
        }
    }

    /// Why the worker can no longer be used, if it cannot.
    pub fn dead(&self) -> Option<String> {
        self.inbox.borrow().dead.clone()
    }

    /// Runs `kind` on the configured job in the worker; `cancel` stops it at the next stage
    /// boundary or band, and it answers with what it did until then.
    pub async fn run(
        &self,
        kind: TechniqueKind,
        progress: impl Fn(u32) + 'static,
        deadline: Deadline,
        cancel: &Signal,
    ) -> Result<WorkerOutput, String> {
        let msg = |id| ToWorker::Run {
            id,
            technique: kind,
        };
        match self
            .request(msg, deadline, progress, Some(cancel), None)
            .await?
        {
            FromWorker::Ran {
                trace,
                outcomes,
                memory,
                ..
            } => Ok(WorkerOutput {
                trace,
                outcomes: outcomes.into_iter().map(thumbnail).collect(),
                memory,
            }),
            other => Err(unexpected(&other)),
        }
    }

    /// Runs one task as a process does. An `Err` means the process is dead (or would not stop
    /// when cancelled); a failed image is an `Ok` reply with a failed outcome.
    /// Its connection slot comes from `slots`, shared by every process of the run.
    pub async fn task(
        &self,
        task: u32,
        deadline: Deadline,
        cancel: &Signal,
        slots: &Arc<Semaphore>,
    ) -> Result<TaskReply, String> {
        let msg = |id| ToWorker::Task { id, task };
        // The slot this task holds, if any; given back when the task is done at the latest.
        let held: Rc<RefCell<Option<SemaphoreGuardArc>>> = Rc::default();
        let handler: SlotHandler = {
            let Port::Worker(worker) = &self.port else {
                return Err("processes run in workers".into());
            };
            let (worker, slots, held) = (worker.clone(), slots.clone(), held.clone());
            Rc::new(move |id, wanted| {
                if !wanted {
                    held.borrow_mut().take();
                    return;
                }
                let (worker, slots, held) = (worker.clone(), slots.clone(), held.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let slot = slots.acquire_arc().await;
                    *held.borrow_mut() = Some(slot);
                    if let Ok(grant) = to_js(&ToWorker::Grant { id }) {
                        let _ = worker.post_message(&grant);
                    }
                });
            })
        };
        let reply = self
            .request(msg, deadline, |_| {}, Some(cancel), Some(handler))
            .await;
        held.borrow_mut().take();
        match reply? {
            FromWorker::TaskDone {
                spans,
                outcome,
                sent_us,
                memory,
                ..
            } => Ok(TaskReply {
                spans,
                outcome: thumbnail(outcome),
                sent_us,
                memory,
            }),
            other => Err(unexpected(&other)),
        }
    }

    /// Sends a request and waits for its answer, failing the worker if it stays silent past
    /// `deadline` or does not stop within a grace period of `cancel`.
    async fn request(
        &self,
        msg: impl FnOnce(RequestId) -> ToWorker,
        deadline: Deadline,
        progress: impl Fn(u32) + 'static,
        cancel: Option<&Signal>,
        slots: Option<SlotHandler>,
    ) -> Result<FromWorker, String> {
        let (tx, mut rx) = oneshot::channel();
        let id = {
            let mut inbox = self.inbox.borrow_mut();
            if let Some(dead) = &inbox.dead {
                return Err(dead.clone());
            }
            inbox.next_id += 1;
            let id = inbox.next_id;
            let pending = Pending {
                progress: Rc::new(progress),
                slots,
                reply: tx,
            };
            inbox.requests.insert(id, pending);
            inbox.heard_us = PerfClock.now_us();
            id
        };
        self.post(&msg(id))?;
        let cancelled_at = Cell::new(None::<f64>);
        loop {
            let tick = TimeoutFuture::new(TICK_MS);
            let stop = match cancel {
                Some(c) if cancelled_at.get().is_none() => Either::Left(c.wait()),
                _ => Either::Right(futures::future::pending()),
            };
            match select(&mut rx, select(tick, stop)).await {
                Either::Left((reply, _)) => {
                    return reply.unwrap_or_else(|_| Err("the worker was stopped".into()))
                }
                Either::Right((Either::Right(_), _)) => {
                    cancelled_at.set(Some(PerfClock.now_us()));
                    self.post(&ToWorker::Cancel { id })?;
                }
                // An engine on the page's own thread is not held to deadlines: while it computes
                // this check cannot run at all, its silence is the page's own (cooperative tasks
                // report only as images finish, often all near the end), and it cannot be
                // terminated, only cancelled.
                Either::Right((Either::Left(_), _)) if matches!(self.port, Port::Page { .. }) => {}
                Either::Right((Either::Left(_), _)) => {
                    let now = PerfClock.now_us();
                    let why = match cancelled_at.get() {
                        Some(t) if now - t > CANCEL_GRACE_MS * 1e3 => Some(format!(
                            "it did not stop within {CANCEL_GRACE_MS:.0} ms of the cancel"
                        )),
                        _ if now - self.inbox.borrow().heard_us > deadline.silence_ms * 1e3 => {
                            Some(format!(
                                "it stopped answering (silent for {:.0} s)",
                                deadline.silence_ms / 1e3
                            ))
                        }
                        _ => None,
                    };
                    if let Some(why) = why {
                        self.shut_down(&why);
                        return Err(why);
                    }
                }
            }
        }
    }

    fn post(&self, msg: &ToWorker) -> Result<(), String> {
        let value = to_js(msg)?;
        match &self.port {
            Port::Worker(worker) => worker.post_message(&value).map_err(js_error),
            // A trapped instance throws: it is dead, as a crashed worker is.
            Port::Page { engine, handle } => handle.call1(engine, &value).map(drop).map_err(|e| {
                let why = format!("the engine on the page crashed: {}", js_error(e));
                self.inbox.borrow_mut().kill(why.clone());
                why
            }),
        }
    }

    /// Terminates the worker and fails what is in flight with `why`. An instance on the page
    /// cannot be terminated: what it still runs is cancelled instead (it stops at its next
    /// stage boundary or band, rather than run on beside the next technique). Its memory stays
    /// with its module, which a page never unloads (see `on_page::MAX_INSTANCES`).
    fn shut_down(&self, why: &str) {
        match &self.port {
            Port::Worker(worker) => worker.terminate(),
            Port::Page { engine, handle } => {
                let ids: Vec<RequestId> = self.inbox.borrow().requests.keys().copied().collect();
                for id in ids {
                    if let Ok(cancel) = to_js(&ToWorker::Cancel { id }) {
                        let _ = handle.call1(engine, &cancel);
                    }
                }
            }
        }
        self.inbox.borrow_mut().kill(why.to_string());
    }
}

impl Drop for WorkerBridge {
    fn drop(&mut self) {
        // Detached first: a late event must not reach the closures freed with `self`.
        if let Port::Worker(worker) = &self.port {
            worker.set_onmessage(None);
            worker.set_onerror(None);
        }
        self.shut_down("the worker was stopped");
    }
}
