//! The Interleave engine: one thumbnail workload run under several concurrency techniques.
//!
//! Pure Rust: no browser, no UI. The platform (clock, yielding to an event loop, progress) is
//! reached through the small traits in [`platform`], so every technique runs and is tested
//! natively exactly as it runs in the browser.
#![forbid(unsafe_code)]

pub mod budget;
pub mod config;
#[cfg(any(test, feature = "corpus"))]
pub mod corpus;
pub mod explain;
pub mod images;
pub mod kind;
pub mod measure;
pub mod model;
pub mod network;
pub mod pipeline;
pub mod platform;
pub mod stats;
pub mod technique;
#[cfg(test)]
mod testing;
pub mod trace;
