//! Older trace files (fixtures written in versions 1 and 2) still replay, read as this
//! version; and what a version 3 file adds (every repeat, frames, memory) survives the trip
//! and gives the figures the page shows.

use super::*;
use crate::measure::{median_run, repeat_numbers};
use crate::trace::{results_csv_measured, run_figures_measured};

const V1: &str = include_str!("fixtures/v1.json");
const V2: &str = include_str!("fixtures/v2.json");

#[test]
fn a_version_2_file_reads_as_one_run_per_technique_without_frames_or_memory() {
    let file = TraceFile::from_json(V2).expect("a version 2 file reads");
    assert_eq!(file.version, TRACE_FILE_VERSION);
    assert_eq!(file.recording.cores, 4);
    assert_eq!(file.runs.len(), 3);
    assert_eq!(file.traces().count(), 2);
    assert!(file
        .runs
        .iter()
        .all(|r| r.frames.is_none() && r.memory.is_none()));
    assert_eq!(file.runs[2].end, RunEnd::Failed);
    // Saved again, it is a version 3 file that reads back the same.
    let again = TraceFile::from_json(&file.to_chrome_json().unwrap()).unwrap();
    assert_eq!(again, file);
    let text = file.to_json().unwrap();
    assert!(text.contains(&format!("\"version\":{TRACE_FILE_VERSION}")));
}

#[test]
fn a_version_1_file_gets_its_outcomes_from_its_traces() {
    let file = TraceFile::from_json(V1).expect("a version 1 file reads");
    assert_eq!(file.version, TRACE_FILE_VERSION);
    assert_eq!(file.config.effort, crate::pipeline::Effort::Fast);
    assert_eq!(file.config.repeats, 1);
    assert_eq!(file.threads, 2);
    assert!(file.recording.isolated, "5 µs clock");
    assert_eq!(file.recording.recorded, "2026-11-20T10:00:00Z");
    assert_eq!(file.images, ["image 1", "image 2"]);
    let kinds: Vec<TechniqueKind> = file.runs.iter().map(|r| r.technique).collect();
    assert_eq!(kinds, [TechniqueKind::Sequential, TechniqueKind::Threads]);
    for run in &file.runs {
        assert_eq!(run.end, RunEnd::Done);
        assert_eq!(run.build.as_deref(), Some("threaded"));
        assert_eq!(run.tasks.len(), 2);
        assert!(matches!(run.tasks[0], TaskOutcome::Made { .. }));
    }
    // Its figures: threads ran both images at once.
    let traces: Vec<Trace> = file.traces().cloned().collect();
    let figures = run_figures_measured(&traces, &file.measures());
    assert!(
        figures[1].speedup.unwrap() > 1.5,
        "{:?}",
        figures[1].speedup
    );
    // And it saves as version 3.
    assert_eq!(
        TraceFile::from_json(&file.to_chrome_json().unwrap()),
        Ok(file)
    );
}

#[test]
fn every_repeat_with_its_frames_and_memory_gives_the_figures_the_page_shows() {
    let file = super::test_recording::recording();
    let loaded = TraceFile::from_json(&file.to_chrome_json().unwrap()).unwrap();
    assert_eq!(loaded, file);
    let traces: Vec<Trace> = loaded.traces().cloned().collect();
    // Two repeats of each technique, numbered as the run picker numbers them.
    let numbers = repeat_numbers(&traces);
    assert!(numbers.iter().all(|&(_, of)| of == 2), "{numbers:?}");
    assert_eq!(traces.len(), 8);
    let figures = run_figures_measured(&traces, &loaded.measures());
    for (run, f) in loaded
        .runs
        .iter()
        .filter(|r| r.trace.is_some())
        .zip(&figures)
    {
        let (frames, memory) = (run.frames.as_ref().unwrap(), run.memory.as_ref().unwrap());
        // The freeze over the run's middle third is its longest gap, with its missed frames.
        let third = run.trace.as_ref().unwrap().wall_us() / 3.0;
        assert_eq!(f.longest_gap_ms, Some(frames.longest_gap_us() / 1000.0));
        assert!(f.longest_gap_ms.unwrap() * 1000.0 >= third, "{f:?}");
        assert_eq!(f.dropped_frames, Some(frames.dropped()));
        assert_eq!(f.long_tasks, Some(1));
        assert_eq!(f.memory_peak_bytes, Some(memory.peak()));
        assert_eq!(f.memory_instances, Some(memory.instances.len()));
        assert_eq!(
            f.memory_grown_bytes,
            Some(memory.instances.len() as f64 * 1048576.0)
        );
    }
    // The median wall (of two runs, their mean) and the speedup from medians, as the cards
    // show them; the timeline shows the lower middle run.
    let walls: Vec<f64> = traces[2..4].iter().map(Trace::wall_us).collect();
    let median = crate::stats::Spread::of(&walls).unwrap().median;
    assert_eq!(figures[2].median_wall_ms, Some(median / 1000.0));
    assert_eq!(median_run(&walls), Some(0), "the first is the shorter");
    assert!(figures.iter().all(|f| f.median_speedup.is_some()));
    // The CSV carries the same columns.
    let csv = results_csv_measured(&traces, &loaded.measures());
    let header = csv.lines().next().unwrap();
    for column in [
        "longest_frame_gap_ms",
        "dropped_frames",
        "memory_peak_bytes",
        "memory_grown_bytes",
    ] {
        assert!(header.contains(column), "{column}");
    }
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row.len(), header.split(',').count());
    assert_eq!(
        row[header.split(',').position(|h| h == "long_tasks").unwrap()],
        "1"
    );
}
