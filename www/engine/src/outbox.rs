//! Where the engine's answers go. In a worker (the engine worker, a process) they are posted to
//! the page; in the instance the page runs on its own thread for the main-thread techniques
//! ([`crate::worker::Engine::on_page`]) they go to the callback the page gave it, as the same
//! typed messages, so that the page has one bridge for both.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::platform::js_error;
use crate::protocol::{to_js, FromWorker};

thread_local! {
    /// The page's callback, in the instance on the page's thread; `None` in a worker.
    static PAGE: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Sends this instance's answers to `callback` from now on.
pub(crate) fn to_page(callback: Function) {
    PAGE.with(|p| *p.borrow_mut() = Some(callback));
}

/// Whether this instance runs on the page's own thread.
pub(crate) fn on_page() -> bool {
    PAGE.with(|p| p.borrow().is_some())
}

/// Sends a message to the page.
pub(crate) fn post(msg: &FromWorker) {
    let sent = to_js(msg).and_then(|value| {
        // Cloned out: the callback may call back into this instance.
        match PAGE.with(|p| p.borrow().clone()) {
            Some(callback) => callback.call1(&JsValue::NULL, &value).map(drop),
            None => js_sys::global()
                .unchecked_into::<web_sys::DedicatedWorkerGlobalScope>()
                .post_message(&value),
        }
        .map_err(js_error)
    });
    if let Err(e) = sent {
        web_sys::console::error_1(&format!("cannot answer the page: {e}").into());
    }
}
