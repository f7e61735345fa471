//! One component per file. Components read plain state and dispatch actions.

pub mod app;
pub mod controls;
pub mod embed;
pub mod embed_dialog;
pub mod embed_row;
pub mod embed_summary;
pub mod explain;
pub mod exports;
pub mod gallery;
pub mod ideal;
pub mod import_trace;
pub mod isolation;
pub mod isolation_status;
pub mod legend;
pub mod notices;
pub mod presenter;
pub mod primer;
pub mod recording_banner;
pub mod share;
pub mod summary;
pub mod switches;
pub mod technique_card;
pub mod thumb;
pub mod timeline;
