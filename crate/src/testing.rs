//! What the native tests of several modules share: a batch of sample photos held in memory, and
//! processes that run each task with a browser process worker's code on the calling thread.

use std::sync::Arc;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;

use crate::images::{sample_jpeg, SampleSpec};
use crate::network::Network;
use crate::pipeline::ThumbSpec;
use crate::platform::{Cancel, MemorySource, NativeLoop, NoProgress, Progress, SystemClock};
use crate::technique::{
    process_task, Cooperative, Env, Gil, Job, Process, ProcessReply, Processes, RunOutput,
    Sequential, Spawner, Technique, TechniqueKind, Threads,
};

/// `count` sample photos of `size` from `seed`, in memory, made into `thumb` over `network`
/// (whose jitter is seeded by `jitter_seed`).
pub(crate) fn sample_job(
    seed: u64,
    count: u32,
    size: (u32, u32),
    thumb: ThumbSpec,
    network: Network,
    jitter_seed: u64,
) -> Job {
    let spec = SampleSpec {
        seed,
        count,
        width: size.0,
        height: size.1,
    };
    let sources: Vec<Vec<u8>> = (0..count).map(|i| sample_jpeg(&spec, i)).collect();
    Job::new(
        Arc::new(MemorySource::from(sources)),
        thumb,
        network,
        jitter_seed,
    )
}

/// A process sharing the caller's memory: the isolation is not what these tests measure.
pub(crate) struct InProcess(pub Job);

impl Process for InProcess {
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>> {
        Box::pin(async move {
            let env = Env {
                clock: &SystemClock,
                events: &NativeLoop,
                progress: &NoProgress,
                cancel: &Cancel::default(),
                home: "process",
            };
            Ok(process_task(&self.0, &env, task).await)
        })
    }
}

/// Spawns [`InProcess`] processes of one job.
pub(crate) struct InProcessSpawner(pub Job);

/// [`InProcessSpawner`]s, for [`run_on_pool`].
pub(crate) fn in_process(job: &Job) -> Box<dyn Spawner> {
    Box::new(InProcessSpawner(job.clone()))
}

impl Spawner for InProcessSpawner {
    fn spawn(&self, _lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>> {
        let process = InProcess(self.0.clone());
        Box::pin(async move { Ok(Box::new(process) as Box<dyn Process>) })
    }
}

/// Makes the spawner of a run's processes (inside the pool: spawners stay on one thread).
pub(crate) type MakeSpawner<'a> = &'a (dyn Fn(&Job) -> Box<dyn Spawner> + Sync);

/// Runs `kind` on `job` with a rayon pool of `threads` (and `threads` processes from
/// `spawner`), the calling thread being the home lane, as the browser runs each technique.
pub(crate) fn run_on_pool(
    kind: TechniqueKind,
    job: &Job,
    threads: u32,
    spawner: MakeSpawner<'_>,
    cancel: &Cancel,
    progress: &dyn Progress,
) -> RunOutput {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads as usize)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        let env = Env {
            clock: &SystemClock,
            events: &NativeLoop,
            progress,
            cancel,
            home: "test thread",
        };
        let spawner = spawner(job);
        let processes = Processes::new(spawner.as_ref(), threads);
        let technique: &dyn Technique = match kind {
            TechniqueKind::Sequential => &Sequential::IN_WORKER,
            TechniqueKind::SequentialMain => &Sequential::ON_MAIN,
            TechniqueKind::Threads => &Threads,
            TechniqueKind::Gil => &Gil,
            TechniqueKind::Cooperative => &Cooperative,
            TechniqueKind::Processes => &processes,
        };
        assert_eq!(technique.kind(), kind);
        block_on(technique.run(job, &env))
    })
}
