//! The parts of the picture that are not spans: the axis, the legend, paints and text.

use super::{
    stage_colour, Anchor, Fill, Line, Rect, Shape, Stroke, Text, TextPart, FAILED, GREY, LEFT,
    NAME_CHARS, PLOT, STARTUP_COLOUR,
};
use crate::trace::{Stage, State};

/// Fill and outline of a span: running solid, blocked hatched, ready faint and dashed; a
/// failed stage outlined in red instead.
pub(super) fn paint(stage: Stage, state: State, failed: bool) -> (Fill, Option<Stroke>) {
    let (fill, stroke) = paint_of(stage_colour(stage), stage.name(), state);
    if failed {
        (fill, Some(Stroke::solid(FAILED, 2.0)))
    } else {
        (fill, stroke)
    }
}

/// Fill and outline of `state` in `colour`, whose hatch is named `hatch`.
fn paint_of(colour: &'static str, hatch: &'static str, state: State) -> (Fill, Option<Stroke>) {
    match state {
        State::Running => (Fill::Solid(colour, 1.0), None),
        State::Blocked => (Fill::Hatch(hatch, colour), Some(Stroke::solid(colour, 0.8))),
        State::Ready => (
            Fill::Solid(colour, 0.15),
            Some(Stroke {
                colour: "#555555",
                width: 0.8,
                dash: Some((3.0, 2.0)),
            }),
        ),
    }
}

/// Round tick values (ms) for an axis of `span_ms`: about five, at 1, 2 or 5 × 10^k (at most
/// 50, whatever the input). The page's timelines and the exports share them.
pub fn axis_ticks(span_ms: f64) -> Vec<f64> {
    let raw = span_ms / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(pow * 10.0);
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= span_ms + 1e-9)
        .take(50)
        .collect()
}

/// The time axis under a run: round ticks (1, 2 or 5 × 10^k ms), about five.
pub(super) fn axis(y: f64, axis_us: f64) -> Vec<Shape> {
    let span_ms = axis_us / 1000.0;
    let line = |from, to, class| {
        Shape::Line(Line {
            from,
            to,
            stroke: Stroke::solid("#999999", 1.0),
            class,
            title: None,
        })
    };
    let mut shapes = vec![line((LEFT, y), (LEFT + PLOT, y), Some("axis"))];
    for t in axis_ticks(span_ms) {
        let tx = LEFT + t / span_ms * PLOT;
        shapes.push(line((tx, y), (tx, y + 4.0), None));
        shapes.push(Shape::Text(Text {
            x: tx,
            y: y + 15.0,
            anchor: if t == 0.0 {
                Anchor::Start
            } else {
                Anchor::Middle
            },
            parts: vec![TextPart {
                size: 10.0,
                ..TextPart::plain(format!("{} ms", trim(t)), "#555555")
            }],
            title: None,
        }));
    }
    shapes
}

/// The key to colours and states.
pub(super) fn legend(y: f64) -> Vec<Shape> {
    let stages = [Stage::Fetch, Stage::Decode, Stage::Resize]
        .into_iter()
        .chain([Stage::Encode, Stage::Transfer])
        .map(|s| ((Fill::Solid(stage_colour(s), 1.0), None), s.name()))
        .chain([((Fill::Solid(STARTUP_COLOUR, 1.0), None), "process start-up")])
        .collect();
    let states = vec![
        ((Fill::Solid(GREY, 1.0), None), "running (on a core)"),
        (
            paint_of(GREY, "grey", State::Blocked),
            "blocked (waiting on I/O)",
        ),
        (paint_of(GREY, "grey", State::Ready), "ready (could run)"),
        (
            (
                Fill::Solid("#ffffff", 1.0),
                Some(Stroke::solid(FAILED, 2.0)),
            ),
            "failed",
        ),
    ];
    type Key = ((Fill, Option<Stroke>), &'static str);
    let rows: [(&str, Vec<Key>); 2] = [("Stages", stages), ("States", states)];
    let mut shapes = Vec::new();
    for (row, (title, keys)) in rows.into_iter().enumerate() {
        let ky = y + 14.0 + row as f64 * 20.0;
        shapes.push(Shape::Text(Text {
            x: 8.0,
            y: ky,
            anchor: Anchor::Start,
            parts: vec![TextPart {
                weight: 600,
                ..TextPart::plain(title, "#333333")
            }],
            title: None,
        }));
        let mut at = LEFT;
        for ((fill, stroke), label) in keys {
            shapes.push(Shape::Rect(Rect {
                x: at,
                y: ky - 9.0,
                width: 18.0,
                height: 10.0,
                fill,
                stroke,
                class: "swatch",
                data: Vec::new(),
                title: None,
            }));
            shapes.push(Shape::Text(Text {
                x: at + 22.0,
                y: ky,
                anchor: Anchor::Start,
                parts: vec![TextPart::plain(label, "#333333")],
                title: None,
            }));
            // About the width of the label at this size, without measuring text.
            at += 30.0 + 6.0 * label.chars().count() as f64;
        }
    }
    shapes
}

/// Milliseconds for people: whole above 10 ms, one decimal below.
pub(super) fn ms(ms: f64) -> String {
    if !ms.is_finite() {
        "? ms".into()
    } else if ms.abs() >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A tick value without trailing zeros.
fn trim(t: f64) -> String {
    let s = format!("{t:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A lane name short enough for its column.
pub(crate) fn cut(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        name.chars().take(NAME_CHARS - 1).chain(['…']).collect()
    } else {
        name.to_string()
    }
}
