//! What a session measures around each technique's traces: the repeats of one technique and
//! the figures that stand for them, the main thread's frames while it ran (responsiveness), and
//! the wasm memory of every instance it used.
//!
//! Plain data and arithmetic, no browser: the page records, the engine computes, so the same
//! figures can be recomputed natively from what the page exports.

pub mod frames;
pub mod memory;
pub mod repeats;

pub use frames::{Frames, Gap};
pub use memory::{MemorySample, MemoryUse};
pub use repeats::{median_run, repeat_numbers, repeated_speedup, Measured};

/// What the page measured around one run, beside its trace: what the exports write next to
/// the run's events and figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunMeasures<'a> {
    /// The main thread's frames while it ran.
    pub frames: Option<&'a Frames>,
    /// The wasm memory of every instance it ran in.
    pub memory: Option<&'a MemoryUse>,
}
