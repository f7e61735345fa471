//! Processes as the engine sees them ([`interleave::technique::Spawner`]): each an engine worker
//! with its own wasm instance and memory (the build the other techniques run, without a rayon
//! pool), given the job once; tasks and results then cross as messages through the worker
//! bridge, with its deadlines and cancel.

use futures::future::LocalBoxFuture;
use interleave::config::Config;
use interleave::measure::MemoryUse;
use interleave::technique::{Process, ProcessReply};

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use async_lock::Semaphore;

use super::workers::{Deadline, WorkerBridge};
use interleave_web::protocol::{Fault, Images};

use super::Stop;

/// Starts the processes of one run.
pub struct Spawner {
    /// The run's configuration.
    pub config: Config,
    /// Every image.
    pub images: Images,
    /// The longest a process may stay silent.
    pub deadline: Deadline,
    /// The run's cancel.
    pub stop: Rc<Stop>,
    /// Test-only: process 0 panics or hangs.
    pub fault: Option<Fault>,
    /// The run's connection slots, shared by every process: the limit holds across them.
    pub slots: Arc<Semaphore>,
    /// Each process's wasm memory, sampled when it is configured and after every task.
    pub memory: Rc<RefCell<MemoryUse>>,
    /// Whether to start the threaded build (the page is cross-origin isolated).
    pub threaded: bool,
    /// Set when a process asked for the threaded build started the plain one instead.
    pub fell_back: Rc<Cell<bool>>,
}

impl Spawner {
    /// The build every process ran.
    pub fn build(&self) -> &'static str {
        if self.threaded && !self.fell_back.get() {
            "threaded"
        } else {
            "plain"
        }
    }
}

struct WorkerProcess {
    name: String,
    memory: Rc<RefCell<MemoryUse>>,
    bridge: WorkerBridge,
    deadline: Deadline,
    stop: Rc<Stop>,
    slots: Arc<Semaphore>,
}

impl Process for WorkerProcess {
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>> {
        Box::pin(async move {
            let reply = self
                .bridge
                .task(task, self.deadline, &self.stop.signal, &self.slots)
                .await?;
            self.memory.borrow_mut().sample(&self.name, reply.memory);
            Ok(ProcessReply {
                spans: reply.spans,
                outcome: reply.outcome,
                sent_us: reply.sent_us,
            })
        })
    }
}

impl interleave::technique::Spawner for Spawner {
    fn spawn(&self, lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>> {
        Box::pin(async move {
            let start = Deadline {
                silence_ms: 30_000.0,
            };
            let name = format!("process {lane}");
            // No rayon pool: a process is one thread.
            let bridge = WorkerBridge::start(&name, self.threaded, 0, start).await?;
            if self.threaded && !bridge.threaded {
                self.fell_back.set(true);
            }
            // One process is the faulty one, so that the others can finish its work.
            let fault = self.fault.filter(|_| lane == 0);
            let bytes = bridge
                .configure(&self.config, &self.images, fault, self.deadline)
                .await?;
            self.memory.borrow_mut().sample(&name, bytes);
            Ok(Box::new(WorkerProcess {
                name,
                memory: self.memory.clone(),
                bridge,
                deadline: self.deadline,
                stop: self.stop.clone(),
                slots: self.slots.clone(),
            }) as Box<dyn Process>)
        })
    }
}
