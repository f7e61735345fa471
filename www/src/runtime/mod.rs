//! Runs techniques where they belong: the engine worker for sequential, threads and the global
//! lock (it owns the rayon pool, so the main thread never blocks), the main thread for
//! sequential-on-main, cooperative tasks and the processes' coordinator.

pub mod browser;
pub mod workers;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use futures::future::{select, Either};
use interleave::platform::Cancel;
use interleave::technique::{
    Cooperative, Env, Job, Processes, Sequential, Technique, TechniqueKind, STAGES,
};
use interleave_web::platform::{AtomicProgress, BrowserLoop, PerfClock, UrlSource};
use yew::UseReducerDispatcher;

use crate::state::{Action, Finished, RunStatus, State};
use workers::{EngineWorker, ProcessSpawner};

/// What survives between runs: the engine worker (and its rayon pool), and whether the engine
/// code on each thread has run once.
#[derive(Default)]
pub struct Runtime {
    engine: RefCell<Option<Rc<EngineWorker>>>,
    engine_warm: Cell<bool>,
    main_warm: Cell<bool>,
}

/// Images of the untimed warm-up run.
const WARM_UP_IMAGES: usize = 2;

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
                dispatch.dispatch(Action::Failed(reason));
            }
        }
    }

    async fn run_all(&self, state: &State, dispatch: &Dispatch) -> Result<(), String> {
        let config = &state.config;
        let urls: Vec<String> = state
            .image_paths()
            .iter()
            .map(|p| browser::absolute(p))
            .collect();
        let total = urls.len() as u32;
        let job = Job {
            source: Arc::new(UrlSource::new(urls.clone())),
            spec: config.thumb_spec(),
            network: config.network,
            seed: config.seed,
        };
        let in_worker =
            |k: &TechniqueKind| matches!(k, TechniqueKind::Sequential) || k.needs_threads();
        let on_main_thread = |k: &TechniqueKind| {
            matches!(
                k,
                TechniqueKind::SequentialMain | TechniqueKind::Cooperative
            )
        };
        // wasm starts in a baseline compiler and is optimised once hot: an untimed warm-up run on
        // each thread that measures keeps that out of the comparison (new processes start cold:
        // that is part of their cost).
        let warm_up = &urls[..urls.len().min(WARM_UP_IMAGES)];
        let engine = if config.techniques.iter().any(in_worker) {
            let engine = self.engine(state).await?;
            if !self.engine_warm.get() {
                engine.configure(config, warm_up).await?;
                let warm = engine.run(TechniqueKind::Sequential, |_| {}).await?;
                browser::release(&warm.thumbs);
                self.engine_warm.set(true);
            }
            engine.configure(config, &urls).await?;
            Some(engine)
        } else {
            None
        };
        if !self.main_warm.get() && config.techniques.iter().any(on_main_thread) {
            let warm = Job {
                source: Arc::new(UrlSource::new(warm_up.to_vec())),
                ..job.clone()
            };
            let cancel = Cancel::default();
            let env = Env {
                clock: &PerfClock,
                events: &BrowserLoop,
                progress: &interleave::platform::NoProgress,
                cancel: &cancel,
                home: "main thread",
            };
            Sequential::ON_MAIN.run(&warm, &env).await;
            self.main_warm.set(true);
        }
        dispatch.dispatch(Action::Started);

        for &kind in &config.techniques {
            dispatch.dispatch(Action::Progress(kind, 0, total));
            let progress = {
                let dispatch = dispatch.clone();
                move |done| dispatch.dispatch(Action::Progress(kind, done, total))
            };
            let status = match (kind, &engine) {
                (k, Some(engine)) if k.needs_threads() && !engine.threaded => {
                    RunStatus::Unavailable(
                        engine
                            .threads_error
                            .clone()
                            .or_else(|| state.caps.threads_unavailable.clone())
                            .unwrap_or_else(|| "threads are not available here".into()),
                    )
                }
                (k, Some(engine)) if in_worker(&k) => match engine.run(kind, progress).await {
                    Ok(out) => RunStatus::Done(Rc::new(Finished {
                        trace: out.trace,
                        thumbs: out.thumbs,
                    })),
                    Err(e) => RunStatus::Failed(e),
                },
                (TechniqueKind::SequentialMain, _) => {
                    on_main(&Sequential::ON_MAIN, &job, kind, dispatch).await
                }
                (TechniqueKind::Cooperative, _) => {
                    on_main(&Cooperative, &job, kind, dispatch).await
                }
                (TechniqueKind::Processes, _) => {
                    let spawner = ProcessSpawner {
                        config: config.clone(),
                        urls: urls.clone(),
                    };
                    let processes = Processes::new(&spawner, state.threads());
                    // The process workers are dropped, so terminated, with the spawner.
                    on_main(&processes, &job, kind, dispatch).await
                }
                _ => RunStatus::Failed("no engine worker".into()),
            };
            dispatch.dispatch(Action::Settled(kind, checked(status)));
        }
        Ok(())
    }

    /// The engine worker for this run: reused if it fits, else (re)started.
    async fn engine(&self, state: &State) -> Result<Rc<EngineWorker>, String> {
        let threaded = state.caps.threads_unavailable.is_none();
        let threads = if threaded { state.threads() } else { 1 };
        let fits = |e: &EngineWorker| e.threads == threads || (threaded && !e.threaded);
        if let Some(e) = self
            .engine
            .borrow()
            .as_ref()
            .filter(|e| fits(e) && !e.crashed())
        {
            return Ok(e.clone());
        }
        self.engine.borrow_mut().take();
        self.engine_warm.set(false);
        let engine = Rc::new(EngineWorker::start("engine worker", threaded, threads).await?);
        *self.engine.borrow_mut() = Some(engine.clone());
        Ok(engine)
    }
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

/// Runs a technique on this (the main) thread. Progress is polled: whenever the technique
/// awaits, the poller gets a turn, just as input and rendering do (and while it computes
/// without awaiting, nothing on the page moves: that is the lesson of sequential-on-main).
async fn on_main(
    technique: &dyn Technique,
    job: &Job,
    kind: TechniqueKind,
    dispatch: &Dispatch,
) -> RunStatus {
    let progress = AtomicProgress::default();
    let cancel = Cancel::default();
    let env = Env {
        clock: &PerfClock,
        events: &BrowserLoop,
        progress: &progress,
        cancel: &cancel,
        home: "main thread",
    };
    let total = job.tasks();
    let report = Box::pin(async {
        loop {
            browser::sleep(50).await;
            dispatch.dispatch(Action::Progress(kind, progress.done(), total));
        }
    });
    let out = match select(technique.run(job, &env), report).await {
        Either::Left((out, _)) => out,
        Either::Right(((), _)) => unreachable!("the reporter loops forever"),
    };
    let thumbs = out
        .outcomes
        .into_iter()
        .map(|o| browser::thumb(o?.png))
        .collect();
    RunStatus::Done(Rc::new(Finished {
        trace: out.trace,
        thumbs,
    }))
}
