//! The Chrome Trace Event export, for Perfetto and `chrome://tracing`.
//!
//! Perfetto's importer decides the shape. Complete events (`X`) on one thread must nest or be
//! disjoint, or they are dropped (`slice_drop_overlapping_complete_event`): so only what fits
//! goes on a lane's thread (see `tracks.rs`), and the overlapping waits of cooperative tasks
//! become async events (`b`/`e`), one `id2` per task. Flow events (`s`/`f`) are keyed by id,
//! category and name, and bind to slices: an `s` to the slice open at its time, an `f` to the
//! next slice starting on its thread. All times are whole µs, so no float rounding can make
//! touching slices overlap.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::tracks::{interval, micros, on_lane, pack, Item};
use super::{Span, Stage, State, Trace};
use crate::measure::RunMeasures;

mod measures;
pub use measures::{FRAMES_THREAD, LONG_TASKS_THREAD, MEMORY_COUNTER};

/// Name and category of every flow event (page ↔ process messages).
pub const FLOW_NAME: &str = "message";

/// Name of the counter of requests in flight (fetches blocked at one instant).
pub const IN_FLIGHT_COUNTER: &str = "requests in flight";

/// Name of the thread that stands for the page in a run that passes messages.
pub const PAGE_THREAD: &str = "page (coordinator)";

/// Exports traces in the Chrome Trace Event format (for Perfetto or `chrome://tracing`): one
/// process per run, one thread per lane. Stages that fit on their lane are complete events;
/// waits that overlap others on their lane (cooperative tasks) are async events, one `id2` per
/// task; process start-up and each result sent back are flows between the page's thread and
/// the process; fetches blocked at once are a counter. Times are µs from the start of the
/// earliest run, so runs keep their real order. Spans with times that are not finite are left
/// out (a trace file may hold anything).
pub fn chrome_trace(traces: &[Trace]) -> Value {
    chrome_trace_measured(traces, &[])
}

/// Like [`chrome_trace`], with what was measured around each run (`measures[i]` beside
/// `traces[i]`; missing ones are none): the main thread's late frames and long tasks on
/// tracks of their own ([`FRAMES_THREAD`], [`LONG_TASKS_THREAD`]) and the wasm memory of each
/// instance as a counter ([`MEMORY_COUNTER`]).
pub fn chrome_trace_measured(traces: &[Trace], measures: &[RunMeasures]) -> Value {
    let measure = |i: usize| measures.get(i).copied().unwrap_or_default();
    // A span may start a little before its run (clocks of workers round differently), and the
    // frames are watched from just before it: the origin is the earliest time recorded, so no
    // time is negative.
    let starts = traces.iter().enumerate().flat_map(|(i, t)| {
        let spans = t.spans.iter().map(|s| s.start_us);
        let startups = t.lanes.iter().filter_map(|l| l.startup_us.map(|(a, _)| a));
        let frames = measure(i).frames.map(|f| f.start_us);
        std::iter::once(t.start_us)
            .chain(spans)
            .chain(startups)
            .chain(frames)
    });
    let origin = starts
        .filter(|t| t.is_finite())
        .fold(f64::INFINITY, f64::min);
    let origin = if origin.is_finite() { origin } else { 0.0 };
    let mut out = Out {
        events: Vec::new(),
        next_flow: 1,
    };
    let repeats = crate::measure::repeat_numbers(traces);
    for (i, (trace, repeat)) in traces.iter().zip(repeats).enumerate() {
        let free = out.run(i, trace, origin, repeat);
        if let Some(frames) = measure(i).frames {
            out.frames(i + 1, free, frames, origin);
        }
        if let Some(memory) = measure(i).memory {
            out.memory(i + 1, (trace.start_us, trace.end_us), memory, origin);
        }
    }
    json!({ "traceEvents": out.events, "displayTimeUnit": "ms" })
}

/// The events written so far, and the next free flow id (unique across runs).
struct Out {
    events: Vec<Value>,
    next_flow: u64,
}

/// Something drawn on a lane.
#[derive(Clone, Copy)]
enum What<'a> {
    Span(&'a Span),
    /// The lane's process starting up, with the id of the flow of the page's request for it.
    Startup(u64),
}

/// What happened on the page's thread at one instant: messages received and sent.
#[derive(Default)]
struct Point {
    labels: Vec<String>,
    flows_in: Vec<u64>,
    flows_out: Vec<u64>,
}

impl Out {
    fn flow(&mut self) -> u64 {
        self.next_flow += 1;
        self.next_flow - 1
    }

    /// Run `index`'s events; returns the first thread id after its lanes and the page's.
    fn run(&mut self, index: usize, trace: &Trace, origin: f64, repeat: (u32, u32)) -> u32 {
        let pid = index + 1;
        self.metadata(pid, index, trace, repeat);
        let mut lanes: BTreeMap<u32, Vec<(Item, What)>> = BTreeMap::new();
        // The page asked for each process as its start-up began: those messages are sent
        // before anything on the lanes is read, or a flow could end before it starts.
        let mut sends: BTreeMap<i64, Point> = BTreeMap::new();
        for lane in &trace.lanes {
            let startup = lane
                .startup_us
                .filter(|(a, b)| a.is_finite() && b.is_finite());
            if let Some((a, b)) = startup {
                let start = micros(a, origin);
                let item = Item {
                    start,
                    end: micros(b, origin).max(start),
                    work: true,
                };
                let id = self.flow();
                let point = sends.entry(start).or_default();
                point.labels.push(format!("start {}", lane.name));
                point.flows_out.push(id);
                lanes
                    .entry(lane.id)
                    .or_default()
                    .push((item, What::Startup(id)));
            }
        }
        for s in &trace.spans {
            if let Some(item) = Item::of(s, origin) {
                lanes.entry(s.lane).or_default().push((item, What::Span(s)));
            }
        }
        let page = 1 + trace
            .lanes
            .iter()
            .map(|l| l.id)
            .chain(lanes.keys().copied())
            .max()
            .unwrap_or(0);

        let messages = trace.spans.iter().any(|s| s.stage == Stage::Transfer);
        if messages || !sends.is_empty() {
            self.page_thread(pid, page);
        }
        self.page(pid, page, sends);
        let mut receipts: BTreeMap<i64, Point> = BTreeMap::new();
        let mut waits: BTreeMap<u32, Vec<(i64, i64, &Span)>> = BTreeMap::new();
        for (&tid, items) in &mut lanes {
            let keep = on_lane(&items.iter().map(|(i, _)| *i).collect::<Vec<_>>());
            let mut kept = Vec::new();
            for ((item, what), keep) in items.iter().zip(keep) {
                match (keep, what) {
                    (true, _) => kept.push((*item, *what)),
                    (false, What::Span(s)) => waits
                        .entry(s.task)
                        .or_default()
                        .push((item.start, item.end, s)),
                    // Start-up is work: it is only displaced by work overlapping it.
                    (false, What::Startup(..)) => {}
                }
            }
            // Outer first at one instant, so a zero-length slice nests instead of enclosing.
            kept.sort_by_key(|(i, _)| (i.start, -(i.end - i.start)));
            for (item, what) in kept {
                self.slice(pid, tid, item, what, &mut receipts);
            }
        }
        for lane in &trace.lanes {
            if let Some((at, why)) = lane.retired.as_ref().filter(|(at, _)| at.is_finite()) {
                self.events.push(json!({
                    "name": "retired", "cat": "process", "ph": "i", "s": "t", "pid": pid,
                    "tid": lane.id, "ts": micros(*at, origin), "args": { "reason": why },
                }));
            }
        }
        self.page(pid, page, receipts);
        self.waits(pid, waits);
        self.in_flight(pid, trace, origin);
        page + 1
    }

    /// A technique run several times is one process per repeat, named with its number.
    fn metadata(&mut self, pid: usize, index: usize, trace: &Trace, (k, of): (u32, u32)) {
        let meta = |name: &str, tid: u32, args: Value| json!({ "name": name, "ph": "M", "pid": pid, "tid": tid, "args": args });
        let name = match of {
            1 => trace.technique.label().to_string(),
            _ => format!("{} · run {k} of {of}", trace.technique.label()),
        };
        self.events.extend([
            meta("process_name", 0, json!({ "name": name })),
            meta("process_sort_index", 0, json!({ "sort_index": index })),
        ]);
        if let Some(build) = &trace.build {
            self.events
                .push(meta("process_labels", 0, json!({ "labels": build })));
        }
        for lane in &trace.lanes {
            self.events.extend([
                meta("thread_name", lane.id, json!({ "name": lane.name })),
                meta(
                    "thread_sort_index",
                    lane.id,
                    json!({ "sort_index": lane.id }),
                ),
            ]);
        }
    }

    /// One complete event on a lane, with the flows of the messages it stands for.
    fn slice(
        &mut self,
        pid: usize,
        tid: u32,
        item: Item,
        what: What,
        points: &mut BTreeMap<i64, Point>,
    ) {
        let (ts, dur) = (item.start, item.end - item.start);
        match what {
            What::Startup(id) => {
                // Read after the page's request (same instant, earlier in the file): the flow
                // ends on this slice.
                self.events.push(flow_event('f', id, pid, tid, ts));
                self.events.push(json!({
                    "name": "startup", "cat": "startup", "ph": "X", "pid": pid, "tid": tid,
                    "ts": ts, "dur": dur, "args": { "stage": "startup", "state": "running" },
                }));
            }
            What::Span(s) => {
                self.events
                    .push(span_event(s, pid, "X", ts, &[("dur", dur.into())]));
                if s.stage == Stage::Transfer {
                    // The process sent its result as the transfer began; the page had it at
                    // the end. Inside the slice, so the flow binds to it whatever the order of
                    // events at one instant.
                    let id = self.flow();
                    self.events
                        .push(flow_event('s', id, pid, tid, ts + dur / 2));
                    let point = points.entry(item.end).or_default();
                    point.labels.push(format!("result #{}", s.task));
                    point.flows_in.push(id);
                }
            }
        }
    }

    /// Names the thread that stands for the page, listed first.
    fn page_thread(&mut self, pid: usize, tid: u32) {
        self.events.extend([
            json!({ "name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                    "args": { "name": PAGE_THREAD } }),
            json!({ "name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid,
                    "args": { "sort_index": -1 } }),
        ]);
    }

    /// The page's thread: a zero-length slice at each instant it sent or received messages,
    /// for the flows to bind to (nothing else of the page is recorded).
    fn page(&mut self, pid: usize, tid: u32, points: BTreeMap<i64, Point>) {
        for (ts, point) in points {
            // An `f` binds to the next slice on its thread: this one.
            for &id in &point.flows_in {
                self.events.push(flow_event('f', id, pid, tid, ts));
            }
            let name = match point.labels.as_slice() {
                [one] => one.clone(),
                many => format!("{} messages", many.len()),
            };
            self.events.push(json!({
                "name": name, "cat": FLOW_NAME, "ph": "X", "pid": pid, "tid": tid, "ts": ts,
                "dur": 0, "args": { "messages": point.labels },
            }));
            for &id in &point.flows_out {
                self.events.push(flow_event('s', id, pid, tid, ts));
            }
        }
    }

    /// Waits that could not stay on their lane, as async slices: one `id2` per task, and a
    /// further one for each extra row a task needs (only a malformed trace overlaps itself).
    fn waits(&mut self, pid: usize, waits: BTreeMap<u32, Vec<(i64, i64, &Span)>>) {
        for (task, mut spans) in waits {
            spans.sort_by_key(|&(start, end, _)| (start, -(end - start)));
            let rows = pack(&spans.iter().map(|&(a, b, _)| (a, b)).collect::<Vec<_>>());
            for ((start, end, s), row) in spans.into_iter().zip(rows) {
                let id =
                    json!({ "local": format!("0x{:x}", (row as u64) << 32 | u64::from(task)) });
                self.events.extend([
                    span_event(s, pid, "b", start, &[("id2", id.clone())]),
                    span_event(s, pid, "e", end, &[("id2", id)]),
                ]);
            }
        }
    }

    /// The number of fetches blocked at each instant it changes, from 0 at the run's start.
    fn in_flight(&mut self, pid: usize, trace: &Trace, origin: f64) {
        let mut deltas: BTreeMap<i64, i64> = BTreeMap::new();
        for s in &trace.spans {
            if s.stage == Stage::Fetch && s.state == State::Blocked {
                if let Some((start, end)) = interval(s, origin) {
                    // Summed per instant: a request ending as another starts is not a peak.
                    *deltas.entry(start).or_default() += 1;
                    *deltas.entry(end).or_default() -= 1;
                }
            }
        }
        if deltas.is_empty() {
            return;
        }
        let first = deltas.keys().next().copied().unwrap_or(0);
        let start = if trace.start_us.is_finite() {
            micros(trace.start_us, origin).min(first)
        } else {
            first
        };
        let counter = |ts: i64, n: i64| {
            json!({ "name": IN_FLIGHT_COUNTER, "ph": "C", "pid": pid, "tid": 0, "ts": ts,
                    "args": { "requests": n } })
        };
        self.events.push(counter(start, 0));
        let mut now = 0;
        for (ts, delta) in deltas {
            if delta != 0 {
                now += delta;
                self.events.push(counter(ts, now));
            }
        }
    }
}

/// The event of span `s` (`X`, `b` or `e`) on its lane, with `extra` fields.
fn span_event(s: &Span, pid: usize, ph: &str, ts: i64, extra: &[(&str, Value)]) -> Value {
    let mut args = json!({ "task": s.task, "stage": s.stage, "state": s.state });
    if let Some(e) = &s.error {
        args["error"] = json!(e);
    }
    let mut event = json!({
        "name": format!("{} #{}", s.stage, s.task), "cat": s.state.name(), "ph": ph,
        "pid": pid, "tid": s.lane, "ts": ts, "args": args,
    });
    for (key, value) in extra {
        event[*key] = value.clone();
    }
    event
}

/// A flow event (`s` start, `f` end) of message `id`.
fn flow_event(ph: char, id: u64, pid: usize, tid: u32, ts: i64) -> Value {
    json!({ "name": FLOW_NAME, "cat": FLOW_NAME, "ph": ph.to_string(), "id": id, "pid": pid,
            "tid": tid, "ts": ts })
}

#[cfg(test)]
mod tests;
