//! Techniques on the page's own thread: sequential on the main thread and cooperative tasks (in
//! the engine instance loaded on the page, the workers' own build), and the processes'
//! coordinator. Progress is polled: whenever the technique awaits, the poller gets a turn, just
//! as input and rendering do (and while it computes without awaiting, nothing on the page
//! moves: that is the lesson of sequential-on-main).

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;

use futures::future::{select, Either};
use interleave::measure::{MemorySample, MemoryUse};
use interleave::platform::Cancel;
use interleave::technique::{Env, Job, Processes, Technique, TechniqueKind};
use interleave_web::platform::{AtomicProgress, BrowserLoop, PerfClock};
use interleave_web::protocol::{memory_bytes, Images};

use super::engine::{drop_dead, finished, warm};
use super::workers::{Deadline, WorkerBridge};
use super::{Dispatch, Runtime, Stop};
use crate::state::{Action, Finished, RunStatus, State};

/// What this thread's traces call it.
const HOME: &str = "main thread";
/// How often progress is shown, ms.
const PROGRESS_MS: u32 = 50;

impl Runtime {
    /// Runs sequential-on-main or cooperative tasks in the engine instance on this thread
    /// (loaded, warmed up and configured as needed).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn on_main(
        &self,
        kind: TechniqueKind,
        state: &State,
        images: &Images,
        warm_up: &Images,
        deadline: Deadline,
        dispatch: &Dispatch,
        stop: &Stop,
    ) -> RunStatus {
        let engine = match self.page_engine(state, warm_up, deadline, stop).await {
            Ok(engine) => engine,
            Err(e) => {
                drop_dead(&self.page);
                return RunStatus::Failed(format!("the engine did not start on the page: {e}"));
            }
        };
        if stop.fired() {
            return RunStatus::Cancelled(None);
        }
        // Counted as the engine reports, shown by the poller: drawing the page from inside a
        // frozen technique would charge the UI's work to it.
        let done = Rc::new(Cell::new(0));
        let total = images.len() as u32;
        let ran = async {
            // A test fault that hangs would freeze the page for good: only panics here.
            let fault = self.fault_for(kind).filter(|f| !f.hang);
            engine
                .configure(&state.config, images, fault, deadline)
                .await?;
            let done = done.clone();
            let progress = move |n| done.set(n);
            engine.run(kind, progress, deadline, &stop.signal).await
        };
        match reported(ran, kind, total, dispatch, || done.get()).await {
            Ok(out) => finished(out, &engine, HOME, 1),
            Err(e) => {
                drop_dead(&self.page);
                RunStatus::Failed(e)
            }
        }
    }

    /// The engine on this thread: reused while it lives, else loaded afresh and warmed up.
    pub(super) async fn page_engine(
        &self,
        state: &State,
        warm_up: &Images,
        deadline: Deadline,
        stop: &Stop,
    ) -> Result<Rc<WorkerBridge>, String> {
        let threaded = state.caps.threads_unavailable.is_none();
        // Isolation does not change while the page lives: a live instance is the right build
        // (or the plain one the threaded build fell back to).
        let current = self.page.borrow().clone();
        let engine = match current.filter(|e| e.dead().is_none()) {
            Some(e) => e,
            None => {
                self.page.borrow_mut().take();
                self.page_warm.set(false);
                let instance = self.page_instances.get() + 1;
                self.page_instances.set(instance);
                let engine = Rc::new(WorkerBridge::on_page(threaded, instance).await?);
                *self.page.borrow_mut() = Some(engine.clone());
                engine
            }
        };
        if !self.page_warm.get() && !stop.fired() {
            let kind = TechniqueKind::SequentialMain;
            let warm = warm(&engine, kind, state, warm_up, deadline, stop);
            self.page_warm.set(warm.await?);
        }
        Ok(engine)
    }
}

/// Runs N processes, coordinated from this thread.
pub async fn processes(
    spawner: &super::processes::Spawner,
    n: u32,
    job: &Job,
    dispatch: &Dispatch,
    cancel: &Cancel,
) -> RunStatus {
    let technique = Processes::new(spawner, n);
    let kind = technique.kind();
    let progress = AtomicProgress::default();
    let env = Env {
        clock: &PerfClock,
        events: &BrowserLoop,
        progress: &progress,
        cancel,
        home: HOME,
    };
    let total = job.tasks();
    // This thread's wasm memory, sampled as progress is: it only grows, so the last sample is
    // the peak.
    let memory = Cell::new(MemorySample::at(memory_bytes()));
    let sample = || {
        let mut m = memory.get();
        m.sample(memory_bytes());
        memory.set(m);
    };
    let done = || {
        sample();
        progress.done()
    };
    let out = reported(technique.run(job, &env), kind, total, dispatch, done).await;
    sample();
    RunStatus::Done(Rc::new(Finished {
        memory: Some(MemoryUse {
            instances: vec![(HOME.to_string(), memory.get())],
            shared_by: 1,
        }),
        ..super::browser::finished(out.trace, out.outcomes, spawner.build())
    }))
}

/// Runs `work`, showing its progress every [`PROGRESS_MS`] as `done` reads it: O(1) per update,
/// a count, never a copy of the trace.
async fn reported<T>(
    work: impl Future<Output = T>,
    kind: TechniqueKind,
    total: u32,
    dispatch: &Dispatch,
    done: impl Fn() -> u32,
) -> T {
    let report = async {
        loop {
            gloo_timers::future::TimeoutFuture::new(PROGRESS_MS).await;
            dispatch.dispatch(Action::Progress(kind, done(), total));
        }
    };
    match select(pin!(work), pin!(report)).await {
        Either::Left((out, _)) => out,
        Either::Right(((), _)) => unreachable!("the reporter loops forever"),
    }
}
