use futures::executor::block_on;

use super::*;
use crate::images::{sample_jpeg, SampleSpec};
use crate::platform::{ExecutorYield, NoProgress, SystemClock};

fn job(count: u32) -> Job {
    let spec = SampleSpec {
        seed: 42,
        count,
        width: 480,
        height: 360,
    };
    Job {
        sources: (0..count).map(|i| sample_jpeg(&spec, i)).collect(),
        spec: ThumbSpec { max_side: 64 },
    }
}

type AnyTechnique = dyn Technique + Sync;

/// Runs in a pool of 2 threads, as on the 2-core machines the product is measured on.
fn run(technique: &AnyTechnique, job: &Job, cancel: &Cancel) -> RunOutput {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| {
        let env = Env {
            clock: &SystemClock,
            yielder: &ExecutorYield,
            progress: &NoProgress,
            cancel,
            home: "test thread",
        };
        block_on(technique.run(job, &env))
    })
}

fn all() -> Vec<Box<AnyTechnique>> {
    vec![
        Box::new(Sequential),
        Box::new(Threads),
        Box::new(Cooperative),
    ]
}

fn pngs(out: &RunOutput) -> Vec<Vec<u8>> {
    out.outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().png.clone())
        .collect()
}

#[test]
fn every_technique_makes_byte_identical_thumbnails_and_a_well_formed_trace() {
    let job = job(8);
    let runs: Vec<RunOutput> = all()
        .iter()
        .map(|t| run(t.as_ref(), &job, &Cancel::default()))
        .collect();
    let reference = pngs(&runs[0]);
    assert_eq!(reference.len(), 8);
    for out in &runs {
        assert_eq!(pngs(out), reference, "{:?} differs", out.trace.technique);
        out.trace
            .validate(&Stage::CPU)
            .unwrap_or_else(|e| panic!("{:?}: {e}", out.trace.technique));
        assert_eq!(out.trace.running().count(), 8 * 3);
    }
}

#[test]
fn kinds_round_trip_through_their_ids() {
    for (t, kind) in all().iter().zip(TechniqueKind::ALL) {
        assert_eq!(t.kind(), kind);
        assert_eq!(TechniqueKind::from_id(kind.id()), Some(kind));
    }
    assert_eq!(TechniqueKind::from_id("fibers"), None);
}

#[test]
fn sequential_runs_on_one_lane_one_span_at_a_time() {
    let out = run(&Sequential, &job(4), &Cancel::default());
    assert_eq!(out.trace.lanes.len(), 1);
    assert_eq!(out.trace.max_parallelism(), 1);
    // Task order is batch order: task i finishes before task i+1 starts.
    let tasks: Vec<u32> = out.trace.spans.iter().map(|s| s.task).collect();
    assert!(tasks.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn threads_run_on_distinct_lanes_at_the_same_time() {
    let out = run(&Threads, &job(12), &Cancel::default());
    let mut lanes: Vec<u32> = out.trace.running().map(|s| s.lane).collect();
    lanes.sort_unstable();
    lanes.dedup();
    assert_eq!(out.trace.lanes.len(), 2);
    assert_eq!(lanes.len(), 2, "both pool threads took work");
    assert_eq!(out.trace.max_parallelism(), 2);
}

#[test]
fn cooperative_tasks_interleave_on_one_lane() {
    let out = run(&Cooperative, &job(4), &Cancel::default());
    assert_eq!(out.trace.lanes.len(), 1);
    assert_eq!(out.trace.max_parallelism(), 1);
    // Recorded order is time order on one thread: some task runs a stage while another task
    // is between its first and last stage.
    let order: Vec<u32> = out.trace.spans.iter().map(|s| s.task).collect();
    let first = |t| order.iter().position(|&x| x == t).unwrap();
    let last = |t| order.iter().rposition(|&x| x == t).unwrap();
    let interleaved = (0..4).any(|t| order[first(t)..last(t)].iter().any(|&x| x != t));
    assert!(interleaved, "tasks ran one after another: {order:?}");
}

#[test]
fn a_corrupt_image_fails_alone_in_every_technique() {
    let mut job = job(4);
    job.sources[2] = b"definitely not a jpeg".to_vec();
    for t in all() {
        let out = run(t.as_ref(), &job, &Cancel::default());
        let failed: Vec<usize> = (0..4).filter(|&i| out.outcomes[i].is_err()).collect();
        assert_eq!(failed, vec![2], "{:?}", t.kind());
        assert!(out.outcomes[2].as_ref().unwrap_err().contains("decode"));
        assert_eq!(
            out.trace
                .failures()
                .map(|(task, _)| task)
                .collect::<Vec<_>>(),
            vec![2]
        );
        out.trace.validate(&Stage::CPU).unwrap();
    }
}

#[test]
fn a_cancelled_run_skips_its_tasks() {
    let cancel = Cancel::default();
    cancel.cancel();
    for t in all() {
        let out = run(t.as_ref(), &job(3), &cancel);
        assert!(out
            .outcomes
            .iter()
            .all(|o| o.as_ref().unwrap_err() == CANCELLED));
        assert!(out.trace.spans.is_empty());
    }
}
