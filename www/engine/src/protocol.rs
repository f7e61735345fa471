//! The one message protocol between the page and its workers (the engine worker and process
//! workers), typed on both sides and carried by `serde-wasm-bindgen`: no hand-built objects.
//!
//! Every request carries an `id`; the worker answers it once (`Ready`, `Configured`, `Ran`,
//! `TaskDone` or `Error`), may send `Progress` for it before that (a task: `Slot` and `Release`
//! for its connection slot, which the page answers with `Grant`), and sends `Panic` (with no id)
//! when its Rust code panicked: the worker is dead from then on.

use std::sync::Arc;

use interleave::config::Config;
use interleave::measure::MemorySample;
use interleave::platform::{MemorySource, Source};
use interleave::technique::TechniqueKind;
use interleave::trace::{Span, Trace};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use wasm_bindgen::{JsCast, JsValue};

use crate::platform::UrlSource;

/// Names one request, so that its answer finds it.
pub type RequestId = u32;

/// What the page asks of a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToWorker {
    /// Load the threaded build with a pool of `threads` (when `threaded` and allowed), else the
    /// plain build. Answered by `worker.js` itself, which loads the build.
    Init {
        /// The request.
        id: RequestId,
        /// Whether to try the threaded build.
        threaded: bool,
        /// Threads of its rayon pool (0: none, as in a process).
        threads: u32,
    },
    /// The job: the configuration and every image.
    Configure {
        /// The request.
        id: RequestId,
        /// The run's configuration.
        config: Config,
        /// One image per task.
        images: Images,
        /// Test-only: a fault to inject, to test crash and hang recovery.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<Fault>,
    },
    /// Run a technique on the configured job (sequential, threads or the global lock).
    Run {
        /// The request.
        id: RequestId,
        /// Which technique.
        technique: TechniqueKind,
    },
    /// Run one task as a process does.
    Task {
        /// The request.
        id: RequestId,
        /// The task.
        task: u32,
    },
    /// A connection slot for task request `id`, which asked for one with `Slot`.
    Grant {
        /// The task request.
        id: RequestId,
    },
    /// Stop request `id` at the next stage boundary or band and answer it with what is done.
    Cancel {
        /// The request to stop.
        id: RequestId,
    },
}

/// Where a job's images come from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Images {
    /// Absolute URLs of the page's sample library, fetched for real each time.
    Urls {
        /// One per task.
        urls: Vec<String>,
    },
    /// The user's own files, read when the run began (a strict CSP forbids fetching `blob:`
    /// URLs, and rayon threads could not reach a page's `File` anyway): "fetching" one copies
    /// it, under the simulated network. A file that could not be read fails its task.
    Files {
        /// One per task: the bytes, or why they could not be read.
        files: Vec<Result<serde_bytes::ByteBuf, String>>,
    },
}

impl Images {
    /// The first `n` images (a warm-up's).
    pub fn head(&self, n: usize) -> Images {
        match self {
            Images::Urls { urls } => Images::Urls {
                urls: urls.iter().take(n).cloned().collect(),
            },
            Images::Files { files } => Images::Files {
                files: files.iter().take(n).cloned().collect(),
            },
        }
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        match self {
            Images::Urls { urls } => urls.len(),
            Images::Files { files } => files.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The engine's source of these images.
    pub fn source(self) -> Arc<dyn Source> {
        match self {
            Images::Urls { urls } => Arc::new(UrlSource::new(urls)),
            Images::Files { files } => Arc::new(MemorySource(
                files
                    .into_iter()
                    .map(|f| f.map(ByteBuf::into_vec))
                    .collect(),
            )),
        }
    }
}

/// Test-only: what goes wrong, and at which task, in a worker's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// The task whose fetch goes wrong.
    pub task: u32,
    /// Spin for ever (the worker stops answering) instead of panicking.
    pub hang: bool,
}

/// A thumbnail as it crosses: its PNG file (a `Uint8Array`, not an array of numbers).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Png {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file.
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// One task's result: the thumbnail, or why the image failed.
pub type TaskOutcome = Result<Png, String>;

/// What a worker tells the page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The worker loaded a build.
    Ready {
        /// The request.
        id: RequestId,
        /// Whether the threaded build runs.
        threaded: bool,
        /// Threads in its pool (1 without threads).
        threads: u32,
        /// Why the threaded build did not start, when it was asked for.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The job is set.
    Configured {
        /// The request.
        id: RequestId,
        /// The worker's wasm memory then, bytes.
        #[serde(default)]
        memory: f64,
    },
    /// Tasks finished so far.
    Progress {
        /// The request.
        id: RequestId,
        /// Finished tasks, failed ones included.
        done: u32,
    },
    /// A technique's run ended (all tasks, or as many as ran before a cancel).
    Ran {
        /// The request.
        id: RequestId,
        /// What ran when and where.
        trace: Trace,
        /// One per task.
        outcomes: Vec<TaskOutcome>,
        /// The worker's wasm memory (the threaded build's is shared by its pool) when the run
        /// began, its largest while it ran (sampled after every task), and at the end, bytes.
        #[serde(default)]
        memory: MemorySample,
    },
    /// A process task ended.
    TaskDone {
        /// The request.
        id: RequestId,
        /// The spans the process recorded (lanes are the page's to set).
        spans: Vec<Span>,
        /// The thumbnail, or why the image failed.
        outcome: TaskOutcome,
        /// When the reply was sent, µs: the transfer starts there.
        sent_us: f64,
        /// The process's wasm memory at the end of the task, bytes.
        #[serde(default)]
        memory: f64,
    },
    /// Task request `id` needs a connection slot of the run's (answered with `Grant`): the
    /// connection limit holds across processes.
    Slot {
        /// The task request.
        id: RequestId,
    },
    /// Task request `id` is done with its slot.
    Release {
        /// The task request.
        id: RequestId,
    },
    /// The request failed.
    Error {
        /// The request.
        id: RequestId,
        /// Why.
        message: String,
    },
    /// The worker's code panicked: it is dead, every request in it fails.
    Panic {
        /// The panic message.
        message: String,
    },
}

/// The size of the calling thread's wasm memory, bytes (shared by every thread of the
/// threaded build). A wasm memory only grows: this is also the largest it has been.
pub fn memory_bytes() -> f64 {
    let buffer = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer();
    // An ArrayBuffer, or a SharedArrayBuffer for a shared memory: both have byteLength.
    js_sys::Reflect::get(&buffer, &"byteLength".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// Serialises a message for `postMessage` (structs as plain objects).
pub fn to_js<T: Serialize>(msg: &T) -> Result<JsValue, String> {
    msg.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| e.to_string())
}

/// Reads a message received by `onmessage`.
pub fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("malformed message: {e}"))
}
