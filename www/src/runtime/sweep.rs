//! The N sweep: threads and processes at every N from 1 to twice the cores, R runs each, and
//! one sequential run per N as the baseline, for the scaling chart.

use std::rc::Rc;

use interleave::config::Config;
use interleave::technique::TechniqueKind;

use super::{checked, frames, Batch, Dispatch, Runtime, Stop};
use crate::state::sweep::{largest_n, Step, SWEPT};
use crate::state::{Action, RunStatus, State};

impl Runtime {
    /// Sweeps N upwards. At each N the sequential run comes first, then the swept techniques
    /// take turns R times, so drift of the machine falls on all of them alike; N goes up once,
    /// because the engine worker's rayon pool has a fixed size and is restarted (and warmed up)
    /// for each N. A technique that cannot run or fails is passed over from then on.
    pub(super) async fn sweep(
        &self,
        state: &State,
        batch: &Batch,
        dispatch: &Dispatch,
        stop: &Rc<Stop>,
    ) {
        let cores = state.caps.cores.max(1);
        let max = largest_n(cores);
        let repeats = state.config.repeats.max(1);
        let step = |s: Step| dispatch.dispatch(Action::Sweep(s));
        step(Step::Begin {
            cores,
            max,
            repeats,
        });
        let mut dropped: Vec<TechniqueKind> = Vec::new();
        for n in 1..=max {
            let at_n = State {
                config: Config {
                    threads: Some(n),
                    ..state.config.clone()
                },
                ..state.clone()
            };
            let runs =
                std::iter::once(TechniqueKind::Sequential).chain((0..repeats).flat_map(|_| SWEPT));
            for kind in runs {
                if stop.fired() {
                    return;
                }
                if dropped.contains(&kind) {
                    step(Step::Ran(kind, n, None));
                    continue;
                }
                step(Step::Running(kind, n));
                // The page draws the last results before the clock starts, not during the run.
                frames::settled().await;
                let (status, _) = self.run_once(kind, &at_n, batch, dispatch, stop).await;
                match checked(status) {
                    RunStatus::Done(f) if !stop.fired() => step(Step::Ran(kind, n, Some(f))),
                    RunStatus::Unavailable(why) | RunStatus::Failed(why) if !stop.fired() => {
                        dropped.push(kind);
                        step(Step::Skipped(kind, why));
                        step(Step::Ran(kind, n, None));
                    }
                    _ => step(Step::Ran(kind, n, None)),
                }
            }
        }
    }
}
