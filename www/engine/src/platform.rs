//! Browser implementations of the engine's platform traits.

use std::sync::atomic::{AtomicU32, Ordering};

use futures::future::LocalBoxFuture;
use interleave::platform::{Clock, Progress, Yielder};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageChannel, Performance};

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

/// Gives the event loop a turn: `scheduler.yield()` where the browser has it, else a message on a
/// fresh `MessageChannel` (a new task, without the 4 ms clamp of nested `setTimeout`s).
#[derive(Clone, Copy, Debug, Default)]
pub struct EventLoopYield;

impl Yielder for EventLoopYield {
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        let promise = scheduler_yield().unwrap_or_else(message_channel_turn);
        Box::pin(async move {
            // Neither promise rejects; if one ever did, the turn was still given.
            let _ = JsFuture::from(promise).await;
        })
    }
}

fn scheduler_yield() -> Option<Promise> {
    let scheduler = Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let yield_fn = Reflect::get(&scheduler, &"yield".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    yield_fn.call0(&scheduler).ok()?.dyn_into::<Promise>().ok()
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
