use serde_json::{json, Value};

use super::*;
use crate::model::ideal_schedule;
use crate::trace::chrome_trace;
use crate::trace::fixtures::real_traces;
use crate::trace::run_figures;

use super::test_recording::*;

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
        *run = timed(split, split.lanes.len() as u32);
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
    let measured = crate::trace::chrome_trace_measured(&traces, &file.measures());
    assert_eq!(value["traceEvents"], measured["traceEvents"]);
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
    value[REPLAY_KEY]["version"] = 4.into();
    let newer = error_of(&value.to_string());
    assert_eq!(
        newer,
        TraceFileError::TooNew {
            found: 4,
            supported: TRACE_FILE_VERSION
        }
    );
    assert!(newer.to_string().contains("newer version"), "{newer}");
    value[REPLAY_KEY]["version"] = 0.into();
    let older = error_of(&value.to_string());
    assert!(matches!(older, TraceFileError::TooOld { found: 0, .. }));
    assert!(older.to_string().contains("earlier version"), "{older}");
    // A version 1 file with no runs: nothing to replay.
    let v1 = json!({ "version": 1, "config": crate::config::Config::default(), "threads": 2,
                     "build": "plain", "clock_resolution_us": 5.0, "traces": [] });
    assert!(matches!(
        error_of(&v1.to_string()),
        TraceFileError::Malformed(_)
    ));
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
            "thrice",
            Box::new(|v| v["runs"][2]["technique"] = "sequential".into()),
        ),
        (
            "why twice",
            Box::new(|v| v["runs"][9]["technique"] = "gil".into()),
        ),
        (
            "frames",
            Box::new(|v| v["runs"][0]["frames"]["end_us"] = (-1e300).into()),
        ),
        (
            "memory",
            Box::new(|v| v["runs"][0]["memory"]["instances"][0][1]["peak"] = (-5.0).into()),
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

#[test]
fn a_saved_sweep_gives_the_same_scaling_figures() {
    use crate::model::{SweepRecord, SweepRun};
    let run = |technique, workers, wall_us| SweepRun {
        technique,
        workers,
        wall_us,
        made: 6,
        io_fraction: 0.05,
    };
    let mut runs = Vec::new();
    for n in 1..=4 {
        runs.push(run(
            TechniqueKind::Sequential,
            n,
            1.0e6 + f64::from(n) * 1e3,
        ));
        runs.push(run(
            TechniqueKind::Threads,
            n,
            1.0e6 / f64::from(n.min(2)) * 1.1,
        ));
        runs.push(run(
            TechniqueKind::Processes,
            n,
            1.0e6 / f64::from(n.min(2)) * 1.3,
        ));
    }
    let sweep = SweepRecord {
        cores: 2,
        max: 4,
        repeats: 1,
        runs,
    };
    let file = TraceFile {
        sweep: Some(sweep.clone()),
        ..recording()
    };
    let back = TraceFile::from_json(&file.to_chrome_json().unwrap()).unwrap();
    let saved = back.sweep.expect("the sweep is in the file");
    for kind in [TechniqueKind::Threads, TechniqueKind::Processes] {
        assert_eq!(saved.points(kind), sweep.points(kind), "{kind:?}");
        assert_eq!(saved.serial(kind), sweep.serial(kind), "{kind:?}");
        assert_eq!(saved.points(kind).len(), 4);
    }
    let e = saved.serial(TechniqueKind::Threads).unwrap();
    assert!(e.mean > 0.0 && e.mean < 1.0, "{e:?}");
    // A sweep that says nonsense is refused, with a reason.
    let mut bad = file;
    if let Some(s) = bad.sweep.as_mut() {
        s.runs[1].workers = 9;
    }
    let err = TraceFile::from_json(&bad.to_json().unwrap()).unwrap_err();
    assert!(err.to_string().contains("N sweep"), "{err}");
}
