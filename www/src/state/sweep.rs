//! The N sweep (plain state, read by the scaling chart): threads and processes at every N from
//! 1 to twice the cores, each run R times, against sequential runs of the same sweep.

use std::rc::Rc;

use interleave::model::fit::{self, SerialFraction, SweepPoint};
use interleave::stats::io_fraction;
use interleave::technique::TechniqueKind;

use super::Finished;

/// The techniques a sweep varies N for, in the order they run at each N.
pub const SWEPT: [TechniqueKind; 2] = [TechniqueKind::Threads, TechniqueKind::Processes];

/// The largest N of a sweep on `cores`: twice the cores, to show oversubscription, within the
/// form's limit on threads.
pub fn largest_n(cores: u32) -> u32 {
    (2 * cores.max(1)).min(*interleave::config::THREADS.end())
}

/// A sweep's runs so far, and where it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sweep {
    /// Logical cores of this browser (N beyond them oversubscribes).
    pub cores: u32,
    /// The largest N.
    pub max: u32,
    /// Runs of each technique at each N.
    pub repeats: u32,
    /// The sequential runs (one per N, spread over the sweep), the baseline of every speedup.
    pub baseline: Vec<Rc<Finished>>,
    /// Every complete run of a swept technique: which, at which N.
    pub runs: Vec<(TechniqueKind, u32, Rc<Finished>)>,
    /// Techniques that could not run or failed, and why (the sweep goes on without them).
    pub skipped: Vec<(TechniqueKind, String)>,
    /// Runs done (or skipped) and planned.
    pub done: u32,
    /// Runs planned.
    pub total: u32,
    /// The run in progress: technique, N, and its images done of all.
    pub current: Option<(TechniqueKind, u32, u32, u32)>,
    /// Whether the sweep is still running.
    pub running: bool,
}

/// What a sweep reports as it goes.
#[derive(Debug)]
pub enum Step {
    /// It began, with this plan.
    Begin {
        /// Logical cores.
        cores: u32,
        /// The largest N.
        max: u32,
        /// Runs of each technique at each N.
        repeats: u32,
    },
    /// A run of `kind` at N began.
    Running(TechniqueKind, u32),
    /// A run of `kind` at N ended, or was passed over (`None`: cancelled part-way, failed, or
    /// not run because `kind` was skipped).
    Ran(TechniqueKind, u32, Option<Rc<Finished>>),
    /// `kind` cannot run here or failed, and why: its remaining runs are passed over.
    Skipped(TechniqueKind, String),
}

impl Sweep {
    /// Runs the sweep plans: one sequential run per N, and R runs of each swept technique.
    pub fn planned(max: u32, repeats: u32) -> u32 {
        max * (1 + repeats * SWEPT.len() as u32)
    }

    /// Applies one step.
    pub fn step(&mut self, step: Step) {
        match step {
            Step::Begin {
                cores,
                max,
                repeats,
            } => {
                *self = Sweep {
                    cores,
                    max,
                    repeats,
                    total: Sweep::planned(max, repeats),
                    running: true,
                    ..Sweep::default()
                }
            }
            Step::Running(kind, n) => self.current = Some((kind, n, 0, 0)),
            Step::Ran(kind, n, run) => {
                self.done += 1;
                self.current = None;
                match run {
                    Some(run) if kind == TechniqueKind::Sequential => self.baseline.push(run),
                    Some(run) => self.runs.push((kind, n, run)),
                    None => {}
                }
            }
            Step::Skipped(kind, why) => self.skipped.push((kind, why)),
        }
    }

    /// The images done by the run in progress.
    pub fn progress(&mut self, done: u32, of: u32) {
        if let Some(current) = &mut self.current {
            current.2 = done;
            current.3 = of;
        }
    }

    /// Thumbnails every baseline run made: a run that made fewer (images failed) did other work
    /// and is left out of the speedups.
    fn made(&self) -> usize {
        self.baseline.iter().map(|f| f.made()).max().unwrap_or(0)
    }

    /// The measured points of `kind`: speedup against the median of the sequential runs, with
    /// the spread of its runs at each N.
    pub fn points(&self, kind: TechniqueKind) -> Vec<SweepPoint> {
        let made = self.made();
        if made == 0 {
            return Vec::new();
        }
        let base: Vec<f64> = self.baseline.iter().map(|f| f.trace.wall_us()).collect();
        let per_n: Vec<(u32, Vec<f64>)> = (1..=self.max)
            .map(|n| {
                let walls = self
                    .runs
                    .iter()
                    .filter(|(k, at, f)| *k == kind && *at == n && f.made() == made)
                    .map(|(_, _, f)| f.trace.wall_us())
                    .collect();
                (n, walls)
            })
            .collect();
        fit::sweep(&base, &per_n, self.cores)
    }

    /// The serial fraction `kind`'s points imply (Karp–Flatt, oversubscribed N left out).
    pub fn serial(&self, kind: TechniqueKind) -> Option<SerialFraction> {
        fit::sweep_serial_fraction(&self.points(kind))
    }

    /// The share of the sequential runs' work spent waiting on I/O (median over the runs).
    pub fn io_fraction(&self) -> Option<f64> {
        let shares: Vec<f64> = self
            .baseline
            .iter()
            .map(|f| io_fraction(&f.trace))
            .collect();
        interleave::stats::median(&shares)
    }
}
