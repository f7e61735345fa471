//! The page's state and the one reducer that changes it.

use std::rc::Rc;

use interleave::config::{Config, Link, Notice, View};
use interleave::technique::TechniqueKind;
use yew::Reducible;

use crate::repeats::{self, session, Repeat, Runs, Session};
mod replay;
mod run;
pub mod sweep;
pub use replay::{Loaded, Replay};
pub use run::{Finished, OwnFile, RunStatus, Thumb};
use sweep::Sweep;
mod action;
pub use action::Action;

/// What the browser offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Capabilities {
    /// `navigator.hardwareConcurrency`.
    pub cores: u32,
    /// `crossOriginIsolated`: shared memory, threads and 5 µs timers are allowed.
    pub isolated: bool,
    /// Why threads cannot run here, and how to fix it; `None` when they can.
    pub threads_unavailable: Option<String>,
}

/// Where the whole run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing started yet.
    Idle,
    /// Starting the engine worker.
    Starting,
    /// Running techniques one after another.
    Running,
    /// Every technique finished (or was unavailable).
    Done,
    /// The user asked the run to stop; lanes are stopping at their next stage boundary or band.
    Cancelling,
    /// The run was stopped: what was done is kept, marked cancelled.
    Cancelled,
    /// The run could not go on.
    Failed(String),
}

impl Phase {
    /// The value of the document's `data-run-state`.
    pub fn run_state(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Starting | Phase::Running | Phase::Cancelling => "running",
            Phase::Done => "done",
            Phase::Cancelled => "cancelled",
            Phase::Failed(_) => "failed",
        }
    }

    /// Whether a run is in progress.
    pub fn busy(&self) -> bool {
        self.run_state() == "running"
    }
}

/// The whole page.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The configuration (also in the URL).
    pub config: Config,
    /// URL parameters that were corrected.
    pub notices: Vec<Notice>,
    /// What the browser offers.
    pub caps: Capabilities,
    /// Where the run is.
    pub phase: Phase,
    /// Each configured technique and where it is, in page order.
    pub runs: Vec<(TechniqueKind, RunStatus)>,
    /// The user's own images, which replace the sample batch while there are any.
    pub own: Vec<OwnFile>,
    /// Files refused at the last pick or drop, as not images.
    pub refused: Vec<String>,
    /// Every timed run of each technique in this session.
    pub repeats: Session,
    /// How the run is shown (also in the URL).
    pub view: View,
    /// The recording shown, if the page shows one instead of live runs.
    pub replay: Option<Rc<Replay>>,
    /// Why the last trace file could not be opened (what was shown stays).
    pub import_error: Option<String>,
    /// The last N sweep of this configuration, if any.
    pub sweep: Option<Rc<Sweep>>,
}

impl State {
    /// The state at start-up.
    pub fn new(config: Config, notices: Vec<Notice>, caps: Capabilities) -> State {
        let runs = waiting(&config);
        State {
            notices,
            caps,
            phase: Phase::Idle,
            runs,
            own: Vec::new(),
            refused: Vec::new(),
            repeats: session(&config),
            config,
            view: View::default(),
            replay: None,
            import_error: None,
            sweep: None,
        }
    }

    /// The query string of the link that reproduces this configuration and view.
    pub fn query(&self) -> String {
        Link {
            config: self.config.clone(),
            view: self.view.clone(),
        }
        .to_query()
    }

    /// Paths of the batch's sample images relative to the page (when it uses no own files).
    pub fn sample_paths(&self) -> Vec<String> {
        self.config
            .sample_paths()
            .into_iter()
            .map(|p| format!("samples/{p}"))
            .collect()
    }

    /// The name of each image of the batch, as people know it: the file's name, or the
    /// sample's path in the library.
    pub fn image_names(&self) -> Vec<String> {
        if let Some(replay) = &self.replay {
            replay.names.to_vec()
        } else if self.own.is_empty() {
            self.config.sample_paths()
        } else {
            self.own.iter().map(|f| f.name.clone()).collect()
        }
    }

    /// Threads the threads technique uses.
    pub fn threads(&self) -> u32 {
        if let Some(replay) = &self.replay {
            return replay.threads;
        }
        self.config.threads.unwrap_or(self.caps.cores.max(1))
    }

    /// The finished run of `kind`, if any (not one cancelled part-way).
    pub fn finished(&self, kind: TechniqueKind) -> Option<&Rc<Finished>> {
        self.runs.iter().find_map(|(k, s)| match s {
            RunStatus::Done(f) if *k == kind => Some(f),
            _ => None,
        })
    }

    /// Speedup of `kind` against sequential in this session, from the medians of their
    /// complete runs: only where all made the same thumbnails (a run whose images failed did
    /// less work, and is no faster for it).
    pub fn speedup(&self, kind: TechniqueKind) -> Option<f64> {
        repeats::scaling(&self.repeats, kind).map(|s| s.speedup)
    }

    /// The longest wall time of any run: the shared time axis, µs (every run fits, so choosing
    /// another run to see keeps the axis).
    pub fn time_axis_us(&self) -> f64 {
        let shown = self.runs.iter().filter_map(|(_, s)| s.finished());
        let every = self
            .repeats
            .iter()
            .flat_map(|(_, r)| r.runs.iter().map(|r| &r.run));
        shown
            .chain(every)
            .map(|f| f.trace.wall_us())
            .fold(0.0, f64::max)
    }

    /// Every run of every technique (cancelled ones too), in page order, each technique's in
    /// the order they ran: what the exports hold.
    pub fn every_run(&self) -> Vec<Rc<Finished>> {
        self.repeats
            .iter()
            .flat_map(|(_, r)| r.runs.iter().map(|r| r.run.clone()))
            .collect()
    }

    /// Whether any technique has something to export.
    pub fn has_results(&self) -> bool {
        self.runs.iter().any(|(_, s)| s.finished().is_some())
    }
}

fn waiting(config: &Config) -> Vec<(TechniqueKind, RunStatus)> {
    config
        .techniques
        .iter()
        .map(|&k| (k, RunStatus::Waiting))
        .collect()
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Most progress ticks change nothing: keep the same state, so nothing re-renders.
        if let Action::Progress(kind, done, total) = &action {
            let now = RunStatus::Running {
                done: *done,
                total: *total,
            };
            if self.runs.iter().any(|(k, st)| k == kind && *st == now) {
                return self;
            }
        }
        let mut s = (*self).clone();
        // A sweep's runs report progress as runs do: it is the sweep's, not the cards'.
        let action = match (action, s.sweep.as_mut().filter(|w| w.running)) {
            (Action::Progress(_, done, total), Some(w)) => {
                Rc::make_mut(w).progress(done, total);
                return Rc::new(s);
            }
            (action, _) => action,
        };
        match action {
            // The controls are locked while a run is in progress: results always describe the
            // configuration (and link) shown.
            Action::Configure(config) => {
                if s.phase.busy() {
                    return self;
                }
                // Whether Run also sweeps changes nothing measured: the results stay.
                let measured_alike = Config {
                    sweep: s.config.sweep,
                    ..config.clone()
                } == s.config;
                s.config = config;
                if !measured_alike {
                    s.replay = None;
                    fresh(&mut s);
                }
            }
            Action::DismissNotices => s.notices.clear(),
            Action::Start => {
                s.replay = None;
                s.import_error = None;
                s.runs = waiting(&s.config);
                s.repeats = session(&s.config);
                s.phase = Phase::Starting;
                s.sweep = s.sweep.take().filter(|_| !s.config.sweep);
            }
            Action::StartSweep => {
                s.sweep = None;
                s.phase = Phase::Starting;
            }
            Action::Sweep(step) => Rc::make_mut(s.sweep.get_or_insert_default()).step(step),
            Action::StartSome(kinds) => {
                let planned = s.config.repeats;
                for kind in kinds {
                    set(&mut s, kind, RunStatus::Waiting);
                    if let Some((_, runs)) = s.repeats.iter_mut().find(|(k, _)| *k == kind) {
                        *runs = Runs::planned(planned);
                    }
                }
                s.phase = Phase::Starting;
            }
            Action::Present(present) => s.config.present = present,
            Action::Started => {
                if s.phase == Phase::Starting {
                    s.phase = Phase::Running;
                }
            }
            Action::Cancel => {
                if s.phase.busy() {
                    s.phase = Phase::Cancelling;
                }
            }
            Action::Cancelled => {
                s.phase = Phase::Cancelled;
                stop_sweep(&mut s);
            }
            // Another batch: results of the last one would be shown under the new names.
            Action::AddFiles(files, refused) => {
                if !s.phase.busy() {
                    s.own.extend(files);
                    s.refused = refused;
                    s.replay = None;
                    fresh(&mut s);
                }
            }
            Action::ClearFiles => {
                if !s.phase.busy() {
                    s.own.clear();
                    s.refused.clear();
                    s.replay = None;
                    fresh(&mut s);
                }
            }
            Action::Progress(kind, done, total) => {
                set(&mut s, kind, RunStatus::Running { done, total })
            }
            // A technique that stops with nothing new keeps showing its earlier runs.
            Action::Settled(kind, RunStatus::Cancelled(None)) => {
                let earlier = repeats::runs_of(&s.repeats, kind).and_then(Runs::status);
                set(&mut s, kind, earlier.unwrap_or(RunStatus::Cancelled(None)));
            }
            Action::Settled(kind, status) => set(&mut s, kind, status),
            Action::Measured(kind, run, complete) => {
                if let Some((_, runs)) = s.repeats.iter_mut().find(|(k, _)| *k == kind) {
                    runs.runs.push(Repeat { run, complete });
                    if let Some(status) = runs.status() {
                        set(&mut s, kind, status);
                    }
                }
            }
            Action::ShowRun(kind, index) => {
                let showing = s
                    .runs
                    .iter()
                    .any(|(k, st)| *k == kind && st.finished().is_some());
                if let Some((_, runs)) = s.repeats.iter_mut().find(|(k, _)| *k == kind) {
                    runs.chosen = Some(index);
                    match runs.status() {
                        Some(status) if showing => set(&mut s, kind, status),
                        _ => {}
                    }
                }
            }
            Action::AllDone => {
                s.phase = Phase::Done;
                stop_sweep(&mut s);
            }
            Action::Failed(reason) => {
                s.phase = Phase::Failed(reason);
                stop_sweep(&mut s);
            }
            Action::ToggleRows(kind) => s.view = s.view.toggle_rows(kind),
            Action::ToggleExplain(kind) => s.view = s.view.toggle_explain(kind),
            // A run in progress keeps its results: the page refuses to open a file meanwhile.
            Action::Replay(loaded) => {
                if s.phase.busy() {
                    return self;
                }
                replay::open(&mut s, *loaded);
            }
            Action::ImportFailed(why) => s.import_error = Some(why),
            Action::LeaveReplay => {
                if s.replay.take().is_some() {
                    fresh(&mut s);
                }
            }
        }
        Rc::new(s)
    }
}

/// No results: another configuration, batch or recording.
fn fresh(s: &mut State) {
    s.runs = waiting(&s.config);
    s.repeats = session(&s.config);
    s.phase = Phase::Idle;
    s.sweep = None;
}

fn stop_sweep(s: &mut State) {
    if let Some(w) = s.sweep.as_mut() {
        Rc::make_mut(w).running = false;
    }
}

fn set(s: &mut State, kind: TechniqueKind, status: RunStatus) {
    if let Some((_, slot)) = s.runs.iter_mut().find(|(k, _)| *k == kind) {
        *slot = status;
    }
}
