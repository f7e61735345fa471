//! Everything that changes the page's state: what the user does and what runs report.

use std::rc::Rc;

use interleave::config::{Config, Present};
use interleave::technique::TechniqueKind;

use super::{sweep, Finished, Loaded, OwnFile, RunStatus};

/// Everything that changes the state.
pub enum Action {
    /// The user changed the configuration.
    Configure(Config),
    /// The user dismissed the notices.
    DismissNotices,
    /// A run was started.
    Start,
    /// A run of only these techniques was started (presenter mode's `R`): the others keep
    /// their results.
    StartSome(Vec<TechniqueKind>),
    /// An N sweep alone was started: the techniques' results stay.
    StartSweep,
    /// The N sweep went a step further.
    Sweep(sweep::Step),
    /// Presenter mode was entered, left or stepped: the view changes, the results stay.
    Present(Present),
    /// The user asked the run to stop.
    Cancel,
    /// The run stopped after a cancel.
    Cancelled,
    /// Workers are ready; techniques start.
    Started,
    /// The user added images of their own (and these files, not images, were refused).
    AddFiles(Vec<OwnFile>, Vec<String>),
    /// The user went back to the sample images.
    ClearFiles,
    /// A technique made progress.
    Progress(TechniqueKind, u32, u32),
    /// A technique finished, failed or could not run.
    Settled(TechniqueKind, RunStatus),
    /// A timed run of a technique ended: complete, or cancelled part-way (`false`).
    Measured(TechniqueKind, Rc<Finished>, bool),
    /// The user chose which run of a technique to see.
    ShowRun(TechniqueKind, usize),
    /// Every technique has settled.
    AllDone,
    /// The run could not go on.
    Failed(String),
    /// The user switched a timeline between by thread and by image (allowed during a run, as
    /// is every change of view: nothing it measures changes).
    ToggleRows(TechniqueKind),
    /// The user opened or closed a technique's Explain panel.
    ToggleExplain(TechniqueKind),
    /// A recording was opened: show it instead of live runs.
    Replay(Box<Loaded>),
    /// A trace file could not be opened.
    ImportFailed(String),
    /// Back from a recording to live runs (with the recorded configuration).
    LeaveReplay,
}
