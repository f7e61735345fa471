//! Exports of the engine worker: the sample batch, and the techniques that run off the main
//! thread. `worker.js` calls these; `www/src/runtime/engine.rs` owns the worker.

use std::sync::atomic::{AtomicU32, Ordering};

use interleave::config::Config;
use interleave::images;
use interleave::platform::{Cancel, Progress};
use interleave::technique::{Job, RunOutput, Sequential};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::platform::PerfClock;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Name of the worker's own lane in traces.
const HOME: &str = "engine worker";

/// The engine as the worker holds it: the current batch, ready to run.
#[wasm_bindgen]
pub struct Engine {
    config: Config,
    sources: Vec<Vec<u8>>,
}

#[wasm_bindgen]
impl Engine {
    /// A new engine with an empty batch.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Engine {
        console_error_panic_hook::set_once();
        Engine {
            config: Config::default(),
            sources: Vec::new(),
        }
    }

    /// Whether this build runs threads (the atomics build, loaded only when cross-origin isolated).
    pub fn threaded() -> bool {
        cfg!(feature = "threads")
    }

    /// Takes a configuration (JSON of `interleave::config::Config`) and empties the batch.
    /// Returns how many sample images it asks for.
    pub fn configure(&mut self, config_json: &str) -> Result<u32, JsError> {
        self.config = serde_json::from_str(config_json)?;
        self.sources.clear();
        Ok(self.config.images)
    }

    /// Makes sample `index` of the configured batch, keeps it, and returns a copy of its bytes.
    pub fn make_sample(&mut self, index: u32) -> Vec<u8> {
        let bytes = images::sample_jpeg(&self.config.samples(), index);
        self.sources.push(bytes.clone());
        bytes
    }

    /// Runs the batch one image after another on this worker's thread. Posts
    /// `{type: "progress", id, done}` to the page after each image.
    pub fn run_sequential(&self, id: u32) -> Result<JsValue, JsError> {
        let progress = PostedProgress {
            id,
            done: AtomicU32::new(0),
        };
        let out = Sequential.run_sync(&self.job(), &PerfClock, &progress, &Cancel::default(), HOME);
        output_to_js(out)
    }

    /// Starts the batch on the rayon pool and returns at once; poll the returned run.
    #[cfg(feature = "threads")]
    pub fn start_threads(&self) -> threads::ThreadsRun {
        threads::ThreadsRun::start(self.job())
    }
}

impl Engine {
    fn job(&self) -> Job {
        Job {
            sources: self.sources.clone(),
            spec: self.config.thumb_spec(),
        }
    }
}

/// Posts progress to the page straight from the running (blocked) worker thread.
struct PostedProgress {
    id: u32,
    done: AtomicU32,
}

impl Progress for PostedProgress {
    fn task_done(&self, _task: u32, _ok: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let msg = Object::new();
        let global = js_sys::global();
        // Best effort: a lost progress message only delays the bar, never the result.
        let _ = Reflect::set(&msg, &"type".into(), &"progress".into())
            .and_then(|_| Reflect::set(&msg, &"id".into(), &self.id.into()))
            .and_then(|_| Reflect::set(&msg, &"done".into(), &done.into()))
            .and_then(|_| Reflect::get(&global, &"postMessage".into()))
            .and_then(|post| {
                post.unchecked_into::<js_sys::Function>()
                    .call1(&global, &msg)
            });
    }
}

/// `{trace: string (JSON), thumbs: (Uint8Array | null)[], errors: (string | null)[]}`.
fn output_to_js(out: RunOutput) -> Result<JsValue, JsError> {
    let (thumbs, errors) = (Array::new(), Array::new());
    for outcome in out.outcomes {
        match outcome {
            Ok(t) => {
                thumbs.push(&Uint8Array::from(t.png.as_slice()));
                errors.push(&JsValue::NULL);
            }
            Err(e) => {
                thumbs.push(&JsValue::NULL);
                errors.push(&e.into());
            }
        }
    }
    let obj = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&obj, &k.into(), v).map(drop);
    set("trace", &serde_json::to_string(&out.trace)?.into())
        .and_then(|_| set("thumbs", &thumbs))
        .and_then(|_| set("errors", &errors))
        .map_err(|_| JsError::new("cannot build the result object"))?;
    Ok(obj.into())
}

#[cfg(feature = "threads")]
mod threads {
    use std::sync::{Arc, Mutex};

    use interleave::technique::{Job, RunOutput, Threads};
    use wasm_bindgen::prelude::*;

    use super::output_to_js;
    use crate::platform::{AtomicProgress, PerfClock};
    use interleave::platform::Cancel;

    #[derive(Default)]
    struct Shared {
        progress: AtomicProgress,
        cancel: Cancel,
        output: Mutex<Option<RunOutput>>,
    }

    /// A threads run in progress on the rayon pool. The worker's own thread never blocks on it:
    /// it polls, so it stays free to answer the page.
    #[wasm_bindgen]
    pub struct ThreadsRun {
        shared: Arc<Shared>,
    }

    impl ThreadsRun {
        pub(super) fn start(job: Job) -> ThreadsRun {
            let shared = Arc::new(Shared::default());
            let run = shared.clone();
            rayon::spawn(move || {
                let out = Threads.run_sync(&job, &PerfClock, &run.progress, &run.cancel);
                if let Ok(mut slot) = run.output.lock() {
                    *slot = Some(out);
                }
            });
            ThreadsRun { shared }
        }
    }

    #[wasm_bindgen]
    impl ThreadsRun {
        /// Tasks finished so far.
        pub fn done(&self) -> u32 {
            self.shared.progress.done()
        }

        /// The result once the run has finished (as `Engine::run_sequential` returns it), else
        /// `null`. Never blocks.
        pub fn finish(&self) -> Result<JsValue, JsError> {
            let taken = match self.shared.output.try_lock() {
                Ok(mut slot) => slot.take(),
                Err(_) => None,
            };
            taken.map_or(Ok(JsValue::NULL), output_to_js)
        }

        /// Asks the run to skip the tasks it has not started.
        pub fn cancel(&self) {
            self.shared.cancel.cancel();
        }
    }
}
