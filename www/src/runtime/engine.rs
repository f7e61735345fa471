//! Techniques in the engine worker (sequential in a worker, and threads and the global lock on
//! its rayon pool): the worker is started, warmed up and reused while it fits and lives.

use std::cell::RefCell;
use std::rc::Rc;

use interleave::config::Config;
use interleave::measure::MemoryUse;
use interleave::technique::TechniqueKind;
use interleave_web::protocol::Images;

use super::workers::{Deadline, WorkerBridge, WorkerOutput};
use super::{browser, place, Dispatch, Place, Runtime, Stop};
use crate::state::{Action, RunStatus, State};

impl Runtime {
    /// Runs `kind` in the engine worker (started, warmed up and configured as needed).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn in_engine(
        &self,
        kind: TechniqueKind,
        state: &State,
        images: &Images,
        warm_up: &Images,
        deadline: Deadline,
        dispatch: &Dispatch,
        stop: &Stop,
    ) -> RunStatus {
        let engine = match self.engine(state, warm_up, deadline, stop).await {
            Ok(engine) => engine,
            Err(e) => {
                drop_dead(&self.engine);
                return RunStatus::Failed(format!("the engine worker did not start: {e}"));
            }
        };
        if stop.fired() {
            return RunStatus::Cancelled(None);
        }
        if place(kind) == Place::Pool && !engine.threaded {
            return RunStatus::Unavailable(
                engine
                    .threads_error
                    .clone()
                    .or_else(|| state.caps.threads_unavailable.clone())
                    .unwrap_or_else(|| "threads are not available here".into()),
            );
        }
        let total = images.len() as u32;
        let progress = {
            let dispatch = dispatch.clone();
            move |done| dispatch.dispatch(Action::Progress(kind, done, total))
        };
        let ran = async {
            engine
                .configure(&state.config, images, self.fault_for(kind), deadline)
                .await?;
            engine.run(kind, progress, deadline, &stop.signal).await
        };
        let shared_by = if engine.threaded { engine.threads } else { 1 };
        match ran.await {
            Ok(out) => finished(out, &engine, "engine worker", shared_by),
            Err(e) => {
                drop_dead(&self.engine);
                RunStatus::Failed(e)
            }
        }
    }

    /// The engine worker: reused if it fits and is alive, else (re)started and warmed up.
    async fn engine(
        &self,
        state: &State,
        warm_up: &Images,
        deadline: Deadline,
        stop: &Stop,
    ) -> Result<Rc<WorkerBridge>, String> {
        let threaded = state.caps.threads_unavailable.is_none();
        let threads = if threaded { state.threads() } else { 1 };
        let fits = |e: &WorkerBridge| e.threads == threads || (threaded && !e.threaded);
        let current = self.engine.borrow().clone();
        let engine = match current.filter(|e| fits(e) && e.dead().is_none()) {
            Some(e) => e,
            None => {
                self.engine.borrow_mut().take();
                self.engine_warm.set(false);
                let start = Deadline {
                    silence_ms: 30_000.0,
                };
                let engine = WorkerBridge::start("engine worker", threaded, threads, start).await?;
                let engine = Rc::new(engine);
                *self.engine.borrow_mut() = Some(engine.clone());
                engine
            }
        };
        // Also a live engine whose warm-up was cancelled: measured code must be warm.
        if !self.engine_warm.get() && !stop.fired() {
            let warm = warm(
                &engine,
                TechniqueKind::Sequential,
                state,
                warm_up,
                deadline,
                stop,
            );
            self.engine_warm.set(warm.await?);
        }
        Ok(engine)
    }
}

/// The untimed warm-up of an engine (the worker's, or the instance on the page): wasm starts in
/// a baseline compiler and is optimised once hot, so `kind` runs once on a few images first.
/// Answers whether it ran to the end.
pub(super) async fn warm(
    engine: &WorkerBridge,
    kind: TechniqueKind,
    state: &State,
    images: &Images,
    deadline: Deadline,
    stop: &Stop,
) -> Result<bool, String> {
    // Only the code needs warming: no simulated network.
    let local = Config {
        network: interleave::network::Network::LOCAL,
        ..state.config.clone()
    };
    engine.configure(&local, images, None, deadline).await?;
    engine.run(kind, |_| {}, deadline, &stop.signal).await?;
    Ok(!stop.fired())
}

/// A run's result as the page keeps it, with the memory of the engine's instance (`instance`,
/// shared by `shared_by` threads).
pub(super) fn finished(
    out: WorkerOutput,
    engine: &WorkerBridge,
    instance: &str,
    shared_by: u32,
) -> RunStatus {
    let build = if engine.threaded { "threaded" } else { "plain" };
    RunStatus::Done(Rc::new(crate::state::Finished {
        memory: Some(MemoryUse {
            instances: vec![(instance.to_string(), out.memory)],
            shared_by,
        }),
        ..browser::finished(out.trace, out.outcomes, build)
    }))
}

/// A terminated or crashed engine is never reused: it is taken out of `slot`, and the next
/// technique or run starts a fresh one.
pub(super) fn drop_dead(slot: &RefCell<Option<Rc<WorkerBridge>>>) {
    let dead = slot.borrow().as_ref().is_some_and(|e| e.dead().is_some());
    if dead {
        slot.borrow_mut().take();
    }
}
