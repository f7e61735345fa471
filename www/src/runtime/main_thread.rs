//! Techniques on the page's own thread: sequential on the main thread, cooperative tasks, and
//! the processes' coordinator. Progress is polled: whenever the technique awaits, the poller
//! gets a turn, just as input and rendering do (and while it computes without awaiting,
//! nothing on the page moves: that is the lesson of sequential-on-main).

use std::cell::Cell;
use std::rc::Rc;

use futures::future::{select, Either};
use interleave::measure::{MemorySample, MemoryUse};
use interleave::network::Network;
use interleave::platform::{Cancel, NoProgress};
use interleave::technique::{
    Cooperative, Env, Job, Processes, Sequential, Spawner, Technique, TechniqueKind,
};
use interleave_web::platform::{AtomicProgress, BrowserLoop, PerfClock};
use interleave_web::protocol::{memory_bytes, Images};

use super::Dispatch;
use crate::state::{Action, Finished, RunStatus};

/// What this thread's traces call it.
const HOME: &str = "main thread";
/// The page's own build: the UI's wasm, optimised like the engine's.
const BUILD: &str = "page";
/// How often progress is shown, ms.
const PROGRESS_MS: u32 = 50;

/// An untimed run on a few images, so that the engine code on this thread is optimised before
/// anything is measured. No simulated network: only the code needs warming.
pub async fn warm_up(job: &Job, images: &Images, cancel: &Cancel) {
    let warm = Job {
        source: images.clone().source(),
        network: Network::LOCAL,
        ..job.clone()
    };
    Sequential::ON_MAIN
        .run(&warm, &env(&NoProgress, cancel))
        .await;
}

/// Runs sequential-on-main or cooperative tasks on this thread.
pub async fn run(
    kind: TechniqueKind,
    job: &Job,
    dispatch: &Dispatch,
    cancel: &Cancel,
) -> RunStatus {
    let technique: &dyn Technique = match kind {
        TechniqueKind::SequentialMain => &Sequential::ON_MAIN,
        TechniqueKind::Cooperative => &Cooperative,
        other => return RunStatus::Failed(format!("{} does not run on the page", other.label())),
    };
    measured(technique, job, dispatch, cancel, BUILD).await
}

/// Runs N processes, coordinated from this thread; each process is a plain engine build.
pub async fn processes(
    spawner: &dyn Spawner,
    n: u32,
    job: &Job,
    dispatch: &Dispatch,
    cancel: &Cancel,
) -> RunStatus {
    measured(&Processes::new(spawner, n), job, dispatch, cancel, "plain").await
}

fn env<'a>(progress: &'a dyn interleave::platform::Progress, cancel: &'a Cancel) -> Env<'a> {
    Env {
        clock: &PerfClock,
        events: &BrowserLoop,
        progress,
        cancel,
        home: HOME,
    }
}

async fn measured(
    technique: &dyn Technique,
    job: &Job,
    dispatch: &Dispatch,
    cancel: &Cancel,
    build: &'static str,
) -> RunStatus {
    let kind = technique.kind();
    let progress = AtomicProgress::default();
    let env = env(&progress, cancel);
    let total = job.tasks();
    // This thread's wasm memory, sampled as progress is: it only grows, so the last sample is
    // the peak.
    let memory = Cell::new(MemorySample::at(memory_bytes()));
    let sample = || {
        let mut m = memory.get();
        m.sample(memory_bytes());
        memory.set(m);
    };
    // O(1) per update: a count, never a copy of the trace.
    let report = Box::pin(async {
        loop {
            gloo_timers::future::TimeoutFuture::new(PROGRESS_MS).await;
            sample();
            dispatch.dispatch(Action::Progress(kind, progress.done(), total));
        }
    });
    let out = match select(technique.run(job, &env), report).await {
        Either::Left((out, _)) => out,
        Either::Right(((), _)) => unreachable!("the reporter loops forever"),
    };
    sample();
    RunStatus::Done(Rc::new(Finished {
        memory: Some(MemoryUse {
            instances: vec![(HOME.to_string(), memory.get())],
            shared_by: 1,
        }),
        ..super::browser::finished(out.trace, out.outcomes, build)
    }))
}
