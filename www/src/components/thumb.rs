//! One thumbnail, painted on a canvas from its PNG bytes. An `<img>` would need a `blob:` or
//! `data:` URL, which the page's strict CSP (`img-src 'self'`) refuses.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};
use yew::prelude::*;

use crate::state::Thumb;

/// Props of [`ThumbCanvas`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The thumbnail.
    pub thumb: Thumb,
    /// The image's name, for people and for scripts (`data-name`).
    pub name: Rc<str>,
}

/// The canvas, sized at once (so the layout does not jump) and painted when the browser has
/// decoded the PNG.
#[function_component]
pub fn ThumbCanvas(props: &Props) -> Html {
    let canvas = use_node_ref();
    {
        let (canvas, png) = (canvas.clone(), props.thumb.png.clone());
        use_effect_with(png, move |png| {
            let png = png.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = paint(&canvas, &png).await {
                    web_sys::console::warn_1(&e);
                }
            });
        });
    }
    let name = &props.name;
    html! {
        <canvas ref={canvas} data-testid="thumb" data-name={name.to_string()} role="img"
            aria-label={format!("thumbnail of {name}")}
            width={props.thumb.width.to_string()} height={props.thumb.height.to_string()} />
    }
}

async fn paint(canvas: &NodeRef, png: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    let blob = gloo_file::Blob::new_with_options(png, Some("image/png"));
    let window = web_sys::window().ok_or("no window")?;
    let pending = window.create_image_bitmap_with_blob(blob.as_ref())?;
    let bitmap: ImageBitmap = JsFuture::from(pending).await?.unchecked_into();
    // The tile may be gone by now (a new run replaced the gallery).
    if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
        let context: CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or("no 2d context")?
            .unchecked_into();
        context.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)?;
    }
    bitmap.close();
    Ok(())
}
