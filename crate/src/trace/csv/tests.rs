use super::*;
use crate::trace::fixtures::{awkward_trace, real_traces, HOSTILE};

/// A strict RFC 4180 reader: CRLF records, fields quoted with doubled quotes. Panics on
/// anything else (a stray quote, a bare LF, text after a closing quote), so sloppy output fails.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted_field = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !quoted_field => {
                quoted_field = true;
                loop {
                    match chars.next().expect("a quoted field is closed") {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        other => field.push(other),
                    }
                }
                assert!(
                    matches!(chars.peek(), Some(',' | '\r') | None),
                    "text after a closing quote"
                );
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "records end in CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                quoted_field = false;
            }
            '"' | '\n' => panic!("{c:?} in an unquoted field"),
            other => field.push(other),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record ends in CRLF"
    );
    records
}

fn close(a: &str, b: f64) -> bool {
    a.parse::<f64>()
        .is_ok_and(|a| (a - b).abs() <= 0.0005 + b.abs() * 1e-12)
}

#[test]
fn fields_are_quoted_only_where_needed() {
    assert_eq!(field("plain text"), "plain text");
    assert_eq!(field("a,b"), "\"a,b\"");
    assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(field("two\nlines"), "\"two\nlines\"");
    assert_eq!(field("cr\r"), "\"cr\r\"");
    assert_eq!(
        parse(&line([HOSTILE.to_string(), String::new()])),
        [[HOSTILE, ""]]
    );
}

#[test]
fn results_hold_one_row_per_run_with_figures_recomputed_from_the_traces() {
    let traces = real_traces();
    let rows = parse(&results_csv(traces));
    assert_eq!(rows[0], RESULTS_HEADER);
    assert_eq!(rows.len(), traces.len() + 1);
    let col = |name: &str| RESULTS_HEADER.iter().position(|h| *h == name).expect(name);
    let sequential_wall = traces[0].wall_us() / 1000.0;
    assert_eq!(traces[0].technique, TechniqueKind::Sequential);
    for (trace, row) in traces.iter().zip(&rows[1..]) {
        assert_eq!(row.len(), RESULTS_HEADER.len());
        assert_eq!(row[col("technique")], trace.technique.id());
        assert_eq!(row[col("lanes")], trace.lanes.len().to_string());
        assert_eq!(row[col("tasks")], trace.tasks.to_string());
        assert!(close(
            &row[col("wall_ms")],
            (trace.end_us - trace.start_us) / 1000.0
        ));
        let cpu: f64 = trace
            .spans
            .iter()
            .filter(|s| {
                matches!(s.stage, Stage::Decode | Stage::Resize | Stage::Encode)
                    && s.state == State::Running
            })
            .map(|s| s.end_us - s.start_us)
            .sum();
        assert!(close(&row[col("cpu_ms")], cpu / 1000.0), "{row:?}");
        let fetch: f64 = trace
            .spans
            .iter()
            .filter(|s| s.stage == Stage::Fetch && s.state == State::Blocked)
            .map(|s| s.end_us - s.start_us)
            .sum();
        assert!(close(&row[col("fetch_blocked_ms")], fetch / 1000.0));
        // Every image of the fixture is good: all made, so every run compares with sequential.
        assert_eq!(row[col("succeeded")], "6");
        assert_eq!((&*row[col("failed")], &*row[col("cancelled")]), ("0", "0"));
        let speedup = sequential_wall / (trace.wall_us() / 1000.0);
        assert!(close(&row[col("speedup")], speedup));
        let per_lane = speedup / trace.lanes.len() as f64;
        assert!(close(&row[col("efficiency")], per_lane));
        assert_eq!(row[col("max_in_flight")], trace.max_in_flight().to_string());
        assert_eq!(
            row[col("max_parallelism")],
            trace.max_parallelism().to_string()
        );
    }
    assert!(close(&rows[1][col("speedup")], 1.0));
    // Without a sequential run there is nothing to compare with.
    let rows = parse(&results_csv(&traces[1..]));
    assert!(rows[1..].iter().all(|r| r[col("speedup")].is_empty()));
}

#[test]
fn failures_cancellations_and_hostile_text_survive_a_round_trip() {
    let trace = awkward_trace();
    let rows = parse(&results_csv(std::slice::from_ref(&trace)));
    let col = |name: &str| RESULTS_HEADER.iter().position(|h| *h == name).expect(name);
    assert_eq!(rows[1][col("build")], HOSTILE);
    // Task 2 failed, task 3 was cancelled, so 2 of 4 made it.
    let counts: Vec<&str> = ["succeeded", "failed", "cancelled"]
        .iter()
        .map(|c| rows[1][col(c)].as_str())
        .collect();
    assert_eq!(counts, ["2", "1", "1"]);
    assert_eq!(rows[1][col("speedup")], "", "it is not sequential");

    let images: Vec<String> = (0..4).map(|i| format!("{HOSTILE} {i}.jpg")).collect();
    let rows = parse(&spans_csv(std::slice::from_ref(&trace), &images));
    assert_eq!(rows[0], SPANS_HEADER);
    assert_eq!(rows.len(), trace.spans.len() + 1);
    let col = |name: &str| SPANS_HEADER.iter().position(|h| *h == name).expect(name);
    for (s, row) in trace.spans.iter().zip(&rows[1..]) {
        assert_eq!(row.len(), SPANS_HEADER.len());
        assert_eq!(row[col("image")], images[s.task as usize]);
        assert_eq!(row[col("stage")], s.stage.name());
        assert_eq!(row[col("error")], s.error.clone().unwrap_or_default());
        match (s.start_us - trace.start_us) / 1000.0 {
            start if start.is_finite() => assert!(close(&row[col("start_ms")], start)),
            _ => assert_eq!(row[col("start_ms")], "", "not a number: left empty"),
        }
    }
    assert!(rows.iter().any(|r| r[col("lane_name")] == HOSTILE));
    assert!(rows.iter().any(|r| r[col("error")] == HOSTILE));
    // Without names, the column is there but empty.
    let rows = parse(&spans_csv(std::slice::from_ref(&trace), &[]));
    assert!(rows[1..].iter().all(|r| r[col("image")].is_empty()));
}

#[test]
fn repeats_are_numbered_and_their_medians_recomputed() {
    // Sequential three times (the middle one slowest), threads twice, as a session exports them.
    let base = real_traces()
        .iter()
        .find(|t| t.technique == TechniqueKind::Sequential)
        .expect("a sequential run")
        .clone();
    let threads = real_traces()
        .iter()
        .find(|t| t.technique == TechniqueKind::Threads)
        .expect("a threads run")
        .clone();
    let stretched = |t: &Trace, by: f64| Trace {
        end_us: t.start_us + t.wall_us() * by,
        ..t.clone()
    };
    let traces = vec![
        stretched(&base, 1.0),
        stretched(&threads, 1.0),
        stretched(&base, 3.0),
        stretched(&threads, 1.5),
        stretched(&base, 1.2),
    ];
    let rows = parse(&results_csv(&traces));
    let col = |name: &str| RESULTS_HEADER.iter().position(|h| *h == name).expect(name);
    let cell = |row: usize, name: &str| rows[row + 1][col(name)].clone();
    let numbers: Vec<(String, String)> = (0..5)
        .map(|r| (cell(r, "repeat"), cell(r, "repeats")))
        .collect();
    let expected = [("1", "3"), ("1", "2"), ("2", "3"), ("2", "2"), ("3", "3")];
    assert_eq!(
        numbers,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let base_median = base.wall_us() * 1.2 / 1000.0;
    // Two repeats: the median is the mean of both.
    let threads_median = threads.wall_us() * 1.25 / 1000.0;
    for r in [0, 2, 4] {
        assert!(close(&cell(r, "median_wall_ms"), base_median));
        assert!(close(&cell(r, "median_speedup"), 1.0));
    }
    for r in [1, 3] {
        assert!(close(&cell(r, "median_wall_ms"), threads_median));
        let speedup = base_median / threads_median;
        assert!(close(&cell(r, "median_speedup"), speedup));
        let lanes: f64 = cell(r, "lanes").parse().unwrap();
        assert!(close(&cell(r, "median_efficiency"), speedup / lanes));
    }
}
