//! Browser implementations of the engine's platform traits.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use futures::future::LocalBoxFuture;
use interleave::platform::{Clock, EventLoop, Progress, Source};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageChannel, Performance, RequestCache, RequestInit, Response, XmlHttpRequest,
    XmlHttpRequestResponseType,
};

thread_local! {
    // Every worker has its own `performance` with its own `timeOrigin`; reading both on the
    // calling thread puts every lane on one absolute (Unix epoch) clock.
    static PERFORMANCE: Option<(Performance, f64)> = Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<Performance>().ok())
        .map(|p| {
            let origin = p.time_origin();
            (p, origin)
        });
}

/// `performance.timeOrigin + performance.now()` of the calling thread, in µs: comparable across
/// the main thread and every worker. Its resolution is the browser's: 5 µs when the page is
/// cross-origin isolated, 100 µs when not.
#[derive(Clone, Copy, Debug, Default)]
pub struct PerfClock;

impl Clock for PerfClock {
    fn now_us(&self) -> f64 {
        PERFORMANCE.with(|p| match p {
            Some((perf, origin)) => (origin + perf.now()) * 1000.0,
            None => js_sys::Date::now() * 1000.0,
        })
    }
}

/// The event loop of the calling thread (window or worker). Yielding posts a message on a fresh
/// `MessageChannel`: a new task at the back of the queue (without the 4 ms clamp of nested
/// `setTimeout`s), so ready tasks take turns first-come first-served, as in asyncio. (Not
/// `scheduler.yield()`: its continuation jumps the queue, so one task would run to its end
/// while others' fetches wait.) Sleeping uses `setTimeout`.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserLoop;

impl EventLoop for BrowserLoop {
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        let promise = message_channel_turn();
        Box::pin(async move {
            // Neither promise rejects; if one ever did, the turn was still given.
            let _ = JsFuture::from(promise).await;
        })
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let promise = Promise::new(&mut |resolve, _| {
            let global = js_sys::global();
            if let Ok(set_timeout) =
                Reflect::get(&global, &"setTimeout".into()).and_then(|f| f.dyn_into::<Function>())
            {
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from_f64(ms.max(0.0)));
            } else {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        Box::pin(async move {
            let _ = JsFuture::from(promise).await;
        })
    }
}

fn message_channel_turn() -> Promise {
    Promise::new(&mut |resolve, reject| {
        let sent = MessageChannel::new().and_then(|channel| {
            channel.port1().set_onmessage(Some(&resolve));
            channel.port2().post_message(&JsValue::UNDEFINED)
        });
        if let Err(e) = sent {
            let _ = reject.call1(&JsValue::UNDEFINED, &e);
        }
    })
}

/// Progress kept in atomics, for whoever polls it (the page between turns, the engine worker
/// while rayon threads work).
#[derive(Debug, Default)]
pub struct AtomicProgress {
    done: AtomicU32,
    failed: AtomicU32,
}

impl AtomicProgress {
    /// Tasks finished so far, failed ones included.
    pub fn done(&self) -> u32 {
        self.done.load(Ordering::Relaxed)
    }

    /// Tasks that failed so far.
    pub fn failed(&self) -> u32 {
        self.failed.load(Ordering::Relaxed)
    }
}

impl Progress for AtomicProgress {
    fn task_done(&self, _task: u32, ok: bool) {
        if !ok {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

static FRESH: AtomicU64 = AtomicU64::new(0);

/// Images at URLs (the served sample library, or object URLs of the user's own files), fetched
/// for real every time: `cache: "no-store"` and, for http(s), a query that defeats any cache,
/// so repeated runs measure I/O rather than the HTTP cache.
#[derive(Clone, Debug)]
pub struct UrlSource {
    urls: Vec<String>,
}

impl UrlSource {
    /// Absolute URLs, one per task.
    pub fn new(urls: Vec<String>) -> UrlSource {
        UrlSource { urls }
    }

    fn url(&self, task: u32) -> Result<String, String> {
        let url = self
            .urls
            .get(task as usize)
            .ok_or_else(|| format!("no image {task}"))?;
        if url.starts_with("http") {
            let sep = if url.contains('?') { '&' } else { '?' };
            // Unique per request: a per-thread counter (the clock may repeat within a tick)
            // behind the time (other threads and workers count on their own).
            let n = FRESH.fetch_add(1, Ordering::Relaxed);
            Ok(format!("{url}{sep}fresh={}-{n}", PerfClock.now_us() as u64))
        } else {
            Ok(url.clone())
        }
    }
}

impl Source for UrlSource {
    fn len(&self) -> u32 {
        self.urls.len() as u32
    }

    fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
        Box::pin(async move {
            let url = self.url(task)?;
            let global = js_sys::global();
            let fetch: Function = Reflect::get(&global, &"fetch".into())
                .and_then(|f| f.dyn_into())
                .map_err(js_error)?;
            let init = RequestInit::new();
            init.set_cache(RequestCache::NoStore);
            let pending: Promise = fetch
                .call2(&global, &url.as_str().into(), &init)
                .map_err(js_error)?
                .unchecked_into();
            let response: Response = JsFuture::from(pending)
                .await
                .map_err(|e| fetch_error(&url, e))?
                .unchecked_into();
            if !response.ok() {
                return Err(format!("HTTP {} for {}", response.status(), shown(&url)));
            }
            let body = JsFuture::from(response.array_buffer().map_err(js_error)?)
                .await
                .map_err(js_error)?;
            Ok(Uint8Array::new(&body).to_vec())
        })
    }

    fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String> {
        let url = self.url(task)?;
        // A synchronous request: allowed in workers, and what a blocking thread does.
        let xhr = XmlHttpRequest::new().map_err(js_error)?;
        xhr.open_with_async("GET", &url, false).map_err(js_error)?;
        xhr.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
        xhr.send().map_err(|e| fetch_error(&url, e))?;
        let status = xhr.status().map_err(js_error)?;
        if !(200..300).contains(&status) {
            return Err(format!("HTTP {status} for {}", shown(&url)));
        }
        Ok(Uint8Array::new(&xhr.response().map_err(js_error)?).to_vec())
    }
}

fn shown(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

fn fetch_error(url: &str, e: JsValue) -> String {
    format!("cannot fetch {}: {}", shown(url), js_error(e))
}

/// The message of a JS error value.
pub fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
