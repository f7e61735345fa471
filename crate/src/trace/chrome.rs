//! The Chrome Trace Event export.

use serde_json::{json, Value};

use super::Trace;

/// Exports traces in the Chrome Trace Event format (for Perfetto or `chrome://tracing`): one
/// process per technique, one thread per lane, one complete event per span. Times are µs from
/// the start of the earliest trace, so runs keep their real order.
pub fn chrome_trace(traces: &[Trace]) -> Value {
    let origin = traces
        .iter()
        .map(|t| t.start_us)
        .fold(f64::INFINITY, f64::min);
    let mut events = Vec::new();
    for (i, trace) in traces.iter().enumerate() {
        let pid = i + 1;
        events.push(json!({
            "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
            "args": { "name": trace.technique.label() },
        }));
        events.push(json!({
            "name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
            "args": { "sort_index": i },
        }));
        for lane in &trace.lanes {
            events.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": lane.id,
                "args": { "name": lane.name },
            }));
            if let Some((start, end)) = lane.startup_us {
                events.push(json!({
                    "name": "startup", "cat": "startup", "ph": "X", "pid": pid, "tid": lane.id,
                    "ts": start - origin, "dur": end - start,
                    "args": { "stage": "startup", "state": "running" },
                }));
            }
        }
        for s in &trace.spans {
            let mut args = json!({ "task": s.task, "stage": s.stage, "state": s.state });
            if let Some(e) = &s.error {
                args["error"] = json!(e);
            }
            events.push(json!({
                "name": format!("{} #{}", s.stage, s.task),
                "cat": s.state.name(),
                "ph": "X",
                "pid": pid,
                "tid": s.lane,
                "ts": s.start_us - origin,
                "dur": s.duration_us(),
                "args": args,
            }));
        }
    }
    json!({ "traceEvents": events, "displayTimeUnit": "ms" })
}
