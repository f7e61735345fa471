//! The thumbnails of the run, and all of them as a zip.

use std::io::Write;

use interleave::technique::TechniqueKind;
use yew::prelude::*;
use zip::write::SimpleFileOptions;

use crate::runtime::browser;
use crate::state::{Finished, RunStatus, Thumb};

/// Props of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Every technique's status; the gallery shows the first finished one's thumbnails
    /// (every technique makes byte-identical thumbnails).
    pub runs: Vec<(TechniqueKind, RunStatus)>,
}

/// A zip of every thumbnail, stored as is (PNGs are compressed already).
fn zip(thumbs: &[&Thumb]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (i, t) in thumbs.iter().enumerate() {
        zip.start_file(format!("thumbnail-{i:02}.png"), options)?;
        zip.write_all(&t.png)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The gallery.
#[function_component]
pub fn Gallery(props: &Props) -> Html {
    let Some(finished) = props.runs.iter().find_map(|(_, s)| match s {
        RunStatus::Done(f) => Some(f.clone()),
        _ => None,
    }) else {
        return html! {};
    };
    let download = {
        let finished: std::rc::Rc<Finished> = finished.clone();
        Callback::from(move |_: MouseEvent| {
            let thumbs: Vec<&Thumb> = finished
                .thumbs
                .iter()
                .filter_map(|t| t.as_ref().ok())
                .collect();
            match zip(&thumbs) {
                Ok(bytes) => {
                    if let Err(e) =
                        browser::download("interleave-thumbnails.zip", &bytes, "application/zip")
                    {
                        web_sys::console::error_1(&e);
                    }
                }
                Err(e) => web_sys::console::error_1(&format!("cannot make the zip: {e}").into()),
            }
        })
    };
    let ok = finished.thumbs.iter().filter(|t| t.is_ok()).count();
    html! {
        <section class="gallery-section">
            <h2>{ "Thumbnails" }</h2>
            <button data-testid="download-zip" disabled={ok == 0} onclick={download}>
                { format!("Download all ({ok} PNGs, zip)") }
            </button>
            <div class="gallery" data-testid="gallery">
                { for finished.thumbs.iter().enumerate().map(|(i, t)| match t {
                    Ok(thumb) => html! {
                        <img data-testid="thumb" src={thumb.url.clone()} alt={format!("thumbnail of image {i}")} />
                    },
                    Err(e) => html! { <div class="thumb-error" data-testid="thumb-error" title={e.clone()}>{ format!("image {i} failed: {e}") }</div> },
                }) }
            </div>
        </section>
    }
}
