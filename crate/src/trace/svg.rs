//! The timeline as a self-contained SVG: for a file, a slide, or a PNG drawn through a canvas.
//!
//! One block per run, stacked on one time axis (the longest run's), one row per lane. Running
//! spans are solid, blocked ones hatched, ready ones faint and dashed, failed ones outlined in
//! red. Waits that overlap others on their lane (cooperative tasks' fetches) go to thin rows
//! under it, by the same rule as the Chrome export (`tracks.rs`). No external fonts, images or
//! styles: explicit width, height and viewBox, so a canvas can draw it as it is.

use std::fmt::Write;

use super::tracks::{micros, on_lane, pack, Item};
use super::{Span, Stage, Trace};
use parts::{axis, cut, escape, legend, ms, paint};

mod parts;

/// The fill colour of a stage (the page's palette).
pub fn stage_colour(stage: Stage) -> &'static str {
    match stage {
        Stage::Fetch => "#76b7b2",
        Stage::Decode => "#4e79a7",
        Stage::Resize => "#f28e2b",
        Stage::Encode => "#59a14f",
        Stage::Store => "#b07aa1",
        Stage::Transfer => "#e15759",
    }
}

/// Colour of a process's start-up (spawn, load, instantiate).
pub const STARTUP_COLOUR: &str = "#9c755f";

const WIDTH: f64 = 1000.0;
/// Width of the lane names' column.
const LEFT: f64 = 160.0;
const PLOT: f64 = WIDTH - LEFT - 20.0;
const ROW: f64 = 20.0;
/// Height of a row of displaced waits under a lane.
const SUB: f64 = 7.0;
const TITLE: f64 = 28.0;
const AXIS: f64 = 24.0;
const GAP: f64 = 10.0;
const LEGEND: f64 = 52.0;
const FAILED: &str = "#d62728";
const GREY: &str = "#777777";
/// Characters of a lane name shown before it is cut (the full name is its tooltip).
const NAME_CHARS: usize = 24;

/// The timelines of `traces`, stacked, as an SVG document.
pub fn timeline_svg(traces: &[Trace]) -> String {
    let axis_us = traces
        .iter()
        .map(Trace::wall_us)
        .filter(|w| w.is_finite())
        .fold(1.0, f64::max);
    let blocks: Vec<Block> = traces.iter().map(Block::of).collect();
    let height = GAP + blocks.iter().map(Block::height).sum::<f64>() + LEGEND;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"system-ui, sans-serif\" \
         font-size=\"11\">\n<title>Interleave timeline</title>\n<defs>\n"
    );
    let stages = [Stage::Fetch, Stage::Decode, Stage::Resize]
        .into_iter()
        .chain([Stage::Encode, Stage::Store, Stage::Transfer]);
    let hatches = stages
        .map(|s| (s.name(), stage_colour(s)))
        .chain([("grey", GREY)]);
    for (name, colour) in hatches {
        // Diagonal lines over a pale fill: blocked, whatever the stage's colour.
        let _ = writeln!(
            svg,
            "<pattern id=\"il-hatch-{name}\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"{colour}\" \
             fill-opacity=\"0.3\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"{colour}\" \
             stroke-width=\"2\"/></pattern>"
        );
    }
    let _ = writeln!(
        svg,
        "</defs>\n<rect class=\"bg\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let mut y = GAP;
    for (i, (trace, block)) in traces.iter().zip(&blocks).enumerate() {
        block.draw(&mut svg, i, trace, y, axis_us);
        y += block.height();
    }
    legend(&mut svg, y);
    svg.push_str("</svg>\n");
    svg
}

/// Where a run's lanes and spans go.
struct Block {
    /// One per lane: its id, name, and the number of rows of displaced waits under it.
    lanes: Vec<(u32, String, usize)>,
    /// Each span drawn (index into the trace's spans): its lane's row, its row under the lane
    /// (0: on the lane), its interval in µs from the run's start.
    spans: Vec<(usize, usize, usize, (i64, i64))>,
    /// The run's start, the origin of the intervals.
    origin: f64,
}

impl Block {
    fn of(trace: &Trace) -> Block {
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

    fn height(&self) -> f64 {
        let lanes: f64 = self.lanes.iter().map(|l| Block::lane_height(l.2)).sum();
        TITLE + lanes + AXIS + GAP
    }

    fn draw(&self, svg: &mut String, index: usize, trace: &Trace, top: f64, axis_us: f64) {
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
        let _ = writeln!(
            svg,
            "<g class=\"run\" data-technique=\"{}\">\n<text x=\"8\" y=\"{:.1}\" font-size=\"14\" \
             font-weight=\"600\" fill=\"#222222\">{}<tspan font-size=\"11\" font-weight=\"400\" \
             fill=\"#555555\" dx=\"10\">{}</tspan></text>",
            trace.technique.id(),
            top + 18.0,
            escape(trace.technique.label()),
            escape(&details.join(" · ")),
        );
        let mut lane_top = Vec::with_capacity(self.lanes.len());
        let mut y = top + TITLE;
        for (row, (id, name, subs)) in self.lanes.iter().enumerate() {
            let h = Block::lane_height(*subs);
            let shade = if row % 2 == 0 { "#f3f4f7" } else { "#e9ebf0" };
            let _ = writeln!(
                svg,
                "<rect class=\"lane-bg\" x=\"{LEFT}\" y=\"{y:.1}\" width=\"{PLOT}\" height=\"{h:.1}\" \
                 fill=\"{shade}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" \
                 fill=\"#333333\">{}<title>{}</title></text>",
                LEFT - 6.0,
                y + ROW * 0.7,
                escape(&cut(name)),
                escape(name),
            );
            if let Some(lane) = trace.lanes.iter().find(|l| l.id == *id) {
                let startup = lane
                    .startup_us
                    .filter(|(a, b)| a.is_finite() && b.is_finite());
                if let Some((a, b)) = startup {
                    let (a, b) = (micros(a, self.origin), micros(b, self.origin));
                    let _ = writeln!(
                        svg,
                        "<rect class=\"startup\" x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" \
                         height=\"{:.1}\" fill=\"{STARTUP_COLOUR}\"><title>{} starting (spawn, \
                         load, instantiate) · {}</title></rect>",
                        x(a),
                        y + ROW * 0.15,
                        (x(b) - x(a)).max(0.6),
                        ROW * 0.7,
                        escape(name),
                        ms((b - a) as f64 / 1000.0),
                    );
                }
                if let Some((at, why)) = lane.retired.as_ref().filter(|(at, _)| at.is_finite()) {
                    let rx = x(micros(*at, self.origin));
                    let _ = writeln!(
                        svg,
                        "<line class=\"retired\" x1=\"{rx:.2}\" x2=\"{rx:.2}\" y1=\"{y:.1}\" \
                         y2=\"{:.1}\" stroke=\"{FAILED}\" stroke-width=\"2\"><title>{} retired: \
                         {}</title></line>",
                        y + h,
                        escape(name),
                        escape(why),
                    );
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
            let _ = writeln!(
                svg,
                "<rect class=\"span {}{}\" x=\"{:.2}\" y=\"{ry:.1}\" width=\"{:.2}\" \
                 height=\"{rh:.1}\" data-lane=\"{}\" data-task=\"{}\" data-stage=\"{}\" \
                 data-state=\"{}\" {}><title>{}</title></rect>",
                s.state.name(),
                if s.error.is_some() { " failed" } else { "" },
                x(a),
                (x(b) - x(a)).max(0.6),
                s.lane,
                s.task,
                s.stage.name(),
                s.state.name(),
                paint(s.stage, s.state, s.error.is_some()),
                escape(&describe(trace, s, (a, b))),
            );
        }
        axis(svg, y, axis_us);
        svg.push_str("</g>\n");
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

#[cfg(test)]
mod tests;
