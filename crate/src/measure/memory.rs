//! The wasm memory a technique used: one sample per instance (a worker's or the page's
//! module), taken when the run began, after every task and when it ended. A wasm memory never
//! shrinks, so an instance's peak is its size when it was last sampled; the samples say how
//! much the run made it grow.

use serde::{Deserialize, Serialize};

/// One wasm instance's memory during a run, bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemorySample {
    /// When the run began.
    pub start: f64,
    /// The largest seen.
    pub peak: f64,
    /// When the run ended (or the instance's last task did).
    pub end: f64,
}

impl MemorySample {
    /// A first sample of `bytes`.
    pub fn at(bytes: f64) -> MemorySample {
        MemorySample {
            start: bytes,
            peak: bytes,
            end: bytes,
        }
    }

    /// Another sample, later.
    pub fn sample(&mut self, bytes: f64) {
        self.peak = self.peak.max(bytes);
        self.end = bytes;
    }

    /// How much it grew during the run.
    pub fn growth(&self) -> f64 {
        (self.peak - self.start).max(0.0)
    }
}

/// The memory of every wasm instance a technique ran in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// Each instance by name ("engine worker", "process 1", "main thread").
    pub instances: Vec<(String, MemorySample)>,
    /// Threads sharing one instance's memory (the threaded build's pool), else 1.
    pub shared_by: u32,
}

impl MemoryUse {
    /// The peak of all instances together, bytes: each instance lives to the end of the run
    /// and never shrinks, so the sum of their peaks was reached at once.
    pub fn peak(&self) -> f64 {
        self.instances.iter().map(|(_, m)| m.peak).sum()
    }

    /// All instances together when the run ended, bytes.
    pub fn end(&self) -> f64 {
        self.instances.iter().map(|(_, m)| m.end).sum()
    }

    /// How much the run made them grow, together, bytes.
    pub fn growth(&self) -> f64 {
        self.instances.iter().map(|(_, m)| m.growth()).sum()
    }

    /// The largest single instance's peak, bytes.
    pub fn largest(&self) -> f64 {
        self.instances
            .iter()
            .map(|(_, m)| m.peak)
            .fold(0.0, f64::max)
    }

    /// Records `bytes` for the instance `name`, adding it at its first sample.
    pub fn sample(&mut self, name: &str, bytes: f64) {
        if !bytes.is_finite() {
            return;
        }
        match self.instances.iter_mut().find(|(n, _)| n == name) {
            Some((_, m)) => m.sample(bytes),
            None => self
                .instances
                .push((name.to_string(), MemorySample::at(bytes))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = 1024.0 * 1024.0;

    #[test]
    fn one_instance_keeps_its_peak_and_growth() {
        let mut m = MemorySample::at(20.0 * MB);
        m.sample(26.0 * MB);
        m.sample(24.0 * MB);
        assert_eq!((m.start, m.peak, m.end), (20.0 * MB, 26.0 * MB, 24.0 * MB));
        assert_eq!(m.growth(), 6.0 * MB);
    }

    #[test]
    fn processes_add_up_and_threads_share_one() {
        let mut p = MemoryUse {
            shared_by: 1,
            ..MemoryUse::default()
        };
        for (name, bytes) in [
            ("process 0", 18.0),
            ("process 1", 17.0),
            ("process 0", 19.0),
        ] {
            p.sample(name, bytes * MB);
        }
        p.sample("process 1", f64::NAN);
        assert_eq!(p.instances.len(), 2);
        assert_eq!(p.peak(), 36.0 * MB);
        assert_eq!(p.end(), 36.0 * MB);
        assert_eq!(p.growth(), MB);
        assert_eq!(p.largest(), 19.0 * MB);
        assert!(p.peak() >= p.largest());
        let mut t = MemoryUse {
            shared_by: 4,
            ..MemoryUse::default()
        };
        t.sample("engine worker", 40.0 * MB);
        assert_eq!(t.peak(), t.largest());
        assert_eq!(MemoryUse::default().peak(), 0.0);
    }
}
