//! The model next to the measurement: what a run would take with no overhead (the ideal
//! schedule), where the rest of its time went, and how speedup scales with N.
//!
//! Every figure is computed from traces alone, so a saved trace file reproduces it: the ideal
//! schedule needs only the trace and the run's connection limit
//! ([`crate::network::Network::connections`]).

pub mod fit;
pub mod ideal;
mod overhead;
pub mod sweep;
mod switches;

pub use ideal::{simulate, task_costs, Policy, Schedule, TaskCost};
pub use overhead::{breakdown, ideal_schedule, Ideal, Overhead};
pub use sweep::{SweepRecord, SweepRun};
pub use switches::{concurrency, lane_switches, Concurrency, LaneSwitches};
mod convoy;
pub use convoy::{after_io, AfterIo};

#[cfg(test)]
mod tests;
