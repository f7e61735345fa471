//! One line on threads on a static host: a service worker adds the headers the host cannot
//! send, and threads become available after one reload.

use yew::prelude::*;

use crate::runtime::isolation::{self, Isolation};

/// Props of [`IsolationStatus`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// A run is in progress: a reload would lose it.
    pub busy: bool,
}

/// Says when threads will become available after a reload, and offers the reload; nothing when
/// there is nothing to say.
#[function_component]
pub fn IsolationStatus(props: &Props) -> Html {
    let state = use_state(isolation::current);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            // coi.js may have moved on between the first render and this effect.
            state.set(isolation::current());
            let listener = isolation::watch(move |s| state.set(s));
            move || drop(listener)
        });
    }
    let text = match *state {
        Isolation::Settled => return html! {},
        Isolation::Installing => {
            "Preparing threads: this host cannot send the headers that allow them, so a small \
             service worker is being installed to add them. Everything else works now."
        }
        Isolation::Ready => {
            "Threads become available after one reload: this host cannot send the headers that \
             allow them, and the page's service worker now adds them. Everything else works now."
        }
        Isolation::Refused => {
            "Threads stay unavailable in this browser: it did not isolate the page even with the \
             service worker's headers. Everything else works."
        }
    };
    let reload = Callback::from(|_: MouseEvent| isolation::reload());
    html! {
        <p class="isolation-status" data-testid="isolation-status" data-state={state.id()} role="status">
            <span>{ text }</span>
            if *state == Isolation::Ready {
                <button class="small" onclick={reload} disabled={props.busy}
                    title={if props.busy { "Reloading now would stop the run" } else { "Reload the page with threads" }}>
                    { "Reload now" }
                </button>
            }
        </p>
    }
}
