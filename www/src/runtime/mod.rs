//! Runs techniques where they belong: the engine worker for sequential and threads (it owns the
//! rayon pool, so the main thread never blocks), the main thread for cooperative tasks.

pub mod browser;
pub mod engine;

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{select, Either};
use interleave::config::Config;
use interleave::images::SampleSpec;
use interleave::platform::Cancel;
use interleave::technique::{Cooperative, Env, Job, Technique, TechniqueKind};
use interleave::trace::Stage;
use interleave_web::platform::{AtomicProgress, EventLoopYield, PerfClock};
use js_sys::Uint8Array;
use yew::UseReducerDispatcher;

use crate::state::{Action, Finished, RunStatus, State, Thumb};
use engine::{js_error, EngineWorker};

/// What survives between runs: the engine worker and the batch it holds.
#[derive(Default)]
pub struct Runtime {
    engine: RefCell<Option<Rc<EngineWorker>>>,
    batch: RefCell<Option<Batch>>,
}

/// The sample batch the engine worker holds, and a copy for the main thread.
struct Batch {
    samples: SampleSpec,
    thumb: u32,
    sources: Rc<Vec<Vec<u8>>>,
}

type Dispatch = UseReducerDispatcher<State>;

impl Runtime {
    /// Runs every configured technique, one after another so that they never compete for
    /// cores, reporting through `dispatch`.
    pub async fn run(&self, state: Rc<State>, dispatch: Dispatch) {
        match self.run_all(&state, &dispatch).await {
            Ok(()) => dispatch.dispatch(Action::AllDone),
            Err(reason) => {
                // A worker in an unknown state is not reused.
                self.engine.borrow_mut().take();
                self.batch.borrow_mut().take();
                dispatch.dispatch(Action::Failed(reason));
            }
        }
    }

    async fn run_all(&self, state: &State, dispatch: &Dispatch) -> Result<(), String> {
        let config = &state.config;
        let engine = self.engine(state).await?;
        let sources = self.batch(&engine, config, dispatch).await?;
        dispatch.dispatch(Action::Prepared);
        let total = sources.len() as u32;

        for &kind in &config.techniques {
            dispatch.dispatch(Action::Progress(kind, 0, total));
            let progress = {
                let dispatch = dispatch.clone();
                move |done| dispatch.dispatch(Action::Progress(kind, done, total))
            };
            let status = match kind {
                TechniqueKind::Threads if !engine.threaded => RunStatus::Unavailable(
                    engine
                        .threads_error
                        .clone()
                        .or_else(|| state.caps.threads_unavailable.clone())
                        .unwrap_or_else(|| "threads are not available here".into()),
                ),
                TechniqueKind::Sequential | TechniqueKind::Threads => {
                    match engine.run(kind, progress).await {
                        Ok(out) => RunStatus::Done(Rc::new(Finished {
                            trace: out.trace,
                            thumbs: out.thumbs,
                        })),
                        Err(e) => RunStatus::Failed(e),
                    }
                }
                TechniqueKind::Cooperative => {
                    let job = Job {
                        sources: sources.to_vec(),
                        spec: config.thumb_spec(),
                    };
                    RunStatus::Done(Rc::new(run_cooperative(&job, dispatch).await))
                }
            };
            dispatch.dispatch(Action::Settled(kind, checked(status)));
        }
        Ok(())
    }

    /// The engine worker for this run: reused if it fits, else (re)started.
    async fn engine(&self, state: &State) -> Result<Rc<EngineWorker>, String> {
        let threaded = state.caps.threads_unavailable.is_none();
        let threads = if threaded { state.threads() } else { 1 };
        let fits = |e: &EngineWorker| e.threaded == threaded && e.threads == threads;
        if let Some(e) = self
            .engine
            .borrow()
            .as_ref()
            .filter(|e| fits(e) || (threaded && !e.threaded))
        {
            return Ok(e.clone());
        }
        self.engine.borrow_mut().take();
        self.batch.borrow_mut().take();
        let engine = Rc::new(EngineWorker::start(threaded, threads).await?);
        *self.engine.borrow_mut() = Some(engine.clone());
        Ok(engine)
    }

    /// The sample batch, made in the worker (which keeps it) unless it already holds this one.
    async fn batch(
        &self,
        engine: &EngineWorker,
        config: &Config,
        dispatch: &Dispatch,
    ) -> Result<Rc<Vec<Vec<u8>>>, String> {
        if let Some(b) = self.batch.borrow().as_ref() {
            if b.samples == config.samples() && b.thumb == config.thumb {
                return Ok(b.sources.clone());
            }
        }
        let total = config.images;
        dispatch.dispatch(Action::Preparing(0, total));
        let d = dispatch.clone();
        let sources = Rc::new(
            engine
                .prepare(config, move |done| {
                    d.dispatch(Action::Preparing(done, total))
                })
                .await?,
        );
        *self.batch.borrow_mut() = Some(Batch {
            samples: config.samples(),
            thumb: config.thumb,
            sources: sources.clone(),
        });
        Ok(sources)
    }
}

/// A trace that is not well formed (say, worker clocks not aligned) is a failure, not a result.
fn checked(status: RunStatus) -> RunStatus {
    match status {
        RunStatus::Done(f) => match f.trace.validate(&Stage::CPU) {
            Ok(()) => RunStatus::Done(f),
            Err(e) => RunStatus::Failed(format!("its trace is malformed: {e}")),
        },
        other => other,
    }
}

/// Cooperative tasks on this (the main) thread. Progress is polled: the tasks yield to the event
/// loop between stages, so the poller gets turns just as input and rendering do.
async fn run_cooperative(job: &Job, dispatch: &Dispatch) -> Finished {
    let progress = AtomicProgress::default();
    let cancel = Cancel::default();
    let env = Env {
        clock: &PerfClock,
        yielder: &EventLoopYield,
        progress: &progress,
        cancel: &cancel,
        home: "main thread",
    };
    let total = job.tasks();
    let report = Box::pin(async {
        loop {
            browser::sleep(50).await;
            dispatch.dispatch(Action::Progress(
                TechniqueKind::Cooperative,
                progress.done(),
                total,
            ));
        }
    });
    let out = match select(Cooperative.run(job, &env), report).await {
        Either::Left((out, _)) => out,
        Either::Right(((), _)) => unreachable!("the reporter loops forever"),
    };
    let thumbs = out
        .outcomes
        .into_iter()
        .map(|o| {
            let png = Uint8Array::from(o?.png.as_slice());
            browser::object_url(&png, "image/png")
                .map(|url| Thumb { url })
                .map_err(js_error)
        })
        .collect();
    Finished {
        trace: out.trace,
        thumbs,
    }
}
