//! A recording read back into the page's state gives the figures the live page showed: every
//! repeat in its technique's runs, the median and spread, speedup from medians, and each run's
//! frames and memory — computed by the same code as the engine's exports. Saved again, it is
//! the same file.

use std::rc::Rc;

use interleave::measure::{Frames, MemoryUse};
use interleave::technique::TechniqueKind;
use interleave::trace::{run_figures_measured, RunEnd, Trace, TraceFile};
use yew::Reducible;

use super::{record, restore};
use crate::repeats;
use crate::state::{Action, Capabilities, RunStatus, State};

const V2: &str = include_str!("../../../../crate/src/trace/file/fixtures/v2.json");

/// `trace`, run again `by` µs later and `scale` times as long.
fn again(trace: &Trace, by: f64, scale: f64) -> Trace {
    let at = |t: f64| trace.start_us + by + (t - trace.start_us) * scale;
    let mut t = trace.clone();
    (t.start_us, t.end_us) = (at(trace.start_us), at(trace.end_us));
    for s in &mut t.spans {
        (s.start_us, s.end_us) = (at(s.start_us), at(s.end_us));
    }
    t
}

/// The version 2 fixture with a second, slower repeat of each timed run, and frames and memory
/// on every one.
fn with_repeats() -> TraceFile {
    let mut file = TraceFile::from_json(V2).expect("the fixture reads");
    file.config.repeats = 2;
    let mut runs = Vec::new();
    for (i, run) in file.runs.iter().enumerate() {
        let Some(trace) = &run.trace else {
            runs.push(run.clone());
            continue;
        };
        for (k, scale) in [(0.0, 1.0), (1.0, 1.5)] {
            let mut r = run.clone();
            let t = again(trace, k * 1e6, scale);
            r.frames = Some(Frames {
                start_us: t.start_us - 500.0,
                end_us: t.end_us,
                frames_us: vec![t.start_us, t.start_us + 16_000.0 * scale, t.end_us],
                long_tasks: vec![],
                long_tasks_supported: true,
                hidden: false,
            });
            let mut memory = MemoryUse {
                shared_by: 1,
                ..MemoryUse::default()
            };
            memory.sample("engine worker", (20 + i) as f64 * 1048576.0);
            memory.sample("engine worker", (21.0 + i as f64 + k) * 1048576.0);
            r.memory = Some(memory);
            r.trace = Some(t);
            runs.push(r);
        }
    }
    file.runs = runs;
    // Through the Chrome JSON and back, as a download and an import would.
    TraceFile::from_json(&file.to_chrome_json().unwrap()).expect("it reads back")
}

fn replayed(file: &TraceFile) -> Rc<State> {
    let caps = Capabilities {
        cores: 8,
        isolated: false,
        threads_unavailable: Some("not isolated".into()),
    };
    let state = Rc::new(State::new(Default::default(), Vec::new(), caps));
    let loaded = restore(file.clone(), "run.json".into(), None);
    state.reduce(Action::Replay(Box::new(loaded)))
}

#[test]
fn a_recording_with_repeats_gives_the_live_figures_and_saves_as_it_was() {
    let file = with_repeats();
    let state = replayed(&file);
    let traces: Vec<Trace> = file.traces().cloned().collect();
    let figures = run_figures_measured(&traces, &file.measures());
    for (i, kind) in [TechniqueKind::Sequential, TechniqueKind::Threads]
        .into_iter()
        .enumerate()
    {
        let runs = repeats::runs_of(&state.repeats, kind).expect("its runs");
        assert_eq!(runs.runs.len(), 2, "{kind:?}: every repeat, in the picker");
        assert!(runs.runs.iter().all(|r| r.complete));
        let spread = runs.spread().unwrap();
        let row = &figures[2 * i];
        assert_eq!(Some(spread.median / 1000.0), row.median_wall_ms);
        assert!(spread.min < spread.max);
        // The median run (the lower middle of two: the faster) is shown, with its own frames
        // and memory.
        let shown = runs.shown().unwrap();
        assert_eq!(runs.shown_index(), Some(0));
        let recorded = file.runs.iter().find(|r| r.technique == kind).unwrap();
        assert_eq!(shown.run.frames, recorded.frames);
        assert_eq!(shown.run.memory, recorded.memory);
        assert_eq!(
            shown.run.frames.as_ref().unwrap().longest_gap_us() / 1000.0,
            row.longest_gap_ms.unwrap()
        );
        assert!(matches!(
            state.runs.iter().find(|(k, _)| *k == kind).unwrap().1,
            RunStatus::Done(_)
        ));
    }
    assert_eq!(
        state.speedup(TechniqueKind::Threads),
        figures[2].median_speedup
    );
    assert!(state.speedup(TechniqueKind::Threads).unwrap() > 1.5);
    let cooperative = state
        .runs
        .iter()
        .find(|(k, _)| *k == TechniqueKind::Cooperative);
    assert!(matches!(cooperative.unwrap().1, RunStatus::Failed(_)));
    // Saved again (the export of a replay), it is the same file.
    let saved = record(&state, false);
    assert_eq!(saved, file);
    assert_eq!(saved.runs.last().unwrap().end, RunEnd::Failed);
    // Another run chosen: still every repeat in the file.
    let state = state.reduce(Action::ShowRun(TechniqueKind::Threads, 1));
    assert_eq!(record(&state, false), file);
}

#[test]
fn an_older_recording_shows_one_run_per_technique() {
    let file = TraceFile::from_json(V2).unwrap();
    let state = replayed(&file);
    let runs = repeats::runs_of(&state.repeats, TechniqueKind::Threads).unwrap();
    assert_eq!((runs.runs.len(), runs.planned), (1, 1));
    assert!(runs.shown().unwrap().run.frames.is_none());
    assert_eq!(record(&state, false), file);
}
