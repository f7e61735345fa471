//! The timeline laid out once, as a small scene of rectangles, lines and text: the SVG export
//! writes it as markup, and the page paints it on a canvas for the PNG (an SVG cannot be drawn
//! through an `<img>` under the page's strict CSP, which refuses `blob:` and `data:` images).
//!
//! One block per run, stacked on one time axis (the longest run's), one row per lane. Running
//! spans are solid, blocked ones hatched, ready ones faint and dashed, failed ones outlined in
//! red. Waits that overlap others on their lane (cooperative tasks' fetches) go to thin rows
//! under it, by the same rule as the Chrome export (`tracks.rs`).

use super::{Stage, Trace};
use block::Block;
pub use parts::axis_ticks;
use parts::legend;

#[cfg(test)]
pub(crate) use parts::cut;

mod block;
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

#[cfg(test)]
mod tests;
