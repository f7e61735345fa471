//! A simulated network on top of real fetches: localhost answers in microseconds, so latency,
//! jitter, bandwidth and the connection limit are added by the engine, the same way for every
//! technique. The page labels these numbers as simulated.

use std::any::Any;
use std::sync::{Condvar, Mutex};

use futures::future::LocalBoxFuture;

use serde::{Deserialize, Serialize};

use crate::platform::{Cancel, Clock, EventLoop, Source, CANCELLED};

/// The network dial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Network {
    /// Time to first byte of each request, ms.
    pub latency_ms: u32,
    /// Random extra time to first byte, 0..=jitter, ms (seeded: runs are reproducible).
    pub jitter_ms: u32,
    /// Bandwidth of each connection, Mbit/s; 0 = unlimited.
    pub bandwidth_mbps: u32,
    /// Requests in flight at once, at most (HTTP/1.1 browsers allow 6 per host).
    pub connections: u32,
}

impl Network {
    /// No simulated delay: only the real fetch from the page's own origin.
    pub const LOCAL: Network = Network {
        latency_ms: 0,
        jitter_ms: 0,
        bandwidth_mbps: 0,
        connections: 6,
    };

    /// Whether the dial adds any time at all.
    pub fn is_local(&self) -> bool {
        self.latency_ms == 0 && self.jitter_ms == 0 && self.bandwidth_mbps == 0
    }

    /// How long fetching `bytes` for `task` takes on this network, ms: latency, the task's
    /// jitter (fixed by `seed` and `task`) and transfer time at the bandwidth.
    pub fn delay_ms(&self, seed: u64, task: u32, bytes: usize) -> f64 {
        let jitter = if self.jitter_ms == 0 {
            0.0
        } else {
            let mut rng = fastrand::Rng::with_seed(seed ^ (u64::from(task) << 32) ^ 0x6e65_7477);
            rng.f64() * f64::from(self.jitter_ms)
        };
        let transfer = if self.bandwidth_mbps == 0 {
            0.0
        } else {
            bytes as f64 * 8.0 / (f64::from(self.bandwidth_mbps) * 1e6) * 1e3
        };
        f64::from(self.latency_ms) + jitter + transfer
    }
}

/// Connection slots handed out from elsewhere: a process asks its coordinator for one, so the
/// limit holds across processes (the round trip is part of what a request costs).
pub trait Gate {
    /// Waits for a slot; dropping what it returns gives the slot back.
    fn acquire(&self) -> LocalBoxFuture<'_, Box<dyn Any>>;
}

/// One run's way to the images: the dial, and `connections` slots shared by every task of the
/// run. A run either awaits its requests or blocks in them, so there is a gate for each way
/// (a technique uses one).
pub struct Link {
    network: Network,
    seed: u64,
    gate: async_lock::Semaphore,
    blocking_gate: BlockingGate,
}

/// Counting semaphore for threads that may block (async-lock's blocking wait is not available
/// on wasm, and nesting an executor inside rayon's threads is not allowed).
struct BlockingGate {
    free: Mutex<u32>,
    freed: Condvar,
}

impl BlockingGate {
    fn acquire(&self) -> BlockingSlot<'_> {
        // The counter stays consistent even if a holder panicked: go on with it.
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        BlockingSlot(self)
    }
}

struct BlockingSlot<'a>(&'a BlockingGate);

impl Drop for BlockingSlot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

impl Link {
    /// A link with `network`'s limits; `seed` fixes the jitter.
    pub fn new(network: Network, seed: u64) -> Link {
        let slots = network.connections.max(1);
        Link {
            network,
            seed,
            gate: async_lock::Semaphore::new(slots as usize),
            blocking_gate: BlockingGate {
                free: Mutex::new(slots),
                freed: Condvar::new(),
            },
        }
    }

    /// The dial.
    pub fn network(&self) -> Network {
        self.network
    }

    /// Fetches image `task`, awaiting a free connection, the real request and then the rest of
    /// the simulated delay: other tasks of the thread run meanwhile. Returns the bytes and the
    /// time (µs) the request held its connection, from going on the wire to its last byte.
    pub async fn fetch(
        &self,
        source: &dyn Source,
        task: u32,
        clock: &dyn Clock,
        events: &dyn EventLoop,
    ) -> (Result<Vec<u8>, String>, f64, f64) {
        self.fetch_via(None, source, task, clock, events).await
    }

    /// [`fetch`](Self::fetch), with the connection slot taken from `gate` when there is one
    /// (a process's slots are its coordinator's, shared by every process of the run).
    pub async fn fetch_via(
        &self,
        gate: Option<&dyn Gate>,
        source: &dyn Source,
        task: u32,
        clock: &dyn Clock,
        events: &dyn EventLoop,
    ) -> (Result<Vec<u8>, String>, f64, f64) {
        // Held until the request is done: the coordinator's slot, or this link's.
        let _remote = match gate {
            Some(gate) => Some(gate.acquire().await),
            None => None,
        };
        let _local = match gate {
            Some(_) => None,
            None => Some(self.gate.acquire().await),
        };
        let start = clock.now_us();
        let bytes = source.get(task).await;
        if let Ok(b) = &bytes {
            let rest = self.rest_ms(task, b.len(), start, clock);
            if rest > 0.0 {
                events.sleep(rest).await;
            }
        }
        (bytes, start, clock.now_us())
    }

    /// Fetches image `task` like [`fetch`](Self::fetch), but blocks the calling thread
    /// throughout, as a thread doing blocking I/O does.
    /// A cancel ends the simulated wait early, with a `CANCELLED` error.
    pub fn fetch_blocking(
        &self,
        source: &dyn Source,
        task: u32,
        clock: &dyn Clock,
        cancel: &Cancel,
    ) -> (Result<Vec<u8>, String>, f64, f64) {
        // Waits on a condition variable (an atomics wait in a browser worker).
        let _slot = self.blocking_gate.acquire();
        let start = clock.now_us();
        let bytes = source.get_blocking(task);
        if let Ok(b) = &bytes {
            let rest = self.rest_ms(task, b.len(), start, clock);
            // In the browser's threaded build each slice is an atomics wait inside the worker;
            // slices short enough that a cancel is seen at once, long enough to cost nothing.
            let until = clock.now_us() + rest * 1000.0;
            while clock.now_us() < until {
                if cancel.is_cancelled() {
                    return (Err(CANCELLED.to_string()), start, clock.now_us());
                }
                let left_ms = (until - clock.now_us()) / 1000.0;
                std::thread::sleep(std::time::Duration::from_secs_f64(
                    left_ms.clamp(0.0, 10.0) / 1000.0,
                ));
            }
        }
        (bytes, start, clock.now_us())
    }

    /// The simulated delay still to wait once the real request, begun at `start_us`, is done.
    fn rest_ms(&self, task: u32, bytes: usize, start_us: f64, clock: &dyn Clock) -> f64 {
        let spent_ms = (clock.now_us() - start_us) / 1000.0;
        self.network.delay_ms(self.seed, task, bytes) - spent_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_adds_latency_jitter_and_transfer_time() {
        let net = Network {
            latency_ms: 100,
            jitter_ms: 0,
            bandwidth_mbps: 8,
            connections: 6,
        };
        // 1 MB at 8 Mbit/s is one second.
        assert_eq!(net.delay_ms(1, 0, 1_000_000), 1100.0);
        assert_eq!(Network::LOCAL.delay_ms(1, 0, 1_000_000), 0.0);
        assert!(Network::LOCAL.is_local());
    }

    #[test]
    fn a_link_waits_the_simulated_delay_and_limits_connections() {
        use crate::platform::{MemorySource, NativeLoop, SystemClock};
        use futures::executor::block_on;
        use futures::future::join_all;

        let source = MemorySource::from(vec![vec![1; 10]; 4]);
        let net = Network {
            latency_ms: 30,
            jitter_ms: 0,
            bandwidth_mbps: 0,
            connections: 2,
        };
        let link = Link::new(net, 1);
        let clock = SystemClock;
        let start = clock.now_us();
        let got = block_on(join_all(
            (0..4).map(|t| link.fetch(&source, t, &clock, &NativeLoop)),
        ));
        let elapsed_ms = (clock.now_us() - start) / 1000.0;
        assert!(got
            .iter()
            .all(|(b, _, _)| b.as_deref() == Ok(&[1u8; 10][..])));
        // The last two requests got a connection only when the first two were done.
        let mut on_wire: Vec<f64> = got.iter().map(|(_, t, _)| *t).collect();
        on_wire.sort_by(f64::total_cmp);
        assert!(on_wire[2] - on_wire[0] >= 30_000.0);
        // Four requests through two connections take two rounds of 30 ms, not one.
        assert!(elapsed_ms >= 60.0, "{elapsed_ms} ms");

        let start = clock.now_us();
        let go = Cancel::default();
        assert_eq!(
            link.fetch_blocking(&source, 0, &clock, &go)
                .0
                .unwrap()
                .len(),
            10
        );
        assert!(clock.now_us() - start >= 30_000.0);
        assert!(link.fetch_blocking(&source, 9, &clock, &go).0.is_err());
        // A cancel cuts the simulated wait short.
        let stop = Cancel::default();
        stop.cancel();
        let start = clock.now_us();
        let (got, _, _) = link.fetch_blocking(&source, 0, &clock, &stop);
        assert_eq!(got, Err(CANCELLED.to_string()));
        assert!(clock.now_us() - start < 30_000.0);
    }

    #[test]
    fn a_gate_holds_the_limit_across_links() {
        use crate::platform::{MemorySource, NativeLoop, SystemClock};
        use futures::executor::block_on;
        use futures::future::join_all;
        use std::sync::Arc;

        /// The coordinator's slots, shared by every "process" (each with a link of its own).
        struct Shared(Arc<async_lock::Semaphore>);
        impl Gate for Shared {
            fn acquire(&self) -> LocalBoxFuture<'_, Box<dyn Any>> {
                Box::pin(async { Box::new(self.0.acquire_arc().await) as Box<dyn Any> })
            }
        }
        let source = MemorySource::from(vec![vec![1; 10]; 4]);
        let net = Network {
            latency_ms: 20,
            jitter_ms: 0,
            bandwidth_mbps: 0,
            connections: 6,
        };
        let gate = Shared(Arc::new(async_lock::Semaphore::new(1)));
        let links: Vec<Link> = (0..4).map(|_| Link::new(net, 1)).collect();
        let clock = SystemClock;
        let got = block_on(join_all(links.iter().enumerate().map(|(t, link)| {
            link.fetch_via(Some(&gate), &source, t as u32, &clock, &NativeLoop)
        })));
        // One slot for all four links: their requests never overlap.
        let mut spans: Vec<(f64, f64)> = got.iter().map(|(_, s, e)| (*s, *e)).collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(spans.windows(2).all(|w| w[1].0 >= w[0].1), "{spans:?}");
    }

    #[test]
    fn jitter_is_bounded_seeded_and_varies_by_task() {
        let net = Network {
            latency_ms: 10,
            jitter_ms: 50,
            bandwidth_mbps: 0,
            connections: 6,
        };
        let d: Vec<f64> = (0..20).map(|t| net.delay_ms(7, t, 0)).collect();
        assert!(d.iter().all(|&x| (10.0..=60.0).contains(&x)));
        assert_eq!(
            d,
            (0..20).map(|t| net.delay_ms(7, t, 0)).collect::<Vec<_>>()
        );
        assert!(d.windows(2).any(|w| w[0] != w[1]));
    }
}
