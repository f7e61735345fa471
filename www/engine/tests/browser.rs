//! The browser implementations of the platform traits, in headless Chromium.
// Test code: a failed expectation should panic.
#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::rc::Rc;

use interleave::platform::{Clock, EventLoop, Progress, Source};
use interleave_web::platform::{AtomicProgress, BrowserLoop, PerfClock, UrlSource};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_clock_is_absolute_and_monotonic() {
    // Absolute: on the Unix epoch like Date.now(), so workers with other time origins agree.
    let (date_us, now) = (js_sys::Date::now() * 1000.0, PerfClock.now_us());
    assert!(
        (now - date_us).abs() < 50_000.0,
        "clock {now} vs Date {date_us}"
    );
    let mut last = now;
    for _ in 0..1000 {
        let t = PerfClock.now_us();
        assert!(t >= last);
        last = t;
    }
}

#[wasm_bindgen_test]
async fn a_yield_lets_tasks_queued_before_it_run_first() {
    // A task (a message) queued before the yield must run before the yield resumes: the
    // event loop, not just the microtask queue, got a turn, first come first served.
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    let channel = web_sys::MessageChannel::new().expect("a channel");
    let on_message = Closure::<dyn FnMut()>::new(move || flag.set(true));
    channel
        .port1()
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel
        .port2()
        .post_message(&JsValue::NULL)
        .expect("posted");
    BrowserLoop.yield_now().await;
    assert!(ran.get());
}

#[wasm_bindgen_test]
async fn yielding_lets_the_browser_render() {
    let window = web_sys::window().expect("a window");
    let rendered = Rc::new(Cell::new(false));
    let flag = rendered.clone();
    let on_frame = Closure::once(move || flag.set(true));
    window
        .request_animation_frame(on_frame.as_ref().unchecked_ref())
        .expect("requestAnimationFrame");
    // Busy work between yields, as a cooperative task does; give up after 10 s (a failure).
    let start = js_sys::Date::now();
    while !rendered.get() && js_sys::Date::now() - start < 10_000.0 {
        let t = js_sys::Date::now();
        while js_sys::Date::now() - t < 2.0 {}
        BrowserLoop.yield_now().await;
    }
    assert!(rendered.get(), "no frame was rendered between yields");
}

#[wasm_bindgen_test]
fn atomic_progress_counts_done_and_failed() {
    let p = AtomicProgress::default();
    p.task_done(0, true);
    p.task_done(1, false);
    p.task_done(2, true);
    assert_eq!((p.done(), p.failed()), (3, 1));
}

#[wasm_bindgen_test]
async fn sleeping_waits_at_least_as_long_as_asked() {
    let start = PerfClock.now_us();
    BrowserLoop.sleep(30.0).await;
    assert!(PerfClock.now_us() - start >= 29_000.0);
}

fn blob_url(bytes: &[u8]) -> String {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).expect("a blob");
    web_sys::Url::create_object_url_with_blob(&blob).expect("an object URL")
}

#[wasm_bindgen_test]
async fn a_url_source_fetches_for_real_and_reports_failures() {
    // A revoked object URL: the file is gone, as after a failed download.
    let gone = blob_url(b"gone");
    web_sys::Url::revoke_object_url(&gone).expect("revoked");
    let source = UrlSource::new(vec![blob_url(b"image bytes"), gone]);
    assert_eq!(source.len(), 2);
    assert_eq!(source.get(0).await.as_deref(), Ok(&b"image bytes"[..]));
    let err = source.get(1).await.unwrap_err();
    assert!(err.starts_with("cannot fetch"), "{err}");
    assert!(source.get(2).await.is_err());
}
