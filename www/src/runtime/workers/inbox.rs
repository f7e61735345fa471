//! The requests in flight to one worker, and how the worker's messages reach them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use interleave::pipeline::Thumbnail;
use interleave::platform::Clock;
use interleave::technique::Outcome;
use interleave_web::platform::PerfClock;
use interleave_web::protocol::{from_js, FromWorker, RequestId, TaskOutcome};
use wasm_bindgen::JsValue;

/// What a task does with its connection slot: asks for one (`true`) or gives it back.
pub(super) type SlotHandler = Rc<dyn Fn(RequestId, bool)>;

pub(super) struct Pending {
    pub progress: Rc<dyn Fn(u32)>,
    pub slots: Option<SlotHandler>,
    pub reply: oneshot::Sender<Result<FromWorker, String>>,
}

#[derive(Default)]
pub(super) struct Inbox {
    pub next_id: RequestId,
    pub requests: HashMap<RequestId, Pending>,
    /// When the worker last said anything, µs.
    pub heard_us: f64,
    /// Why the worker is unusable: every request fails at once from then on.
    pub dead: Option<String>,
    /// What its messages call it: "the worker", or "the engine on the page".
    pub who: &'static str,
}

impl Inbox {
    /// An empty inbox for an engine its messages call `who`, heard from now.
    pub fn new(who: &'static str) -> Rc<RefCell<Inbox>> {
        Rc::new(RefCell::new(Inbox {
            heard_us: PerfClock.now_us(),
            who,
            ..Inbox::default()
        }))
    }

    /// The worker is gone: fail every request in flight with `why`.
    pub fn kill(&mut self, why: String) {
        for (_, p) in self.requests.drain() {
            let _ = p.reply.send(Err(why.clone()));
        }
        self.dead.get_or_insert(why);
    }
}

/// Hands a message from the worker to the request it answers (or kills the inbox on a panic
/// or an unreadable message). Callbacks run with the inbox free.
pub(super) fn deliver(inbox: &Rc<RefCell<Inbox>>, data: JsValue) {
    let mut inbox_ref = inbox.borrow_mut();
    inbox_ref.heard_us = PerfClock.now_us();
    let msg = match from_js::<FromWorker>(data) {
        Ok(msg) => msg,
        Err(e) => {
            let why = format!("{} said something unreadable: {e}", inbox_ref.who);
            return inbox_ref.kill(why);
        }
    };
    let id = match &msg {
        FromWorker::Panic { message } => {
            let why = format!("{} panicked: {message}", inbox_ref.who);
            return inbox_ref.kill(why);
        }
        FromWorker::Slot { id } | FromWorker::Release { id } => {
            let wanted = matches!(msg, FromWorker::Slot { .. });
            let handler = inbox_ref.requests.get(id).and_then(|p| p.slots.clone());
            drop(inbox_ref);
            if let Some(handler) = handler {
                handler(*id, wanted);
            }
            return;
        }
        FromWorker::Progress { id, done } => {
            // Called with the inbox free: the callback may do anything.
            let progress = inbox_ref.requests.get(id).map(|p| p.progress.clone());
            drop(inbox_ref);
            if let Some(progress) = progress {
                progress(*done);
            }
            return;
        }
        FromWorker::Ready { id, .. }
        | FromWorker::Configured { id, .. }
        | FromWorker::Ran { id, .. }
        | FromWorker::TaskDone { id, .. }
        | FromWorker::Error { id, .. } => *id,
    };
    let Some(pending) = inbox_ref.requests.remove(&id) else {
        return;
    };
    drop(inbox_ref);
    let reply = match msg {
        FromWorker::Error { message, .. } => Err(message),
        other => Ok(other),
    };
    let _ = pending.reply.send(reply);
}

/// A thumbnail as the engine sent it.
pub(super) fn thumbnail(outcome: TaskOutcome) -> Outcome {
    outcome.map(|p| Thumbnail {
        width: p.width,
        height: p.height,
        png: p.bytes,
    })
}

/// An answer that is not the one asked for, worded for the card (and cut short).
pub(super) fn unexpected(msg: &FromWorker) -> String {
    format!("the worker answered out of turn: {msg:?}")
        .chars()
        .take(200)
        .collect()
}
