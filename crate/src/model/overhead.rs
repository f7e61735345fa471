//! Measured against ideal: where the time between the ideal schedule and the run went.
//!
//! Time is accounted, not guessed, so the parts add up exactly. On a pool of N lanes, N × wall
//! is the lanes' work (the same in both), their *ready* waits, startup, messages and idle time:
//! `measured − predicted` is the difference of those, ÷ N. Where CPU stages take turns on one
//! core (a global lock, one event loop), the core is what counts: wall is time running plus
//! time not running, which is overhead while some task was ready to run (a lock hand-off, a
//! switch) and idle while none was (waiting for I/O).

use serde::{Deserialize, Serialize};

use super::ideal::{simulate, task_costs, Policy, Schedule};
use crate::trace::{Span, Stage, State, Trace};

/// Measured and predicted wall time, and the difference broken down. All in µs of wall time:
/// the parts add up to `measured_us − predicted_us` (the remainder makes sure of it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overhead {
    /// The run's wall time.
    pub measured_us: f64,
    /// The ideal schedule's wall time.
    pub predicted_us: f64,
    /// Starting threads or processes (spawn, load, instantiate): lanes' startup time ÷ lanes.
    pub startup_us: f64,
    /// Moving results between processes: transfer time ÷ lanes.
    pub transfer_us: f64,
    /// Under a global lock: time nothing ran while a thread waited for the lock (hand-offs,
    /// wake-ups). On a pool without one: waiting as *ready* (for the memory budget) ÷ lanes.
    pub lock_us: f64,
    /// Cooperative tasks: time nothing ran although a task was ready to (yields, event-loop
    /// turns, wake-ups).
    pub switch_us: f64,
    /// Idle time beyond the ideal schedule's: on a pool, lanes idle (load imbalance, waiting
    /// for the next task or a connection, dead processes) ÷ lanes; on one core, the core idle
    /// with no task ready. Negative when the run kept busier than the replayed policy would.
    pub idle_us: f64,
    /// What no part explains: time counted twice (spans overlapping on a lane) or outside
    /// the run. Near zero for a well-formed trace.
    pub remainder_us: f64,
}

impl Overhead {
    /// Measured less predicted wall time: the overhead of the technique as run.
    pub fn total_us(&self) -> f64 {
        self.measured_us - self.predicted_us
    }

    /// The parts, named as the page shows them, in the order they add up.
    pub fn parts(&self) -> [(&'static str, f64); 6] {
        [
            ("spawn / instantiate", self.startup_us),
            ("message copy", self.transfer_us),
            ("lock waits", self.lock_us),
            ("switches / yields", self.switch_us),
            ("idle lanes", self.idle_us),
            ("remainder", self.remainder_us),
        ]
    }
}

/// A run next to its ideal schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Ideal {
    /// The policy replayed.
    pub policy: Policy,
    /// The simulated run, from 0 µs.
    pub schedule: Schedule,
    /// Measured against predicted.
    pub overhead: Overhead,
}

/// Replays `trace`'s technique on its lanes with its measured stage costs and no overhead,
/// with `connections` requests in flight at most (the run's network setting), and breaks the
/// difference down.
pub fn ideal_schedule(trace: &Trace, connections: u32) -> Ideal {
    let policy = Policy::for_trace(trace, connections);
    let schedule = simulate(&policy, &task_costs(trace));
    let overhead = breakdown(trace, &policy, &schedule);
    Ideal {
        policy,
        schedule,
        overhead,
    }
}

/// The difference between `trace` and `schedule` (its replay under `policy`), in parts.
pub fn breakdown(trace: &Trace, policy: &Policy, schedule: &Schedule) -> Overhead {
    let mut o = Overhead {
        measured_us: trace.wall_us(),
        predicted_us: schedule.wall_us,
        ..Overhead::default()
    };
    let run = (trace.start_us, trace.end_us);
    if policy.one_cpu {
        let running: Vec<(f64, f64)> = trace.running().map(|s| (s.start_us, s.end_us)).collect();
        let ran = union_us(running.iter().copied(), run);
        let with_ready = union_us(running.into_iter().chain(cpu_ready(trace)), run);
        // The ideal hands the core on at once: it is never free while a task is ready.
        let ideal_idle = o.predicted_us - schedule.total_us(State::Running);
        let waited = with_ready - ran;
        if policy.lanes.is_some() {
            o.lock_us = waited;
        } else {
            o.switch_us = waited;
        }
        o.idle_us = (o.measured_us - with_ready) - ideal_idle;
    } else {
        let n = f64::from(policy.lanes.unwrap_or(1).max(1));
        let sum = |keep: &dyn Fn(&Span) -> bool| -> f64 {
            add(trace
                .spans
                .iter()
                .filter(|s| keep(s))
                .map(|s| clipped(s.start_us, s.end_us, run)))
        };
        let startup = add(trace
            .lanes
            .iter()
            .filter_map(|l| l.startup_us)
            .map(|(a, b)| clipped(a, b, run)));
        let transfer = sum(&|s| s.stage == Stage::Transfer);
        let ready = sum(&|s| s.state == State::Ready);
        let covered = add((0..n as u32).map(|lane| {
            let startup = trace
                .lanes
                .iter()
                .filter(|l| l.id == lane)
                .filter_map(|l| l.startup_us);
            let spans = trace.spans.iter().filter(|s| s.lane == lane);
            union_us(startup.chain(spans.map(|s| (s.start_us, s.end_us))), run)
        }));
        let idle = n * o.measured_us - covered;
        let ideal_work = schedule.total_us(State::Running) + schedule.total_us(State::Blocked);
        let ideal_idle = n * o.predicted_us - ideal_work;
        o.startup_us = startup / n;
        o.transfer_us = transfer / n;
        o.lock_us = ready / n;
        o.idle_us = (idle - ideal_idle) / n;
    }
    o.remainder_us =
        o.total_us() - (o.startup_us + o.transfer_us + o.lock_us + o.switch_us + o.idle_us);
    o
}

/// When tasks were ready to run a CPU stage but had not started it: from the end of each
/// task's previous stage (or the start of its first wait) to the start of each running span.
fn cpu_ready(trace: &Trace) -> Vec<(f64, f64)> {
    let mut spans: Vec<&Span> = trace.spans.iter().collect();
    spans.sort_by(|a, b| a.task.cmp(&b.task).then(a.start_us.total_cmp(&b.start_us)));
    let mut ready = Vec::new();
    let mut since: Option<f64> = None;
    for (i, s) in spans.iter().enumerate() {
        if i > 0 && spans[i - 1].task != s.task {
            since = None;
        }
        match s.state {
            State::Running => {
                if let Some(a) = since.filter(|&a| a < s.start_us) {
                    ready.push((a, s.start_us));
                }
                since = Some(s.end_us);
            }
            // A wait for the lock (or the budget) is readiness that was not served.
            State::Ready => {
                since.get_or_insert(s.start_us);
            }
            State::Blocked => since = Some(s.end_us),
        }
    }
    ready
}

/// A sum that is +0 when empty (`Iterator::sum` of no floats is −0, which prints as "-0").
fn add(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |a, b| a + b)
}

/// Length of `[a, b]` inside `run`, µs.
fn clipped(a: f64, b: f64, run: (f64, f64)) -> f64 {
    (b.min(run.1) - a.max(run.0)).max(0.0)
}

/// Length of the union of `intervals` inside `run`, µs.
fn union_us(intervals: impl Iterator<Item = (f64, f64)>, run: (f64, f64)) -> f64 {
    let mut v: Vec<(f64, f64)> = intervals
        .map(|(a, b)| (a.max(run.0), b.min(run.1)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for (a, b) in v {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    total + current.map_or(0.0, |(a, b)| b - a)
}
