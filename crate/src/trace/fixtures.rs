//! Real traces for the export tests: the techniques run natively, as in `technique/tests`,
//! plus hand-made traces with the awkward cases a saved file may hold.

use std::sync::OnceLock;

use super::{Lane, Span, Stage, State, Trace};
use crate::network::Network;
use crate::pipeline::ThumbSpec;
use crate::platform::{Cancel, NoProgress};
use crate::technique::{Job, TechniqueKind};
use crate::testing::{in_process, run_on_pool, sample_job};

/// A network slow enough that cooperative tasks' waits overlap, with room for several
/// requests at once.
fn slow() -> Network {
    Network {
        latency_ms: 30,
        jitter_ms: 10,
        bandwidth_mbps: 0,
        connections: 6,
    }
}

fn job(count: u32) -> Job {
    sample_job(7, count, (320, 240), thumb_spec(), slow(), 3)
}

/// 48 px thumbnails with the default settings; read from JSON so that settings added to
/// [`ThumbSpec`] later keep their defaults here.
fn thumb_spec() -> ThumbSpec {
    serde_json::from_value(serde_json::json!({ "max_side": 48 })).expect("a thumbnail spec")
}

/// One run of `kind` on a batch of 6 images over the slow network, in a pool of 2 threads.
fn run(kind: TechniqueKind) -> Trace {
    let job = job(6);
    run_on_pool(kind, &job, 2, &in_process, &Cancel::default(), &NoProgress).trace
}

/// The global lock's run with every resize and encode in running pieces, a wait for the lock
/// between them, as a hand-over inside a stage draws it. The run hands over by itself (every 8
/// rows, no interval) when the other thread is waiting; whether it is depends on when the OS
/// runs the threads, so each piece is also cut once more here, and the exports always see
/// stages in pieces.
fn split_stages() -> Trace {
    let mut trace = gil_in_bands();
    let mut spans = Vec::with_capacity(trace.spans.len() * 3);
    for s in trace.spans.drain(..) {
        let cut = s.state == State::Running && matches!(s.stage, Stage::Resize | Stage::Encode);
        if !cut {
            spans.push(s);
            continue;
        }
        let third = (s.end_us - s.start_us) / 3.0;
        let (a, b) = (s.start_us + third, s.start_us + 2.0 * third);
        spans.push(Span {
            end_us: a,
            error: None,
            ..s.clone()
        });
        spans.push(Span {
            state: State::Ready,
            start_us: a,
            end_us: b,
            error: None,
            ..s.clone()
        });
        spans.push(Span { start_us: b, ..s });
    }
    trace.spans = spans;
    trace
}

/// The global lock handing over inside stages (every 8 rows, no interval; no network delay and
/// stages of several ms, so that a thread may wait for the lock).
fn gil_in_bands() -> Trace {
    let job = Job {
        grain: crate::technique::Grain::Rows(8),
        switch_interval_ms: 0,
        ..sample_job(7, 6, (1200, 900), ThumbSpec::fit(300), Network::LOCAL, 3)
    };
    run_on_pool(
        TechniqueKind::Gil,
        &job,
        2,
        &in_process,
        &Cancel::default(),
        &NoProgress,
    )
    .trace
}

/// Sequential, cooperative, threads and processes on the same batch, then the global lock with
/// stages split ([`split_stages`]), run once per test binary
/// (the runs take a while; every export test reads the same ones).
pub(crate) fn real_traces() -> &'static [Trace] {
    static TRACES: OnceLock<Vec<Trace>> = OnceLock::new();
    TRACES.get_or_init(|| {
        [
            TechniqueKind::Sequential,
            TechniqueKind::Cooperative,
            TechniqueKind::Threads,
            TechniqueKind::Processes,
        ]
        .into_iter()
        .map(run)
        .chain([split_stages()])
        .collect()
    })
}

/// A span for hand-made traces.
pub(crate) fn span(lane: u32, task: u32, stage: Stage, state: State, at: (f64, f64)) -> Span {
    Span {
        lane,
        task,
        stage,
        state,
        start_us: at.0,
        end_us: at.1,
        error: None,
    }
}

/// Text that breaks naive CSV, XML and JSON writers.
pub(crate) const HOSTILE: &str = "a,\"b\"\r\n<c> & 'd' ]]> --> \u{7}é\u{1F600}";

/// A hand-made trace of every awkward case: hostile names and errors, running spans that
/// overlap on one lane (a malformed file), a task whose waits overlap each other, zero-length
/// and reversed spans, spans at one instant, a span with a time that is not a number, a lane
/// that started up and retired, and a transfer.
pub(crate) fn awkward_trace() -> Trace {
    use Stage::*;
    use State::*;
    let mut failed = span(1, 2, Decode, Running, (300.0, 310.0));
    failed.error = Some(HOSTILE.to_string());
    let mut lane1 = Lane::new(1, HOSTILE);
    lane1.startup_us = Some((1000.0, 1100.0));
    lane1.retired = Some((1500.0, HOSTILE.to_string()));
    Trace {
        technique: TechniqueKind::Cooperative,
        lanes: vec![Lane::new(0, "main <thread>"), lane1],
        spans: vec![
            span(0, 0, Fetch, Blocked, (1000.0, 1200.4)),
            span(0, 1, Fetch, Blocked, (1000.0, 1200.6)),
            span(0, 2, Fetch, Blocked, (1100.2, 1100.2)),
            span(0, 0, Decode, Ready, (1150.0, 1300.0)),
            span(0, 0, Decode, Running, (1300.0, 1400.0)),
            span(0, 1, Decode, Running, (1350.0, 1450.0)),
            span(0, 1, Resize, Running, (1400.0, 1420.0)),
            span(0, 0, Resize, Running, (1400.0, 1400.0)),
            span(0, 0, Encode, Running, (1460.0, 1440.0)),
            span(0, 3, Fetch, Blocked, (f64::NAN, 1500.0)),
            span(1, 3, Fetch, Blocked, (1100.0, 1200.0)),
            span(1, 3, Fetch, Blocked, (1150.0, 1250.0)),
            failed,
            span(1, 1, Transfer, Blocked, (1450.0, 1450.0)),
            span(1, 0, Transfer, Blocked, (1460.0, 1490.0)),
        ],
        tasks: 4,
        start_us: 1000.0,
        end_us: 1500.0,
        cancelled: vec![3],
        build: Some(HOSTILE.to_string()),
    }
}
