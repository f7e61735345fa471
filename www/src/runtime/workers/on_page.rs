//! The engine instance on the page's own thread, for the techniques that run there (sequential
//! on the main thread, cooperative tasks). It is the workers' own build, loaded into the page:
//! every technique is then measured on the same code, the pipeline is downloaded once, and a
//! panic in it fails a technique, not the page.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::inbox::{deliver, Inbox};
use super::{js_error, Port, WorkerBridge};
use crate::runtime::browser;

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    /// `import(url)`: a module the page's own script cannot name statically.
    #[wasm_bindgen(catch)]
    fn import_module(url: &str) -> Result<Promise, JsValue>;
}

/// The most engine instances a page loads: each replaces one that crashed, and a module is
/// never unloaded, so its memory stays until the page closes. An image that crashes the engine
/// every time would otherwise cost an instance a run.
pub const MAX_INSTANCES: u32 = 4;

impl WorkerBridge {
    /// Loads an engine build on this thread: the threaded one when `threaded` (and it starts),
    /// else the plain one. `instance` makes each call a fresh instance (a module URL with a
    /// new query is a new module; its files come from the cache), since a crashed one is
    /// never reused.
    pub async fn on_page(threaded: bool, instance: u32) -> Result<WorkerBridge, String> {
        if instance > MAX_INSTANCES {
            return Err(format!(
                "it crashed {} times on this page, whose memory it keeps: reload the page to run \
                 it again",
                MAX_INSTANCES
            ));
        }
        let first = if threaded { "threaded" } else { "plain" };
        let mut started = load(first, instance).await;
        let mut threads_error = None;
        if threaded {
            if let Err(e) = &started {
                threads_error = Some(format!("the threaded build did not start on the page: {e}"));
                started = load("plain", instance).await;
            }
        }
        let engine_class = started?;
        let inbox = Inbox::new("the engine on the page");
        // Owned by the engine instance from here on (a late answer must still find it).
        let outbox = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |data| deliver(&inbox, data)).into_js_value()
        };
        let on_page: Function = get(&engine_class, "on_page")?
            .dyn_into()
            .map_err(js_error)?;
        let engine = on_page.call1(&engine_class, &outbox).map_err(js_error)?;
        let handle: Function = get(&engine, "handle")?.dyn_into().map_err(js_error)?;
        let threaded_fn: Function = get(&engine_class, "threaded")?
            .dyn_into()
            .map_err(js_error)?;
        let is_threaded = threaded_fn
            .call0(&engine_class)
            .map_err(js_error)?
            .as_bool()
            .unwrap_or(false);
        Ok(WorkerBridge {
            port: Port::Page { engine, handle },
            inbox,
            threaded: is_threaded,
            threads: 1,
            threads_error,
            _on_message: None,
            _on_error: None,
        })
    }
}

/// Imports and instantiates `pkg/<build>/interleave_web.js`; answers its `Engine` class.
async fn load(build: &str, instance: u32) -> Result<JsValue, String> {
    let url = browser::absolute(&format!(
        "pkg/{build}/interleave_web.js?instance={instance}"
    ));
    let module = JsFuture::from(import_module(&url).map_err(js_error)?)
        .await
        .map_err(js_error)?;
    let init: Function = get(&module, "default")?.dyn_into().map_err(js_error)?;
    let started = init.call0(&JsValue::UNDEFINED).map_err(js_error)?;
    JsFuture::from(Promise::resolve(&started))
        .await
        .map_err(js_error)?;
    get(&module, "Engine")
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, String> {
    Reflect::get(target, &key.into()).map_err(js_error)
}
