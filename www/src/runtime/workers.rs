//! The one owner of workers: the engine worker and process workers — starting them, their
//! message protocol (see `www/engine/worker.js`), crash handling and shutdown. Nothing else
//! touches `Worker`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use interleave::config::Config;
use interleave::pipeline::Thumbnail;
use interleave::technique::{Process, ProcessReply, Spawner, TechniqueKind};
use interleave::trace::{Span, Trace};
pub use interleave_web::platform::js_error;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::browser;
use crate::state::Thumb;

type Reply = Result<JsValue, String>;

struct Request {
    progress: Box<dyn Fn(u32)>,
    reply: oneshot::Sender<Reply>,
}

#[derive(Default)]
struct Inbox {
    next_id: u32,
    requests: HashMap<u32, Request>,
    /// Why the worker is unusable, once it crashed: later requests fail at once.
    crashed: Option<String>,
}

/// A worker running `worker.js`, started and ready. Dropping it terminates the worker.
pub struct EngineWorker {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    /// Whether the threaded build is running (else the plain one).
    pub threaded: bool,
    /// Threads in its rayon pool (1 without threads).
    pub threads: u32,
    /// Why the threaded build did not start, when it was asked for.
    pub threads_error: Option<String>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// A technique's result as the worker sends it.
pub struct WorkerOutput {
    /// The trace.
    pub trace: Trace,
    /// Per task: the thumbnail, or why the image failed.
    pub thumbs: Vec<Result<Thumb, String>>,
}

impl EngineWorker {
    /// Starts the worker: the threaded build with a pool of `threads` when `threaded`, else the
    /// plain build.
    pub async fn start(name: &str, threaded: bool, threads: u32) -> Result<EngineWorker, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name(name);
        let worker = Worker::new_with_options("./worker.js", &options).map_err(js_error)?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));

        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                deliver(&inbox, e.data())
            })
        };
        let on_error = {
            let inbox = inbox.clone();
            // A load or uncaught error kills every request in flight: fail them all, loudly.
            Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                let message = format!("the worker crashed: {}", e.message());
                let mut inbox = inbox.borrow_mut();
                for (_, r) in inbox.requests.drain() {
                    let _ = r.reply.send(Err(message.clone()));
                }
                inbox.crashed = Some(message);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        let mut engine = EngineWorker {
            worker,
            inbox,
            threaded: false,
            threads: 1,
            threads_error: None,
            _on_message: on_message,
            _on_error: on_error,
        };
        let ready = engine
            .request(
                "init",
                &[("threaded", threaded.into()), ("threads", threads.into())],
                |_| {},
            )
            .await?;
        engine.threaded = get(&ready, "threaded").is_truthy();
        engine.threads = get(&ready, "threads").as_f64().unwrap_or(1.0) as u32;
        engine.threads_error = get(&ready, "reason").as_string();
        Ok(engine)
    }

    /// Gives the worker its job: the configuration and the absolute URL of every image.
    pub async fn configure(&self, config: &Config, urls: &[String]) -> Result<(), String> {
        let json = serde_json::to_string(config).map_err(|e| e.to_string())?;
        let config = js_sys::JSON::parse(&json).map_err(js_error)?;
        let urls: Array = urls.iter().map(|u| JsValue::from_str(u)).collect();
        self.request(
            "configure",
            &[("config", config), ("urls", urls.into())],
            |_| {},
        )
        .await?;
        Ok(())
    }

    /// Whether the worker crashed (it is then never reused).
    pub fn crashed(&self) -> bool {
        self.inbox.borrow().crashed.is_some()
    }

    /// Runs `kind` on the configured job in the worker.
    pub async fn run(
        &self,
        kind: TechniqueKind,
        progress: impl Fn(u32) + 'static,
    ) -> Result<WorkerOutput, String> {
        let reply = self
            .request("run", &[("technique", kind.id().into())], progress)
            .await?;
        let result = get(&reply, "result");
        let trace_json = get(&result, "trace")
            .as_string()
            .ok_or("malformed result")?;
        let trace: Trace = serde_json::from_str(&trace_json).map_err(|e| e.to_string())?;
        let errors = Array::from(&get(&result, "errors"));
        let thumbs = Array::from(&get(&result, "thumbs"))
            .iter()
            .zip(errors.iter())
            .map(|(png, error)| match png.dyn_into::<Uint8Array>() {
                Ok(png) => browser::thumb(png.to_vec()),
                Err(_) => Err(error.as_string().unwrap_or_else(|| "failed".into())),
            })
            .collect();
        Ok(WorkerOutput { trace, thumbs })
    }

    /// Runs one task as a process (see [`ProcessSpawner`]).
    async fn task(&self, task: u32) -> Result<ProcessReply, String> {
        let reply = self
            .request("task", &[("task", task.into())], |_| {})
            .await?;
        let result = get(&reply, "result");
        let spans_json = get(&result, "spans").as_string().ok_or("malformed reply")?;
        let spans: Vec<Span> = serde_json::from_str(&spans_json).map_err(|e| e.to_string())?;
        let outcome = match get(&result, "png").dyn_into::<Uint8Array>() {
            // The copy into this thread's memory is part of what a process costs.
            Ok(png) => Ok(Thumbnail {
                width: 0,
                height: 0,
                png: png.to_vec(),
            }),
            Err(_) => Err(get(&result, "error")
                .as_string()
                .unwrap_or_else(|| "failed".into())),
        };
        let sent_us = get(&result, "sent_us").as_f64().unwrap_or(f64::NAN);
        Ok(ProcessReply {
            spans,
            outcome,
            sent_us,
        })
    }

    async fn request(
        &self,
        kind: &str,
        fields: &[(&str, JsValue)],
        progress: impl Fn(u32) + 'static,
    ) -> Reply {
        if let Some(crashed) = &self.inbox.borrow().crashed {
            return Err(crashed.clone());
        }
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut inbox = self.inbox.borrow_mut();
            inbox.next_id += 1;
            let id = inbox.next_id;
            inbox.requests.insert(
                id,
                Request {
                    progress: Box::new(progress),
                    reply: tx,
                },
            );
            id
        };
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &kind.into());
        let _ = Reflect::set(&msg, &"id".into(), &id.into());
        for (k, v) in fields {
            let _ = Reflect::set(&msg, &(*k).into(), v);
        }
        if let Err(e) = self.worker.post_message(&msg) {
            self.inbox.borrow_mut().requests.remove(&id);
            return Err(js_error(e));
        }
        rx.await
            .unwrap_or_else(|_| Err("the engine worker stopped".into()))
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.terminate();
        for (_, r) in self.inbox.borrow_mut().requests.drain() {
            let _ = r.reply.send(Err("the engine worker was stopped".into()));
        }
    }
}

fn deliver(inbox: &Rc<RefCell<Inbox>>, data: JsValue) {
    let id = get(&data, "id").as_f64().unwrap_or(-1.0) as u32;
    let kind = get(&data, "type").as_string().unwrap_or_default();
    if kind == "progress" {
        let done = get(&data, "done").as_f64().unwrap_or(0.0) as u32;
        if let Some(r) = inbox.borrow().requests.get(&id) {
            (r.progress)(done);
        }
        return;
    }
    let Some(request) = inbox.borrow_mut().requests.remove(&id) else {
        return;
    };
    let reply = if kind == "error" {
        Err(get(&data, "message")
            .as_string()
            .unwrap_or_else(|| "unknown error".into()))
    } else {
        Ok(data)
    };
    let _ = request.reply.send(reply);
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Starts process workers: each a plain-engine worker with its own wasm instance and memory,
/// given the job once; tasks and results then cross as messages.
pub struct ProcessSpawner {
    /// The run's configuration.
    pub config: Config,
    /// The absolute URL of every image.
    pub urls: Vec<String>,
}

struct WorkerProcess(EngineWorker);

impl Process for WorkerProcess {
    fn run(&self, task: u32) -> LocalBoxFuture<'_, Result<ProcessReply, String>> {
        Box::pin(self.0.task(task))
    }
}

impl Spawner for ProcessSpawner {
    fn spawn(&self, lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>> {
        Box::pin(async move {
            let worker = EngineWorker::start(&format!("process {lane}"), false, 1).await?;
            worker.configure(&self.config, &self.urls).await?;
            Ok(Box::new(WorkerProcess(worker)) as Box<dyn Process>)
        })
    }
}
