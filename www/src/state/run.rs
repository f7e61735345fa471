//! What a technique's run produced (its trace, thumbnails, build, frames and memory), how it
//! settled, and the user's own files: plain values the reducer keeps and the views read.

use std::rc::Rc;

use interleave::measure::{Frames, MemoryUse};
use interleave::technique::CANCELLED;
use interleave::trace::Trace;

/// A thumbnail ready to show and to download.
#[derive(Clone, Debug)]
pub struct Thumb {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG file.
    pub png: Rc<Vec<u8>>,
}

/// A thumbnail never changes once made: compare by identity.
impl PartialEq for Thumb {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.png, &other.png)
    }
}

/// A finished technique.
#[derive(Clone, Debug)]
pub struct Finished {
    /// What ran when and where.
    pub trace: Trace,
    /// One per task: the thumbnail, or why the image failed.
    pub thumbs: Vec<Result<Thumb, String>>,
    /// Which engine build ran it: "threaded" or "plain" ("page", the UI's own build, in older
    /// recordings).
    pub build: &'static str,
    /// The main thread's frames while it ran.
    pub frames: Option<Frames>,
    /// The wasm memory of every instance it ran in.
    pub memory: Option<MemoryUse>,
}

impl Finished {
    /// Tasks whose image failed (cancelled ones not counted).
    pub fn failed(&self) -> usize {
        self.thumbs
            .iter()
            .filter(|t| t.as_ref().is_err_and(|e| e != CANCELLED))
            .count()
    }

    /// Tasks that made a thumbnail.
    pub fn made(&self) -> usize {
        self.thumbs.iter().filter(|t| t.is_ok()).count()
    }
}

/// A result never changes once made: compare by identity, so views re-render cheaply.
impl PartialEq for Finished {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// An image the user picked or dropped. It stays in the browser; a run reads it when it begins.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnFile {
    /// The file's name.
    pub name: String,
    /// The file.
    pub file: web_sys::File,
    /// Its size in bytes.
    pub bytes: f64,
}

/// Where one technique is.
#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    /// Not started yet.
    Waiting,
    /// In progress.
    Running {
        /// Tasks finished.
        done: u32,
        /// Tasks in all.
        total: u32,
    },
    /// Finished.
    Done(Rc<Finished>),
    /// Could not run: the reason.
    Failed(String),
    /// Cannot run in this browser context: why, and how to fix it.
    Unavailable(String),
    /// Stopped by the user: what it did until then, if it started.
    Cancelled(Option<Rc<Finished>>),
}

impl RunStatus {
    /// A short word for `data-status` and the badge.
    pub fn word(&self) -> &'static str {
        match self {
            RunStatus::Waiting => "waiting",
            RunStatus::Running { .. } => "running",
            RunStatus::Done(_) => "done",
            RunStatus::Failed(_) => "failed",
            RunStatus::Unavailable(_) => "unavailable",
            RunStatus::Cancelled(_) => "cancelled",
        }
    }

    /// What it did, finished or cancelled part-way.
    pub fn finished(&self) -> Option<&Rc<Finished>> {
        match self {
            RunStatus::Done(f) | RunStatus::Cancelled(Some(f)) => Some(f),
            _ => None,
        }
    }
}
