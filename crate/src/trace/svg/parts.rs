//! The parts of the picture that are not spans: the axis, the legend, colours and text.

use std::fmt::Write;

use super::{stage_colour, FAILED, GREY, LEFT, NAME_CHARS, PLOT, STARTUP_COLOUR};
use crate::trace::{Stage, State};

/// Fill and stroke of a span: running solid, blocked hatched, ready faint and dashed; a failed
/// stage outlined in red instead.
pub(super) fn paint(stage: Stage, state: State, failed: bool) -> String {
    let body = paint_of(stage_colour(stage), stage.name(), state);
    if failed {
        // One stroke only: a repeated attribute would make the XML ill-formed.
        let fill = body.split(" stroke").next().unwrap_or_default();
        format!("{fill} stroke=\"{FAILED}\" stroke-width=\"2\"")
    } else {
        body
    }
}

/// Fill and stroke of `state` in `colour`, whose hatch pattern is `il-hatch-{hatch}`.
pub(super) fn paint_of(colour: &str, hatch: &str, state: State) -> String {
    match state {
        State::Running => format!("fill=\"{colour}\""),
        State::Blocked => {
            format!("fill=\"url(#il-hatch-{hatch})\" stroke=\"{colour}\" stroke-width=\"0.8\"")
        }
        State::Ready => format!(
            "fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"#555555\" stroke-width=\"0.8\" \
             stroke-dasharray=\"3 2\""
        ),
    }
}

/// The time axis under a run: round ticks (1, 2 or 5 × 10^k ms), about five.
pub(super) fn axis(svg: &mut String, y: f64, axis_us: f64) {
    let span_ms = axis_us / 1000.0;
    let raw = span_ms / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(pow * 10.0);
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#999999\"/>",
        LEFT + PLOT
    );
    let ticks = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= span_ms + 1e-9);
    for t in ticks.take(50) {
        let tx = LEFT + t / span_ms * PLOT;
        let anchor = if t == 0.0 { "start" } else { "middle" };
        let _ = writeln!(
            svg,
            "<line x1=\"{tx:.2}\" x2=\"{tx:.2}\" y1=\"{y:.1}\" y2=\"{:.1}\" stroke=\"#999999\"/>\
             <text x=\"{tx:.2}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#555555\" \
             font-size=\"10\">{} ms</text>",
            y + 4.0,
            y + 15.0,
            trim(t),
        );
    }
}

/// The key to colours and states.
pub(super) fn legend(svg: &mut String, y: f64) {
    let stages = [Stage::Fetch, Stage::Decode, Stage::Resize]
        .into_iter()
        .chain([Stage::Encode, Stage::Transfer])
        .map(|s| (format!("fill=\"{}\"", stage_colour(s)), s.name()))
        .chain([(format!("fill=\"{STARTUP_COLOUR}\""), "process start-up")])
        .collect();
    let states = vec![
        (format!("fill=\"{GREY}\""), "running (on a core)"),
        (
            paint_of(GREY, "grey", State::Blocked),
            "blocked (waiting on I/O)",
        ),
        (paint_of(GREY, "grey", State::Ready), "ready (could run)"),
        (
            format!("fill=\"#ffffff\" stroke=\"{FAILED}\" stroke-width=\"2\""),
            "failed",
        ),
    ];
    let rows: [(&str, Vec<(String, &str)>); 2] = [("Stages", stages), ("States", states)];
    for (row, (title, keys)) in rows.into_iter().enumerate() {
        let ky = y + 14.0 + row as f64 * 20.0;
        let _ = writeln!(
            svg,
            "<text x=\"8\" y=\"{ky:.1}\" font-weight=\"600\" fill=\"#333333\">{title}</text>"
        );
        let mut at = LEFT;
        for (paint, label) in keys {
            let _ = writeln!(
                svg,
                "<rect class=\"swatch\" x=\"{at:.1}\" y=\"{:.1}\" width=\"18\" height=\"10\" \
                 {paint}/><text x=\"{:.1}\" y=\"{ky:.1}\" fill=\"#333333\">{}</text>",
                ky - 9.0,
                at + 22.0,
                escape(label),
            );
            // About the width of the label at this size, without measuring text.
            at += 30.0 + 6.0 * label.chars().count() as f64;
        }
    }
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
pub(super) fn trim(t: f64) -> String {
    let s = format!("{t:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A lane name short enough for its column.
pub(super) fn cut(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        name.chars().take(NAME_CHARS - 1).chain(['…']).collect()
    } else {
        name.to_string()
    }
}

/// Text made safe for XML content and attribute values: markup characters escaped, and the
/// control characters XML 1.0 forbids even escaped replaced.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
