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
