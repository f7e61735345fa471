//! Threads and the global lock on the rayon pool. The worker's own thread never blocks on the
//! pool: it polls, so it stays free to answer the page, to pass on a cancel, and to notice a
//! rayon thread that died.

use std::sync::{Arc, Mutex};

use interleave::platform::{Cancel, EventLoop};
use interleave::technique::{Gil, Job, RunOutput, Threads};

use super::{post, RequestId, Watermark};
use crate::platform::{AtomicProgress, BrowserLoop, PerfClock};
use crate::protocol::FromWorker;

/// The message of a panic on a rayon thread. Under `panic=abort` that thread then traps inside
/// wasm-bindgen-rayon's worker, and no `error` event reaches the page: the poller reports it.
static PANICKED: Mutex<Option<String>> = Mutex::new(None);

/// Records a rayon thread's panic for the poller.
pub(super) fn panicked(message: String) {
    if let Ok(mut slot) = PANICKED.lock() {
        slot.get_or_insert(message);
    }
}

/// How often the worker's thread looks at the pool, ms.
const POLL_MS: f64 = 5.0;

/// Runs the job on the pool (`gil`: under one global lock); resolves when it has finished or
/// stopped at a cancel, or fails if a pool thread died.
pub(super) async fn run(
    gil: bool,
    id: RequestId,
    job: &Job,
    cancel: &Arc<Cancel>,
    seen: &Watermark,
) -> Result<RunOutput, String> {
    let progress = Arc::new(AtomicProgress::default());
    let output: Arc<Mutex<Option<RunOutput>>> = Arc::default();
    {
        let (job, progress, output, cancel) = (
            job.clone(),
            progress.clone(),
            output.clone(),
            cancel.clone(),
        );
        rayon::spawn(move || {
            let out = if gil {
                Gil.run_sync(&job, &PerfClock, progress.as_ref(), &cancel)
            } else {
                Threads.run_sync(&job, &PerfClock, progress.as_ref(), &cancel)
            };
            if let Ok(mut slot) = output.lock() {
                *slot = Some(out);
            }
        });
    }
    let mut reported = 0;
    loop {
        BrowserLoop.sleep(POLL_MS).await;
        if let Some(message) = PANICKED.lock().ok().and_then(|p| p.clone()) {
            // The pool is broken for good: the page must replace this worker.
            let message = format!("a pool thread panicked: {message}");
            post(&FromWorker::Panic {
                message: message.clone(),
            });
            return Err(message);
        }
        // The pool shares this thread's memory: its size here is theirs.
        seen.sample();
        let done = progress.done();
        if done != reported {
            reported = done;
            post(&FromWorker::Progress { id, done });
        }
        // Never block: a rayon thread may hold the lock for a moment.
        if let Some(out) = output.try_lock().ok().and_then(|mut slot| slot.take()) {
            return Ok(out);
        }
    }
}
