//! Where the service worker that makes the page cross-origin isolated on a static host is.
//! `www/coi.js` decides, before the page starts, and writes its verdict to the root element's
//! `data-coi` (firing a `coi` event on `window` when it changes); this module reads it.

use gloo_events::EventListener;

/// What the service worker means for threads on this load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// Nothing to say: isolated already, in a frame, opted out, or no service workers here.
    Settled,
    /// The service worker is being installed.
    Installing,
    /// It is installed; one reload makes the page isolated.
    Ready,
    /// It serves the page, yet the browser did not isolate it: a reload will not help.
    Refused,
}

impl Isolation {
    /// The state as `data-state` names it.
    pub fn id(self) -> &'static str {
        match self {
            Isolation::Settled => "settled",
            Isolation::Installing => "installing",
            Isolation::Ready => "ready",
            Isolation::Refused => "refused",
        }
    }
}

/// The state now.
pub fn current() -> Isolation {
    let verdict = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-coi"));
    match verdict.as_deref() {
        Some("installing") => Isolation::Installing,
        Some("ready") => Isolation::Ready,
        Some("refused") => Isolation::Refused,
        _ => Isolation::Settled,
    }
}

/// Calls `changed` with the new state whenever it changes, until the listener is dropped.
pub fn watch(changed: impl Fn(Isolation) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "coi", move |_| {
        changed(current())
    }))
}

/// Reloads the page, which the service worker then serves with the isolation headers.
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
