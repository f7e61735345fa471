//! A run's memory budget: how many decoded pixels its tasks may hold at once.
//!
//! Decoded pixels are by far the largest thing a task holds (a 12 MP photo is 36 MB as RGB),
//! and cooperative tasks keep theirs across yields, so without a bound a batch of big images
//! could exhaust the wasm memory. A task reserves its image's pixels before decoding and gives
//! them back once resize has dropped them; a task that does not fit waits its turn (drawn as
//! *ready*). Blocking threads wait on a condition variable, async tasks await.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use thiserror::Error;

use crate::pipeline;
use crate::platform::Cancel;

/// Bytes a decoded pixel takes at most (RGBA, 8 bits a sample).
pub const BYTES_PER_PIXEL: u64 = 4;
/// Decoded pixels a run holds at once by default: 256 megapixels.
pub const DEFAULT_BUDGET_PX: u64 = 256_000_000;
/// [`DEFAULT_BUDGET_PX`] in bytes at [`BYTES_PER_PIXEL`]: about 1 GB.
pub const DEFAULT_BUDGET_BYTES: u64 = DEFAULT_BUDGET_PX * BYTES_PER_PIXEL;

/// Why a reservation was not made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BudgetError {
    /// The image alone needs more than the whole budget: waiting would never help.
    #[error(
        "this image has {:.1} megapixels, more than a run may hold decoded at once ({:.1} megapixels)",
        *.px as f64 / 1e6,
        *.budget as f64 / 1e6
    )]
    TooLarge {
        /// Pixels the image needs.
        px: u64,
        /// The whole budget.
        budget: u64,
    },
    /// The run was cancelled while the task waited.
    #[error("cancelled")]
    Cancelled,
}

/// The pixels of an image, read from its headers alone (no decoding); `None` when they cannot
/// be read, which the decode stage then reports in its own words.
pub fn image_pixels(bytes: &[u8]) -> Option<u64> {
    // An image over the per-image limit is refused by decode, with the message that says so.
    pipeline::probe(bytes)
        .ok()
        .filter(|info| info.check_limits().is_ok())
        .map(|info| info.pixels())
}

/// Decoded pixels held at once by the tasks of one run, at most `capacity`.
#[derive(Debug)]
pub struct PixelBudget {
    capacity: u64,
    state: Mutex<Held>,
    /// Wakes blocked threads when pixels are given back.
    freed: Condvar,
}

#[derive(Debug, Default)]
struct Held {
    px: u64,
    /// Async tasks waiting for pixels: all are woken on every release and try again.
    wakers: Vec<Waker>,
}

/// Pixels reserved from a [`PixelBudget`], given back on drop.
#[derive(Debug)]
#[must_use = "the pixels are given back as soon as the reservation is dropped"]
pub struct Reservation<'a> {
    budget: &'a PixelBudget,
    px: u64,
}

impl PixelBudget {
    /// A budget of `capacity` pixels (at least 1).
    pub fn new(capacity: u64) -> PixelBudget {
        PixelBudget {
            capacity: capacity.max(1),
            state: Mutex::new(Held::default()),
            freed: Condvar::new(),
        }
    }

    /// The whole budget, pixels.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Pixels reserved now.
    pub fn held(&self) -> u64 {
        self.lock().px
    }

    /// Reserves `px` pixels if they fit now; `Ok(None)` if the task must wait.
    pub fn try_reserve(&self, px: u64) -> Result<Option<Reservation<'_>>, BudgetError> {
        let mut held = self.lock();
        self.take(&mut held, px)
    }

    /// Reserves `px` pixels, blocking the calling thread until they fit (only where a thread
    /// may block: never a browser's main thread). Gives up if `cancel` is set meanwhile.
    pub fn reserve_blocking(
        &self,
        px: u64,
        cancel: &Cancel,
    ) -> Result<Reservation<'_>, BudgetError> {
        let mut held = self.lock();
        loop {
            // Every holder gives its pixels back within a stage, cancelled or not, so a
            // cancelled waiter is woken soon and leaves here.
            if cancel.is_cancelled() {
                return Err(BudgetError::Cancelled);
            }
            if let Some(r) = self.take(&mut held, px)? {
                return Ok(r);
            }
            held = self.freed.wait(held).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Reserves `px` pixels, awaiting until they fit; other tasks of the thread run meanwhile.
    pub fn reserve(&self, px: u64) -> Reserve<'_> {
        Reserve { budget: self, px }
    }

    fn take(&self, held: &mut Held, px: u64) -> Result<Option<Reservation<'_>>, BudgetError> {
        if px > self.capacity {
            return Err(BudgetError::TooLarge {
                px,
                budget: self.capacity,
            });
        }
        if held.px + px > self.capacity {
            return Ok(None);
        }
        held.px += px;
        Ok(Some(Reservation { budget: self, px }))
    }

    fn lock(&self) -> MutexGuard<'_, Held> {
        // The count is updated in one step, so it is consistent even after a panic elsewhere.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Reservation<'_> {
    /// Pixels reserved.
    pub fn px(&self) -> u64 {
        self.px
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let wakers = {
            let mut held = self.budget.lock();
            held.px -= self.px;
            std::mem::take(&mut held.wakers)
        };
        self.budget.freed.notify_all();
        wakers.into_iter().for_each(Waker::wake);
    }
}

/// The future of [`PixelBudget::reserve`].
#[derive(Debug)]
pub struct Reserve<'a> {
    budget: &'a PixelBudget,
    px: u64,
}

impl<'a> Future for Reserve<'a> {
    type Output = Result<Reservation<'a>, BudgetError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let budget = self.budget;
        let mut held = budget.lock();
        match budget.take(&mut held, self.px) {
            Ok(Some(r)) => Poll::Ready(Ok(r)),
            Err(e) => Poll::Ready(Err(e)),
            Ok(None) => {
                if !held.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    held.wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::join;

    use crate::platform::{EventLoop, NativeLoop};

    #[test]
    fn reservations_are_bounded_and_given_back() {
        let budget = PixelBudget::new(100);
        let a = budget.try_reserve(60).unwrap().unwrap();
        assert!(budget.try_reserve(50).unwrap().is_none());
        let b = budget.try_reserve(40).unwrap().unwrap();
        assert_eq!(budget.held(), 100);
        drop(a);
        assert_eq!(budget.held(), 40);
        drop(b);
        assert_eq!(budget.held(), 0);
        let err = budget.try_reserve(101).unwrap_err();
        assert!(
            err.to_string().contains("more than a run may hold"),
            "{err}"
        );
    }

    #[test]
    fn an_async_waiter_gets_its_turn_when_pixels_are_given_back() {
        let budget = PixelBudget::new(10);
        let first = budget.try_reserve(8).unwrap().unwrap();
        let order = std::cell::RefCell::new(Vec::new());
        block_on(join(
            async {
                let r = budget.reserve(5).await.unwrap();
                order.borrow_mut().push("second");
                drop(r);
            },
            async {
                NativeLoop.yield_now().await;
                order.borrow_mut().push("first done");
                drop(first);
            },
        ));
        assert_eq!(*order.borrow(), ["first done", "second"]);
    }

    #[test]
    fn a_blocked_thread_waits_then_proceeds_or_gives_up_when_cancelled() {
        let budget = PixelBudget::new(10);
        let cancel = Cancel::default();
        std::thread::scope(|s| {
            let held = budget.try_reserve(10).unwrap().unwrap();
            let waiter = s.spawn(|| budget.reserve_blocking(3, &cancel).map(|r| r.px()));
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(held);
            assert_eq!(waiter.join().unwrap(), Ok(3));

            let held = budget.try_reserve(10).unwrap().unwrap();
            let waiter = s.spawn(|| budget.reserve_blocking(3, &cancel).map(|r| r.px()));
            cancel.cancel();
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(held);
            assert_eq!(waiter.join().unwrap(), Err(BudgetError::Cancelled));
        });
    }

    #[test]
    fn image_pixels_reads_the_header() {
        let spec = crate::images::SampleSpec {
            seed: 1,
            count: 1,
            width: 48,
            height: 32,
        };
        let jpeg = crate::images::sample_jpeg(&spec, 0);
        assert_eq!(image_pixels(&jpeg), Some(48 * 32));
        assert_eq!(image_pixels(b"not an image"), None);
    }
}
