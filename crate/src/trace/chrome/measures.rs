//! What the page measured around a run, in the Chrome trace: the main thread's late frames and
//! long tasks on tracks of their own, and the wasm memory of each instance as a counter.
//!
//! A late frame is a gap between animation frames (see [`Frames::late`]); gaps follow one
//! another, so their complete events never overlap. Long tasks the browser reports do not
//! overlap either; one that would (a malformed file) is left out rather than dropped by
//! Perfetto. Memory was sampled when the run began and when it ended (with the peak between,
//! untimed): the counter steps from one to the other, and an instant at the end holds the
//! figures the page shows (peak, end, grown).

use serde_json::{json, Value};

use super::Out;
use crate::measure::{Frames, MemoryUse};
use crate::trace::tracks::micros;

/// Name of the track of late main-thread frames.
pub const FRAMES_THREAD: &str = "main thread frames";

/// Name of the track of the main thread's long tasks.
pub const LONG_TASKS_THREAD: &str = "main thread long tasks";

/// Name of the counter of wasm memory, bytes, one series per instance.
pub const MEMORY_COUNTER: &str = "wasm memory (bytes)";

impl Out {
    /// The frames of run `pid` on threads `tid` (late frames) and `tid + 1` (long tasks).
    pub(super) fn frames(&mut self, pid: usize, tid: u32, frames: &Frames, origin: f64) {
        let meta = |name: &str, tid: u32, args: Value| json!({ "name": name, "ph": "M", "pid": pid, "tid": tid, "args": args });
        // After the lanes and the page's thread.
        self.events.extend([
            meta("thread_name", tid, json!({ "name": FRAMES_THREAD })),
            meta("thread_sort_index", tid, json!({ "sort_index": 10_000 })),
        ]);
        if !(frames.start_us.is_finite() && frames.end_us.is_finite()) {
            return;
        }
        let period = frames.period_us();
        self.events.push(json!({
            "name": "frames watched", "cat": "frames", "ph": "i", "s": "t", "pid": pid,
            "tid": tid, "ts": micros(frames.start_us, origin),
            "args": {
                "longest_gap_ms": frames.longest_gap_us() / 1000.0,
                "dropped_frames": frames.dropped(),
                "frame_period_ms": period / 1000.0,
                "long_tasks": frames.long_tasks.len(),
                "long_tasks_reported": frames.long_tasks_supported,
                "page_hidden": frames.hidden,
            },
        }));
        let mut last = i64::MIN;
        for gap in frames.late() {
            let (ts, end) = (micros(gap.start_us, origin), micros(gap.end_us, origin));
            if ts < last {
                continue;
            }
            last = end.max(ts);
            let missed = ((gap.us() / period).round() as u32).saturating_sub(1);
            self.events.push(json!({
                "name": format!("no frame for {:.0} ms", gap.us() / 1000.0), "cat": "frames",
                "ph": "X", "pid": pid, "tid": tid, "ts": ts, "dur": last - ts,
                "args": { "gap_ms": gap.us() / 1000.0, "frames_missed": missed },
            }));
        }
        if frames.long_tasks.is_empty() {
            return;
        }
        let tid = tid + 1;
        self.events.extend([
            meta("thread_name", tid, json!({ "name": LONG_TASKS_THREAD })),
            meta("thread_sort_index", tid, json!({ "sort_index": 10_001 })),
        ]);
        let mut tasks: Vec<(i64, i64)> = frames
            .long_tasks
            .iter()
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|&(a, b)| (micros(a, origin), micros(b, origin).max(micros(a, origin))))
            .collect();
        tasks.sort_unstable();
        let mut last = i64::MIN;
        for (ts, end) in tasks {
            if ts < last {
                continue;
            }
            last = end;
            self.events.push(json!({
                "name": "long task", "cat": "frames", "ph": "X", "pid": pid, "tid": tid,
                "ts": ts, "dur": end - ts, "args": { "ms": (end - ts) as f64 / 1000.0 },
            }));
        }
    }

    /// The memory of run `pid`: each instance's size at the run's start and end.
    pub(super) fn memory(&mut self, pid: usize, at: (f64, f64), memory: &MemoryUse, origin: f64) {
        let (start, end) = at;
        if memory.instances.is_empty() || !(start.is_finite() && end.is_finite()) {
            return;
        }
        let series = |pick: fn(&crate::measure::MemorySample) -> f64| {
            let mut args = serde_json::Map::new();
            for (name, sample) in &memory.instances {
                args.insert(name.clone(), json!(pick(sample)));
            }
            Value::Object(args)
        };
        let (ts0, ts1) = (micros(start, origin), micros(end, origin));
        self.events.push(json!({
            "name": MEMORY_COUNTER, "ph": "C", "pid": pid, "tid": 0, "ts": ts0,
            "args": series(|s| s.start),
        }));
        self.events.push(json!({
            "name": MEMORY_COUNTER, "ph": "C", "pid": pid, "tid": 0, "ts": ts1.max(ts0),
            "args": series(|s| s.end),
        }));
        // The figures the page shows, as a process-wide instant at the end.
        self.events.push(json!({
            "name": "wasm memory", "cat": "memory", "ph": "i", "s": "p", "pid": pid, "tid": 0,
            "ts": ts1.max(ts0),
            "args": {
                "peak_bytes": memory.peak(), "end_bytes": memory.end(),
                "grown_bytes": memory.growth(), "largest_bytes": memory.largest(),
                "instances": memory.instances.len(), "shared_by": memory.shared_by,
            },
        }));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::tests::{all_errors, events};
    use super::*;
    use crate::measure::RunMeasures;
    use crate::trace::chrome_trace_measured;
    use crate::trace::fixtures::real_traces;

    /// Frames every 16 ms around `trace`, none for 200 ms after its start, with a long task
    /// there (and one overlapping it, as a malformed file may hold).
    fn frozen(start: f64, end: f64) -> Frames {
        let freeze = (start + 1_000.0, start + 201_000.0);
        let mut frames_us = vec![start - 5_000.0, freeze.0];
        let mut t = freeze.1;
        while t < end.max(freeze.1 + 100_000.0) {
            frames_us.push(t);
            t += 16_000.0;
        }
        Frames {
            start_us: start - 5_000.0,
            end_us: end.max(freeze.1 + 100_000.0),
            frames_us,
            long_tasks: vec![freeze, (freeze.0 + 10.0, freeze.1 + 10.0)],
            long_tasks_supported: true,
            hidden: false,
        }
    }

    #[test]
    fn frames_and_memory_export_as_tracks_and_counters_perfetto_keeps() {
        let traces = real_traces();
        let frames: Vec<Frames> = traces
            .iter()
            .map(|t| frozen(t.start_us, t.end_us))
            .collect();
        let mut memory = MemoryUse {
            shared_by: 1,
            ..MemoryUse::default()
        };
        memory.sample("process 0", 20.0 * 1048576.0);
        memory.sample("process 1", 19.0 * 1048576.0);
        memory.sample("process 0", 24.0 * 1048576.0);
        let measures: Vec<RunMeasures> = frames
            .iter()
            .map(|f| RunMeasures {
                frames: Some(f),
                memory: Some(&memory),
            })
            .collect();
        let v = chrome_trace_measured(traces, &measures);
        // Nothing overlapping on a thread, async slices paired, flows bound, counters numbers,
        // nothing before the origin (the frames were watched from before the run).
        assert_eq!(all_errors(&v), Vec::<String>::new());
        let events = events(&v);
        let thread = |pid: usize, name: &str| {
            events
                .iter()
                .find(|e| e["ph"] == "M" && e["pid"] == pid && e["args"]["name"] == name)
                .map(|e| e["tid"].clone())
        };
        for pid in 1..=traces.len() {
            let frames_tid = thread(pid, FRAMES_THREAD).expect("a frames track");
            let lanes = &traces[pid - 1].lanes;
            assert!(lanes.iter().all(|l| frames_tid != l.id), "own track");
            let late: Vec<&Value> = events
                .iter()
                .filter(|e| e["pid"] == pid && e["tid"] == frames_tid && e["ph"] == "X")
                .collect();
            assert_eq!(late.len(), 1, "the one freeze");
            assert_eq!(late[0]["dur"], 200_000);
            let dropped = frames[pid - 1].dropped();
            assert!(dropped > 0);
            assert_eq!(late[0]["args"]["frames_missed"], dropped);
            let tasks_tid = thread(pid, LONG_TASKS_THREAD).expect("a long-task track");
            let long = events
                .iter()
                .filter(|e| e["pid"] == pid && e["tid"] == tasks_tid && e["ph"] == "X");
            assert_eq!(long.count(), 1, "the overlapping one left out");
            let counters: Vec<&Value> = events
                .iter()
                .filter(|e| e["pid"] == pid && e["ph"] == "C" && e["name"] == MEMORY_COUNTER)
                .collect();
            assert_eq!(counters.len(), 2);
            assert_eq!(counters[0]["args"]["process 0"], 20.0 * 1048576.0);
            assert_eq!(counters[1]["args"]["process 0"], 24.0 * 1048576.0);
            assert_eq!(counters[1]["args"]["process 1"], 19.0 * 1048576.0);
            let summary = events
                .iter()
                .find(|e| e["pid"] == pid && e["name"] == "wasm memory")
                .expect("the memory figures");
            assert_eq!(summary["args"]["peak_bytes"], 43.0 * 1048576.0);
            assert_eq!(summary["args"]["grown_bytes"], 4.0 * 1048576.0);
        }
        // Without measures, the same events as before.
        assert_eq!(
            chrome_trace_measured(traces, &[]),
            crate::trace::chrome_trace(traces)
        );
    }
}
