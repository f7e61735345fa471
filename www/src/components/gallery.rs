//! The thumbnails of the run.

use interleave::technique::TechniqueKind;
use yew::prelude::*;

use crate::state::RunStatus;

/// Props of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Every technique's status; the gallery shows the first finished one's thumbnails
    /// (every technique makes byte-identical thumbnails).
    pub runs: Vec<(TechniqueKind, RunStatus)>,
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
    html! {
        <div class="gallery" data-testid="gallery">
            { for finished.thumbs.iter().enumerate().map(|(i, t)| match t {
                Ok(thumb) => html! {
                    <img data-testid="thumb" src={thumb.url.clone()} alt={format!("thumbnail of image {i}")} loading="lazy" />
                },
                Err(e) => html! { <div class="thumb-error" title={e.clone()}>{ format!("image {i} failed: {e}") }</div> },
            }) }
        </div>
    }
}
