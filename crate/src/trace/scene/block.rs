//! Where one run's lanes and spans go, and the shapes that draw them.

use super::parts::{axis, cut, ms, paint};
use super::{
    Anchor, Fill, Line, Rect, Shape, Stroke, Text, TextPart, AXIS, FAILED, GAP, LEFT, PLOT, ROW,
    STARTUP_COLOUR, SUB, TITLE,
};
use crate::trace::tracks::{micros, on_lane, pack, Item};
use crate::trace::{Span, State, Trace};

/// Where a run's lanes and spans go.
pub(super) struct Block {
    /// One per lane: its id, name, and the number of rows of displaced waits under it.
    lanes: Vec<(u32, String, usize)>,
    /// Each span drawn (index into the trace's spans): its lane's row, its row under the lane
    /// (0: on the lane), its interval in µs from the run's start.
    spans: Vec<(usize, usize, usize, (i64, i64))>,
    /// The run's start, the origin of the intervals.
    origin: f64,
}

impl Block {
    pub(super) fn of(trace: &Trace) -> Block {
        let origin = if trace.start_us.is_finite() {
            trace.start_us
        } else {
            0.0
        };
        let mut lanes: Vec<(u32, String, usize)> = trace
            .lanes
            .iter()
            .map(|l| (l.id, l.name.clone(), 0))
            .collect();
        let mut spans = Vec::new();
        for s in &trace.spans {
            if !lanes.iter().any(|l| l.0 == s.lane) {
                lanes.push((s.lane, format!("lane {}", s.lane), 0));
            }
        }
        for (row, lane) in lanes.iter_mut().enumerate() {
            let mine: Vec<(usize, Item)> = (0..trace.spans.len())
                .filter(|&i| trace.spans[i].lane == lane.0)
                .filter_map(|i| Item::of(&trace.spans[i], origin).map(|it| (i, it)))
                .collect();
            let keep = on_lane(&mine.iter().map(|(_, it)| *it).collect::<Vec<_>>());
            let displaced: Vec<(usize, Item)> = mine
                .iter()
                .zip(&keep)
                .filter(|(_, k)| !**k)
                .map(|(m, _)| *m)
                .collect();
            let rows = pack(
                &displaced
                    .iter()
                    .map(|(_, it)| (it.start, it.end))
                    .collect::<Vec<_>>(),
            );
            lane.2 = rows.iter().map(|r| r + 1).max().unwrap_or(0);
            for ((i, it), k) in mine.iter().zip(&keep) {
                if *k {
                    spans.push((*i, row, 0, (it.start, it.end)));
                }
            }
            for ((i, it), r) in displaced.iter().zip(rows) {
                spans.push((*i, row, r + 1, (it.start, it.end)));
            }
        }
        Block {
            lanes,
            spans,
            origin,
        }
    }

    fn lane_height(sub_rows: usize) -> f64 {
        ROW + sub_rows as f64 * SUB
    }

    pub(super) fn height(&self) -> f64 {
        let lanes: f64 = self.lanes.iter().map(|l| Block::lane_height(l.2)).sum();
        TITLE + lanes + AXIS + GAP
    }

    pub(super) fn draw(&self, index: usize, trace: &Trace, top: f64, axis_us: f64) -> Vec<Shape> {
        let x = |us: i64| LEFT + (us as f64 / axis_us * PLOT).clamp(0.0, PLOT);
        let wall = trace.wall_us() / 1000.0;
        let mut details = vec![format!("run {}", index + 1), ms(wall)];
        details.push(match self.lanes.len() {
            1 => "1 lane".to_string(),
            n => format!("{n} lanes"),
        });
        if let Some(build) = &trace.build {
            details.push(format!("{build} build"));
        }
        let heading = TextPart {
            size: 14.0,
            weight: 600,
            ..TextPart::plain(trace.technique.label(), "#222222")
        };
        let details = TextPart {
            dx: 10.0,
            ..TextPart::plain(details.join(" · "), "#555555")
        };
        let mut shapes = vec![Shape::Text(Text {
            x: 8.0,
            y: top + 18.0,
            anchor: Anchor::Start,
            parts: vec![heading, details],
            title: None,
        })];
        let mut lane_top = Vec::with_capacity(self.lanes.len());
        let mut y = top + TITLE;
        for (row, (id, name, subs)) in self.lanes.iter().enumerate() {
            let h = Block::lane_height(*subs);
            let shade = if row % 2 == 0 { "#f3f4f7" } else { "#e9ebf0" };
            shapes.push(Shape::Rect(Rect {
                x: LEFT,
                y,
                width: PLOT,
                height: h,
                fill: Fill::Solid(shade, 1.0),
                stroke: None,
                class: "lane-bg",
                data: Vec::new(),
                title: None,
            }));
            shapes.push(Shape::Text(Text {
                x: LEFT - 6.0,
                y: y + ROW * 0.7,
                anchor: Anchor::End,
                parts: vec![TextPart::plain(cut(name), "#333333")],
                title: Some(name.clone()),
            }));
            if let Some(lane) = trace.lanes.iter().find(|l| l.id == *id) {
                let startup = lane
                    .startup_us
                    .filter(|(a, b)| a.is_finite() && b.is_finite());
                if let Some((a, b)) = startup {
                    let (a, b) = (micros(a, self.origin), micros(b, self.origin));
                    shapes.push(Shape::Rect(Rect {
                        x: x(a),
                        y: y + ROW * 0.15,
                        width: (x(b) - x(a)).max(0.6),
                        height: ROW * 0.7,
                        fill: Fill::Solid(STARTUP_COLOUR, 1.0),
                        stroke: None,
                        class: "startup",
                        data: Vec::new(),
                        title: Some(format!(
                            "{name} starting (spawn, load, instantiate) · {}",
                            ms((b - a) as f64 / 1000.0)
                        )),
                    }));
                }
                if let Some((at, why)) = lane.retired.as_ref().filter(|(at, _)| at.is_finite()) {
                    let rx = x(micros(*at, self.origin));
                    shapes.push(Shape::Line(Line {
                        from: (rx, y),
                        to: (rx, y + h),
                        stroke: Stroke::solid(FAILED, 2.0),
                        class: Some("retired"),
                        title: Some(format!("{name} retired: {why}")),
                    }));
                }
            }
            lane_top.push(y);
            y += h;
        }
        for &(i, row, sub, (a, b)) in &self.spans {
            let s = &trace.spans[i];
            let (ry, rh) = match sub {
                0 => (lane_top[row] + ROW * 0.15, ROW * 0.7),
                k => (lane_top[row] + ROW + (k - 1) as f64 * SUB + 1.0, SUB - 2.0),
            };
            let (fill, stroke) = paint(s.stage, s.state, s.error.is_some());
            shapes.push(Shape::Rect(Rect {
                x: x(a),
                y: ry,
                width: (x(b) - x(a)).max(0.6),
                height: rh,
                fill,
                stroke,
                class: span_class(s.state, s.error.is_some()),
                data: vec![
                    ("lane", s.lane.to_string()),
                    ("task", s.task.to_string()),
                    ("stage", s.stage.name().to_string()),
                    ("state", s.state.name().to_string()),
                ],
                title: Some(describe(trace, s, (a, b))),
            }));
        }
        shapes.extend(axis(y, axis_us));
        shapes
    }
}

/// The class of a span's rectangle: `span`, its state, and `failed` if it failed.
fn span_class(state: State, failed: bool) -> &'static str {
    match (state, failed) {
        (State::Running, false) => "span running",
        (State::Blocked, false) => "span blocked",
        (State::Ready, false) => "span ready",
        (State::Running, true) => "span running failed",
        (State::Blocked, true) => "span blocked failed",
        (State::Ready, true) => "span ready failed",
    }
}

/// The tooltip of a span.
fn describe(trace: &Trace, s: &Span, (a, b): (i64, i64)) -> String {
    let lane = trace
        .lanes
        .iter()
        .find(|l| l.id == s.lane)
        .map_or(String::new(), |l| format!(" · {}", l.name));
    let error = s
        .error
        .as_deref()
        .map_or(String::new(), |e| format!(" · failed: {e}"));
    let at = |us: i64| us as f64 / 1000.0;
    format!(
        "image {} · {} · {} · {} (at {:.1}–{:.1} ms){lane}{error}",
        s.task,
        s.stage,
        s.state.name(),
        ms(at(b - a)),
        at(a),
        at(b),
    )
}
