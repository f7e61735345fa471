//! The ideal schedule on hand-built traces with known answers; `runs.rs` checks it against
//! real runs of the engine.

// Real runs need the rayon techniques.
#[cfg(feature = "threads")]
mod runs;

use super::*;
use crate::kind::TechniqueKind;
use crate::trace::fixtures::span;
use crate::trace::{Lane, Span, Stage, State, Trace};

fn run(stage: Stage, lane: u32, task: u32, at: (f64, f64)) -> Span {
    span(lane, task, stage, State::Running, at)
}

fn fetch(lane: u32, task: u32, at: (f64, f64)) -> Span {
    span(lane, task, Stage::Fetch, State::Blocked, at)
}

/// A trace of `kind` on `lanes` lanes from 0 to `end_us`.
fn trace(kind: TechniqueKind, lanes: u32, end_us: f64, spans: Vec<Span>) -> Trace {
    let tasks = spans.iter().map(|s| s.task + 1).max().unwrap_or(0);
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

/// `n` tasks, each with the same `stages`.
fn alike(n: u32, stages: &[(Stage, f64)]) -> Vec<TaskCost> {
    (0..n)
        .map(|task| TaskCost {
            task,
            stages: stages.to_vec(),
        })
        .collect()
}

/// `n` tasks, each a fetch and three CPU stages of the given costs.
fn uniform(n: u32, [f, d, r, e]: [f64; 4]) -> Vec<TaskCost> {
    let stages = [
        (Stage::Fetch, f),
        (Stage::Decode, d),
        (Stage::Resize, r),
        (Stage::Encode, e),
    ];
    alike(n, &stages)
}

fn pool(lanes: u32, one_cpu: bool, connections: u32) -> Policy {
    Policy {
        lanes: Some(lanes),
        one_cpu,
        connections,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// The parts add up to the difference, whatever they are.
fn assert_adds_up(o: &Overhead) {
    let parts: f64 = o.parts().iter().map(|p| p.1).sum();
    assert!(close(parts, o.total_us()), "{o:?}");
}

#[test]
fn equal_tasks_on_n_lanes_take_ceil_tasks_over_n_rounds() {
    let costs = [7.0, 30.0, 20.0, 11.0];
    let each: f64 = costs.iter().sum();
    for lanes in 1..=4 {
        for tasks in 0..=9 {
            let s = simulate(&pool(lanes, false, 64), &uniform(tasks, costs));
            let rounds = f64::from(tasks.div_ceil(lanes));
            assert!(close(s.wall_us, rounds * each), "{tasks} on {lanes}: {s:?}");
            assert!(s.spans.iter().all(|x| x.lane < lanes));
            assert_eq!(s.total_us(State::Ready), 0.0);
        }
    }
}

#[test]
fn random_costs_stay_within_the_classic_bounds() {
    let mut rng = fastrand::Rng::with_seed(8);
    for _ in 0..200 {
        let n = rng.u32(1..12);
        let tasks: Vec<TaskCost> = (0..n)
            .map(|task| TaskCost {
                task,
                stages: [Stage::Fetch, Stage::Decode, Stage::Resize, Stage::Encode]
                    .into_iter()
                    .map(|st| (st, rng.f64() * 1000.0))
                    .collect(),
            })
            .collect();
        let sum: f64 = tasks.iter().map(TaskCost::total_us).sum();
        let longest = tasks.iter().map(TaskCost::total_us).fold(0.0, f64::max);
        let cpu: f64 = tasks
            .iter()
            .flat_map(|t| &t.stages)
            .filter(|(st, _)| st.is_cpu())
            .map(|(_, d)| d)
            .sum();
        let fetches = tasks.iter().map(|t| t.stages[0].1);
        let last_fetch = fetches.fold(0.0, f64::max);
        let lanes = rng.u32(1..5);
        let l = f64::from(lanes);
        // Greedy list scheduling (Graham): at most one task beyond an even share.
        let threads = simulate(&pool(lanes, false, 64), &tasks).wall_us;
        assert!(threads >= (sum / l).max(longest) - 1e-6, "{threads}");
        assert!(
            threads <= sum / l + longest * (1.0 - 1.0 / l) + 1e-6,
            "{threads}"
        );
        // One core: all the CPU work, and never worse than one task after another.
        let gil = simulate(&pool(lanes, true, 64), &tasks).wall_us;
        assert!(gil >= cpu.max(longest) - 1e-6 && gil <= sum + 1e-6, "{gil}");
        // Every fetch at once, then the core works through what is left.
        let every = Policy::of(TechniqueKind::Cooperative, 1, 64);
        let coop = simulate(&every, &tasks).wall_us;
        assert!(coop >= cpu.max(longest) - 1e-6, "{coop}");
        assert!(coop <= last_fetch + cpu + 1e-6, "{coop}");
    }
}

#[test]
fn four_equal_tasks_on_two_lanes_take_two_task_costs_and_gaps_are_idle_lanes() {
    // Measured: each lane leaves 10 µs between its tasks, and lane 1 starts 5 µs late.
    let spans = vec![
        run(Stage::Decode, 0, 0, (0.0, 100.0)),
        run(Stage::Decode, 1, 1, (5.0, 105.0)),
        run(Stage::Decode, 0, 2, (110.0, 210.0)),
        run(Stage::Decode, 1, 3, (115.0, 215.0)),
    ];
    let t = trace(TechniqueKind::Threads, 2, 220.0, spans);
    let ideal = ideal_schedule(&t, 6);
    assert_eq!(ideal.policy, pool(2, false, 6));
    assert!(close(ideal.overhead.predicted_us, 200.0));
    let o = ideal.overhead;
    // Lane time 2 × 220 less 400 of work is 40 idle; the ideal has none: 20 µs of wall.
    assert!(close(o.idle_us, 20.0), "{o:?}");
    assert!(close(o.total_us(), 20.0));
    assert_eq!((o.startup_us, o.transfer_us, o.lock_us), (0.0, 0.0, 0.0));
    assert!(close(o.remainder_us, 0.0));
    assert_adds_up(&o);
}

#[test]
fn under_a_global_lock_cpu_only_tasks_take_their_sum() {
    let costs = [0.0, 40.0, 25.0, 10.0];
    for lanes in 1..=4 {
        let s = simulate(&pool(lanes, true, 6), &uniform(5, costs));
        assert!(close(s.wall_us, 5.0 * 75.0), "{lanes}: {}", s.wall_us);
        assert_eq!(
            s.to_trace(&trace(TechniqueKind::Gil, lanes, 0.0, vec![]))
                .max_parallelism(),
            1
        );
    }
    // Measured on two lanes: the second waited for the lock (ready) and ran after.
    let spans = vec![
        run(Stage::Decode, 0, 0, (0.0, 100.0)),
        span(1, 1, Stage::Decode, State::Ready, (0.0, 103.0)),
        run(Stage::Decode, 1, 1, (103.0, 203.0)),
    ];
    let ideal = ideal_schedule(&trace(TechniqueKind::Gil, 2, 203.0, spans), 6);
    let o = ideal.overhead;
    assert!(close(o.predicted_us, 200.0));
    // The ideal waits 100 µs for the lock too; the 3 µs the lock sat free is the overhead.
    assert!(close(ideal.schedule.total_us(State::Ready), 100.0));
    assert!(close(o.lock_us, 3.0), "{o:?}");
    assert!(close(o.idle_us, 0.0), "{o:?}");
    assert_adds_up(&o);
}

#[test]
fn the_lock_is_released_during_io_and_threads_need_no_lock() {
    // Two tasks, each a 100 µs fetch and a 100 µs decode, on two lanes.
    let tasks = alike(2, &[(Stage::Fetch, 100.0), (Stage::Decode, 100.0)]);
    let gil = simulate(&pool(2, true, 6), &tasks);
    assert!(close(gil.wall_us, 300.0), "both fetch, then decode in turn");
    assert!(close(gil.total_us(State::Ready), 100.0));
    assert!(close(simulate(&pool(2, false, 6), &tasks).wall_us, 200.0));
    assert!(close(simulate(&pool(1, false, 6), &tasks).wall_us, 400.0));
}

#[test]
fn cooperative_waits_overlap_up_to_the_connection_limit() {
    let every = |connections| Policy {
        lanes: None,
        one_cpu: true,
        connections,
    };
    let tasks = alike(3, &[(Stage::Fetch, 1000.0), (Stage::Decode, 100.0)]);
    // All three fetch at once, then decode one after another.
    let s = simulate(&every(6), &tasks);
    assert!(close(s.wall_us, 1300.0), "{s:?}");
    assert_eq!(s.lanes, 1);
    assert!(close(s.total_us(State::Blocked), 3000.0));
    // One connection: fetches in a row, each decode overlapping the next fetch.
    assert!(close(simulate(&every(1), &tasks).wall_us, 3100.0));
    assert_eq!(
        Policy::of(TechniqueKind::Cooperative, 1, 6),
        every(6),
        "cooperative is every task in flight on one core"
    );
}

#[test]
fn cooperative_time_not_running_while_a_task_is_ready_is_switching() {
    // Both fetches end at 1000; task 1 is ready from then but runs only at 1150.
    let spans = vec![
        fetch(0, 0, (0.0, 1000.0)),
        fetch(0, 1, (0.0, 1000.0)),
        run(Stage::Decode, 0, 0, (1000.0, 1100.0)),
        run(Stage::Decode, 0, 1, (1150.0, 1250.0)),
    ];
    let ideal = ideal_schedule(&trace(TechniqueKind::Cooperative, 1, 1260.0, spans), 6);
    let o = ideal.overhead;
    assert!(close(o.predicted_us, 1200.0));
    assert!(close(o.switch_us, 50.0), "{o:?}");
    // The 10 µs after the last stage nobody was ready: idle.
    assert!(close(o.idle_us, 10.0), "{o:?}");
    assert!(close(o.remainder_us, 0.0));
    assert_adds_up(&o);
}

#[test]
fn processes_pay_for_startup_and_messages() {
    // Two processes start in 300 µs; each task is a 100 µs fetch, 200 µs of CPU and a 50 µs
    // message back; the next task goes to the process once its message is in.
    let mut spans = Vec::new();
    for (lane, tasks) in [(0, [0, 2]), (1, [1, 3])] {
        let mut at = 300.0;
        for task in tasks {
            spans.push(fetch(lane, task, (at, at + 100.0)));
            spans.push(run(Stage::Decode, lane, task, (at + 100.0, at + 300.0)));
            let transfer = (at + 300.0, at + 350.0);
            spans.push(span(lane, task, Stage::Transfer, State::Blocked, transfer));
            at += 350.0;
        }
    }
    let mut t = trace(TechniqueKind::Processes, 2, 1000.0, spans);
    for lane in &mut t.lanes {
        lane.startup_us = Some((0.0, 300.0));
    }
    let ideal = ideal_schedule(&t, 6);
    let o = ideal.overhead;
    assert!(close(o.predicted_us, 600.0), "{o:?}");
    assert!(close(o.startup_us, 300.0));
    assert!(close(o.transfer_us, 100.0));
    assert!(close(o.idle_us, 0.0), "{o:?}");
    assert!(close(o.remainder_us, 0.0));
    assert_adds_up(&o);
    // The ideal trace has no startup and no messages, on the same lanes.
    let drawn = ideal.schedule.to_trace(&t);
    assert!(drawn.spans.iter().all(|s| s.stage != Stage::Transfer));
    assert!(drawn.lanes.iter().all(|l| l.startup_us.is_none()));
    assert_eq!(drawn.wall_us(), o.predicted_us);
}

#[test]
fn the_connection_limit_holds_across_lanes() {
    let tasks = alike(4, &[(Stage::Fetch, 100.0)]);
    for (connections, rounds) in [(1, 4.0), (2, 2.0), (4, 1.0), (9, 1.0)] {
        let s = simulate(&pool(4, false, connections), &tasks);
        assert!(close(s.wall_us, rounds * 100.0), "{connections}: {s:?}");
        let drawn = s.to_trace(&trace(TechniqueKind::Threads, 4, 0.0, vec![]));
        assert!(drawn.max_in_flight() <= connections as usize);
    }
}

#[test]
fn costs_leave_out_waits_and_messages_and_follow_the_measured_order() {
    let spans = vec![
        fetch(0, 0, (50.0, 60.0)),
        span(0, 0, Stage::Decode, State::Ready, (60.0, 70.0)),
        run(Stage::Decode, 0, 0, (70.0, 90.0)),
        span(0, 0, Stage::Transfer, State::Blocked, (90.0, 95.0)),
        // Task 1 started first, and its spans were recorded out of order.
        run(Stage::Decode, 1, 1, (15.0, 45.0)),
        fetch(1, 1, (5.0, 15.0)),
    ];
    let costs = task_costs(&trace(TechniqueKind::Processes, 2, 100.0, spans));
    assert_eq!(costs.iter().map(|c| c.task).collect::<Vec<_>>(), [1, 0]);
    assert_eq!(
        costs[1].stages,
        [(Stage::Fetch, 10.0), (Stage::Decode, 20.0)]
    );
    assert_eq!(
        costs[0].stages,
        [(Stage::Fetch, 10.0), (Stage::Decode, 30.0)]
    );
    assert_eq!(costs[0].total_us(), 40.0);
    // On one lane the first started runs first.
    let s = simulate(&pool(1, false, 6), &costs);
    assert_eq!(s.spans[0].task, 1);
    assert_eq!(s, simulate(&pool(1, false, 6), &costs), "deterministic");
}

#[test]
fn overlapping_spans_on_a_lane_show_up_as_remainder() {
    // Two running spans on one lane overlap by 30 µs: a broken trace, not overhead.
    let spans = vec![
        run(Stage::Decode, 0, 0, (0.0, 100.0)),
        run(Stage::Decode, 0, 1, (70.0, 170.0)),
    ];
    let o = ideal_schedule(&trace(TechniqueKind::Sequential, 1, 170.0, spans), 6).overhead;
    assert!(close(o.predicted_us, 200.0));
    assert!(close(o.remainder_us, -30.0), "{o:?}");
    assert_adds_up(&o);
}

#[test]
fn an_empty_run_predicts_nothing() {
    let t = trace(TechniqueKind::Threads, 2, 0.0, vec![]);
    let ideal = ideal_schedule(&t, 6);
    assert_eq!(ideal.overhead.predicted_us, 0.0);
    assert_eq!(ideal.overhead, Overhead::default());
}
