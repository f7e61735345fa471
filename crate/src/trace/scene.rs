//! The timeline laid out once, as a small scene of rectangles, lines and text: the SVG export
//! writes it as markup, and the page paints it on a canvas for the PNG (an SVG cannot be drawn
//! through an `<img>` under the page's strict CSP, which refuses `blob:` and `data:` images).
//!
//! One block per run, stacked on one time axis (the longest run's), one row per lane. Running
//! spans are solid, blocked ones hatched, ready ones faint and dashed, failed ones outlined in
//! red. Waits that overlap others on their lane (cooperative tasks' fetches) go to thin rows
//! under it, by the same rule as the Chrome export (`tracks.rs`).

use super::tracks::{micros, on_lane, pack, Item};
use super::{Span, Stage, State, Trace};
use parts::{axis, legend, ms, paint};

pub(crate) use parts::cut;

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

pub(crate) const WIDTH: f64 = 1000.0;
/// Width of the lane names' column.
pub(crate) const LEFT: f64 = 160.0;
pub(crate) const PLOT: f64 = WIDTH - LEFT - 20.0;
const ROW: f64 = 20.0;
/// Height of a row of displaced waits under a lane.
const SUB: f64 = 7.0;
const TITLE: f64 = 28.0;
const AXIS: f64 = 24.0;
const GAP: f64 = 10.0;
const LEGEND: f64 = 52.0;
pub(crate) const FAILED: &str = "#d62728";
const GREY: &str = "#777777";
/// Characters of a lane name shown before it is cut (the full name is its tooltip).
pub(crate) const NAME_CHARS: usize = 24;
/// Font size of text that does not say otherwise, px.
pub const FONT_SIZE: f64 = 11.0;
/// The font family of every text.
pub const FONT_FAMILY: &str = "system-ui, sans-serif";

/// A picture in px, origin top left, painted in order over a white background.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Width, px.
    pub width: f64,
    /// Height, px.
    pub height: f64,
    /// The hatches that [`Fill::Hatch`] names, each once.
    pub hatches: Vec<(&'static str, &'static str)>,
    /// What to paint: the runs, then the legend.
    pub groups: Vec<Group>,
}

/// Shapes that belong together: one run's, or the legend's.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The run's technique id; `None` for what is not a run.
    pub technique: Option<&'static str>,
    /// In painting order.
    pub shapes: Vec<Shape>,
}

/// One thing painted.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A rectangle.
    Rect(Rect),
    /// A straight line.
    Line(Line),
    /// A line of text.
    Text(Text),
}

/// How a rectangle is filled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fill {
    /// One colour at some opacity (1: opaque).
    Solid(&'static str, f64),
    /// Diagonal stripes of `colour` every 5 px, 1 px wide, rotated 45°, over `colour` at 0.3
    /// opacity; fixed to the picture, not the shape. The name is the hatch's id.
    Hatch(&'static str, &'static str),
}

/// How an outline is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Colour.
    pub colour: &'static str,
    /// Width, px.
    pub width: f64,
    /// Dash and gap lengths, px, if dashed.
    pub dash: Option<(f64, f64)>,
}

impl Stroke {
    /// A solid outline.
    pub fn solid(colour: &'static str, width: f64) -> Stroke {
        Stroke {
            colour,
            width,
            dash: None,
        }
    }
}

/// A rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    /// Left, px.
    pub x: f64,
    /// Top, px.
    pub y: f64,
    /// Width, px.
    pub width: f64,
    /// Height, px.
    pub height: f64,
    /// Fill.
    pub fill: Fill,
    /// Outline, if any.
    pub stroke: Option<Stroke>,
    /// What it is (`span running`, `lane-bg`…): a class in the SVG.
    pub class: &'static str,
    /// `data-*` attributes in the SVG: what a script reading the file needs.
    pub data: Vec<(&'static str, String)>,
    /// The tooltip, if any.
    pub title: Option<String>,
}

/// A line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Start, px.
    pub from: (f64, f64),
    /// End, px.
    pub to: (f64, f64),
    /// How it is drawn.
    pub stroke: Stroke,
    /// What it is, if that matters: a class in the SVG.
    pub class: Option<&'static str>,
    /// The tooltip, if any.
    pub title: Option<String>,
}

/// Where text sits relative to its x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// x is where it starts.
    Start,
    /// x is its middle.
    Middle,
    /// x is where it ends.
    End,
}

/// A line of text, on its baseline, in parts of their own style written one after another.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// Anchor point, px; y is the baseline.
    pub x: f64,
    /// Baseline, px.
    pub y: f64,
    /// Where the text sits relative to x.
    pub anchor: Anchor,
    /// The parts; never empty.
    pub parts: Vec<TextPart>,
    /// The tooltip, if any.
    pub title: Option<String>,
}

/// Part of a text, in one style.
#[derive(Clone, Debug, PartialEq)]
pub struct TextPart {
    /// What it says (plain text, never markup).
    pub text: String,
    /// Size, px.
    pub size: f64,
    /// Weight (400 normal, 600 semi-bold).
    pub weight: u16,
    /// Colour.
    pub colour: &'static str,
    /// Space before it, px.
    pub dx: f64,
}

impl TextPart {
    /// Text in the default size and weight.
    pub fn plain(text: impl Into<String>, colour: &'static str) -> TextPart {
        TextPart {
            text: text.into(),
            size: FONT_SIZE,
            weight: 400,
            colour,
            dx: 0.0,
        }
    }
}

/// The timelines of `traces`, stacked, laid out.
pub fn timeline_scene(traces: &[Trace]) -> Scene {
    let axis_us = traces
        .iter()
        .map(Trace::wall_us)
        .filter(|w| w.is_finite())
        .fold(1.0, f64::max);
    let blocks: Vec<Block> = traces.iter().map(Block::of).collect();
    let height = GAP + blocks.iter().map(Block::height).sum::<f64>() + LEGEND;
    let stages = [Stage::Fetch, Stage::Decode, Stage::Resize]
        .into_iter()
        .chain([Stage::Encode, Stage::Store, Stage::Transfer]);
    let hatches = stages
        .map(|s| (s.name(), stage_colour(s)))
        .chain([("grey", GREY)])
        .collect();
    let mut groups = Vec::with_capacity(traces.len() + 1);
    let mut y = GAP;
    for (i, (trace, block)) in traces.iter().zip(&blocks).enumerate() {
        groups.push(Group {
            technique: Some(trace.technique.id()),
            shapes: block.draw(i, trace, y, axis_us),
        });
        y += block.height();
    }
    groups.push(Group {
        technique: None,
        shapes: legend(y),
    });
    Scene {
        width: WIDTH,
        height,
        hatches,
        groups,
    }
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

    fn draw(&self, index: usize, trace: &Trace, top: f64, axis_us: f64) -> Vec<Shape> {
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

#[cfg(test)]
mod tests;
