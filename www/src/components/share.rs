//! Sharing: **Copy link** (the page's address with every setting and view) and **Embed**, which
//! opens the dialog with the iframe snippet for slides.

use interleave::config::Link;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::embed_dialog::EmbedDialog;
use crate::runtime::clipboard;

/// Props of [`Share`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The configuration and view the link reproduces.
    pub link: Link,
}

/// What the last Copy link did.
#[derive(Clone, PartialEq)]
enum Copied {
    /// Nothing yet.
    No,
    /// This address is on the clipboard.
    Yes(String),
    /// The browser refused (why): the address is shown, selected, to copy by hand.
    ByHand(String),
}

/// The buttons, what the last copy did, and the dialog when open.
#[function_component]
pub fn Share(props: &Props) -> Html {
    let url = clipboard::page_url(&props.link.to_query());
    let copied = use_state(|| Copied::No);
    let dialog = use_state(|| false);
    let field = use_node_ref();
    {
        // The fallback field is selected when it appears, ready for Ctrl+C (not when a setting
        // changes: focus stays where the user is).
        let field = field.clone();
        use_effect_with((*copied).clone(), move |_| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let copy = {
        let (copied, url) = (copied.clone(), url.clone());
        Callback::from(move |_: MouseEvent| {
            let (copied, url) = (copied.clone(), url.clone());
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(match clipboard::copy(&url).await {
                    Ok(()) => Copied::Yes(url),
                    Err(why) => Copied::ByHand(why),
                });
            });
        })
    };
    let open = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(true))
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: ()| dialog.set(false))
    };
    // "Copied" describes the address copied: once a setting changes, the button offers it again.
    let fresh = matches!(&*copied, Copied::Yes(u) if *u == url);
    html! {
        <div class="share">
            <button class="small" data-testid="copy-link" onclick={copy}
                title="Copy the address of this page: every setting and view, so it opens as you see it">
                { if fresh { "Link copied ✓" } else { "Copy link" } }
            </button>
            <button class="small" data-testid="embed-button" onclick={open}
                title="An iframe snippet for slides: a compact layout that fits 16:9">
                { "Embed…" }
            </button>
            <span class="share-status" data-testid="copy-link-status" role="status">
                { match &*copied {
                    Copied::Yes(_) if fresh => "Copied to the clipboard.".to_string(),
                    Copied::ByHand(why) => format!("Could not copy ({why}): the link is selected below; press Ctrl+C (⌘C)."),
                    _ => String::new(),
                } }
            </span>
            if matches!(&*copied, Copied::ByHand(_)) {
                <input class="share-field" type="text" readonly=true value={url} ref={field}
                    data-testid="copy-link-field" aria-label="Link to this configuration" />
            }
            if *dialog {
                <EmbedDialog link={props.link.clone()} on_close={close} />
            }
        </div>
    }
}
