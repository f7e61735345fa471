//! The global lock of [`Gil`](super::Gil), with a switch interval as CPython's GIL has.
//!
//! A thread holds the lock during each CPU stage. At the points the granularity allows (bands
//! of resize and encode), a thread that has held it for the switch interval while another
//! waits *drops* it and waits until another thread has taken it before it asks again, as
//! CPython forces a switch (a plain mutex would let the releasing thread take it straight
//! back). An unfair mutex with no interval is what the global lock was before: held for a whole
//! stage, handed over only between stages.

use std::sync::{Condvar, Mutex, MutexGuard};

use crate::platform::Clock;

/// The lock: whether it is held, since when, and who waits.
#[derive(Default)]
pub(crate) struct GlobalLock {
    state: Mutex<Held>,
    changed: Condvar,
}

#[derive(Default)]
struct Held {
    held: bool,
    /// When the current holder took it, µs on the run's clock.
    since_us: f64,
    /// Threads waiting to take it.
    waiting: u32,
    /// Times it was taken: tells a thread that dropped it when another has it.
    taken: u64,
}

/// The lock, held until dropped.
pub(crate) struct Holding<'a>(&'a GlobalLock);

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        let mut s = self.0.state();
        s.held = false;
        drop(s);
        self.0.changed.notify_all();
    }
}

impl GlobalLock {
    /// The state; a panic elsewhere cannot leave it inconsistent (every change is one step),
    /// so a poisoned mutex is read on.
    fn state(&self) -> MutexGuard<'_, Held> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock, blocking while another thread holds it. The second value: whether the
    /// thread had to wait.
    pub(crate) fn acquire(&self, clock: &dyn Clock) -> (Holding<'_>, bool) {
        let mut s = self.state();
        let waited = s.held;
        s = self.wait_free(s);
        s.held = true;
        s.since_us = clock.now_us();
        s.taken += 1;
        (Holding(self), waited)
    }

    /// Blocks until the lock is free, counted among the waiters meanwhile.
    fn wait_free<'s>(&'s self, mut s: MutexGuard<'s, Held>) -> MutexGuard<'s, Held> {
        if s.held {
            s.waiting += 1;
            while s.held {
                s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            s.waiting -= 1;
        }
        s
    }

    /// Called by the holder at a point where it may give way: when it has held the lock for at
    /// least `interval_us` and another thread waits, drops it, waits until another thread has
    /// taken it, then waits to take it back. Returns when it dropped it (µs), if it did.
    pub(crate) fn offer(&self, clock: &dyn Clock, interval_us: f64) -> Option<f64> {
        let mut s = self.state();
        let now = clock.now_us();
        if s.waiting == 0 || now - s.since_us < interval_us {
            return None;
        }
        let before = s.taken;
        s.held = false;
        self.changed.notify_all();
        // Forced switching: wait, as one of the waiters, until another thread has had it.
        s.waiting += 1;
        while s.taken == before || s.held {
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.waiting -= 1;
        s.held = true;
        s.since_us = clock.now_us();
        s.taken += 1;
        Some(now)
    }
}
