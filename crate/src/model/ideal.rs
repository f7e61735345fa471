//! The ideal schedule: a small deterministic discrete-event simulation that replays a
//! technique's scheduling policy with the stage costs a trace measured, and no overhead at all
//! (no spawn, no message, no lock hand-off, no switch). Its wall time is what the technique
//! would take if concurrency were free; the measured run's excess over it is overhead.

use std::collections::{BTreeMap, VecDeque};

use crate::kind::TechniqueKind;
use crate::trace::{Lane, Span, Stage, State, Trace};

/// One task's measured work: its stages in the order they ran, with what each cost, µs.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskCost {
    /// The task.
    pub task: u32,
    /// Each stage and its cost: time on the wire for a fetch, time running for a CPU stage.
    pub stages: Vec<(Stage, f64)>,
}

impl TaskCost {
    /// The task's whole cost, µs.
    pub fn total_us(&self) -> f64 {
        self.stages.iter().fold(0.0, |a, (_, d)| a + d)
    }
}

/// How a technique schedules its tasks, as the simulation replays it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Tasks in flight at once, each holding its lane from its first stage to its last (a
    /// thread or a process blocks in its fetch); the next task in line takes a lane the moment
    /// it is free. `None`: every task is in flight from the start (cooperative futures).
    pub lanes: Option<u32>,
    /// CPU stages take turns on one core, first come first served (a global lock, or one
    /// thread's event loop), instead of each running on its task's lane.
    pub one_cpu: bool,
    /// Requests in flight at once, at most, across the run (the network's connection limit).
    pub connections: u32,
}

impl Policy {
    /// The policy of technique `kind` run with `lanes` threads or processes.
    pub fn of(kind: TechniqueKind, lanes: u32, connections: u32) -> Policy {
        let (lanes, one_cpu) = match kind {
            TechniqueKind::Sequential | TechniqueKind::SequentialMain => (Some(1), false),
            TechniqueKind::Threads | TechniqueKind::Processes => (Some(lanes.max(1)), false),
            TechniqueKind::Gil => (Some(lanes.max(1)), true),
            TechniqueKind::Cooperative => (None, true),
        };
        Policy {
            lanes,
            one_cpu,
            connections: connections.max(1),
        }
    }

    /// The policy of the run `trace` records: its technique on its lanes.
    pub fn for_trace(trace: &Trace, connections: u32) -> Policy {
        Policy::of(trace.technique, trace.lanes.len() as u32, connections)
    }
}

/// The measured work of every task of `trace`, in the order the run started the tasks (the
/// start of each task's first span, then task number). Waits (*ready*), messages (transfers)
/// and startup are not work: they are what the ideal schedule leaves out. Tasks that recorded
/// no work are left out.
///
/// A fetch costs its *blocked* span. On one thread (cooperative) a fetch that finished while
/// another task ran is seen to end only when its task runs again, so it costs that wait too;
/// the ideal core spends that time on the other task anyway.
pub fn task_costs(trace: &Trace) -> Vec<TaskCost> {
    let mut by_task: BTreeMap<u32, Vec<&Span>> = BTreeMap::new();
    for s in &trace.spans {
        if s.state != State::Ready && s.stage != Stage::Transfer {
            by_task.entry(s.task).or_default().push(s);
        }
    }
    let mut tasks: Vec<(f64, TaskCost)> = by_task
        .into_iter()
        .map(|(task, mut spans)| {
            spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
            let first = spans[0].start_us;
            let stages = spans
                .iter()
                .map(|s| (s.stage, s.duration_us().max(0.0)))
                .collect();
            (first, TaskCost { task, stages })
        })
        .collect();
    // Replaying the measured order, not task order, keeps luck of the order out of the
    // overhead: a free lane taking the next task in the run's own order is never slower than
    // the run (list scheduling; a lock or a connection limit can reorder, so there nearly).
    tasks.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.task.cmp(&b.1.task)));
    tasks.into_iter().map(|(_, t)| t).collect()
}

/// A simulated run, starting at 0 µs.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// When the last stage ended, µs.
    pub wall_us: f64,
    /// Lanes of the schedule: the policy's, or 1 when every task is in flight (one thread).
    pub lanes: u32,
    /// What ran when: a *blocked* span per fetch, a *running* span per CPU stage, and a *ready*
    /// span wherever a CPU stage waited for the one core.
    pub spans: Vec<Span>,
}

impl Schedule {
    /// Total time in `state`, summed over the schedule's spans, µs.
    pub fn total_us(&self, state: State) -> f64 {
        self.spans
            .iter()
            .filter(|s| s.state == state)
            .fold(0.0, |a, s| a + s.duration_us())
    }

    /// The schedule as a trace of `like`'s technique and tasks, starting when `like` started,
    /// so that it can be drawn and exported beside the measured run.
    pub fn to_trace(&self, like: &Trace) -> Trace {
        let at = |us: f64| like.start_us + us;
        Trace {
            technique: like.technique,
            lanes: (0..self.lanes)
                .map(|id| Lane::new(id, &format!("ideal lane {id}")))
                .collect(),
            spans: self
                .spans
                .iter()
                .map(|s| Span {
                    start_us: at(s.start_us),
                    end_us: at(s.end_us),
                    ..s.clone()
                })
                .collect(),
            tasks: like.tasks,
            start_us: like.start_us,
            end_us: at(self.wall_us),
            cancelled: Vec::new(),
            build: Some("ideal".to_string()),
        }
    }
}

/// What a running stage holds until it ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Holds {
    Nothing,
    Connection,
    Cpu,
}

/// A stage that will end.
struct Event {
    end_us: f64,
    /// Order of scheduling: breaks ties, so that equal times replay the same way every time.
    seq: u64,
    task: usize,
    holds: Holds,
}

/// The simulation's state.
struct Sim<'a> {
    policy: Policy,
    tasks: &'a [TaskCost],
    now: f64,
    /// Tasks not started yet, next first.
    queue: VecDeque<usize>,
    /// Free lanes, lowest first.
    free_lanes: Vec<u32>,
    lane_of: Vec<u32>,
    next_stage: Vec<usize>,
    free_connections: u32,
    /// Tasks waiting for a connection.
    connection_wait: VecDeque<usize>,
    cpu_busy: bool,
    /// Tasks waiting for the one core, and since when.
    cpu_wait: VecDeque<(usize, f64)>,
    events: Vec<Event>,
    seq: u64,
    spans: Vec<Span>,
}

/// Runs `tasks` (in the order given: the order they are started) under `policy` with no
/// overhead. Deterministic: ties are broken by the order things were scheduled.
pub fn simulate(policy: &Policy, tasks: &[TaskCost]) -> Schedule {
    let lanes = match policy.lanes {
        Some(n) => n.max(1),
        None => 1,
    };
    let mut sim = Sim {
        policy: *policy,
        tasks,
        now: 0.0,
        queue: (0..tasks.len()).collect(),
        free_lanes: (0..lanes).rev().collect(),
        lane_of: vec![0; tasks.len()],
        next_stage: vec![0; tasks.len()],
        free_connections: policy.connections.max(1),
        connection_wait: VecDeque::new(),
        cpu_busy: false,
        cpu_wait: VecDeque::new(),
        events: Vec::new(),
        seq: 0,
        spans: Vec::with_capacity(tasks.len() * 4),
    };
    sim.start_tasks();
    while let Some(event) = sim.pop() {
        sim.now = event.end_us;
        sim.release(event.holds);
        sim.advance(event.task);
    }
    let wall_us = sim.spans.iter().map(|s| s.end_us).fold(0.0, f64::max);
    Schedule {
        wall_us,
        lanes,
        spans: sim.spans,
    }
}

impl Sim<'_> {
    /// Hands queued tasks to free lanes (every task at once when lanes are unlimited).
    fn start_tasks(&mut self) {
        while !self.queue.is_empty() {
            let lane = match self.policy.lanes {
                Some(_) => match self.free_lanes.pop() {
                    Some(lane) => lane,
                    None => return,
                },
                None => 0,
            };
            if let Some(task) = self.queue.pop_front() {
                self.lane_of[task] = lane;
                self.advance(task);
            }
        }
    }

    /// The earliest event, ties in the order they were scheduled.
    fn pop(&mut self) -> Option<Event> {
        let i = (0..self.events.len()).min_by(|&a, &b| {
            let (a, b) = (&self.events[a], &self.events[b]);
            a.end_us.total_cmp(&b.end_us).then(a.seq.cmp(&b.seq))
        })?;
        Some(self.events.swap_remove(i))
    }

    /// Gives back what an ended stage held, to the first task waiting for it.
    fn release(&mut self, holds: Holds) {
        match holds {
            Holds::Nothing => {}
            Holds::Connection => match self.connection_wait.pop_front() {
                Some(task) => self.begin(task, Holds::Connection),
                None => self.free_connections += 1,
            },
            Holds::Cpu => match self.cpu_wait.pop_front() {
                Some((task, since)) => {
                    self.record(task, State::Ready, since, self.now);
                    self.begin(task, Holds::Cpu);
                }
                None => self.cpu_busy = false,
            },
        }
    }

    /// Moves `task` on to its next stage, waiting for what it needs; a finished task frees its
    /// lane for the next in line.
    fn advance(&mut self, task: usize) {
        let Some(&(stage, _)) = self.tasks[task].stages.get(self.next_stage[task]) else {
            if self.policy.lanes.is_some() {
                self.free_lanes.push(self.lane_of[task]);
                self.free_lanes.sort_unstable_by(|a, b| b.cmp(a));
                self.start_tasks();
            }
            return;
        };
        if stage == Stage::Fetch {
            if self.free_connections > 0 {
                self.free_connections -= 1;
                self.begin(task, Holds::Connection);
            } else {
                self.connection_wait.push_back(task);
            }
        } else if stage.is_cpu() && self.policy.one_cpu {
            if self.cpu_busy {
                self.cpu_wait.push_back((task, self.now));
            } else {
                self.cpu_busy = true;
                self.begin(task, Holds::Cpu);
            }
        } else {
            self.begin(task, Holds::Nothing);
        }
    }

    /// Starts `task`'s next stage now, holding `holds` until it ends.
    fn begin(&mut self, task: usize, holds: Holds) {
        let (stage, cost) = self.tasks[task].stages[self.next_stage[task]];
        self.next_stage[task] += 1;
        let state = if stage.is_cpu() {
            State::Running
        } else {
            State::Blocked
        };
        let end_us = self.now + cost;
        self.record_stage(task, stage, state, self.now, end_us);
        self.seq += 1;
        self.events.push(Event {
            end_us,
            seq: self.seq,
            task,
            holds,
        });
    }

    /// Records a wait for the one core before `task`'s next stage.
    fn record(&mut self, task: usize, state: State, start_us: f64, end_us: f64) {
        if end_us > start_us {
            let stage = self.tasks[task].stages[self.next_stage[task]].0;
            self.record_stage(task, stage, state, start_us, end_us);
        }
    }

    fn record_stage(&mut self, task: usize, stage: Stage, state: State, start: f64, end: f64) {
        self.spans.push(Span {
            lane: self.lane_of[task],
            task: self.tasks[task].task,
            stage,
            state,
            start_us: start,
            end_us: end,
            error: None,
        });
    }
}
