//! The thumbnails of the run, and all of them as a zip.

use std::io::Write;

use std::rc::Rc;

use interleave::technique::CANCELLED;
use yew::prelude::*;
use zip::write::SimpleFileOptions;

use super::thumb::ThumbCanvas;
use crate::runtime::browser;
use crate::state::{Finished, Thumb};

/// Props of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The first technique that ran (every technique makes byte-identical thumbnails). Compared
    /// by identity: progress elsewhere does not re-render the gallery.
    pub finished: Option<Rc<Finished>>,
    /// The name of each image, in task order.
    pub names: Rc<Vec<String>>,
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
    let Some(finished) = props.finished.clone() else {
        return html! {};
    };
    let download = {
        let finished: Rc<Finished> = finished.clone();
        Callback::from(move |_: MouseEvent| {
            let thumbs: Vec<&Thumb> = finished
                .thumbs
                .iter()
                .filter_map(|t| t.as_ref().ok())
                .filter(|t| !t.png.is_empty())
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
    // A recording may leave the thumbnails out: only their sizes are known.
    let ok = finished
        .thumbs
        .iter()
        .filter(|t| t.as_ref().is_ok_and(|t| !t.png.is_empty()))
        .count();
    html! {
        <section class="gallery-section">
            <h2>{ "Thumbnails" }</h2>
            <button data-testid="download-zip" disabled={ok == 0} onclick={download}>
                { format!("Download all ({ok} PNGs, zip)") }
            </button>
            <div class="gallery" data-testid="gallery">
                { for finished.thumbs.iter().enumerate().map(|(i, t)| {
                    let name = props.names.get(i).cloned().unwrap_or_else(|| format!("image {i}"));
                    match t {
                        Ok(thumb) if thumb.png.is_empty() => html! {
                            <div class="thumb-error cancelled" data-testid="thumb-unsaved" data-name={name.clone()}>
                                <strong>{ name }</strong>{ match thumb.width {
                                    // Version 1 recordings did not keep the sizes.
                                    0 => " made; not saved in the recording".to_string(),
                                    w => format!(" {w} × {} px, not saved in the recording", thumb.height),
                                } }
                            </div>
                        },
                        Ok(thumb) => html! {
                            <figure class="thumb" title={name.clone()}>
                                <ThumbCanvas thumb={thumb.clone()} name={Rc::<str>::from(name.as_str())} />
                            </figure>
                        },
                        Err(e) if e == CANCELLED => html! {
                            <div class="thumb-error cancelled" data-testid="thumb-cancelled" data-name={name.clone()}>
                                <strong>{ name }</strong>{ " not made: cancelled" }
                            </div>
                        },
                        Err(e) => html! {
                            <div class="thumb-error" data-testid="thumb-error" data-name={name.clone()} title={format!("{name}: {e}")}>
                                <strong>{ name }</strong>{ ": " }{ e }
                            </div>
                        },
                    }
                }) }
            </div>
        </section>
    }
}
