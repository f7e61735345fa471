mod bands;
mod grain;
mod limits;
mod processes;

use std::cell::Cell;
use std::sync::Arc;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;

use super::*;
use crate::platform::{MemorySource, NativeLoop, NoProgress, Source, SystemClock};
use crate::testing::{self, run_on_pool, sample_job};
use crate::trace::State;

fn job(count: u32, network: Network) -> Job {
    sample_job(42, count, (480, 360), ThumbSpec::fit(64), network, 1)
}

/// A network slow enough that waits dominate, and with room for several requests at once.
fn slow_network() -> Network {
    Network {
        latency_ms: 40,
        jitter_ms: 10,
        bandwidth_mbps: 0,
        connections: 6,
    }
}

/// The native double of a process: its own copy of the images (no memory shared with the
/// caller or the other processes), running the same per-task code as a browser process worker.
struct InProcess {
    live: testing::InProcess,
    lane: u32,
    /// Tasks taken so far.
    taken: Cell<u32>,
    dies: Dies,
}

/// Whether process `lane` dies on its `nth` task (from 1), task `task`.
type Dies = fn(lane: u32, nth: u32, task: u32) -> bool;

impl Process for InProcess {
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>> {
        self.taken.set(self.taken.get() + 1);
        let dead = (self.dies)(self.lane, self.taken.get(), task);
        if dead {
            return Box::pin(async { Err("it ran out of memory".to_string()) });
        }
        self.live.run(task)
    }
}

struct InProcessSpawner {
    job: Job,
    dies: Dies,
}

impl InProcessSpawner {
    /// Processes that never die.
    fn new(job: &Job) -> Self {
        InProcessSpawner {
            job: job.clone(),
            dies: |_, _, _| false,
        }
    }
}

/// A process's own copy of every image (or of the reason it could not be read).
struct Copied(Vec<Result<Vec<u8>, String>>);

impl Source for Copied {
    fn len(&self) -> u32 {
        self.0.len() as u32
    }
    fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
        Box::pin(std::future::ready(self.get_blocking(task)))
    }
    fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String> {
        self.0[task as usize].clone()
    }
}

impl Spawner for InProcessSpawner {
    fn spawn(&self, lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>> {
        let copy = (0..self.job.tasks())
            .map(|t| self.job.source.get_blocking(t))
            .collect();
        let job = Job {
            source: Arc::new(Copied(copy)),
            ..self.job.clone()
        };
        let process = InProcess {
            live: testing::InProcess(job),
            lane,
            taken: Cell::new(0),
            dies: self.dies,
        };
        Box::pin(async move { Ok(Box::new(process) as Box<dyn Process>) })
    }
}

/// Runs in a pool of 2 threads, as on the 2-core machines the product is measured on.
fn run(kind: TechniqueKind, job: &Job, cancel: &Cancel) -> RunOutput {
    run_with(kind, job, cancel, &NoProgress)
}

/// [`run`], reporting to `progress`.
fn run_with(kind: TechniqueKind, job: &Job, cancel: &Cancel, progress: &dyn Progress) -> RunOutput {
    run_on_pool(
        kind,
        job,
        2,
        &|job| Box::new(InProcessSpawner::new(job)),
        cancel,
        progress,
    )
}

fn pngs(out: &RunOutput) -> Vec<Vec<u8>> {
    out.outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().png.clone())
        .collect()
}

fn lanes_used(out: &RunOutput) -> usize {
    let mut lanes: Vec<u32> = out.trace.running().map(|s| s.lane).collect();
    lanes.sort_unstable();
    lanes.dedup();
    lanes.len()
}

#[test]
fn every_technique_makes_byte_identical_thumbnails_and_a_well_formed_trace() {
    let job = job(8, Network::LOCAL);
    let reference = pngs(&run(TechniqueKind::Sequential, &job, &Cancel::default()));
    assert_eq!(reference.len(), 8);
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job, &Cancel::default());
        assert_eq!(pngs(&out), reference, "{kind:?} differs");
        out.trace
            .validate(&STAGES)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(out.trace.running().count(), 8 * 3, "{kind:?}");
        let fetches = out.trace.spans.iter().filter(|s| s.stage == Stage::Fetch);
        assert!(fetches.clone().all(|s| s.state == State::Blocked));
        assert_eq!(fetches.count(), 8, "{kind:?}");
    }
}

#[test]
fn sequential_does_one_thing_at_a_time_in_batch_order() {
    let out = run(
        TechniqueKind::Sequential,
        &job(4, slow_network()),
        &Cancel::default(),
    );
    assert_eq!(out.trace.lanes.len(), 1);
    assert_eq!(out.trace.max_parallelism(), 1);
    assert_eq!(
        out.trace.max_in_state(State::Blocked),
        1,
        "one request at a time"
    );
    let tasks: Vec<u32> = out.trace.spans.iter().map(|s| s.task).collect();
    assert!(tasks.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn threads_run_cpu_stages_on_distinct_lanes_at_the_same_time() {
    let out = run(
        TechniqueKind::Threads,
        &job(12, Network::LOCAL),
        &Cancel::default(),
    );
    assert_eq!(out.trace.lanes.len(), 2);
    assert_eq!(lanes_used(&out), 2, "both pool threads took work");
    assert_eq!(out.trace.max_parallelism(), 2);
}

#[test]
fn under_the_global_lock_cpu_never_overlaps_but_waits_do() {
    let out = run(
        TechniqueKind::Gil,
        &job(8, slow_network()),
        &Cancel::default(),
    );
    assert_eq!(lanes_used(&out), 2);
    assert_eq!(out.trace.max_parallelism(), 1, "no two CPU stages at once");
    assert_eq!(
        out.trace.max_in_state(State::Blocked),
        2,
        "each thread waits for I/O without the lock"
    );
    // A thread that wanted the lock while the other held it waited as *ready*.
    let cpu_bound = run(
        TechniqueKind::Gil,
        &job(8, Network::LOCAL),
        &Cancel::default(),
    );
    assert!(cpu_bound
        .trace
        .spans
        .iter()
        .any(|s| s.state == State::Ready));
    assert_eq!(cpu_bound.trace.max_parallelism(), 1);
}

#[test]
fn cooperative_tasks_overlap_their_waits_and_interleave_on_one_lane() {
    // Without jitter every fetch ends at about the same time, so the CPU stages that follow
    // must take turns (with jitter they might just as well not meet).
    let network = Network {
        jitter_ms: 0,
        ..slow_network()
    };
    let out = run(
        TechniqueKind::Cooperative,
        &job(6, network),
        &Cancel::default(),
    );
    assert_eq!(out.trace.lanes.len(), 1);
    assert_eq!(out.trace.max_parallelism(), 1);
    assert!(
        out.trace.max_in_state(State::Blocked) >= 3,
        "several fetches in flight at once"
    );
    // Recorded order is time order on one thread: some task runs a stage while another task
    // is between its first and last stage.
    let order: Vec<u32> = out.trace.running().map(|s| s.task).collect();
    let first = |t| order.iter().position(|&x| x == t).unwrap();
    let last = |t| order.iter().rposition(|&x| x == t).unwrap();
    let interleaved = (0..6).any(|t| order[first(t)..last(t)].iter().any(|&x| x != t));
    assert!(interleaved, "tasks ran one after another: {order:?}");
}

#[test]
fn the_connection_limit_caps_requests_in_flight() {
    let network = Network {
        connections: 2,
        ..slow_network()
    };
    let out = run(
        TechniqueKind::Cooperative,
        &job(6, network),
        &Cancel::default(),
    );
    assert!(out.trace.max_in_state(State::Blocked) <= 2);
}

#[test]
fn blocking_threads_respect_the_connection_limit_too() {
    let network = Network {
        connections: 1,
        ..slow_network()
    };
    let out = run(TechniqueKind::Threads, &job(4, network), &Cancel::default());
    assert_eq!(out.trace.max_in_state(State::Blocked), 1);
}

#[test]
fn a_corrupt_image_fails_alone_in_every_technique() {
    let mut sources: Vec<Vec<u8>> = (0..4)
        .map(|t| job(4, Network::LOCAL).source.get_blocking(t).unwrap())
        .collect();
    sources[2] = b"definitely not a jpeg".to_vec();
    let job = Job {
        source: Arc::new(MemorySource::from(sources)),
        ..job(4, Network::LOCAL)
    };
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job, &Cancel::default());
        let failed: Vec<usize> = (0..4).filter(|&i| out.outcomes[i].is_err()).collect();
        assert_eq!(failed, vec![2], "{kind:?}");
        assert!(out.outcomes[2]
            .as_ref()
            .unwrap_err()
            .contains("not an image"));
        let failed = out.trace.spans.iter().find(|s| s.error.is_some()).unwrap();
        assert_eq!(failed.stage, Stage::Decode, "{kind:?}");
        assert_eq!(
            out.trace
                .failures()
                .map(|(task, _)| task)
                .collect::<Vec<_>>(),
            vec![2]
        );
        out.trace.validate(&STAGES).unwrap();
    }
}

#[test]
fn a_missing_image_fails_at_fetch() {
    let job = job(2, Network::LOCAL);
    let short = Job {
        source: Arc::new(MemorySource::from(vec![job
            .source
            .get_blocking(0)
            .unwrap()])),
        ..job
    };
    // The batch says 1 task; ask a technique for a task the source does not have through a
    // source that lies about its length.
    struct Lying(MemorySource);
    impl Source for Lying {
        fn len(&self) -> u32 {
            2
        }
        fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
            self.0.get(task)
        }
        fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String> {
            self.0.get_blocking(task)
        }
    }
    let bytes = short.source.get_blocking(0).unwrap();
    let job = Job {
        source: Arc::new(Lying(MemorySource::from(vec![bytes]))),
        ..short
    };
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job, &Cancel::default());
        assert!(out.outcomes[0].is_ok());
        assert!(
            out.outcomes[1].as_ref().unwrap_err().contains("no image"),
            "{kind:?}"
        );
        let failed = out.trace.spans.iter().find(|s| s.error.is_some()).unwrap();
        assert_eq!(failed.stage, Stage::Fetch);
        out.trace.validate(&STAGES).unwrap();
    }
}
