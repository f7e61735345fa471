//! Context switches and lock hand-offs as a trace shows them, per lane; and how many tasks were
//! in flight against how many ran at once ("concurrency is not parallelism").
//!
//! A lane *switches* where it stops one task's work and turns to another's while the first is
//! still unfinished, or resumes a task it had left part-way: the event loop moving between
//! cooperative tasks at their awaits. A lane that finishes an image and starts the next one
//! does not switch (nothing is suspended). Threads are switched by the operating system, which
//! the trace does not see: their lanes show none. Under a global lock, the lock is *handed
//! off* where consecutive CPU stages (each held the lock) ran on different lanes.
//!
//! Costs are what the trace can measure: a switch costs the time its lane ran nothing while
//! the incoming task was ready (yield, event-loop turn, wake-up); a hand-off costs the time the
//! lock was free while the receiving thread was ready for it; and each lane's *ready* time is
//! what its threads spent waiting for the lock.

use crate::trace::{Span, State, Trace};

/// What one lane paid for switching and for the lock.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaneSwitches {
    /// The lane's id.
    pub lane: u32,
    /// Context switches on the lane.
    pub switches: u32,
    /// Their cost: time the lane ran nothing while the incoming task was ready, µs.
    pub switch_us: f64,
    /// Times the global lock passed to this lane from another (0 without a lock).
    pub handoffs: u32,
    /// Their cost: time the lock was free while this lane was ready to take it, µs.
    pub handoff_us: f64,
    /// Time this lane's tasks were ready but waiting (for the lock, or memory), µs.
    pub ready_us: f64,
}

/// Per lane, in lane order: switches, hand-offs (only for the global lock, which the trace
/// names) and their costs. Spans whose times are not finite are left out.
pub fn lane_switches(trace: &Trace) -> Vec<LaneSwitches> {
    let spans: Vec<&Span> = trace
        .spans
        .iter()
        .filter(|s| s.start_us.is_finite() && s.end_us.is_finite())
        .collect();
    let lanes = spans
        .iter()
        .map(|s| s.lane + 1)
        .chain([trace.lanes.len() as u32])
        .max()
        .unwrap_or(0);
    let mut out: Vec<LaneSwitches> = (0..lanes)
        .map(|lane| LaneSwitches {
            lane,
            ..LaneSwitches::default()
        })
        .collect();
    // When each task's last stage ends, to tell a task with work left from a finished one (a
    // process's thumbnail still being copied back is finished work).
    let mut ends: Vec<f64> = Vec::new();
    for s in spans.iter().filter(|s| s.state == State::Running) {
        let task = s.task as usize;
        if ends.len() <= task {
            ends.resize(task + 1, f64::NEG_INFINITY);
        }
        ends[task] = ends[task].max(s.end_us);
    }
    let last_end = |task: u32| {
        ends.get(task as usize)
            .copied()
            .unwrap_or(f64::NEG_INFINITY)
    };
    for lane in &mut out {
        let mut running: Vec<&Span> = spans
            .iter()
            .copied()
            .filter(|s| s.lane == lane.lane && s.state == State::Running)
            .collect();
        running.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
        for (i, pair) in running.windows(2).enumerate() {
            let (from, to) = (pair[0], pair[1]);
            if from.task == to.task {
                continue;
            }
            let unfinished = last_end(from.task) > from.end_us;
            let resumed = running[..=i].iter().any(|s| s.task == to.task);
            if unfinished || resumed {
                lane.switches += 1;
                lane.switch_us += idle_while_ready(&spans, from.end_us, to);
            }
        }
        lane.ready_us = spans
            .iter()
            .filter(|s| s.lane == lane.lane && s.state == State::Ready)
            .fold(0.0, |total, s| total + s.duration_us().max(0.0));
    }
    if trace.technique == crate::kind::TechniqueKind::Gil {
        // Every CPU stage held the lock: the holders in time order.
        let mut held: Vec<&Span> = spans
            .iter()
            .copied()
            .filter(|s| s.state == State::Running && s.stage.is_cpu())
            .collect();
        held.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
        for pair in held.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from.lane != to.lane {
                if let Some(lane) = out.get_mut(to.lane as usize) {
                    lane.handoffs += 1;
                    lane.handoff_us += idle_while_ready(&spans, from.end_us, to);
                }
            }
        }
    }
    out
}

/// From `free_us` (the lane or lock became free) to `to`'s start, the time `to`'s task was
/// ready: after its previous span that was not a wait for its turn ended.
fn idle_while_ready(spans: &[&Span], free_us: f64, to: &Span) -> f64 {
    let ready_since = spans
        .iter()
        .filter(|s| s.task == to.task && s.state != State::Ready && s.end_us <= to.start_us)
        .filter(|s| !std::ptr::eq(**s, to))
        .map(|s| s.end_us)
        .fold(f64::NEG_INFINITY, f64::max);
    (to.start_us - free_us.max(ready_since)).max(0.0)
}

/// How much was going on at once in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Concurrency {
    /// Lanes that ran at least one stage.
    pub lanes: usize,
    /// The most tasks in flight at one instant: begun (first span) and not yet ended (last).
    pub tasks_in_flight: usize,
    /// The most stages running at one instant: what ran in parallel.
    pub running_at_once: usize,
}

/// How many tasks `trace` had in flight at once against how many stages ran at once.
pub fn concurrency(trace: &Trace) -> Concurrency {
    let mut bounds: Vec<Option<(f64, f64)>> = vec![None; trace.tasks as usize];
    let mut lanes: Vec<u32> = Vec::new();
    for s in &trace.spans {
        if !(s.start_us.is_finite() && s.end_us.is_finite()) {
            continue;
        }
        if s.state == State::Running && !lanes.contains(&s.lane) {
            lanes.push(s.lane);
        }
        if let Some(b) = bounds.get_mut(s.task as usize) {
            let (a, e) = b.unwrap_or((s.start_us, s.end_us));
            *b = Some((a.min(s.start_us), e.max(s.end_us)));
        }
    }
    let mut edges: Vec<(f64, i32)> = bounds
        .into_iter()
        .flatten()
        .flat_map(|(a, b)| [(a, 1), (b, -1)])
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    Concurrency {
        lanes: lanes.len(),
        tasks_in_flight: most as usize,
        running_at_once: trace.max_concurrent(|s| {
            s.state == State::Running && s.start_us.is_finite() && s.end_us.is_finite()
        }),
    }
}

#[cfg(test)]
#[path = "tests/switches.rs"]
mod tests;
