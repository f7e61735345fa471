//! Paints the timeline's scene on a canvas and encodes it as PNG: the PNG export. Drawing the
//! SVG through an `<img>` would need a `blob:` or `data:` image, which the page's strict CSP
//! (`img-src 'self'`) refuses; painting the same scene the SVG is written from needs neither.

use std::f64::consts::FRAC_PI_4;

use interleave::trace::{Anchor, Fill, Scene, Shape, Stroke, Text, FONT_FAMILY};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement};

/// Pixels per scene px: sharp on high-density screens and slides.
const SCALE: f64 = 2.0;
/// The longest side a canvas may have in every current browser.
const MAX_SIDE: f64 = 16_384.0;

/// A PNG of `scene` at twice its size (less if that would exceed what a canvas can hold):
/// the file, and its width and height in pixels.
pub async fn scene_png(scene: &Scene) -> Result<(Blob, u32, u32), JsValue> {
    let scale = SCALE.min(MAX_SIDE / scene.width.max(scene.height).max(1.0));
    let (width, height) = (
        (scene.width * scale).ceil() as u32,
        (scene.height * scale).ceil() as u32,
    );
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    // Never attached to the page: only painted and encoded.
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.scale(scale, scale)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, scene.width, scene.height);
    for shape in scene.groups.iter().flat_map(|g| &g.shapes) {
        paint(&ctx, shape)?;
    }
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob_with_type(&resolve, "image/png") {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob = JsFuture::from(promise).await?;
    // toBlob gives null when the canvas cannot be encoded (e.g. out of memory).
    let blob: Blob = blob
        .dyn_into()
        .map_err(|_| "the PNG could not be encoded")?;
    Ok((blob, width, height))
}

fn paint(ctx: &CanvasRenderingContext2d, shape: &Shape) -> Result<(), JsValue> {
    match shape {
        Shape::Rect(r) => {
            match r.fill {
                Fill::Solid(colour, opacity) => {
                    ctx.set_global_alpha(opacity);
                    ctx.set_fill_style_str(colour);
                    ctx.fill_rect(r.x, r.y, r.width, r.height);
                    ctx.set_global_alpha(1.0);
                }
                Fill::Hatch(_, colour) => hatch(ctx, (r.x, r.y, r.width, r.height), colour)?,
            }
            if let Some(stroke) = &r.stroke {
                set_stroke(ctx, stroke)?;
                ctx.stroke_rect(r.x, r.y, r.width, r.height);
            }
        }
        Shape::Line(l) => {
            set_stroke(ctx, &l.stroke)?;
            ctx.begin_path();
            ctx.move_to(l.from.0, l.from.1);
            ctx.line_to(l.to.0, l.to.1);
            ctx.stroke();
        }
        Shape::Text(t) => text(ctx, t)?,
    }
    Ok(())
}

fn set_stroke(ctx: &CanvasRenderingContext2d, stroke: &Stroke) -> Result<(), JsValue> {
    ctx.set_stroke_style_str(stroke.colour);
    ctx.set_line_width(stroke.width);
    let dash = js_sys::Array::new();
    if let Some((on, off)) = stroke.dash {
        dash.push(&on.into());
        dash.push(&off.into());
    }
    ctx.set_line_dash(&dash)
}

/// The SVG's hatch: `colour` at 0.3 opacity, with 1 px stripes every 5 px at 45°, fixed to the
/// picture (as `patternUnits="userSpaceOnUse"` is), so neighbouring spans' stripes line up.
fn hatch(
    ctx: &CanvasRenderingContext2d,
    (x, y, w, h): (f64, f64, f64, f64),
    colour: &str,
) -> Result<(), JsValue> {
    ctx.save();
    ctx.begin_path();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.set_fill_style_str(colour);
    ctx.set_global_alpha(0.3);
    ctx.fill_rect(x, y, w, h);
    ctx.set_global_alpha(1.0);
    ctx.rotate(FRAC_PI_4)?;
    // The rectangle's corners in the rotated frame (u along the stripes' normal).
    let (c, s) = (FRAC_PI_4.cos(), FRAC_PI_4.sin());
    let corners = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)];
    let u = corners.map(|(px, py)| px * c + py * s);
    let v = corners.map(|(px, py)| -px * s + py * c);
    let (u0, u1) = (
        u.iter().copied().fold(f64::INFINITY, f64::min),
        u.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let (v0, v1) = (
        v.iter().copied().fold(f64::INFINITY, f64::min),
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let mut k = (u0 / 5.0).floor();
    while k * 5.0 <= u1 {
        ctx.fill_rect(k * 5.0, v0, 1.0, v1 - v0);
        k += 1.0;
    }
    ctx.restore();
    Ok(())
}

/// A text in its parts, each in its own style, measured so the anchor holds for the whole.
fn text(ctx: &CanvasRenderingContext2d, t: &Text) -> Result<(), JsValue> {
    let font = |size: f64, weight: u16| format!("{weight} {size}px {FONT_FAMILY}");
    let mut widths = Vec::with_capacity(t.parts.len());
    for p in &t.parts {
        ctx.set_font(&font(p.size, p.weight));
        widths.push(ctx.measure_text(&p.text)?.width());
    }
    let total: f64 = t.parts.iter().map(|p| p.dx).sum::<f64>() + widths.iter().sum::<f64>();
    let mut x = match t.anchor {
        Anchor::Start => t.x,
        Anchor::Middle => t.x - total / 2.0,
        Anchor::End => t.x - total,
    };
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    for (p, w) in t.parts.iter().zip(widths) {
        ctx.set_font(&font(p.size, p.weight));
        ctx.set_fill_style_str(p.colour);
        x += p.dx;
        ctx.fill_text(&p.text, x, t.y)?;
        x += w;
    }
    Ok(())
}
