//! The ideal schedule of real runs of every technique: never slower than the run (the ideal
//! pool replays the run's own order, so only overhead can separate them), and the breakdown
//! accounts for all of the difference.

use crate::config::Config;
use crate::kind::TechniqueKind;
use crate::model::{ideal_schedule, task_costs};
use crate::network::Network;
use crate::platform::{Cancel, NoProgress};
use crate::stats::total_us;
use crate::technique::{Job, STAGES};
use crate::testing::{in_process, run_on_pool, sample_job};
use crate::trace::{State, Trace};

/// Threads and processes of the parallel techniques, as on the 2-core machines measured.
const N: u32 = 2;

fn job(count: u32, network: Network) -> Job {
    let thumb = Config {
        thumb: 64,
        ..Config::default()
    }
    .thumb_spec();
    sample_job(7, count, (480, 360), thumb, network, 3)
}

/// Runs `kind` on `job` in a pool of [`N`] threads (processes: [`N`] of them).
fn run(kind: TechniqueKind, job: &Job) -> Trace {
    run_on_pool(kind, job, N, &in_process, &Cancel::default(), &NoProgress).trace
}

/// Checks the ideal schedule of `trace` against it; returns (predicted, measured).
fn check(trace: &Trace, connections: u32) -> (f64, f64) {
    let kind = trace.technique;
    trace.validate(&STAGES).expect("a well-formed run");
    let ideal = ideal_schedule(trace, connections);
    let o = ideal.overhead;
    assert_eq!(o.measured_us, trace.wall_us());
    // The replay runs every stage the run ran, for as long as it ran.
    let costs: f64 = task_costs(trace).iter().map(|c| c.total_us()).sum();
    let replayed =
        ideal.schedule.total_us(State::Running) + ideal.schedule.total_us(State::Blocked);
    assert!((costs - replayed).abs() < 1e-6, "{kind:?}");
    // Zero overhead is never slower than the run; 1% and 1 ms cover clock reads and the
    // order of equal-time events.
    assert!(
        o.predicted_us <= o.measured_us * 1.01 + 1000.0,
        "{kind:?}: predicted {} > measured {}",
        o.predicted_us,
        o.measured_us
    );
    // A well-formed trace has nothing left unexplained, and the parts add up.
    let parts: f64 = o.parts().iter().map(|p| p.1).sum();
    assert!((parts - o.total_us()).abs() < 1e-6, "{kind:?}: {o:?}");
    assert!(
        o.remainder_us.abs() < 1e-6 * o.measured_us + 1e-6,
        "{kind:?}: {o:?}"
    );
    // Drawn beside the run, the ideal schedule is itself a well-formed run of the same tasks.
    let drawn = ideal.schedule.to_trace(trace);
    drawn.validate(&STAGES).expect("a well-formed ideal run");
    assert!(drawn.max_in_flight() <= connections as usize);
    (o.predicted_us, o.measured_us)
}

#[test]
fn cpu_bound_runs_are_never_faster_than_their_ideal() {
    let job = job(8, Network::LOCAL);
    for kind in TechniqueKind::ALL {
        let trace = run(kind, &job);
        let (predicted, _) = check(&trace, job.network.connections);
        let cpu = total_us(&trace, State::Running, None);
        let one_lane = matches!(
            kind,
            TechniqueKind::Sequential
                | TechniqueKind::SequentialMain
                | TechniqueKind::Gil
                | TechniqueKind::Cooperative
        );
        if one_lane {
            // One core at a time: the ideal is all the CPU work (plus fetches off the core).
            assert!(predicted >= cpu - 1e-6, "{kind:?}");
        } else {
            // N lanes can at best share the work evenly.
            assert!(predicted >= cpu / f64::from(N) - 1e-6, "{kind:?}");
            assert!(predicted < cpu, "{kind:?}: two lanes must help");
        }
    }
}

#[test]
fn io_bound_runs_are_never_faster_than_their_ideal_and_waits_overlap() {
    let network = Network {
        latency_ms: 30,
        jitter_ms: 10,
        bandwidth_mbps: 0,
        connections: 3,
    };
    let job = job(6, network);
    let mut predicted = Vec::new();
    for kind in TechniqueKind::ALL {
        let trace = run(kind, &job);
        predicted.push((kind, check(&trace, network.connections).0));
    }
    let of = |k| predicted.iter().find(|p| p.0 == k).map(|p| p.1);
    let (Some(seq), Some(coop)) = (
        of(TechniqueKind::Sequential),
        of(TechniqueKind::Cooperative),
    ) else {
        panic!("both ran: {predicted:?}")
    };
    // Three requests in flight beat one at a time, even with zero overhead for both.
    assert!(coop < seq * 0.6, "cooperative {coop} vs sequential {seq}");
}

#[test]
fn a_saved_trace_gives_the_same_prediction() {
    let job = job(4, Network::LOCAL);
    for kind in [TechniqueKind::Cooperative, TechniqueKind::Processes] {
        let trace = run(kind, &job);
        // serde_json (without its `float_roundtrip` feature) may read a float back one ulp
        // off: the figures agree to far below a clock tick, not bit for bit.
        let json = serde_json::to_string(&trace).expect("a trace serialises");
        let read: Trace = serde_json::from_str(&json).expect("and reads back");
        let (a, b) = (
            ideal_schedule(&read, 6).overhead,
            ideal_schedule(&trace, 6).overhead,
        );
        for ((name, x), (_, y)) in a.parts().into_iter().zip(b.parts()) {
            assert!((x - y).abs() < 1e-6, "{kind:?} {name}: {x} vs {y}");
        }
        assert!((a.predicted_us - b.predicted_us).abs() < 1e-6, "{kind:?}");
        assert!((a.measured_us - b.measured_us).abs() < 1e-6, "{kind:?}");
    }
}
