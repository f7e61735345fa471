use serde_json::{json, Value};

use super::*;
use crate::model::ideal_schedule;
use crate::platform::CANCELLED;
use crate::trace::fixtures::real_traces;
use crate::trace::run_figures;

const PNG: [u8; 12] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

/// What each task of `trace` made, as the page records it.
fn outcomes(trace: &Trace) -> Vec<TaskOutcome> {
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

/// A recording of the native test runs, with every kind of run end and saved thumbnails.
fn recording() -> TraceFile {
    // One run per technique: the global lock's run with split stages has a test of its own.
    let mut runs: Vec<RecordedRun> = real_traces()
        .iter()
        .filter(|t| t.technique != TechniqueKind::Gil)
        .map(|t| RecordedRun {
            technique: t.technique,
            end: RunEnd::Done,
            reason: None,
            build: Some("native".into()),
            trace: Some(t.clone()),
            tasks: outcomes(t),
        })
        .collect();
    runs.push(RecordedRun {
        technique: TechniqueKind::Gil,
        end: RunEnd::Unavailable,
        reason: Some("threads need shared memory".into()),
        build: None,
        trace: None,
        tasks: Vec::new(),
    });
    runs.push(RecordedRun {
        technique: TechniqueKind::SequentialMain,
        end: RunEnd::Failed,
        reason: Some("the worker stopped answering".into()),
        build: Some("page".into()),
        trace: None,
        tasks: Vec::new(),
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
        config: crate::config::Config::default(),
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
    }
}

#[test]
fn a_saved_recording_round_trips_exactly() {
    let file = recording();
    let chrome = file.to_chrome_json().unwrap();
    assert_eq!(TraceFile::from_json(&chrome), Ok(file.clone()));
    assert_eq!(TraceFile::from_json(&file.to_json().unwrap()), Ok(file));
}

#[test]
fn a_recording_with_stages_split_into_pieces_round_trips_and_is_checked() {
    let split = real_traces()
        .iter()
        .find(|t| t.technique == TechniqueKind::Gil)
        .expect("the global lock's run");
    let pieces = split.running().count();
    assert!(pieces > 6 * 3, "stages split: {pieces} running spans");
    let mut file = recording();
    for run in file
        .runs
        .iter_mut()
        .filter(|r| r.technique == TechniqueKind::Gil)
    {
        *run = RecordedRun {
            technique: TechniqueKind::Gil,
            end: RunEnd::Done,
            reason: None,
            build: Some("native".into()),
            trace: Some(split.clone()),
            tasks: outcomes(split),
        };
    }
    let chrome = file.to_chrome_json().unwrap();
    assert_eq!(TraceFile::from_json(&chrome), Ok(file));
}

#[test]
fn the_recording_rides_in_a_chrome_trace_after_its_events() {
    let file = recording();
    let text = file.to_chrome_json().unwrap();
    // Older Perfetto importers stop at the first top-level key they do not know: the events
    // must all come before it, and the time unit first.
    let unit = text.find("\"displayTimeUnit\"").unwrap();
    let events = text.find("\"traceEvents\"").unwrap();
    let ours = text.find(&format!("\"{REPLAY_KEY}\"")).unwrap();
    assert!(unit < events && events < ours, "{unit} {events} {ours}");
    let value: Value = serde_json::from_str(&text).unwrap();
    let traces: Vec<Trace> = file.traces().cloned().collect();
    assert_eq!(value["traceEvents"], chrome_trace(&traces)["traceEvents"]);
    assert_eq!(value["displayTimeUnit"], "ms");
}

#[test]
fn figures_recomputed_from_a_saved_file_equal_the_original_runs() {
    let file = recording();
    let loaded = TraceFile::from_json(&file.to_chrome_json().unwrap()).unwrap();
    let (before, after): (Vec<Trace>, Vec<Trace>) = (
        file.traces().cloned().collect(),
        loaded.traces().cloned().collect(),
    );
    assert_eq!(run_figures(&after), run_figures(&before));
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a.wall_us(), b.wall_us());
        assert_eq!(a.max_parallelism(), b.max_parallelism());
        assert_eq!(a.max_in_flight(), b.max_in_flight());
        let connections = file.config.network.connections;
        assert_eq!(
            ideal_schedule(a, connections),
            ideal_schedule(b, connections)
        );
    }
    assert!(before.iter().any(|t| t.spans.len() > 10), "real runs");
}

fn error_of(text: &str) -> TraceFileError {
    TraceFile::from_json(text).expect_err("refused")
}

#[test]
fn cut_short_files_say_so_and_never_panic() {
    let text = recording().to_chrome_json().unwrap();
    assert!(matches!(
        error_of(&text[..text.len() / 2]),
        TraceFileError::Truncated(_)
    ));
    // Every cut: a clear error, never a panic (the whole file reads).
    let step = (text.len() / 200).max(1);
    for end in (0..text.len() - 1).step_by(step) {
        if text.is_char_boundary(end) {
            let err = error_of(&text[..end]);
            assert!(!err.to_string().is_empty());
        }
    }
}

#[test]
fn foreign_files_get_clear_errors() {
    let traces: Vec<Trace> = real_traces().to_vec();
    let plain_chrome = chrome_trace(&traces).to_string();
    assert_eq!(error_of(&plain_chrome), TraceFileError::NoRecording);
    assert!(error_of(&plain_chrome).to_string().contains("Perfetto"));
    assert!(matches!(
        error_of("\u{89}PNG\r\n"),
        TraceFileError::NotJson(_)
    ));
    assert!(matches!(error_of("[1, 2]"), TraceFileError::Malformed(_)));
    let no_version = error_of(r#"{"hello": "world"}"#);
    assert!(
        no_version.to_string().contains("no format version"),
        "{no_version}"
    );
    assert!(matches!(error_of(""), TraceFileError::Truncated(_)));
}

#[test]
fn other_versions_are_refused_with_what_to_do() {
    let mut value: Value = serde_json::from_str(&recording().to_chrome_json().unwrap()).unwrap();
    value[REPLAY_KEY]["version"] = 3.into();
    let newer = error_of(&value.to_string());
    assert_eq!(
        newer,
        TraceFileError::TooNew {
            found: 3,
            supported: 2
        }
    );
    assert!(newer.to_string().contains("newer version"), "{newer}");
    // A version 1 file: traces only.
    let v1 = json!({ "version": 1, "config": crate::config::Config::default(), "threads": 2,
                     "build": "plain", "clock_resolution_us": 5.0, "traces": [] });
    let older = error_of(&v1.to_string());
    assert!(matches!(older, TraceFileError::TooOld { found: 1, .. }));
    assert!(older.to_string().contains("earlier version"), "{older}");
}

/// `recording()` as JSON, changed by `edit`, read back.
fn edited(edit: impl FnOnce(&mut Value)) -> TraceFileError {
    let mut value = serde_json::to_value(recording()).unwrap();
    edit(&mut value);
    error_of(&value.to_string())
}

#[test]
fn contents_that_do_not_hold_together_are_refused() {
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "outcomes",
            Box::new(|v| v["runs"][0]["tasks"].as_array_mut().unwrap().truncate(2)),
        ),
        (
            "lane",
            Box::new(|v| v["runs"][0]["trace"]["spans"][0]["lane"] = 99.into()),
        ),
        (
            "image",
            Box::new(|v| v["runs"][0]["trace"]["spans"][0]["task"] = 99.into()),
        ),
        (
            "time",
            Box::new(|v| v["runs"][0]["trace"]["spans"][0]["end_us"] = Value::Null),
        ),
        (
            "backwards",
            Box::new(|v| v["runs"][0]["trace"]["end_us"] = (-1.0).into()),
        ),
        (
            "twice",
            Box::new(|v| v["runs"][1]["technique"] = "sequential".into()),
        ),
        (
            "build",
            Box::new(|v| v["runs"][0]["build"] = "<script>".into()),
        ),
        (
            "no trace",
            Box::new(|v| v["runs"][0]["trace"] = Value::Null),
        ),
        (
            "not png",
            Box::new(|v| v["thumbnails"][0]["png"] = "aGVsbG8=".into()),
        ),
        (
            "base64",
            Box::new(|v| v["thumbnails"][0]["png"] = "%%%".into()),
        ),
        (
            "huge",
            Box::new(|v| v["thumbnails"][0]["width"] = 1_000_000.into()),
        ),
        ("config", Box::new(|v| v["config"]["thumb"] = 5000.into())),
        ("threads", Box::new(|v| v["threads"] = 0.into())),
        ("empty", Box::new(|v| v["runs"] = json!([]))),
    ];
    for (what, edit) in cases {
        let err = edited(edit);
        assert!(
            matches!(err, TraceFileError::Malformed(_)),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn thumbnails_are_optional() {
    let mut file = recording();
    file.thumbnails.clear();
    let text = file.to_chrome_json().unwrap();
    assert!(!text.contains("\"thumbnails\""));
    assert_eq!(TraceFile::from_json(&text), Ok(file.clone()));
}
