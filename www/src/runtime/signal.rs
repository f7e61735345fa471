//! A one-shot signal that any number of waiters can await: how a cancel reaches every request
//! in flight at once.

use std::cell::{Cell, RefCell};

use futures::channel::oneshot;
use futures::future::{FutureExt, Shared};

/// Fires once; every [`wait`](Signal::wait) then completes.
pub struct Signal {
    fired: Cell<bool>,
    tx: RefCell<Option<oneshot::Sender<()>>>,
    rx: Shared<oneshot::Receiver<()>>,
}

impl Default for Signal {
    fn default() -> Self {
        let (tx, rx) = oneshot::channel();
        Signal {
            fired: Cell::new(false),
            tx: RefCell::new(Some(tx)),
            rx: rx.shared(),
        }
    }
}

impl Signal {
    /// Fires the signal (again is a no-op).
    pub fn fire(&self) {
        self.fired.set(true);
        if let Some(tx) = self.tx.borrow_mut().take() {
            let _ = tx.send(());
        }
    }

    /// Whether it fired.
    pub fn fired(&self) -> bool {
        self.fired.get()
    }

    /// Completes once the signal fires.
    pub fn wait(&self) -> Shared<oneshot::Receiver<()>> {
        self.rx.clone()
    }
}
