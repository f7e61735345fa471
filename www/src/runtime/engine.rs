//! Techniques in the engine worker (sequential in a worker, and threads and the global lock on
//! its rayon pool): the worker is started, warmed up and reused while it fits and lives.

use std::rc::Rc;

use interleave::config::Config;
use interleave::measure::MemoryUse;
use interleave::technique::TechniqueKind;
use interleave_web::protocol::Images;

use super::workers::{Deadline, WorkerBridge};
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
                self.drop_dead_engine();
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
        let build = if engine.threaded { "threaded" } else { "plain" };
        match ran.await {
            Ok(out) => RunStatus::Done(Rc::new(crate::state::Finished {
                memory: Some(MemoryUse {
                    instances: vec![("engine worker".into(), out.memory)],
                    shared_by: if engine.threaded { engine.threads } else { 1 },
                }),
                ..browser::finished(out.trace, out.outcomes, build)
            })),
            Err(e) => {
                self.drop_dead_engine();
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
            // Only the code needs warming: no simulated network.
            let local = Config {
                network: interleave::network::Network::LOCAL,
                ..state.config.clone()
            };
            engine.configure(&local, warm_up, None, deadline).await?;
            engine
                .run(TechniqueKind::Sequential, |_| {}, deadline, &stop.signal)
                .await?;
            self.engine_warm.set(!stop.fired());
        }
        Ok(engine)
    }
    /// A terminated engine worker is never reused: the next technique or run starts a fresh one.
    fn drop_dead_engine(&self) {
        let dead = self
            .engine
            .borrow()
            .as_ref()
            .is_some_and(|e| e.dead().is_some());
        if dead {
            self.engine.borrow_mut().take();
        }
    }
}
