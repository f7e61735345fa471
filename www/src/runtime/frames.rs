//! Watches the page's main thread while a technique runs: the start of every animation frame
//! (`requestAnimationFrame`) and the long tasks the browser reports (`PerformanceObserver`,
//! "longtask", where supported). Each frame costs one push onto a vector: nothing is drawn or
//! dispatched until the run is over, so watching does not perturb what it watches.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use interleave::measure::Frames;
use interleave::platform::Clock;
use interleave_web::platform::PerfClock;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{PerformanceEntry, PerformanceObserver, PerformanceObserverEntryList};

/// Room for about a minute of frames at 60 Hz before the vector grows.
const RESERVED_FRAMES: usize = 4096;

type FrameCallback = Closure<dyn FnMut(f64)>;
type EntriesCallback = Closure<dyn FnMut(PerformanceObserverEntryList)>;

/// A watch in progress; [`Watch::stop`] ends it and gives what it saw.
pub struct Watch {
    start_us: f64,
    /// Page clock µs = `performance.now()` ms × 1000 + this (rAF and entries use the former).
    offset_us: f64,
    frames: Rc<RefCell<Vec<f64>>>,
    /// The pending frame request, so that stopping can cancel it.
    request: Rc<Cell<Option<i32>>>,
    /// The frame callback; it re-requests itself while this is set.
    callback: Rc<RefCell<Option<FrameCallback>>>,
    observer: Option<(PerformanceObserver, EntriesCallback)>,
    long_tasks: Rc<RefCell<Vec<(f64, f64)>>>,
    hidden: bool,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn hidden() -> bool {
    window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Whether this browser reports long tasks.
fn long_tasks_supported() -> bool {
    Reflect::get(&js_sys::global(), &"PerformanceObserver".into())
        .and_then(|po| Reflect::get(&po, &"supportedEntryTypes".into()))
        .ok()
        .and_then(|types| types.dyn_into::<Array>().ok())
        .is_some_and(|types| types.includes(&"longtask".into(), 0))
}

impl Watch {
    /// Starts watching now.
    pub fn start() -> Watch {
        let now_ms = window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now());
        let start_us = PerfClock.now_us();
        let mut watch = Watch {
            start_us,
            offset_us: start_us - now_ms * 1000.0,
            frames: Rc::new(RefCell::new(Vec::with_capacity(RESERVED_FRAMES))),
            request: Rc::default(),
            callback: Rc::default(),
            observer: None,
            long_tasks: Rc::default(),
            hidden: hidden(),
        };
        watch.watch_frames();
        if long_tasks_supported() {
            watch.watch_long_tasks();
        }
        watch
    }

    fn watch_frames(&mut self) {
        let (frames, request, callback) = (
            self.frames.clone(),
            self.request.clone(),
            self.callback.clone(),
        );
        let offset = self.offset_us;
        let again = callback.clone();
        *callback.borrow_mut() = Some(Closure::new(move |at_ms: f64| {
            frames.borrow_mut().push(at_ms * 1000.0 + offset);
            // Ask for the next frame while the watch lasts.
            let next = again.borrow();
            let id = next
                .as_ref()
                .zip(window())
                .and_then(|(cb, w)| w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
            request.set(id);
        }));
        let first = callback.borrow();
        let id = first
            .as_ref()
            .zip(window())
            .and_then(|(cb, w)| w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
        self.request.set(id);
    }

    fn watch_long_tasks(&mut self) {
        let (tasks, offset) = (self.long_tasks.clone(), self.offset_us);
        let on_entries = Closure::new(move |list: PerformanceObserverEntryList| {
            record(&tasks, &list.get_entries(), offset);
        });
        let Ok(observer) = PerformanceObserver::new(on_entries.as_ref().unchecked_ref()) else {
            return;
        };
        let init = web_sys::PerformanceObserverInit::new(&Array::of1(&"longtask".into()));
        observer.observe(&init);
        self.observer = Some((observer, on_entries));
    }

    /// Stops watching: the run ended now. Waits one task so that the browser can report the
    /// long task that just ended.
    pub async fn stop(self) -> Frames {
        let end_us = PerfClock.now_us();
        if let (Some(id), Some(w)) = (self.request.take(), window()) {
            let _ = w.cancel_animation_frame(id);
        }
        // No more frames are recorded from here; the closure is freed once no request is left.
        self.callback.borrow_mut().take();
        let hidden = self.hidden || hidden();
        super::browser::sleep(0).await;
        let supported = self.observer.is_some();
        if let Some((observer, _closure)) = &self.observer {
            record(&self.long_tasks, &observer.take_records(), self.offset_us);
            observer.disconnect();
        }
        let frames = std::mem::take(&mut *self.frames.borrow_mut());
        let long_tasks = std::mem::take(&mut *self.long_tasks.borrow_mut())
            .into_iter()
            .filter(|&(a, _)| a >= self.start_us && a < end_us)
            .collect();
        Frames {
            start_us: self.start_us,
            end_us,
            frames_us: frames,
            long_tasks,
            long_tasks_supported: supported,
            hidden,
        }
    }
}

fn record(tasks: &Rc<RefCell<Vec<(f64, f64)>>>, entries: &Array, offset_us: f64) {
    let mut tasks = tasks.borrow_mut();
    for entry in entries.iter() {
        if let Ok(e) = entry.dyn_into::<PerformanceEntry>() {
            let start = e.start_time() * 1000.0 + offset_us;
            tasks.push((start, start + e.duration() * 1000.0));
        }
    }
}

/// Resolves once the page has had a chance to draw (a frame, or 100 ms when frames are paused,
/// e.g. in a hidden tab) and a task later: what the last update changed is on screen, and its
/// cost is not charged to the run that starts next.
pub async fn settled() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.request_animation_frame(&resolve);
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    super::browser::sleep(0).await;
}
