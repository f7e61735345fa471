//! A saved recording: a versioned file holding everything needed to show a session's runs again
//! exactly as recorded — configuration, N, every timed run of each technique (status, build,
//! trace, per-image outcome, the main thread's frames and the wasm memory while it ran), the
//! clock's resolution, a header saying where it was recorded, and optionally the thumbnails.
//!
//! The page saves it inside its Chrome Trace Event JSON, under the top-level key
//! [`REPLAY_KEY`], written after `traceEvents`: the same file opens in Perfetto and replays on
//! the page. Perfetto's JSON importer skips top-level keys it does not know (older versions stop
//! reading at the first one, which is why the key comes last), and the Trace Event format
//! counts extra top-level keys as metadata.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::{chrome_trace_measured, Trace};
use crate::config::Config;
use crate::kind::TechniqueKind;
use crate::measure::{Frames, MemoryUse, RunMeasures};
use crate::model::SweepRecord;

mod check;
mod png64;
mod v1;

/// The version of the [`TraceFile`] format this engine writes. Version 3 holds every timed run
/// of each technique (its repeats), each with the main thread's frames and the wasm memory
/// while it ran. Version 2 held one run per technique, without frames or memory; version 1
/// traces only, without each run's status and outcomes. Both still read (see
/// [`TraceFile::from_json`]).
pub const TRACE_FILE_VERSION: u32 = 3;

/// The oldest version [`TraceFile::from_json`] reads.
pub const OLDEST_TRACE_FILE_VERSION: u32 = 1;

/// The top-level key of a Chrome trace under which the page saves its [`TraceFile`].
pub const REPLAY_KEY: &str = "interleave";

/// Where and how a recording was made, as its banner shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// When the run began, ISO 8601 (UTC).
    pub recorded: String,
    /// The browser's `navigator.userAgent`.
    pub user_agent: String,
    /// The browser's `navigator.hardwareConcurrency`.
    pub cores: u32,
    /// Whether the page was cross-origin isolated (threads and 5 µs timers allowed).
    pub isolated: bool,
    /// The builds that ran techniques ("threaded", "plain", "page"), without repeats.
    pub builds: Vec<String>,
    /// The version of Interleave that recorded it.
    pub made_by: String,
}

/// How a technique's run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunEnd {
    /// It ran to the end.
    Done,
    /// The user stopped it (with its trace if it had started).
    Cancelled,
    /// It could not run to the end (see the reason).
    Failed,
    /// It cannot run in that browser context (see the reason).
    Unavailable,
}

/// What one task (image) of a run produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum TaskOutcome {
    /// A thumbnail of this size.
    Made {
        /// Width, px.
        width: u32,
        /// Height, px.
        height: u32,
    },
    /// The image failed, for this reason.
    Failed {
        /// In plain words.
        reason: String,
    },
    /// Stopped by cancellation before it was made.
    Cancelled,
}

/// One timed run of a technique, as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRun {
    /// Which technique.
    pub technique: TechniqueKind,
    /// How it ended.
    pub end: RunEnd,
    /// Why it failed or was unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Which build ran it: "threaded", "plain" or "page" (or "native" in tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// What ran when and where, if it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
    /// One outcome per task of the trace, in task order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskOutcome>,
    /// The page's main thread while it ran: its frames and long tasks (since version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Frames>,
    /// The wasm memory of every instance it ran in (since version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryUse>,
}

impl RecordedRun {
    /// What was measured around the run, beside its trace.
    pub fn measures(&self) -> RunMeasures<'_> {
        RunMeasures {
            frames: self.frames.as_ref(),
            memory: self.memory.as_ref(),
        }
    }
}

/// A thumbnail saved with a recording (every technique makes the same bytes, so once per task).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedThumb {
    /// The task (image) it was made from.
    pub task: u32,
    /// Width, px.
    pub width: u32,
    /// Height, px.
    pub height: u32,
    /// The PNG file, base64 in JSON.
    #[serde(with = "png64")]
    pub png: Vec<u8>,
}

/// A recorded session: what decided the runs, how each went, and where it was recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceFile {
    /// The format's version: [`TRACE_FILE_VERSION`].
    pub version: u32,
    /// Where and how it was recorded.
    pub recording: Recording,
    /// The configuration the runs used.
    pub config: Config,
    /// Threads (and processes) the parallel techniques had: the N of the run.
    pub threads: u32,
    /// The clock's resolution, µs (5 when cross-origin isolated, 100 when not).
    pub clock_resolution_us: f64,
    /// The name of each image of the batch, by task.
    pub images: Vec<String>,
    /// Every timed run, technique by technique in page order, each technique's in the order
    /// they ran; a technique that failed or could not run ends with a run without a trace that
    /// says why.
    pub runs: Vec<RecordedRun>,
    /// Thumbnails, if they were saved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thumbnails: Vec<SavedThumb>,
    /// The N sweep of the session, if one ran: the scaling chart's figures come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepRecord>,
}

/// Why a trace file could not be read. Each message says what to do about it.
#[derive(Debug, Error, PartialEq)]
pub enum TraceFileError {
    /// The file is not JSON at all.
    #[error("this file is not a trace exported by Interleave (it is not JSON: {0})")]
    NotJson(String),
    /// The file ends too early: it was cut off while saving or downloading.
    #[error("this trace file is incomplete: it ends too early ({0}); export or download it again")]
    Truncated(String),
    /// A Chrome trace without a recording in it.
    #[error(
        "this is a Chrome trace without an Interleave recording in it (made by another tool, or \
         by an earlier version of this page): Perfetto opens it, but it cannot be replayed here"
    )]
    NoRecording,
    /// JSON, but not a trace file, or one whose contents do not hold together.
    #[error("this is not a usable Interleave trace file: {0}")]
    Malformed(String),
    /// Made by a version of the format older than any this engine reads.
    #[error(
        "this trace file has format version {found}, from an earlier version of Interleave than \
         this page can replay (it reads versions {supported} and later)"
    )]
    TooOld {
        /// The file's version.
        found: u64,
        /// The version this engine reads.
        supported: u32,
    },
    /// Made by a newer version of the format.
    #[error(
        "this trace file has format version {found}, from a newer version of Interleave; this \
         page reads version {supported}: open it with the version that made it"
    )]
    TooNew {
        /// The file's version.
        found: u64,
        /// The version this engine reads.
        supported: u32,
    },
}

impl TraceFile {
    /// The traces of the runs that started, in file order.
    pub fn traces(&self) -> impl Iterator<Item = &Trace> {
        self.runs.iter().filter_map(|r| r.trace.as_ref())
    }

    /// What was measured around each run that started, in the order of [`traces`](Self::traces).
    pub fn measures(&self) -> Vec<RunMeasures<'_>> {
        self.runs
            .iter()
            .filter(|r| r.trace.is_some())
            .map(RecordedRun::measures)
            .collect()
    }

    /// The file alone, as JSON.
    pub fn to_json(&self) -> Result<String, TraceFileError> {
        serde_json::to_string(self).map_err(|e| TraceFileError::Malformed(e.to_string()))
    }

    /// The Chrome Trace Event JSON of every run that started (see [`chrome_trace_measured`]:
    /// one process per run, with its frames and memory) with the file under [`REPLAY_KEY`],
    /// after the events.
    pub fn to_chrome_json(&self) -> Result<String, TraceFileError> {
        #[derive(Serialize)]
        struct Chrome<'a> {
            #[serde(rename = "displayTimeUnit")]
            display_time_unit: &'a Value,
            #[serde(rename = "traceEvents")]
            trace_events: &'a Value,
            interleave: &'a TraceFile,
        }
        let traces: Vec<Trace> = self.traces().cloned().collect();
        let chrome = chrome_trace_measured(&traces, &self.measures());
        serde_json::to_string(&Chrome {
            display_time_unit: &chrome["displayTimeUnit"],
            trace_events: &chrome["traceEvents"],
            interleave: self,
        })
        .map_err(|e| TraceFileError::Malformed(e.to_string()))
    }

    /// Reads a file written by [`to_chrome_json`](Self::to_chrome_json) or
    /// [`to_json`](Self::to_json), of this version or an older one (read as this version: a
    /// version 2 file has one run per technique and no frames or memory; a version 1 file,
    /// traces only, gets its outcomes from its traces). A file of a newer version is refused
    /// before its contents are read; one whose contents do not hold together (outcomes that do not match the
    /// traces, unknown lanes or images, times that are not numbers) is refused too, so the
    /// page never draws nonsense.
    pub fn from_json(json: &str) -> Result<TraceFile, TraceFileError> {
        let mut value: Value = serde_json::from_str(json).map_err(|e| match e.classify() {
            serde_json::error::Category::Eof => TraceFileError::Truncated(e.to_string()),
            serde_json::error::Category::Syntax if looks_cut_off(json) => {
                TraceFileError::Truncated(e.to_string())
            }
            _ => TraceFileError::NotJson(e.to_string()),
        })?;
        let Some(object) = value.as_object_mut() else {
            return Err(TraceFileError::Malformed(
                "it is JSON, but not an object".into(),
            ));
        };
        let file = match object.remove(REPLAY_KEY) {
            Some(inner) => inner,
            None if object.contains_key("traceEvents") => return Err(TraceFileError::NoRecording),
            None => value,
        };
        let version = file
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| TraceFileError::Malformed("it has no format version".into()))?;
        if version < u64::from(OLDEST_TRACE_FILE_VERSION) {
            return Err(TraceFileError::TooOld {
                found: version,
                supported: OLDEST_TRACE_FILE_VERSION,
            });
        }
        if version > u64::from(TRACE_FILE_VERSION) {
            return Err(TraceFileError::TooNew {
                found: version,
                supported: TRACE_FILE_VERSION,
            });
        }
        let mut file: TraceFile = if version == 1 {
            v1::upgrade(file).map_err(TraceFileError::Malformed)?
        } else {
            serde_json::from_value(file).map_err(|e| TraceFileError::Malformed(e.to_string()))?
        };
        file.check().map_err(TraceFileError::Malformed)?;
        // Read as this version: what it lacks is absent, and it saves as this version.
        file.version = TRACE_FILE_VERSION;
        Ok(file)
    }
}

/// Whether text that failed to parse looks like the start of a longer JSON document: an object
/// opened and never closed (a download cut short, whose last byte split a token).
fn looks_cut_off(json: &str) -> bool {
    let trimmed = json.trim();
    trimmed.starts_with('{') && !trimmed.ends_with('}')
}

#[cfg(test)]
mod compat_tests;
#[cfg(test)]
mod test_recording;
#[cfg(test)]
mod tests;
