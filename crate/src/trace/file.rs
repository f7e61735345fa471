//! A saved trace: a versioned file holding the runs of one session and what decided them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::Trace;
use crate::config::Config;

/// The version of the [`TraceFile`] format this engine writes and reads.
pub const TRACE_FILE_VERSION: u32 = 1;

/// Traces saved to a file, with what is needed to read them later: the configuration, the
/// threads, the engine build and the clock's resolution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceFile {
    /// The format's version: [`TRACE_FILE_VERSION`].
    pub version: u32,
    /// When the file was made (the caller's choice of format, e.g. ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The configuration the runs used.
    pub config: Config,
    /// Threads (and processes) the parallel techniques had.
    pub threads: u32,
    /// The engine build of the session: "threaded", "plain" or "native" (each trace also
    /// records its own, in [`Trace::build`]).
    pub build: String,
    /// The clock's resolution, µs (5 when cross-origin isolated, 100 when not).
    pub clock_resolution_us: f64,
    /// The runs, in the order they ran.
    pub traces: Vec<Trace>,
}

/// Why a trace file could not be read.
#[derive(Debug, Error, PartialEq)]
pub enum TraceFileError {
    /// The file is not JSON, or not a trace file.
    #[error("this is not a trace file: {0}")]
    Malformed(String),
    /// The file was written by a version of the format this engine cannot read.
    #[error(
        "this trace file has format version {found}, but this page reads version {supported}: \
         open it with a matching version of the page"
    )]
    Version {
        /// The file's version.
        found: u64,
        /// The version this engine reads.
        supported: u32,
    },
}

impl TraceFile {
    /// A file of `traces` in the current format, with no creation time.
    pub fn new(
        config: Config,
        threads: u32,
        build: &str,
        clock_resolution_us: f64,
        traces: Vec<Trace>,
    ) -> TraceFile {
        TraceFile {
            version: TRACE_FILE_VERSION,
            created: None,
            config,
            threads,
            build: build.to_string(),
            clock_resolution_us,
            traces,
        }
    }

    /// The file as JSON.
    pub fn to_json(&self) -> Result<String, TraceFileError> {
        serde_json::to_string(self).map_err(|e| TraceFileError::Malformed(e.to_string()))
    }

    /// Reads a file written by [`to_json`](Self::to_json); a file of another version is
    /// refused, with a clear error, before its contents are read.
    pub fn from_json(json: &str) -> Result<TraceFile, TraceFileError> {
        let value: Value =
            serde_json::from_str(json).map_err(|e| TraceFileError::Malformed(e.to_string()))?;
        let version = value
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| TraceFileError::Malformed("it has no format version".into()))?;
        if version != u64::from(TRACE_FILE_VERSION) {
            return Err(TraceFileError::Version {
                found: version,
                supported: TRACE_FILE_VERSION,
            });
        }
        serde_json::from_value(value).map_err(|e| TraceFileError::Malformed(e.to_string()))
    }
}
