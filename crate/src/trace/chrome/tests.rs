use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;
use crate::kind::TechniqueKind;
use crate::trace::fixtures::{awkward_trace, real_traces, HOSTILE};
use crate::trace::tracks::interval;

pub(super) fn events(v: &Value) -> Vec<Value> {
    v["traceEvents"].as_array().expect("traceEvents").clone()
}

fn int(e: &Value, key: &str) -> i64 {
    e[key]
        .as_i64()
        .unwrap_or_else(|| panic!("{key} is not a whole number in {e}"))
}

/// Events in the order Perfetto reads them: by time, ties in file order (a stable sort).
fn by_time(events: &[Value]) -> Vec<&Value> {
    let mut sorted: Vec<&Value> = events.iter().filter(|e| e["ph"] != "M").collect();
    sorted.sort_by_key(|e| int(e, "ts"));
    sorted
}

/// Perfetto's rule for slices on one track: read in time order, each slice must end within
/// the slice it starts in, or be dropped. Strict where Perfetto's choice is unclear: a
/// zero-length slice is taken to still enclose a slice starting at the same instant after it.
fn nesting_errors(slices: &[(String, i64, i64)]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut by_track: BTreeMap<&str, Vec<(i64, i64)>> = BTreeMap::new();
    for (track, ts, end) in slices {
        by_track.entry(track).or_default().push((*ts, *end));
    }
    for (track, mut spans) in by_track {
        spans.sort_by_key(|s| s.0);
        let mut stack: Vec<(i64, i64)> = Vec::new();
        for (ts, end) in spans {
            while let Some(&(top_ts, top_end)) = stack.last() {
                if top_end < ts || (top_end == ts && top_end > top_ts) {
                    stack.pop();
                } else {
                    break;
                }
            }
            if let Some(&(top_ts, top_end)) = stack.last() {
                if end > top_end {
                    errors.push(format!("{track}: {ts}..{end} overlaps {top_ts}..{top_end}"));
                }
            }
            stack.push((ts, end));
        }
    }
    errors
}

/// Complete events and thread-scoped instants (zero-length slices), by (pid, tid).
fn thread_slices(events: &[Value]) -> Vec<(String, i64, i64)> {
    by_time(events)
        .into_iter()
        .filter(|e| e["ph"] == "X" || e["ph"] == "i")
        .map(|e| {
            let ts = int(e, "ts");
            let dur = if e["ph"] == "X" { int(e, "dur") } else { 0 };
            assert!(dur >= 0, "negative duration in {e}");
            (format!("{}/{}", e["pid"], e["tid"]), ts, ts + dur)
        })
        .collect()
}

/// Every `b` has a later `e` with the same process, id2, category and name; the slices of one
/// async track (process, id2, name: Perfetto's key) nest or are disjoint.
fn async_errors(events: &[Value]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut open: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut slices = Vec::new();
    for e in by_time(events) {
        let key = format!("{}/{}/{}/{}", e["pid"], e["id2"], e["cat"], e["name"]);
        match e["ph"].as_str() {
            Some("b") => {
                assert!(e["id2"]["local"].is_string(), "no id2 in {e}");
                open.entry(key).or_default().push(int(e, "ts"));
            }
            Some("e") => match open.get_mut(&key).and_then(Vec::pop) {
                Some(ts) => slices.push((key, ts, int(e, "ts"))),
                None => errors.push(format!("an `e` without its `b`: {e}")),
            },
            _ => {}
        }
    }
    errors.extend(
        open.iter()
            .filter(|(_, ts)| !ts.is_empty())
            .map(|(k, _)| format!("a `b` never ended: {k}")),
    );
    errors.extend(nesting_errors(&slices));
    errors
}

/// Every flow has one `s` and one `f` (same category and name), read in that order (an `f`
/// read first ends nothing); the `s` lies inside a slice of its thread and the `f` at the
/// start of one, so both bind.
fn flow_errors(events: &[Value]) -> Vec<String> {
    let slices = thread_slices(events);
    let mut flows: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    for e in by_time(events)
        .into_iter()
        .filter(|e| e["ph"] == "s" || e["ph"] == "f")
    {
        assert_eq!(
            (&e["cat"], &e["name"]),
            (&json!(FLOW_NAME), &json!(FLOW_NAME))
        );
        flows
            .entry(e["id"].as_u64().expect("flow id"))
            .or_default()
            .push(e);
    }
    let track = |e: &Value| format!("{}/{}", e["pid"], e["tid"]);
    let mut errors = Vec::new();
    for (id, ends) in flows {
        let (s, f) = match ends.as_slice() {
            [s, f] if s["ph"] == "s" && f["ph"] == "f" => (*s, *f),
            other => {
                errors.push(format!("flow {id} is {other:?}"));
                continue;
            }
        };
        if int(s, "ts") > int(f, "ts") {
            errors.push(format!("flow {id} ends before it starts"));
        }
        let (st, ft) = (int(s, "ts"), int(f, "ts"));
        if !slices
            .iter()
            .any(|(t, a, b)| *t == track(s) && *a <= st && st <= *b)
        {
            errors.push(format!("flow {id} starts outside any slice"));
        }
        if !slices.iter().any(|(t, a, _)| *t == track(f) && *a == ft) {
            errors.push(format!("flow {id} ends where no slice starts"));
        }
    }
    errors
}

/// Counters are finite and never negative; no value anywhere is missing or not a number
/// (serde_json writes NaN as null).
fn value_errors(v: &Value, at: &str, errors: &mut Vec<String>) {
    match v {
        Value::Null => errors.push(format!("null at {at}")),
        Value::Number(n) if !n.as_f64().is_some_and(f64::is_finite) => {
            errors.push(format!("{n} at {at}"))
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| value_errors(x, &format!("{at}[{i}]"), errors)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| value_errors(x, &format!("{at}.{k}"), errors)),
        _ => {}
    }
}

pub(super) fn all_errors(v: &Value) -> Vec<String> {
    let events = events(v);
    let mut errors = nesting_errors(&thread_slices(&events));
    errors.extend(async_errors(&events));
    errors.extend(flow_errors(&events));
    value_errors(v, "", &mut errors);
    let early = events.iter().filter(|e| e["ph"] != "M" && int(e, "ts") < 0);
    errors.extend(early.map(|e| format!("before the origin: {e}")));
    for c in events.iter().filter(|e| e["ph"] == "C") {
        let values = c["args"].as_object().expect("counter args");
        assert!(!values.is_empty());
        if values
            .values()
            .any(|n| !n.as_f64().is_some_and(|n| n >= 0.0))
        {
            errors.push(format!("bad counter {c}"));
        }
    }
    errors
}

fn count(events: &[Value], ph: &str, pid: usize) -> usize {
    events
        .iter()
        .filter(|e| e["ph"] == ph && e["pid"] == pid)
        .count()
}

#[test]
fn real_runs_export_without_anything_perfetto_would_drop() {
    let traces = real_traces();
    let v = chrome_trace(traces);
    assert_eq!(all_errors(&v), Vec::<String>::new());
    let events = events(&v);
    for (i, trace) in traces.iter().enumerate() {
        let pid = i + 1;
        let x_spans = events
            .iter()
            .filter(|e| e["ph"] == "X" && e["pid"] == pid && e["args"]["task"].is_u64())
            .count();
        // Every span is exported once: on its lane, or as an async pair.
        assert_eq!(
            x_spans + count(&events, "b", pid),
            trace.spans.len(),
            "{pid}"
        );
        assert_eq!(count(&events, "b", pid), count(&events, "e", pid));
        let running = events
            .iter()
            .filter(|e| e["ph"] == "X" && e["pid"] == pid && e["cat"] == "running");
        assert_eq!(
            running.count(),
            trace.running().count(),
            "CPU stays on lanes"
        );
    }
}

#[test]
fn exporting_every_span_as_a_complete_event_would_be_dropped() {
    // The check above can fail: the old export (one `X` per span) breaks it on cooperative
    // tasks, whose fetches overlap on the one main thread.
    let coop = &real_traces()[1];
    assert_eq!(coop.technique, TechniqueKind::Cooperative);
    assert!(coop.max_in_flight() > 1, "the fixture's waits overlap");
    let naive: Vec<(String, i64, i64)> = coop
        .spans
        .iter()
        .filter_map(|s| interval(s, coop.start_us))
        .map(|(a, b)| ("0".to_string(), a, b))
        .collect();
    assert!(!nesting_errors(&naive).is_empty());
    let events = events(&chrome_trace(std::slice::from_ref(coop)));
    assert!(
        count(&events, "b", 1) >= coop.max_in_flight(),
        "waits went async"
    );
    let ids: std::collections::BTreeSet<String> = events
        .iter()
        .filter(|e| e["ph"] == "b")
        .map(|e| format!("{}", e["id2"]))
        .collect();
    let tasks: std::collections::BTreeSet<u64> = events
        .iter()
        .filter(|e| e["ph"] == "b")
        .filter_map(|e| e["args"]["task"].as_u64())
        .collect();
    assert_eq!(ids.len(), tasks.len(), "one id2 per task");
}

#[test]
fn the_in_flight_counter_peaks_at_the_traces_most_requests_at_once() {
    let traces = real_traces();
    let v = chrome_trace(traces);
    let events = events(&v);
    for (i, trace) in traces.iter().enumerate() {
        let peak = events
            .iter()
            .filter(|e| e["ph"] == "C" && e["pid"] == i + 1 && e["name"] == IN_FLIGHT_COUNTER)
            .filter_map(|e| e["args"]["requests"].as_u64())
            .max();
        // The export works in whole µs: compare with the trace rounded the same way.
        let mut rounded = trace.clone();
        for s in &mut rounded.spans {
            (s.start_us, s.end_us) = (s.start_us.round(), s.end_us.round());
        }
        assert_eq!(
            peak,
            Some(rounded.max_in_flight() as u64),
            "{:?}",
            trace.technique
        );
    }
}

#[test]
fn process_start_up_and_results_are_flows_to_the_page() {
    let processes = &real_traces()[3];
    assert_eq!(processes.technique, TechniqueKind::Processes);
    let v = chrome_trace(std::slice::from_ref(processes));
    let all = events(&v);
    let transfers = processes
        .spans
        .iter()
        .filter(|s| s.stage == Stage::Transfer)
        .count();
    let startups = processes
        .lanes
        .iter()
        .filter(|l| l.startup_us.is_some())
        .count();
    assert!(transfers > 0 && startups > 0);
    assert_eq!(count(&all, "s", 1), transfers + startups);
    assert_eq!(count(&all, "f", 1), transfers + startups);
    let page = all
        .iter()
        .find(|e| e["name"] == "thread_name" && e["args"]["name"] == PAGE_THREAD)
        .expect("a page thread");
    assert!(processes.lanes.iter().all(|l| page["tid"] != l.id));
    // Sequential passes no messages: no page thread, no flows.
    let sequential = chrome_trace(&real_traces()[..1]);
    assert!(!sequential.to_string().contains(PAGE_THREAD));
    assert_eq!(count(&events(&sequential), "s", 1), 0);
}

#[test]
fn a_malformed_trace_with_hostile_text_still_exports_cleanly() {
    let trace = awkward_trace();
    let v = chrome_trace(std::slice::from_ref(&trace));
    assert_eq!(all_errors(&v), Vec::<String>::new());
    let text = v.to_string();
    let back: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(back, v);
    let events = events(&v);
    let names = |key: &str| events.iter().filter(|e| e["args"][key] == HOSTILE).count();
    assert_eq!(names("name"), 1, "the lane's name");
    assert_eq!(names("error"), 1);
    assert_eq!(names("reason"), 1, "why the lane retired");
    assert_eq!(names("labels"), 1, "the build");
    // The span with a time that is not a number is left out; every other one is exported.
    let exported = events
        .iter()
        .filter(|e| (e["ph"] == "X" || e["ph"] == "b") && e["args"]["task"].is_u64())
        .count();
    assert_eq!(exported, trace.spans.len() - 1);
    // Both fetches of task 3 on lane 1 overlap each other: two rows, two ids.
    let ids: std::collections::BTreeSet<String> = events
        .iter()
        .filter(|e| e["ph"] == "b" && e["args"]["task"] == 3)
        .map(|e| e["id2"].to_string())
        .collect();
    assert_eq!(ids.len(), 2);
}

#[test]
fn times_are_whole_microseconds_from_the_earliest_run() {
    let mut late = awkward_trace();
    for s in &mut late.spans {
        s.start_us += 5000.0;
        s.end_us += 5000.0;
    }
    for l in &mut late.lanes {
        l.startup_us = l.startup_us.map(|(a, b)| (a + 5000.0, b + 5000.0));
        if let Some((at, _)) = &mut l.retired {
            *at += 5000.0;
        }
    }
    late.start_us += 5000.0;
    late.end_us += 5000.0;
    let all = events(&chrome_trace(&[late, awkward_trace()]));
    let first = |pid: usize| {
        all.iter()
            .filter(|e| e["pid"] == pid && e["ph"] != "M")
            .map(|e| int(e, "ts"))
            .min()
    };
    assert_eq!(first(2), Some(0));
    assert_eq!(first(1), Some(5000));
    assert!(chrome_trace(&[]).to_string().contains("\"traceEvents\":[]"));
}

#[test]
fn each_repeat_is_a_process_named_with_its_number() {
    let base = real_traces()
        .iter()
        .find(|t| t.technique == TechniqueKind::Sequential)
        .expect("a sequential run");
    let names = |traces: &[Trace]| -> Vec<String> {
        events(&chrome_trace(traces))
            .iter()
            .filter(|e| e["name"] == "process_name")
            .map(|e| e["args"]["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let label = TechniqueKind::Sequential.label();
    assert_eq!(names(std::slice::from_ref(base)), [label]);
    assert_eq!(
        names(&[base.clone(), base.clone()]),
        [
            format!("{label} · run 1 of 2"),
            format!("{label} · run 2 of 2")
        ]
    );
}
