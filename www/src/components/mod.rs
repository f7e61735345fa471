//! One component per file. Components read plain state and dispatch actions.

pub mod app;
pub mod controls;
pub mod explain;
pub mod exports;
pub mod gallery;
pub mod ideal;
pub mod import_trace;
pub mod isolation_status;
pub mod legend;
pub mod memory;
pub mod notices;
pub mod presenter;
pub mod primer;
pub mod recording_banner;
pub mod responsiveness;
pub mod run_picker;
pub mod summary;
pub mod switches;
pub mod technique_card;
pub mod thumb;
pub mod timeline;
