//! A recording for the trace file's tests: the native test runs, two repeats of each with the
//! main thread's frames and wasm memory, every kind of run end, and saved thumbnails.

use super::*;
use crate::measure::{Frames, MemoryUse};
use crate::platform::CANCELLED;
use crate::trace::fixtures::real_traces;

pub(super) const PNG: [u8; 12] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

/// What each task of `trace` made, as the page records it.
pub(super) fn outcomes(trace: &Trace) -> Vec<TaskOutcome> {
    (0..trace.tasks)
        .map(|t| {
            let failed = trace.failures().find(|(task, _)| *task == t);
            match failed {
                Some((_, e)) if e == CANCELLED => TaskOutcome::Cancelled,
                Some((_, e)) => TaskOutcome::Failed { reason: e.into() },
                None if trace.cancelled.contains(&t) => TaskOutcome::Cancelled,
                None => TaskOutcome::Made {
                    width: 48,
                    height: 36,
                },
            }
        })
        .collect()
}

/// Frames watched around `trace`: every 16 ms, with a freeze over its middle third, and one
/// long task there.
pub(super) fn frames_of(trace: &Trace) -> Frames {
    let (a, b) = (trace.start_us, trace.end_us);
    let third = (b - a) / 3.0;
    let mut t = a - 1000.0;
    let mut frames_us = Vec::new();
    while t <= b {
        if t <= a + third || t >= a + 2.0 * third {
            frames_us.push(t);
        }
        t += 16_000.0;
    }
    Frames {
        start_us: a - 1000.0,
        end_us: b,
        frames_us,
        long_tasks: vec![(a + third, a + 2.0 * third)],
        long_tasks_supported: true,
        hidden: false,
    }
}

/// The memory of `instances` instances, each grown by 1 MB from `base` MB.
pub(super) fn memory_of(instances: u32, base: f64) -> MemoryUse {
    let mut m = MemoryUse {
        shared_by: 1,
        ..MemoryUse::default()
    };
    for i in 0..instances {
        let name = format!("process {i}");
        m.sample(&name, (base + f64::from(i)) * 1048576.0);
        m.sample(&name, (base + f64::from(i) + 1.0) * 1048576.0);
    }
    m
}

/// One timed run of `trace`, with its frames and memory.
pub(super) fn timed(trace: &Trace, instances: u32) -> RecordedRun {
    RecordedRun {
        technique: trace.technique,
        end: RunEnd::Done,
        reason: None,
        build: Some("native".into()),
        trace: Some(trace.clone()),
        tasks: outcomes(trace),
        frames: Some(frames_of(trace)),
        memory: Some(memory_of(instances, 18.0)),
    }
}

/// `trace` run again, `by` µs later and `scale` times as long.
pub(super) fn again(trace: &Trace, by: f64, scale: f64) -> Trace {
    let at = |t: f64| trace.start_us + by + (t - trace.start_us) * scale;
    let mut t = trace.clone();
    t.start_us = at(trace.start_us);
    t.end_us = at(trace.end_us);
    for s in &mut t.spans {
        (s.start_us, s.end_us) = (at(s.start_us), at(s.end_us));
    }
    for l in &mut t.lanes {
        l.startup_us = l.startup_us.map(|(a, b)| (at(a), at(b)));
    }
    t
}

/// A recording of the native test runs, two repeats of each, with frames and memory, every
/// kind of run end and saved thumbnails.
pub(super) fn recording() -> TraceFile {
    let later = 60_000_000.0;
    // The global lock's run with split stages has a test of its own: here it could not run.
    let mut runs: Vec<RecordedRun> = real_traces()
        .iter()
        .filter(|t| t.technique != TechniqueKind::Gil)
        .flat_map(|t| {
            let lanes = t.lanes.len() as u32;
            [timed(t, lanes), timed(&again(t, later, 1.25), lanes)]
        })
        .collect();
    runs.push(RecordedRun {
        technique: TechniqueKind::Gil,
        end: RunEnd::Unavailable,
        reason: Some("threads need shared memory".into()),
        build: None,
        trace: None,
        tasks: Vec::new(),
        frames: None,
        memory: None,
    });
    runs.push(RecordedRun {
        technique: TechniqueKind::SequentialMain,
        end: RunEnd::Failed,
        reason: Some("the worker stopped answering".into()),
        build: Some("page".into()),
        trace: None,
        tasks: Vec::new(),
        frames: None,
        memory: None,
    });
    TraceFile {
        version: TRACE_FILE_VERSION,
        recording: Recording {
            recorded: "2026-12-06T18:23:13.123Z".into(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/148.0.0.0 \"quoted\" <b>".into(),
            cores: 2,
            isolated: true,
            builds: vec!["native".into(), "page".into()],
            made_by: "0.1.0".into(),
        },
        config: crate::config::Config {
            repeats: 2,
            ..crate::config::Config::default()
        },
        threads: 2,
        clock_resolution_us: 5.0,
        images: (0..6).map(|i| format!("photos/{i:02}.jpg")).collect(),
        runs,
        thumbnails: (0..6)
            .map(|task| SavedThumb {
                task,
                width: 48,
                height: 36,
                png: [&PNG[..], &[task as u8; 40]].concat(),
            })
            .collect(),
        sweep: None,
    }
}
