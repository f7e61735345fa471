//! Exports of the engine worker and of process workers (both run `worker.js`): the techniques
//! that run off the main thread. `www/src/runtime/workers.rs` owns these workers.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use interleave::config::Config;
use interleave::platform::{Cancel, Progress};
use interleave::technique::{process_task, Env, Job, RunOutput, Sequential, Technique};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::platform::{BrowserLoop, PerfClock, UrlSource};

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Name of the worker's own lane in traces.
const HOME: &str = "engine worker";

/// The engine as a worker holds it: the configured job, ready to run.
#[wasm_bindgen]
pub struct Engine {
    job: Option<Job>,
}

#[wasm_bindgen]
impl Engine {
    /// A new engine with no job.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Engine {
        console_error_panic_hook::set_once();
        Engine { job: None }
    }

    /// Whether this build runs threads (the atomics build, loaded only when cross-origin isolated).
    pub fn threaded() -> bool {
        cfg!(feature = "threads")
    }

    /// Sets the job: a configuration (JSON of `interleave::config::Config`) and the absolute
    /// URL of each image.
    pub fn configure(&mut self, config_json: &str, urls: Vec<String>) -> Result<(), JsError> {
        let config: Config = serde_json::from_str(config_json)?;
        self.job = Some(Job {
            source: Arc::new(UrlSource::new(urls)),
            spec: config.thumb_spec(),
            network: config.network,
            seed: config.seed,
        });
        Ok(())
    }

    /// Runs the job one image after another on this worker's thread; resolves to the result.
    /// Posts `{type: "progress", id, done}` to the page after each image.
    pub fn run_sequential(&self, id: u32) -> Result<Promise, JsError> {
        let job = self.job()?;
        Ok(future_to_promise(async move {
            let progress = PostedProgress {
                id,
                done: AtomicU32::new(0),
            };
            let env = Env {
                clock: &PerfClock,
                events: &BrowserLoop,
                progress: &progress,
                cancel: &Cancel::default(),
                home: HOME,
            };
            let out = Sequential::IN_WORKER.run(&job, &env).await;
            output_to_js(out).map_err(JsValue::from)
        }))
    }

    /// Runs one task as a process does (fetch, then the CPU stages) and resolves to
    /// `{spans: string (JSON), png: Uint8Array | null, error: string | null}`.
    pub fn run_task(&self, task: u32) -> Result<Promise, JsError> {
        let job = self.job()?;
        Ok(future_to_promise(async move {
            let env = Env {
                clock: &PerfClock,
                events: &BrowserLoop,
                progress: &interleave::platform::NoProgress,
                cancel: &Cancel::default(),
                home: "process",
            };
            let reply = process_task(&job, &env, task).await;
            let obj = Object::new();
            let spans =
                serde_json::to_string(&reply.spans).map_err(|e| JsValue::from(e.to_string()))?;
            let (png, error) = split(reply.outcome);
            set(&obj, "spans", &spans.into())?;
            set(&obj, "png", &png)?;
            set(&obj, "error", &error)?;
            Ok(obj.into())
        }))
    }

    /// Starts the job on the rayon pool (`technique`: "threads" or "gil") and returns at once;
    /// poll the returned run.
    #[cfg(feature = "threads")]
    pub fn start_parallel(&self, technique: &str) -> Result<threads::ParallelRun, JsError> {
        let gil = match technique {
            "threads" => false,
            "gil" => true,
            other => return Err(JsError::new(&format!("“{other}” does not run on the pool"))),
        };
        Ok(threads::ParallelRun::start(self.job()?, gil))
    }
}

impl Engine {
    fn job(&self) -> Result<Job, JsError> {
        self.job
            .clone()
            .ok_or_else(|| JsError::new("the engine has no job yet"))
    }
}

/// Posts progress to the page straight from the worker thread.
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
        let _ = set(&msg, "type", &"progress".into())
            .and_then(|_| set(&msg, "id", &self.id.into()))
            .and_then(|_| set(&msg, "done", &done.into()))
            .and_then(|_| Reflect::get(&global, &"postMessage".into()))
            .and_then(|post| {
                post.unchecked_into::<js_sys::Function>()
                    .call1(&global, &msg)
            });
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &key.into(), value).map(drop)
}

/// A task's outcome as (PNG bytes or null, error or null).
fn split(outcome: interleave::technique::Outcome) -> (JsValue, JsValue) {
    match outcome {
        Ok(t) => (Uint8Array::from(t.png.as_slice()).into(), JsValue::NULL),
        Err(e) => (JsValue::NULL, e.into()),
    }
}

/// `{trace: string (JSON), thumbs: (Uint8Array | null)[], errors: (string | null)[]}`.
fn output_to_js(out: RunOutput) -> Result<JsValue, JsError> {
    let (thumbs, errors) = (Array::new(), Array::new());
    for outcome in out.outcomes {
        let (png, error) = split(outcome);
        thumbs.push(&png);
        errors.push(&error);
    }
    let obj = Object::new();
    set(&obj, "trace", &serde_json::to_string(&out.trace)?.into())
        .and_then(|_| set(&obj, "thumbs", &thumbs))
        .and_then(|_| set(&obj, "errors", &errors))
        .map_err(|_| JsError::new("cannot build the result object"))?;
    Ok(obj.into())
}

#[cfg(feature = "threads")]
mod threads {
    use std::sync::{Arc, Mutex};

    use interleave::platform::Cancel;
    use interleave::technique::{Gil, Job, RunOutput, Threads};
    use wasm_bindgen::prelude::*;

    use super::output_to_js;
    use crate::platform::{AtomicProgress, PerfClock};

    #[derive(Default)]
    struct Shared {
        progress: AtomicProgress,
        cancel: Cancel,
        output: Mutex<Option<RunOutput>>,
    }

    /// A run in progress on the rayon pool. The worker's own thread never blocks on it: it
    /// polls, so it stays free to answer the page.
    #[wasm_bindgen]
    pub struct ParallelRun {
        shared: Arc<Shared>,
    }

    impl ParallelRun {
        pub(super) fn start(job: Job, gil: bool) -> ParallelRun {
            let shared = Arc::new(Shared::default());
            let run = shared.clone();
            rayon::spawn(move || {
                let out = if gil {
                    Gil.run_sync(&job, &PerfClock, &run.progress, &run.cancel)
                } else {
                    Threads.run_sync(&job, &PerfClock, &run.progress, &run.cancel)
                };
                if let Ok(mut slot) = run.output.lock() {
                    *slot = Some(out);
                }
            });
            ParallelRun { shared }
        }
    }

    #[wasm_bindgen]
    impl ParallelRun {
        /// Tasks finished so far.
        pub fn done(&self) -> u32 {
            self.shared.progress.done()
        }

        /// The result once the run has finished (as `Engine::run_sequential` resolves to),
        /// else `null`. Never blocks.
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
