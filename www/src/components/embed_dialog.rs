//! The Embed dialog: the `<iframe>` snippet that puts the current configuration, in the compact
//! layout, on a slide.

use interleave::config::Link;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::runtime::clipboard;

/// Frame sizes offered: 16:9 slides at common sizes.
const SIZES: [(u32, u32); 3] = [(960, 540), (1280, 720), (1920, 1080)];

/// Props of [`EmbedDialog`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The configuration and view to embed.
    pub link: Link,
    /// The dialog closed (button, Escape).
    pub on_close: Callback<()>,
}

/// The snippet for `link` in the embed layout, `width`×`height`, autorun or not. The address is
/// escaped for an HTML attribute (`&` → `&amp;`), so it pastes into any page as is.
pub fn snippet(link: &Link, (width, height): (u32, u32), autorun: bool) -> String {
    let mut link = link.clone();
    link.view.embed = true;
    link.config.autorun = autorun;
    let src = clipboard::page_url(&link.to_query())
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" \
         allow=\"cross-origin-isolated\" title=\"Interleave: concurrency techniques compared\" \
         style=\"border: 0\"></iframe>"
    )
}

/// The dialog (modal, opened on mount).
#[function_component]
pub fn EmbedDialog(props: &Props) -> Html {
    let dialog = use_node_ref();
    let text = use_node_ref();
    let size = use_state(|| SIZES[0]);
    let autorun = use_state(|| props.link.config.autorun);
    let status = use_state(String::new);
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                let _ = d.show_modal();
            }
        });
    }
    let code = snippet(&props.link, *size, *autorun);
    let on_size = {
        let size = size.clone();
        Callback::from(move |e: Event| {
            let i = e
                .target_unchecked_into::<HtmlSelectElement>()
                .selected_index();
            size.set(SIZES[usize::try_from(i).unwrap_or(0).min(SIZES.len() - 1)]);
        })
    };
    let on_autorun = {
        let autorun = autorun.clone();
        Callback::from(move |e: Event| {
            autorun.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let copy = {
        let (status, text, code) = (status.clone(), text.clone(), code.clone());
        Callback::from(move |_: MouseEvent| {
            let (status, text, code) = (status.clone(), text.clone(), code.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let said = match clipboard::copy(&code).await {
                    Ok(()) => "Copied to the clipboard: paste it into your slide's HTML.".into(),
                    Err(why) => {
                        // By hand, then: the snippet is selected.
                        if let Some(t) = text.cast::<HtmlTextAreaElement>() {
                            let _ = t.focus();
                            t.select();
                        }
                        format!(
                            "Could not copy ({why}): the snippet is selected; press Ctrl+C (⌘C)."
                        )
                    }
                };
                status.set(said);
            });
        })
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                d.close();
            }
        })
    };
    let on_close = props.on_close.reform(|_: Event| ());
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(t) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        {
            t.select();
        }
    });
    html! {
        <dialog class="embed-dialog" data-testid="embed-dialog" ref={dialog} onclose={on_close}
            aria-labelledby="embed-title">
            <h2 id="embed-title">{ "Embed in slides" }</h2>
            <p class="muted">
                { "A compact layout of this configuration — Run, a preset, each technique's timeline and the summary — \
                   that fits a 16:9 frame without scrolling." }
            </p>
            <div class="embed-options">
                <label>
                    { "Size" }
                    <select data-testid="embed-size" onchange={on_size}>
                        { for SIZES.iter().map(|&(w, h)| html! {
                            <option selected={(w, h) == *size}>{ format!("{w} × {h}") }</option>
                        }) }
                    </select>
                </label>
                <label class="toggle">
                    <input type="checkbox" data-testid="embed-autorun" checked={*autorun} onchange={on_autorun} />
                    { "Run as soon as the slide shows" }
                </label>
            </div>
            <textarea data-testid="embed-snippet" readonly=true rows="4" ref={text} value={code}
                onfocus={select_all} aria-label="HTML to paste into the slide" />
            <p class="muted embed-note">
                { "Threads run in the frame only where the slide's page is itself cross-origin isolated \
                   and gives the frame allow=\"cross-origin-isolated\" (the snippet does its part). Elsewhere \
                   the frame says threads are unavailable and runs every other technique." }
            </p>
            <p class="share-status" data-testid="embed-status" role="status">{ (*status).clone() }</p>
            <div class="dialog-buttons">
                <button class="run" data-testid="embed-copy" onclick={copy}>{ "Copy snippet" }</button>
                <button data-testid="embed-close" onclick={close}>{ "Close" }</button>
            </div>
        </dialog>
    }
}
