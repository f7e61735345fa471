//! The timeline as a self-contained SVG, for a file or a slide: the scene (`scene.rs`) written
//! as markup. No external fonts, images or styles; explicit width, height and viewBox.

use std::fmt::Write;

use super::scene::{timeline_scene, Anchor, Fill, Scene, Shape, Stroke, Text, FONT_FAMILY};
use super::Trace;

#[cfg(test)]
use super::scene::{cut, FAILED, LEFT, NAME_CHARS, PLOT};

/// The timelines of `traces`, stacked, as an SVG document.
pub fn timeline_svg(traces: &[Trace]) -> String {
    write_svg(&timeline_scene(traces))
}

/// `scene` as an SVG document.
pub fn write_svg(scene: &Scene) -> String {
    let (w, h) = (scene.width, scene.height);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\" font-size=\"{}\">\n\
         <title>Interleave timeline</title>\n<defs>\n",
        super::scene::FONT_SIZE,
    );
    for (name, colour) in &scene.hatches {
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
        "</defs>\n<rect class=\"bg\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>"
    );
    for group in &scene.groups {
        if let Some(id) = group.technique {
            let _ = writeln!(svg, "<g class=\"run\" data-technique=\"{}\">", escape(id));
        }
        for shape in &group.shapes {
            shape_svg(&mut svg, shape);
            svg.push('\n');
        }
        if group.technique.is_some() {
            svg.push_str("</g>\n");
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn shape_svg(svg: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect(r) => {
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\"",
                r.class, r.x, r.y, r.width, r.height
            );
            for (key, value) in &r.data {
                let _ = write!(svg, " data-{key}=\"{}\"", escape(value));
            }
            match r.fill {
                Fill::Solid(colour, opacity) => {
                    let _ = write!(svg, " fill=\"{colour}\"");
                    if opacity < 1.0 {
                        let _ = write!(svg, " fill-opacity=\"{opacity}\"");
                    }
                }
                Fill::Hatch(name, _) => {
                    let _ = write!(svg, " fill=\"url(#il-hatch-{name})\"");
                }
            }
            stroke_svg(svg, r.stroke.as_ref());
            close(svg, "rect", r.title.as_deref());
        }
        Shape::Line(l) => {
            svg.push_str("<line");
            if let Some(class) = l.class {
                let _ = write!(svg, " class=\"{class}\"");
            }
            let _ = write!(
                svg,
                " x1=\"{:.2}\" x2=\"{:.2}\" y1=\"{:.1}\" y2=\"{:.1}\"",
                l.from.0, l.to.0, l.from.1, l.to.1
            );
            stroke_svg(svg, Some(&l.stroke));
            close(svg, "line", l.title.as_deref());
        }
        Shape::Text(t) => text_svg(svg, t),
    }
}

fn stroke_svg(svg: &mut String, stroke: Option<&Stroke>) {
    if let Some(s) = stroke {
        let _ = write!(svg, " stroke=\"{}\"", s.colour);
        if s.width != 1.0 {
            let _ = write!(svg, " stroke-width=\"{}\"", s.width);
        }
        if let Some((dash, gap)) = s.dash {
            let _ = write!(svg, " stroke-dasharray=\"{dash} {gap}\"");
        }
    }
}

/// Ends an element that may hold a tooltip.
fn close(svg: &mut String, name: &str, title: Option<&str>) {
    match title {
        Some(t) => {
            let _ = write!(svg, "><title>{}</title></{name}>", escape(t));
        }
        None => svg.push_str("/>"),
    }
}

fn text_svg(svg: &mut String, t: &Text) {
    let _ = write!(svg, "<text x=\"{:.2}\" y=\"{:.1}\"", t.x, t.y);
    match t.anchor {
        Anchor::Start => {}
        Anchor::Middle => svg.push_str(" text-anchor=\"middle\""),
        Anchor::End => svg.push_str(" text-anchor=\"end\""),
    }
    for (i, part) in t.parts.iter().enumerate() {
        if i > 0 {
            svg.push_str("<tspan");
        }
        if part.size != super::scene::FONT_SIZE || i > 0 {
            let _ = write!(svg, " font-size=\"{}\"", part.size);
        }
        if part.weight != 400 || i > 0 {
            let _ = write!(svg, " font-weight=\"{}\"", part.weight);
        }
        let _ = write!(svg, " fill=\"{}\"", part.colour);
        if part.dx != 0.0 {
            let _ = write!(svg, " dx=\"{}\"", part.dx);
        }
        let _ = write!(svg, ">{}", escape(&part.text));
        if i > 0 {
            svg.push_str("</tspan>");
        }
    }
    if let Some(title) = &t.title {
        let _ = write!(svg, "<title>{}</title>", escape(title));
    }
    svg.push_str("</text>");
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

#[cfg(test)]
mod tests;
