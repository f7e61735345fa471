use super::*;

fn span(lane: u32, task: u32, stage: Stage, start: f64, end: f64) -> Span {
    Span {
        lane,
        task,
        stage,
        state: State::Running,
        start_us: start,
        end_us: end,
        error: None,
    }
}

fn trace(spans: Vec<Span>, tasks: u32) -> Trace {
    Trace {
        technique: TechniqueKind::Threads,
        lanes: vec![Lane::new(0, "a"), Lane::new(1, "b")],
        spans,
        tasks,
        start_us: 0.0,
        end_us: 1000.0,
        cancelled: Vec::new(),
        build: None,
    }
}

fn whole_task(lane: u32, task: u32, t0: f64) -> Vec<Span> {
    Stage::CPU
        .iter()
        .enumerate()
        .map(|(i, &st)| {
            span(
                lane,
                task,
                st,
                t0 + i as f64 * 10.0,
                t0 + i as f64 * 10.0 + 10.0,
            )
        })
        .collect()
}

#[test]
fn a_good_trace_validates_and_measures_parallelism() {
    let mut spans = whole_task(0, 0, 0.0);
    spans.extend(whole_task(1, 1, 5.0));
    let t = trace(spans, 2);
    assert_eq!(t.validate(&Stage::CPU), Ok(()));
    assert_eq!(t.max_parallelism(), 2);
}

#[test]
fn overlap_on_one_lane_is_rejected() {
    let mut spans = whole_task(0, 0, 0.0);
    spans.extend(whole_task(0, 1, 5.0));
    assert!(matches!(
        trace(spans, 2).validate(&Stage::CPU),
        Err(TraceError::Overlap { .. })
    ));
}

#[test]
fn a_span_that_took_no_time_where_the_next_starts_is_no_overlap() {
    // Task 1 failed at once (its decode refused) at 30 µs, then task 0 started at the same
    // instant of a coarse clock; task 0's spans are listed first, as a pool concatenates them.
    let mut spans = whole_task(0, 0, 30.0);
    let mut refused = span(0, 1, Stage::Decode, 30.0, 30.0);
    refused.error = Some("too large".into());
    spans.push(refused);
    assert_eq!(trace(spans.clone(), 2).validate(&[Stage::Decode]), Ok(()));
    // A span that took no time inside another is still an overlap.
    spans.last_mut().unwrap().start_us = 35.0;
    spans.last_mut().unwrap().end_us = 35.0;
    assert!(matches!(
        trace(spans, 2).validate(&[Stage::Decode]),
        Err(TraceError::Overlap { .. })
    ));
}

#[test]
fn missing_repeated_or_unordered_stages_are_rejected() {
    let mut spans = whole_task(0, 0, 0.0);
    spans.pop();
    assert!(matches!(
        trace(spans, 1).validate(&Stage::CPU),
        Err(TraceError::Stages { .. })
    ));
    let mut spans = whole_task(0, 0, 0.0);
    spans.push(span(0, 0, Stage::Encode, 100.0, 110.0));
    assert!(matches!(
        trace(spans, 1).validate(&Stage::CPU),
        Err(TraceError::Stages { .. })
    ));
    let spans = vec![
        span(0, 0, Stage::Resize, 0.0, 10.0),
        span(0, 0, Stage::Decode, 10.0, 20.0),
        span(0, 0, Stage::Encode, 20.0, 30.0),
    ];
    assert!(matches!(
        trace(spans, 1).validate(&Stage::CPU),
        Err(TraceError::Stages { .. })
    ));
}

/// `stage` of task 0 on lane 0 in running pieces `cuts` apart, a ready wait between each two.
fn pieces(stage: Stage, cuts: &[(f64, f64)]) -> Vec<Span> {
    let mut spans = Vec::new();
    for (i, &(start, end)) in cuts.iter().enumerate() {
        if i > 0 {
            spans.push(Span {
                state: State::Ready,
                ..span(0, 0, stage, cuts[i - 1].1, start)
            });
        }
        spans.push(span(0, 0, stage, start, end));
    }
    spans
}

#[test]
fn a_stage_that_gave_way_is_one_stage_in_pieces() {
    // Decode whole, resize in two pieces, encode in three, waits between them.
    let mut spans = vec![span(0, 0, Stage::Decode, 0.0, 10.0)];
    spans.extend(pieces(Stage::Resize, &[(10.0, 15.0), (40.0, 45.0)]));
    spans.extend(pieces(
        Stage::Encode,
        &[(45.0, 50.0), (60.0, 62.0), (70.0, 80.0)],
    ));
    // Another task ran on the other lane meanwhile.
    spans.extend(whole_task(1, 1, 0.0));
    assert_eq!(trace(spans.clone(), 2).validate(&Stage::CPU), Ok(()));
    // Cancelled inside the encode: the pieces so far.
    let mut cut = spans.clone();
    cut.retain(|s| !(s.task == 0 && s.start_us >= 60.0));
    let mut t = trace(cut, 2);
    t.cancelled = vec![0];
    assert_eq!(t.validate(&Stage::CPU), Ok(()));

    // Without the wait between them, two pieces are the stage run twice.
    let mut twice = spans.clone();
    twice.retain(|s| !(s.state == State::Ready && s.stage == Stage::Resize));
    assert!(matches!(
        trace(twice, 2).validate(&Stage::CPU),
        Err(TraceError::Stages { seen, .. }) if seen.len() == 4
    ));
    // A wait of another stage does not join pieces either.
    let mut other = spans.clone();
    for s in other.iter_mut().filter(|s| s.state == State::Ready) {
        s.stage = Stage::Decode;
    }
    assert!(trace(other, 2).validate(&Stage::CPU).is_err());
    // Not consecutive: resize, encode, then resize again after a wait is out of order.
    let mut back = spans.clone();
    back.push(Span {
        state: State::Ready,
        ..span(0, 0, Stage::Resize, 80.0, 85.0)
    });
    back.push(span(0, 0, Stage::Resize, 85.0, 90.0));
    assert!(trace(back, 2).validate(&Stage::CPU).is_err());
    // Pieces that overlap are refused.
    let mut overlap = spans;
    overlap.push(span(0, 0, Stage::Encode, 75.0, 78.0));
    assert!(trace(overlap, 2).validate(&Stage::CPU).is_err());
}

#[test]
fn a_failed_task_may_stop_early_but_only_where_it_failed() {
    let mut failed = span(0, 0, Stage::Decode, 0.0, 10.0);
    failed.error = Some("corrupt".into());
    assert_eq!(trace(vec![failed.clone()], 1).validate(&Stage::CPU), Ok(()));
    failed.error = None;
    assert!(trace(vec![failed], 1).validate(&Stage::CPU).is_err());
}

#[test]
fn bad_times_and_unknown_lanes_are_rejected() {
    let t = trace(vec![span(0, 0, Stage::Decode, 50.0, 40.0)], 1);
    assert!(matches!(
        t.validate(&Stage::CPU),
        Err(TraceError::BadTime { .. })
    ));
    let t = trace(vec![span(0, 0, Stage::Decode, 0.0, f64::NAN)], 1);
    assert!(matches!(
        t.validate(&Stage::CPU),
        Err(TraceError::BadTime { .. })
    ));
    let t = trace(vec![span(5, 0, Stage::Decode, 0.0, 1.0)], 1);
    assert!(matches!(
        t.validate(&Stage::CPU),
        Err(TraceError::Unknown { .. })
    ));
}

#[test]
fn chrome_export_names_processes_threads_and_spans() {
    let t = trace(whole_task(1, 0, 100.0), 1);
    let v = chrome_trace(&[t]);
    let events = v["traceEvents"].as_array().unwrap();
    let meta = |name: &str| events.iter().filter(|e| e["name"] == name).count();
    assert_eq!(meta("process_name"), 1);
    assert_eq!(meta("thread_name"), 2);
    let complete: Vec<_> = events.iter().filter(|e| e["ph"] == "X").collect();
    assert_eq!(complete.len(), 3);
    assert_eq!(complete[0]["tid"], 1);
    assert_eq!(complete[0]["ts"], 100.0);
    assert_eq!(complete[0]["dur"], 10.0);
    assert_eq!(complete[0]["args"]["stage"], "decode");
    assert_eq!(complete[0]["args"]["state"], "running");
    assert_eq!(complete[0]["args"]["task"], 0);
}

#[test]
fn a_cancelled_task_may_stop_after_any_stage() {
    let mut spans = whole_task(0, 0, 0.0);
    spans.pop();
    let mut t = trace(spans, 1);
    assert!(t.validate(&Stage::CPU).is_err());
    t.cancelled = vec![0];
    assert_eq!(t.validate(&Stage::CPU), Ok(()));
    t.spans.clear();
    assert_eq!(t.validate(&Stage::CPU), Ok(()));
    t.cancelled = vec![3];
    assert_eq!(
        t.validate(&Stage::CPU),
        Err(TraceError::UnknownCancelled { task: 3 })
    );
}

#[test]
fn traces_saved_before_the_new_fields_still_load() {
    let json = r#"{"technique":"threads","lanes":[{"id":0,"name":"a"}],"spans":[],
        "tasks":0,"start_us":0.0,"end_us":1.0}"#;
    let t: Trace = serde_json::from_str(json).unwrap();
    assert!(t.cancelled.is_empty() && t.build.is_none() && t.lanes[0].retired.is_none());
}
