//! Small browser facts and helpers the runtime and views share.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlAnchorElement, Url};

use std::rc::Rc;

use gloo_file::ObjectUrl;
use interleave::pipeline::Thumbnail;
use interleave::technique::Outcome;
use interleave::trace::Trace;
use interleave_web::protocol::Images;

use crate::state::{Capabilities, Finished, OwnFile, Thumb};

/// A thumbnail ready to show.
pub fn thumb(t: Thumbnail) -> Thumb {
    Thumb {
        width: t.width,
        height: t.height,
        png: Rc::new(t.png),
    }
}

/// A technique's result, ready to show.
pub fn finished(trace: Trace, outcomes: Vec<Outcome>, build: &'static str) -> Finished {
    Finished {
        trace,
        thumbs: outcomes.into_iter().map(|o| o.map(thumb)).collect(),
        build,
        frames: None,
        memory: None,
    }
}

/// `path` resolved against the page's URL (workers resolve against their script instead).
pub fn absolute(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    match base.and_then(|b| Url::new_with_base(path, &b).ok()) {
        Some(url) => url.href(),
        None => path.to_string(),
    }
}

/// Reads what the browser offers, and if threads cannot run, why and how to fix it.
pub fn capabilities() -> Capabilities {
    let window = web_sys::window();
    let cores = window
        .as_ref()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .filter(|&n| n > 0)
        .unwrap_or(1);
    let global = js_sys::global();
    let isolated = Reflect::get(&global, &"crossOriginIsolated".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false);
    let shared_memory = Reflect::get(&global, &"SharedArrayBuffer".into())
        .map(|v| v.is_function())
        .unwrap_or(false);
    let framed = window
        .as_ref()
        .and_then(|w| w.top().ok().flatten().map(|top| top != *w))
        .unwrap_or(true);
    // Said once at the top of the page: both conditions, the one that applies here first.
    let headers = "this page's server must send Cross-Origin-Opener-Policy: same-origin and \
        Cross-Origin-Embedder-Policy: require-corp (or Document-Isolation-Policy: \
        isolate-and-require-corp, in Chromium 137+)";
    let embedder = "the embedding page must itself be cross-origin isolated and give the \
        iframe allow=\"cross-origin-isolated\"";
    let threads_unavailable = if isolated && shared_memory {
        None
    } else if framed {
        Some(format!(
            "Threads need shared memory, which the browser gives only to a cross-origin isolated \
             page. This page is in a frame: {embedder}; and {headers}."
        ))
    } else {
        Some(format!(
            "Threads need shared memory, which the browser gives only to a cross-origin isolated \
             page: {headers} (`cargo xtask serve` does); in a frame, {embedder} too."
        ))
    };
    Capabilities {
        cores,
        isolated,
        threads_unavailable,
    }
}

/// Offers `bytes` as a file download named `name` (a download, which a CSP does not govern; the
/// object URL is revoked when `url` drops).
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    download_blob(name, gloo_file::Blob::new_with_options(bytes, Some(mime)))
}

/// Offers `blob` as a file download named `name`, as [`download`] does.
pub fn download_blob(name: &str, blob: impl Into<gloo_file::Blob>) -> Result<(), JsValue> {
    let url = ObjectUrl::from(blob.into());
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    Ok(())
}

/// Reads the user's files for a run, in task order; a file that cannot be read (moved,
/// deleted, no permission) fails its own task only.
pub async fn read_files(own: &[OwnFile]) -> Images {
    let mut files = Vec::with_capacity(own.len());
    for f in own {
        let blob = gloo_file::Blob::from(f.file.clone());
        files.push(
            gloo_file::futures::read_as_bytes(&blob)
                .await
                .map(serde_bytes::ByteBuf::from)
                .map_err(|e| format!("{}: cannot read the file ({e})", f.name)),
        );
    }
    Images::Files { files }
}

/// Sets `data-run-state` on the document's root element, where tests and embedders read it,
/// and `data-wasm-bytes`: the size of the page's wasm memory then (it only grows, so a leak
/// shows there).
pub fn set_run_state(state: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let bytes = memory
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length();
        let _ = root.set_attribute("data-wasm-bytes", &bytes.to_string());
        let _ = root.set_attribute("data-run-state", state);
    }
}

/// Resolves after `ms` milliseconds (a macrotask later).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Replaces the page URL's query (no reload, no history entry) so the link reproduces the run.
pub fn set_query(query: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let path = w.location().pathname().unwrap_or_default();
            let _ = history.replace_state_with_url(
                &JsValue::NULL,
                "",
                Some(&format!("{path}?{query}")),
            );
        }
    }
}

/// The page URL's query string.
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}
