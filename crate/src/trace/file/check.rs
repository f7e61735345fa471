//! Whether a trace file's contents hold together, so that a replay never draws nonsense (or
//! asks for a canvas of a billion pixels) whatever the file says.

use std::collections::{HashMap, HashSet};

use super::{RunEnd, TaskOutcome, TraceFile};
use crate::config::Config;
use crate::model::SweepRecord;
use crate::trace::Trace;

/// Images a recorded run may have: far more than the page runs, far fewer than would stall it.
const MAX_TASKS: u32 = 10_000;
/// The longest side of a saved thumbnail, px (the page makes up to 1024).
const MAX_SIDE: u32 = 4096;
/// The builds a run can name.
const BUILDS: [&str; 4] = ["threaded", "plain", "page", "native"];
/// Animation frames a run may list: an hour at 240 Hz.
const MAX_FRAMES: usize = 864_000;
/// Long tasks a run may list.
const MAX_LONG_TASKS: usize = 100_000;
/// Wasm instances a run may list (the page starts at most a few dozen).
const MAX_INSTANCES: usize = 1024;
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

impl TraceFile {
    /// Why the contents do not hold together, if they do not.
    pub(super) fn check(&self) -> Result<(), String> {
        let (normal, _) = Config::from_query(&self.config.to_query());
        if normal != self.config {
            return Err("its configuration is out of range".into());
        }
        if self.threads == 0 || self.threads > 1024 {
            return Err(format!("it says the run had {} threads", self.threads));
        }
        if !self.clock_resolution_us.is_finite() || self.clock_resolution_us < 0.0 {
            return Err("its clock resolution is not a number of µs".into());
        }
        if self.runs.is_empty() {
            return Err("it holds no runs".into());
        }
        if let Some(sweep) = &self.sweep {
            check_sweep(sweep).map_err(|why| format!("its N sweep {why}"))?;
        }
        // Each technique: up to `repeats` timed runs, and at most one that says why it stopped.
        let mut timed: HashMap<_, u32> = HashMap::new();
        let mut untimed = HashSet::new();
        let repeats = self.config.repeats.max(1);
        let mut tasks = 0;
        for run in &self.runs {
            let name = run.technique.label();
            if run.trace.is_none() && !untimed.insert(run.technique) {
                return Err(format!("it says twice why {name} stopped"));
            }
            if run.trace.is_some() {
                let count = timed.entry(run.technique).or_default();
                *count += 1;
                if *count > repeats {
                    return Err(format!(
                        "it holds {count} runs of {name}, for {repeats} repeats"
                    ));
                }
            }
            check_measures(run).map_err(|why| format!("{name}'s {why}"))?;
            if let Some(build) = run.build.as_deref().filter(|b| !BUILDS.contains(b)) {
                return Err(format!("{name} names an unknown build “{build}”"));
            }
            match (&run.trace, run.end) {
                (Some(trace), RunEnd::Done | RunEnd::Cancelled) => {
                    if trace.technique != run.technique {
                        return Err(format!("{name}'s trace is of another technique"));
                    }
                    check_trace(trace).map_err(|why| format!("{name}'s trace {why}"))?;
                    if run.tasks.len() != trace.tasks as usize {
                        return Err(format!(
                            "{name} has {} outcomes for {} images",
                            run.tasks.len(),
                            trace.tasks
                        ));
                    }
                    if let Some(side) = run.tasks.iter().find_map(|t| match t {
                        TaskOutcome::Made { width, height } => {
                            Some((*width).max(*height)).filter(|&s| s > MAX_SIDE)
                        }
                        _ => None,
                    }) {
                        return Err(format!("{name} has a thumbnail {side} px wide"));
                    }
                    tasks = tasks.max(trace.tasks);
                }
                (None, RunEnd::Done) => return Err(format!("{name} is done but has no trace")),
                (Some(_), _) => {
                    return Err(format!("{name} did not run, yet has a trace"));
                }
                (None, _) => {}
            }
        }
        let mut saved = HashSet::new();
        for t in &self.thumbnails {
            if t.task >= tasks || !saved.insert(t.task) {
                return Err(format!(
                    "it has a thumbnail of an unknown image ({})",
                    t.task
                ));
            }
            if t.width == 0 || t.height == 0 || t.width.max(t.height) > MAX_SIDE {
                return Err(format!(
                    "it has a thumbnail of {} × {} px",
                    t.width, t.height
                ));
            }
            if !t.png.starts_with(&PNG_SIGNATURE) {
                return Err(format!("the thumbnail of image {} is not a PNG", t.task));
            }
        }
        Ok(())
    }
}

/// Why the frames or memory recorded with a run are not fit to show: too many to draw at
/// once, or sizes that are not sizes. (Frame times that are not numbers are left out when
/// gaps are computed.)
fn check_measures(run: &super::RecordedRun) -> Result<(), String> {
    if let Some(f) = &run.frames {
        if f.frames_us.len() > MAX_FRAMES || f.long_tasks.len() > MAX_LONG_TASKS {
            return Err("frames are too many".into());
        }
        if !(f.start_us.is_finite() && f.end_us.is_finite() && f.start_us <= f.end_us) {
            return Err("frames have a start or end that is not a time".into());
        }
    }
    if let Some(m) = &run.memory {
        let size = |b: f64| b.is_finite() && (0.0..=f64::from(u32::MAX) * 64.0).contains(&b);
        if m.instances.len() > MAX_INSTANCES {
            return Err("memory lists too many instances".into());
        }
        if m.instances
            .iter()
            .any(|(_, s)| !(size(s.start) && size(s.peak) && size(s.end)))
        {
            return Err("memory has a size that is not a number of bytes".into());
        }
    }
    Ok(())
}

/// Why a trace is not fit to draw: times that are not numbers or run backwards, lanes out of
/// order, spans of lanes or images it does not have.
fn check_trace(trace: &Trace) -> Result<(), String> {
    if trace.tasks > MAX_TASKS {
        return Err(format!("has {} images", trace.tasks));
    }
    if !(trace.start_us.is_finite() && trace.end_us.is_finite() && trace.start_us <= trace.end_us) {
        return Err("has a start or end that is not a time".into());
    }
    if let Some((i, _)) = trace
        .lanes
        .iter()
        .enumerate()
        .find(|(i, l)| l.id as usize != *i)
    {
        return Err(format!("lists its lanes out of order (at {i})"));
    }
    let finite = |(a, b): (f64, f64)| a.is_finite() && b.is_finite() && a <= b;
    if trace.lanes.iter().any(|l| {
        !l.startup_us.is_none_or(finite) || !l.retired.as_ref().is_none_or(|(at, _)| at.is_finite())
    }) {
        return Err("has a lane with a time that is not a time".into());
    }
    for (i, s) in trace.spans.iter().enumerate() {
        if !finite((s.start_us, s.end_us)) {
            return Err(format!("has span {i} with bad times"));
        }
        if s.lane as usize >= trace.lanes.len() || s.task >= trace.tasks {
            return Err(format!("has span {i} on a lane or image it does not have"));
        }
    }
    if trace.cancelled.iter().any(|&t| t >= trace.tasks) {
        return Err("lists an image it does not have as cancelled".into());
    }
    Ok(())
}

/// A sweep's runs: swept techniques (or the sequential baseline) at N within the sweep, with
/// walls and I/O shares that are numbers in range.
fn check_sweep(sweep: &SweepRecord) -> Result<(), String> {
    use crate::kind::TechniqueKind::{Processes, Sequential, Threads};
    if sweep.max == 0 || sweep.max > 1024 || sweep.cores == 0 || sweep.cores > 1024 {
        return Err(format!(
            "says N went to {} on {} cores",
            sweep.max, sweep.cores
        ));
    }
    for run in &sweep.runs {
        if ![Sequential, Threads, Processes].contains(&run.technique) {
            return Err(format!(
                "holds a run of {}, which it does not sweep",
                run.technique.label()
            ));
        }
        if run.workers == 0 || run.workers > sweep.max {
            return Err(format!(
                "holds a run at N = {}, outside 1 to {}",
                run.workers, sweep.max
            ));
        }
        let in_range =
            run.wall_us.is_finite() && run.wall_us >= 0.0 && (0.0..=1.0).contains(&run.io_fraction);
        if !in_range {
            return Err("holds a run whose wall or I/O share is not a number in range".into());
        }
    }
    Ok(())
}
