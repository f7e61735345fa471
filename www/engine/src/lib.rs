//! The browser side of the engine: the platform traits on `performance` and the event loop, and
//! (feature `worker`) the exports of the engine worker that `worker.js` loads.

#[cfg(feature = "worker")]
mod outbox;
pub mod platform;
pub mod protocol;
#[cfg(feature = "worker")]
pub mod worker;
