//! What a technique needs from the platform, as small traits with native implementations.
//!
//! The browser implementations live in `www/engine/src/platform.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::future::LocalBoxFuture;

/// A clock shared by every thread of a run, in microseconds. Readings from different threads
/// must be comparable (in the browser each worker converts to one origin).
pub trait Clock: Sync {
    /// Now, µs.
    fn now_us(&self) -> f64;
}

/// Hands control back to the event loop (or the executor) and resumes later.
pub trait Yielder {
    /// A future that completes after other work had a chance to run.
    fn yield_now(&self) -> LocalBoxFuture<'static, ()>;
}

/// Hears about finished tasks while a run is in progress.
pub trait Progress: Sync {
    /// Task `task` finished (`ok` is false when it failed).
    fn task_done(&self, task: u32, ok: bool);
}

/// Asks a run to stop: tasks not yet started are skipped with a "cancelled" failure.
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The native clock: a monotonic clock from one process-wide origin.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_us(&self) -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e6
    }
}

/// The native yield: returns to the executor once, like `tokio::task::yield_now`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecutorYield;

impl Yielder for ExecutorYield {
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        Box::pin(YieldOnce(false))
    }
}

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Progress that nobody listens to.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn task_done(&self, _task: u32, _ok: bool) {}
}
