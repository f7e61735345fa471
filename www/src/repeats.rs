//! The timed runs of each technique in one session (plain state, read by views): which run
//! stands for them (the median one, or the one the user chose to see), and the figures that
//! come from all of them.

use std::rc::Rc;

use interleave::config::Config;
use interleave::measure::{median_run, repeated_speedup, Measured};
use interleave::stats::{Scaling, Spread};
use interleave::technique::TechniqueKind;

use crate::state::{Finished, RunStatus};

/// One timed run of a technique.
#[derive(Clone, Debug, PartialEq)]
pub struct Repeat {
    /// What it did.
    pub run: Rc<Finished>,
    /// Whether it ran to the end (a cancelled run did less work: it stays out of the figures).
    pub complete: bool,
}

/// The timed runs of one technique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    /// Each run, in the order they ran.
    pub runs: Vec<Repeat>,
    /// How many runs were planned.
    pub planned: u32,
    /// The run the user chose to see; `None`: the median one.
    pub chosen: Option<usize>,
}

impl Runs {
    /// No run yet, `planned` to come.
    pub fn planned(planned: u32) -> Runs {
        Runs {
            planned,
            ..Runs::default()
        }
    }

    /// The runs that ran to the end, with their index.
    fn complete(&self) -> impl Iterator<Item = (usize, &Rc<Finished>)> {
        self.runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.complete)
            .map(|(i, r)| (i, &r.run))
    }

    /// What the comparison needs of the complete runs.
    pub fn measured(&self) -> Vec<Measured> {
        self.complete()
            .map(|(_, f)| Measured {
                made: f.made(),
                wall_us: f.trace.wall_us(),
            })
            .collect()
    }

    /// The median wall of the complete runs, with the lowest and highest, µs.
    pub fn spread(&self) -> Option<Spread> {
        interleave::measure::repeats::spread(&self.measured())
    }

    /// The complete run whose wall is the median (the lower middle one for an even count).
    pub fn median_index(&self) -> Option<usize> {
        let complete: Vec<(usize, f64)> = self
            .complete()
            .map(|(i, f)| (i, f.trace.wall_us()))
            .collect();
        let walls: Vec<f64> = complete.iter().map(|(_, w)| *w).collect();
        median_run(&walls).map(|k| complete[k].0)
    }

    /// The run shown: the chosen one, else the median one, else the last (cancelled) one.
    pub fn shown_index(&self) -> Option<usize> {
        self.chosen
            .filter(|&i| i < self.runs.len())
            .or_else(|| self.median_index())
            .or_else(|| self.runs.len().checked_sub(1))
    }

    /// The run shown.
    pub fn shown(&self) -> Option<&Repeat> {
        self.runs.get(self.shown_index()?)
    }

    /// The status that shows the shown run, if there is one.
    pub fn status(&self) -> Option<RunStatus> {
        self.shown().map(|r| match r.complete {
            true => RunStatus::Done(r.run.clone()),
            false => RunStatus::Cancelled(Some(r.run.clone())),
        })
    }
}

/// Every technique's runs, in page order.
pub type Session = Vec<(TechniqueKind, Runs)>;

/// A session with no run yet.
pub fn session(config: &Config) -> Session {
    config
        .techniques
        .iter()
        .map(|&k| (k, Runs::planned(config.repeats)))
        .collect()
}

/// The runs of `kind`.
pub fn runs_of(session: &Session, kind: TechniqueKind) -> Option<&Runs> {
    session.iter().find(|(k, _)| *k == kind).map(|(_, r)| r)
}

/// Speedup and efficiency of `kind` against sequential, from the medians of the complete
/// runs of both; efficiency per lane of the run shown.
pub fn scaling(session: &Session, kind: TechniqueKind) -> Option<Scaling> {
    let base = runs_of(session, TechniqueKind::Sequential)?;
    let this = runs_of(session, kind)?;
    let lanes = this.shown()?.run.trace.lanes.len().max(1) as u32;
    repeated_speedup(&base.measured(), &this.measured(), lanes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interleave::trace::Trace;

    fn run(wall_us: f64, complete: bool) -> Repeat {
        let trace = Trace {
            technique: TechniqueKind::Sequential,
            lanes: vec![],
            spans: vec![],
            tasks: 1,
            start_us: 0.0,
            end_us: wall_us,
            cancelled: vec![],
            build: None,
        };
        Repeat {
            run: Rc::new(Finished {
                trace,
                thumbs: vec![Err("x".into())],
                build: "plain",
                frames: None,
                memory: None,
            }),
            complete,
        }
    }

    #[test]
    fn the_median_complete_run_is_shown_unless_another_is_chosen() {
        let mut runs = Runs::planned(3);
        assert_eq!(runs.shown_index(), None);
        runs.runs = vec![run(300.0, true), run(100.0, true), run(50.0, false)];
        // The cancelled run stays out of the figures.
        let spread = runs.spread().unwrap();
        assert_eq!(
            (spread.min, spread.median, spread.max),
            (100.0, 200.0, 300.0)
        );
        assert_eq!(runs.median_index(), Some(1));
        assert!(matches!(runs.status(), Some(RunStatus::Done(_))));
        runs.chosen = Some(2);
        assert_eq!(runs.shown_index(), Some(2));
        assert!(matches!(runs.status(), Some(RunStatus::Cancelled(Some(_)))));
        runs.chosen = Some(9);
        assert_eq!(runs.shown_index(), Some(1));
        // Only a cancelled run: it is shown, and nothing is counted.
        let only = Runs {
            runs: vec![run(50.0, false)],
            ..Runs::planned(3)
        };
        assert_eq!((only.shown_index(), only.spread()), (Some(0), None));
    }
}
