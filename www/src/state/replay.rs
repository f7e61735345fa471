//! A recording shown instead of live runs.

use std::rc::Rc;

use interleave::config::Config;
use interleave::technique::TechniqueKind;
use interleave::trace::Recording;

use interleave::model::SweepRecord;

use super::sweep::Sweep;
use super::{Phase, RunStatus, State};
use crate::repeats::Session;

/// A recorded session shown instead of live runs: nothing runs, every figure is computed
/// from the recorded traces.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// Where and how it was recorded.
    pub recording: Recording,
    /// The N of the recorded run.
    pub threads: u32,
    /// The recording clock's resolution, µs.
    pub clock_resolution_us: f64,
    /// The recorded batch's image names, by task.
    pub names: Rc<Vec<String>>,
    /// Where it came from: the file's name, or the URL given as `?trace=`.
    pub source: String,
    /// The URL it was loaded from, kept in the link while it is shown.
    pub url: Option<String>,
    /// Whether the file carried the thumbnails.
    pub thumbnails: bool,
}

/// A recording read and ready to show.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The recording's facts.
    pub replay: Rc<Replay>,
    /// The recorded configuration.
    pub config: Config,
    /// Each recorded technique and how it ended (the run its card shows), in page order.
    pub runs: Vec<(TechniqueKind, RunStatus)>,
    /// Every recorded timed run of each technique: the cards' figures come from them.
    pub repeats: Session,
    /// The recorded N sweep, if there was one.
    pub sweep: Option<SweepRecord>,
}

/// Shows `loaded` instead of live runs: its configuration (which will not run by itself), its
/// runs, and a phase that says how the recorded run ended.
pub(super) fn open(s: &mut State, loaded: Loaded) {
    let Loaded {
        replay,
        config,
        runs,
        repeats,
        sweep,
    } = loaded;
    let cancelled = runs
        .iter()
        .any(|(_, r)| matches!(r, RunStatus::Cancelled(_)));
    s.phase = if cancelled {
        Phase::Cancelled
    } else {
        Phase::Done
    };
    s.config = Config {
        autorun: false,
        ..config
    };
    s.repeats = repeats;
    s.runs = runs;
    s.replay = Some(replay);
    s.import_error = None;
    s.sweep = sweep.map(|record| {
        Rc::new(Sweep {
            record,
            ..Sweep::default()
        })
    });
}
