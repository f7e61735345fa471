//! Version 1 files, read as the current version. They held the configuration (before `effort`
//! and `repeats`), N, one engine build, the clock's resolution and the traces in the order they
//! ran — no outcomes, no recording header, no image names. What each image made is read from
//! its trace (a failed stage, a cancelled task, else a thumbnail of a size not recorded), and
//! the header says what is not known.

use serde::Deserialize;
use serde_json::Value;

use super::{RecordedRun, Recording, RunEnd, TaskOutcome, TraceFile, TRACE_FILE_VERSION};
use crate::config::{Config, REPEATS};
use crate::platform::CANCELLED;
use crate::trace::Trace;

/// A version 1 file as it was written.
#[derive(Deserialize)]
struct V1 {
    #[serde(default)]
    created: Option<String>,
    config: Value,
    threads: u32,
    build: String,
    clock_resolution_us: f64,
    traces: Vec<Trace>,
}

/// `file` (a version 1 file's JSON) as a current file; why not, if it is not one.
pub(super) fn upgrade(file: Value) -> Result<TraceFile, String> {
    let old: V1 = serde_json::from_value(file).map_err(|e| e.to_string())?;
    let mut config = old.config;
    let Some(fields) = config.as_object_mut() else {
        return Err("its configuration is not an object".into());
    };
    // Version 1 encoded fast, as `v=1` links do; `repeats` did not exist: each run was one.
    fields.entry("effort").or_insert("fast".into());
    let most = old
        .traces
        .iter()
        .map(|t| {
            old.traces
                .iter()
                .filter(|u| u.technique == t.technique)
                .count()
        })
        .max()
        .unwrap_or(1) as u32;
    fields.insert(
        "repeats".into(),
        most.clamp(*REPEATS.start(), *REPEATS.end()).into(),
    );
    let config: Config = serde_json::from_value(config).map_err(|e| e.to_string())?;
    // Page order, each technique's runs in the order they ran.
    let mut traces = old.traces;
    let order = |t: &Trace| {
        config
            .techniques
            .iter()
            .position(|k| *k == t.technique)
            .unwrap_or(usize::MAX)
    };
    traces.sort_by_key(order);
    let tasks = traces.iter().map(|t| t.tasks).max().unwrap_or(0);
    let mut builds = vec![old.build.clone()];
    for b in traces.iter().filter_map(|t| t.build.clone()) {
        if !builds.contains(&b) {
            builds.push(b);
        }
    }
    let runs = traces
        .into_iter()
        .map(|trace| RecordedRun {
            technique: trace.technique,
            end: match trace.cancelled.is_empty() {
                true => RunEnd::Done,
                false => RunEnd::Cancelled,
            },
            reason: None,
            build: Some(trace.build.clone().unwrap_or_else(|| old.build.clone())),
            tasks: outcomes(&trace),
            trace: Some(trace),
            frames: None,
            memory: None,
        })
        .collect();
    Ok(TraceFile {
        version: TRACE_FILE_VERSION,
        recording: Recording {
            recorded: old.created.unwrap_or_else(|| "not recorded".into()),
            user_agent: "not recorded (a version 1 trace file)".into(),
            cores: 0,
            // 5 µs timers were only given to cross-origin isolated pages.
            isolated: old.clock_resolution_us > 0.0 && old.clock_resolution_us <= 5.0,
            builds,
            made_by: "Interleave (trace file version 1)".into(),
        },
        images: (0..tasks).map(|t| format!("image {}", t + 1)).collect(),
        config,
        threads: old.threads,
        clock_resolution_us: old.clock_resolution_us,
        runs,
        sweep: None,
        thumbnails: Vec::new(),
    })
}

/// What each task of `trace` made, as far as the trace tells: its failure, its cancellation,
/// else a thumbnail whose size was not recorded (0 × 0).
fn outcomes(trace: &Trace) -> Vec<TaskOutcome> {
    (0..trace.tasks)
        .map(|task| {
            let failed = trace.failures().find(|(t, _)| *t == task);
            match failed {
                Some((_, e)) if e == CANCELLED => TaskOutcome::Cancelled,
                Some((_, e)) => TaskOutcome::Failed { reason: e.into() },
                None if trace.cancelled.contains(&task) => TaskOutcome::Cancelled,
                None => TaskOutcome::Made {
                    width: 0,
                    height: 0,
                },
            }
        })
        .collect()
}
