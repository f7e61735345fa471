//! The N sweep (plain state, read by the scaling chart): threads and processes at every N from
//! 1 to twice the cores, each run R times, against sequential runs of the same sweep.

use std::rc::Rc;

use interleave::model::{SweepRecord, SweepRun};
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
    /// What was measured: every complete run's wall, thumbnails and I/O share, by N.
    pub record: SweepRecord,
    /// Techniques that could not run or failed, and why (the sweep goes on without them).
    pub skipped: Vec<(TechniqueKind, String)>,
    /// Runs done (or passed over).
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
                    record: SweepRecord {
                        cores,
                        max,
                        repeats,
                        runs: Vec::new(),
                    },
                    total: Sweep::planned(max, repeats),
                    running: true,
                    ..Sweep::default()
                }
            }
            Step::Running(kind, n) => self.current = Some((kind, n, 0, 0)),
            Step::Ran(kind, n, run) => {
                self.done += 1;
                self.current = None;
                if let Some(f) = run {
                    self.record.runs.push(SweepRun {
                        technique: kind,
                        workers: n,
                        wall_us: f.trace.wall_us(),
                        made: f.made() as u32,
                        io_fraction: io_fraction(&f.trace),
                    });
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
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use interleave::config::Config;
    use interleave::technique::TechniqueKind;
    use yew::Reducible;

    use super::Step;
    use crate::state::{Action, Capabilities, RunStatus, State};

    fn page() -> Rc<State> {
        let caps = Capabilities {
            cores: 2,
            isolated: true,
            threads_unavailable: None,
        };
        Rc::new(State::new(Config::default(), Vec::new(), caps))
    }

    #[test]
    fn a_sweep_reports_its_own_progress_and_leaves_the_cards_alone() {
        let s = page()
            .reduce(Action::StartSweep)
            .reduce(Action::Started)
            .reduce(Action::Sweep(Step::Begin {
                cores: 2,
                max: 4,
                repeats: 3,
            }))
            .reduce(Action::Sweep(Step::Running(TechniqueKind::Threads, 3)))
            .reduce(Action::Progress(TechniqueKind::Threads, 5, 16));
        let w = s.sweep.as_ref().expect("a sweep");
        assert_eq!((w.total, w.done), (4 * (1 + 3 * 2), 0));
        assert_eq!(w.current, Some((TechniqueKind::Threads, 3, 5, 16)));
        assert!(s
            .runs
            .iter()
            .all(|(_, st)| matches!(st, RunStatus::Waiting)));
        let s = s
            .reduce(Action::Sweep(Step::Skipped(
                TechniqueKind::Threads,
                "no isolation".into(),
            )))
            .reduce(Action::Sweep(Step::Ran(TechniqueKind::Threads, 3, None)))
            .reduce(Action::Cancelled);
        let w = s.sweep.as_ref().expect("kept");
        assert_eq!((w.done, w.current, w.running), (1, None, false));
        assert_eq!(w.skipped.len(), 1);
    }

    #[test]
    fn ticking_sweep_keeps_the_results_and_another_setting_does_not() {
        let s = page()
            .reduce(Action::StartSweep)
            .reduce(Action::Sweep(Step::Begin {
                cores: 2,
                max: 4,
                repeats: 1,
            }));
        let s = s.reduce(Action::AllDone);
        let on = Config {
            sweep: true,
            ..s.config.clone()
        };
        let s = s.reduce(Action::Configure(on.clone()));
        assert!(
            s.config.sweep && s.sweep.is_some(),
            "only whether Run sweeps changed"
        );
        let s = s.reduce(Action::Configure(Config { images: 3, ..on }));
        assert!(
            s.sweep.is_none(),
            "another batch: the sweep no longer describes it"
        );
    }
}
