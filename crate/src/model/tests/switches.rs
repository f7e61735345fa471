//! Switches, hand-offs and concurrency on hand-made traces with known answers, then on real
//! runs of the engine.

use super::*;
use crate::kind::TechniqueKind;
use crate::trace::fixtures::span;
use crate::trace::{Lane, Span, Stage, State, Trace};

fn trace(kind: TechniqueKind, lanes: u32, spans: Vec<Span>) -> Trace {
    let tasks = spans.iter().map(|s| s.task + 1).max().unwrap_or(0);
    let end_us = spans.iter().map(|s| s.end_us).fold(0.0, f64::max);
    Trace {
        technique: kind,
        lanes: (0..lanes).map(|id| Lane::new(id, "lane")).collect(),
        spans,
        tasks,
        start_us: 0.0,
        end_us,
        cancelled: Vec::new(),
        build: None,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn cooperative_tasks_switch_at_their_awaits_and_pay_for_each_turn() {
    use Stage::*;
    use State::*;
    let spans = vec![
        span(0, 0, Fetch, Blocked, (0.0, 1000.0)),
        span(0, 1, Fetch, Blocked, (0.0, 1000.0)),
        // Task 1 is ready at 1000 but runs at 1150: 50 µs after the lane was free.
        span(0, 0, Decode, Running, (1000.0, 1100.0)),
        span(0, 1, Decode, Running, (1150.0, 1250.0)),
        // Back to task 0 (resumed), 50 µs later; then task 1 resumes at once.
        span(0, 0, Resize, Running, (1300.0, 1350.0)),
        span(0, 1, Resize, Running, (1350.0, 1400.0)),
    ];
    let t = trace(TechniqueKind::Cooperative, 1, spans);
    let lanes = lane_switches(&t);
    assert_eq!(lanes.len(), 1);
    assert_eq!(lanes[0].switches, 3, "{lanes:?}");
    assert!(close(lanes[0].switch_us, 100.0), "{lanes:?}");
    assert_eq!(lanes[0].handoffs, 0, "no lock, no hand-off");
    let c = concurrency(&t);
    assert_eq!(
        c,
        Concurrency {
            lanes: 1,
            tasks_in_flight: 2,
            running_at_once: 1
        }
    );
}

#[test]
fn finishing_an_image_and_starting_the_next_is_no_switch() {
    use Stage::*;
    use State::*;
    let spans = vec![
        span(0, 0, Fetch, Blocked, (0.0, 100.0)),
        span(0, 0, Decode, Running, (100.0, 200.0)),
        span(0, 0, Encode, Running, (200.0, 300.0)),
        span(0, 1, Fetch, Blocked, (300.0, 400.0)),
        span(0, 1, Decode, Running, (410.0, 500.0)),
    ];
    let t = trace(TechniqueKind::Sequential, 1, spans);
    let lanes = lane_switches(&t);
    assert_eq!((lanes[0].switches, lanes[0].switch_us), (0, 0.0));
    assert_eq!(concurrency(&t).tasks_in_flight, 1);
}

/// Two threads under a global lock: each CPU stage held it.
fn gil_spans() -> Vec<Span> {
    use Stage::*;
    use State::*;
    vec![
        span(0, 0, Fetch, Blocked, (0.0, 100.0)),
        span(0, 0, Decode, Running, (100.0, 200.0)),
        span(1, 1, Fetch, Blocked, (0.0, 120.0)),
        span(1, 1, Decode, Ready, (120.0, 200.0)),
        // Free at 200, taken at 210 by thread 1, which was waiting: a 10 µs hand-off.
        span(1, 1, Decode, Running, (210.0, 300.0)),
        span(0, 0, Resize, Ready, (200.0, 300.0)),
        // Taken at once by thread 0.
        span(0, 0, Resize, Running, (300.0, 350.0)),
        span(1, 1, Encode, Ready, (300.0, 360.0)),
        // Free at 350, taken at 360 by thread 1: 10 µs.
        span(1, 1, Encode, Running, (360.0, 400.0)),
    ]
}

#[test]
fn the_lock_passes_between_threads_and_each_hand_off_costs_the_gap_a_thread_waited_through() {
    let t = trace(TechniqueKind::Gil, 2, gil_spans());
    let lanes = lane_switches(&t);
    assert_eq!(lanes[0].handoffs, 1, "{lanes:?}");
    assert!(close(lanes[0].handoff_us, 0.0), "{lanes:?}");
    assert_eq!(lanes[1].handoffs, 2, "{lanes:?}");
    assert!(close(lanes[1].handoff_us, 20.0), "{lanes:?}");
    assert!(close(lanes[0].ready_us, 100.0) && close(lanes[1].ready_us, 140.0));
    assert!(lanes.iter().all(|l| l.switches == 0), "one task per thread");
    // The same spans without a lock are threads: the trace says nothing of hand-offs.
    let threads = trace(TechniqueKind::Threads, 2, gil_spans());
    assert!(lane_switches(&threads).iter().all(|l| l.handoffs == 0));
}

#[test]
fn threads_run_in_parallel_and_bad_times_are_left_out() {
    use Stage::*;
    use State::*;
    let mut spans = vec![
        span(0, 0, Decode, Running, (0.0, 100.0)),
        span(1, 1, Decode, Running, (50.0, 150.0)),
        span(1, 2, Decode, Running, (f64::NAN, 10.0)),
    ];
    spans.push(span(3, 2, Fetch, Blocked, (0.0, f64::INFINITY)));
    let t = trace(TechniqueKind::Threads, 2, spans);
    let c = concurrency(&t);
    assert_eq!((c.lanes, c.tasks_in_flight, c.running_at_once), (2, 2, 2));
    assert_eq!(
        lane_switches(&t).len(),
        2,
        "a lane only a bad span names is not counted"
    );
    let empty = trace(TechniqueKind::Cooperative, 1, Vec::new());
    assert_eq!(concurrency(&empty), Concurrency::default());
    assert_eq!(lane_switches(&empty)[0], LaneSwitches::default());
}

#[test]
fn real_runs_switch_only_where_tasks_interleave_on_one_lane() {
    let traces = crate::trace::fixtures::real_traces();
    let of = |kind| {
        traces
            .iter()
            .find(|t| t.technique == kind)
            .expect("a real trace")
    };
    let switches = |t: &Trace| lane_switches(t).iter().map(|l| l.switches).sum::<u32>();
    assert_eq!(switches(of(TechniqueKind::Sequential)), 0);
    assert_eq!(switches(of(TechniqueKind::Threads)), 0);
    assert_eq!(switches(of(TechniqueKind::Processes)), 0);
    let coop = of(TechniqueKind::Cooperative);
    // Whether cooperative tasks took turns in this run depends on when their fetches ended and
    // how fast the machine ran the stages between (a loaded machine can finish each task before
    // the next fetch is back): what must hold is that a switch is counted exactly when a task
    // ran while another, started before it on the lane, still had stages to run.
    let mut running: Vec<&Span> = coop
        .spans
        .iter()
        .filter(|s| s.state == State::Running)
        .collect();
    running.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
    let last = |task| {
        running
            .iter()
            .filter(|s| s.task == task)
            .map(|s| s.end_us)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let took_turns = running
        .windows(2)
        .any(|w| w[0].task != w[1].task && last(w[0].task) > w[0].end_us);
    assert_eq!(
        switches(coop) > 0,
        took_turns,
        "cooperative switches are counted where its tasks took turns on the main thread"
    );
    let c = concurrency(coop);
    assert_eq!((c.lanes, c.running_at_once), (1, 1), "{c:?}");
    assert!(c.tasks_in_flight > 1, "{c:?}");
    let threads = concurrency(of(TechniqueKind::Threads));
    assert!(threads.running_at_once <= threads.lanes, "{threads:?}");
}
