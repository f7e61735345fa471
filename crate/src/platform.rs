//! What a technique needs from the platform (clock, event loop, image source, progress), as
//! small traits with native implementations.
//!
//! The browser implementations live in `www/engine/src/platform.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use futures::future::LocalBoxFuture;

/// A clock shared by every thread of a run, in microseconds. Readings from different threads
/// must be comparable (in the browser each worker converts to one origin).
pub trait Clock: Sync {
    /// Now, µs.
    fn now_us(&self) -> f64;
}

/// The thread's event loop (or executor): how an async task gives others a turn or waits.
pub trait EventLoop {
    /// A future that completes after other work had a chance to run.
    fn yield_now(&self) -> LocalBoxFuture<'static, ()>;

    /// A future that completes after `ms` milliseconds, without blocking the thread.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
}

/// Where the images come from: task `i` is image `i`.
pub trait Source: Send + Sync {
    /// Number of images.
    fn len(&self) -> u32;

    /// Whether there are no images.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gets image `task`'s bytes, awaiting the I/O.
    fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>>;

    /// Gets image `task`'s bytes, blocking the calling thread until they arrive. Only for
    /// threads that may block (never a browser's main thread).
    fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String>;
}

/// Hears about finished tasks while a run is in progress.
pub trait Progress: Sync {
    /// Task `task` finished (`ok` is false when it failed).
    fn task_done(&self, task: u32, ok: bool);
}

/// Reason recorded for tasks stopped by [`Cancel`].
pub const CANCELLED: &str = "cancelled";

/// Asks a run to stop: tasks stop at their next stage boundary or band of a long stage, and
/// end with the "cancelled" outcome; tasks not yet started are skipped the same way.
#[derive(Debug, Default)]
pub struct Cancel {
    flag: AtomicBool,
    /// Tasks awaiting [`Cancel::cancelled`], woken by [`Cancel::cancel`].
    wakers: Mutex<Vec<Waker>>,
}

impl Cancel {
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        // The list stays usable even if a waker panicked while it was held: go on with it.
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// A future that completes once cancellation is requested: race it against a wait that
    /// cannot check the flag itself (a message to a process).
    pub fn cancelled(&self) -> Cancelled<'_> {
        Cancelled(self)
    }
}

/// The future of [`Cancel::cancelled`].
#[derive(Debug)]
pub struct Cancelled<'a>(&'a Cancel);

impl Future for Cancelled<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let cancel = self.0;
        if cancel.is_cancelled() {
            return Poll::Ready(());
        }
        let mut wakers = cancel.wakers.lock().unwrap_or_else(|e| e.into_inner());
        // Checked again under the lock: `cancel` may have drained the list just before.
        if cancel.is_cancelled() {
            return Poll::Ready(());
        }
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
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

/// The native event loop: yielding returns to the executor once (like
/// `tokio::task::yield_now`); sleeping wakes the task from a timer thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeLoop;

impl EventLoop for NativeLoop {
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        Box::pin(YieldOnce(false))
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0));
            let _ = tx.send(());
        });
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

/// Images held in memory (native tests, and the user's files once read): each get is a copy.
/// A file that could not be read is held as why, and fails its own task.
#[derive(Clone, Debug, Default)]
pub struct MemorySource(pub Vec<Result<Vec<u8>, String>>);

impl From<Vec<Vec<u8>>> for MemorySource {
    fn from(files: Vec<Vec<u8>>) -> MemorySource {
        MemorySource(files.into_iter().map(Ok).collect())
    }
}

impl Source for MemorySource {
    fn len(&self) -> u32 {
        self.0.len() as u32
    }

    fn get(&self, task: u32) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
        Box::pin(std::future::ready(self.get_blocking(task)))
    }

    fn get_blocking(&self, task: u32) -> Result<Vec<u8>, String> {
        self.0
            .get(task as usize)
            .cloned()
            .unwrap_or_else(|| Err(format!("no image {task}")))
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::join;

    #[test]
    fn awaiting_cancellation_wakes_when_the_run_is_cancelled() {
        let cancel = Cancel::default();
        block_on(join(cancel.cancelled(), async {
            NativeLoop.yield_now().await;
            assert!(!cancel.is_cancelled());
            cancel.cancel();
        }));
        assert!(cancel.is_cancelled());
        // Once cancelled, it completes at once.
        block_on(cancel.cancelled());
    }
}
