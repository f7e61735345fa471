//! Links for sharing: the page's address with a query, and copying text to the clipboard.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The page's own address (origin and path, no query) followed by `?query`.
pub fn page_url(query: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let origin = location
        .as_ref()
        .and_then(|l| l.origin().ok())
        .unwrap_or_default();
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_else(|| "/".into());
    format!("{origin}{path}?{query}")
}

/// Writes `text` to the clipboard. Fails where the browser offers no clipboard or refuses it —
/// e.g. in a frame not allowed `clipboard-write`, or on a page that is not a secure context —
/// with the browser's reason; the caller then shows the text to copy by hand.
pub async fn copy(text: &str) -> Result<(), String> {
    let navigator = web_sys::window()
        .map(|w| JsValue::from(w.navigator()))
        .ok_or("no window")?;
    // Looked up by name: `navigator.clipboard` is missing outside secure contexts.
    let clipboard = Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|c| c.is_object())
        .ok_or("this browser offers no clipboard here")?;
    let write = Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("this browser cannot write text to the clipboard")?;
    let promise: Promise = write
        .call1(&clipboard, &text.into())
        .map_err(reason)?
        .dyn_into()
        .map_err(reason)?;
    JsFuture::from(promise).await.map(drop).map_err(reason)
}

fn reason(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the clipboard refused".into())
}
