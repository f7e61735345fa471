//! The run configuration and its URL form, so that a link reproduces a run exactly.
//!
//! `from_query` never fails: a bad or unknown parameter is corrected (clamped or reset to its
//! default) and reported as a [`Notice`] for the page to show. `to_query` writes only what
//! differs from the defaults, and `from_query(to_query(c)) == c`.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::images::SampleSet;
use crate::network::Network;
use crate::pipeline::{Effort, Kernel, ThumbSpec};
use crate::technique::{Grain, TechniqueKind, DEFAULT_INTERVAL_MS};

mod preset;
pub use preset::Preset;
mod view;
pub use view::{Link, View};
mod present;
pub use present::{Present, Step};
mod granularity;
mod query;
use query::{flag, ranged, Query};

/// Version of the URL format, written as `v=`. Version 1 links (before `effort`) keep their
/// meaning: their defaults were 256 px thumbnails, encoded fast.
pub const QUERY_VERSION: u32 = 2;

/// Everything that decides a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The techniques to run, in page order.
    pub techniques: Vec<TechniqueKind>,
    /// Threads (and processes) for the parallel techniques; `None`: one per core.
    pub threads: Option<u32>,
    /// Number of images in the batch (the set's files, repeated if need be).
    pub images: u32,
    /// Which sample files.
    pub set: SampleSet,
    /// Longer side of each thumbnail, pixels.
    pub thumb: u32,
    /// How hard the PNG encoder works.
    pub effort: Effort,
    /// Which resize kernel runs.
    #[serde(default)]
    pub kernel: Kernel,
    /// The simulated network.
    pub network: Network,
    /// Seed of the network's jitter.
    pub seed: u64,
    /// Start the run as soon as the page has loaded.
    pub autorun: bool,
    /// Presenter mode and its step: how the page is shown, not what runs (not in trace files).
    #[serde(skip)]
    pub present: Present,
    /// Timed runs of each technique after the warm-up: the page shows their median and spread.
    #[serde(default = "default_repeats")]
    pub repeats: u32,
    /// After the run, sweep N: threads and processes at every N from 1 to twice the cores,
    /// for the scaling chart (Amdahl's law next to the measured speedups).
    #[serde(default)]
    pub sweep: bool,
    /// Where cooperative tasks yield, and where the global lock may change hands.
    #[serde(default)]
    pub grain: Grain,
    /// The global lock's switch interval, ms (at a grain inside stages).
    #[serde(default = "default_interval")]
    pub switch_interval_ms: u32,
}

fn default_interval() -> u32 {
    DEFAULT_INTERVAL_MS
}

fn default_repeats() -> u32 {
    3
}

impl Default for Config {
    fn default() -> Self {
        Config {
            techniques: TechniqueKind::ALL.to_vec(),
            threads: None,
            images: 16,
            set: SampleSet::Photos,
            // The CPU-bound preset: the page opens on the workload that teaches parallelism.
            thumb: 600,
            effort: Effort::Max,
            kernel: Kernel::Simd,
            network: Network::LOCAL,
            seed: 1,
            autorun: false,
            repeats: default_repeats(),
            present: Present::default(),
            sweep: false,
            grain: Grain::Stage,
            switch_interval_ms: DEFAULT_INTERVAL_MS,
        }
    }
}

/// Allowed range of `threads`.
pub const THREADS: RangeInclusive<u32> = 1..=16;
/// Allowed range of `images`.
pub const IMAGES: RangeInclusive<u32> = 1..=64;
/// Allowed range of `latency` and `jitter`, ms.
pub const DELAY_MS: RangeInclusive<u32> = 0..=10_000;
/// Allowed range of `bandwidth`, Mbit/s (0: unlimited).
pub const BANDWIDTH: RangeInclusive<u32> = 0..=100_000;
/// Allowed range of `connections`.
pub const CONNECTIONS: RangeInclusive<u32> = 1..=64;

/// Allowed range of `thumb`.
pub const THUMB: RangeInclusive<u32> = 8..=1024;
/// Allowed range of `repeats`.
pub const REPEATS: RangeInclusive<u32> = 1..=9;

/// A URL parameter that was corrected, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The parameter's name.
    pub param: String,
    /// What was wrong and what is used instead.
    pub message: String,
}

impl Config {
    /// Paths of the batch's files below the sample library, in task order.
    pub fn sample_paths(&self) -> Vec<String> {
        let files = self.set.files();
        (0..self.images as usize)
            .map(|i| files[i % files.len()].path.clone())
            .collect()
    }

    /// Puts this configuration's granularity on `job`.
    pub fn schedule(&self, job: crate::technique::Job) -> crate::technique::Job {
        crate::technique::Job {
            grain: self.grain,
            switch_interval_ms: self.switch_interval_ms,
            ..job
        }
    }

    /// The thumbnail this configuration asks for.
    pub fn thumb_spec(&self) -> ThumbSpec {
        ThumbSpec {
            max_side: self.thumb,
            effort: self.effort,
            kernel: self.kernel,
        }
    }

    /// Reads a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> (Config, Vec<Notice>) {
        let Query {
            params,
            mut notices,
        } = Query::parse(query);
        let v1 = params.iter().any(|(k, v)| k == "v" && v == "1");
        let mut config = if v1 {
            Config {
                thumb: 256,
                effort: Effort::Fast,
                ..Config::default()
            }
        } else {
            Config::default()
        };
        let mut note = Query::note(&mut notices);
        let mut granularity = granularity::Reader::default();
        for (key, value) in &params {
            let value = value.as_str();
            match key.as_str() {
                "v" => {
                    if value != "1" && value != QUERY_VERSION.to_string() {
                        note(
                            "v",
                            format!(
                                "unknown link version “{value}”; read as version {QUERY_VERSION}"
                            ),
                        );
                    }
                }
                "techniques" => {
                    let mut chosen = Vec::new();
                    for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        match TechniqueKind::from_id(id) {
                            Some(k) if !chosen.contains(&k) => chosen.push(k),
                            Some(_) => {}
                            None => note("techniques", format!("unknown technique “{id}” ignored")),
                        }
                    }
                    if chosen.is_empty() {
                        note("techniques", "no known technique given; running all".into());
                        chosen = TechniqueKind::ALL.to_vec();
                    }
                    chosen.sort_by_key(|k| TechniqueKind::ALL.iter().position(|a| a == k));
                    config.techniques = chosen;
                }
                "threads" if value == "auto" => config.threads = None,
                "threads" => {
                    config.threads = Some(ranged("threads", value, THREADS, 2, &mut note));
                }
                "images" => config.images = ranged("images", value, IMAGES, 16, &mut note),
                "set" => match SampleSet::from_id(value) {
                    Some(set) => config.set = set,
                    None => note("set", format!("unknown sample set “{value}”; using photos")),
                },
                "thumb" => {
                    config.thumb = ranged("thumb", value, THUMB, Config::default().thumb, &mut note)
                }
                "effort" => match Effort::from_id(value) {
                    Some(effort) => config.effort = effort,
                    None => note(
                        "effort",
                        format!(
                            "unknown effort “{value}” (fast, balanced or max); using {}",
                            Config::default().effort.id()
                        ),
                    ),
                },
                "kernel" => match Kernel::from_id(value) {
                    Some(kernel) => config.kernel = kernel,
                    None => note(
                        "kernel",
                        format!("unknown resize kernel “{value}” (simd or image); using simd"),
                    ),
                },
                "latency" => {
                    config.network.latency_ms = ranged("latency", value, DELAY_MS, 0, &mut note)
                }
                "jitter" => {
                    config.network.jitter_ms = ranged("jitter", value, DELAY_MS, 0, &mut note)
                }
                "bandwidth" => {
                    config.network.bandwidth_mbps =
                        ranged("bandwidth", value, BANDWIDTH, 0, &mut note);
                }
                "connections" => {
                    config.network.connections =
                        ranged("connections", value, CONNECTIONS, 6, &mut note);
                }
                "seed" => {
                    config.seed = value.parse().unwrap_or_else(|_| {
                        note(
                            "seed",
                            format!(
                                "“{value}” is not a whole number from 0 to {}; using 1",
                                u64::MAX
                            ),
                        );
                        1
                    });
                }
                "repeats" => {
                    config.repeats =
                        ranged("repeats", value, REPEATS, default_repeats(), &mut note);
                }
                "autorun" => {
                    config.autorun = flag("autorun", value, "not starting by itself", &mut note)
                }
                "sweep" => config.sweep = flag("sweep", value, "no N sweep", &mut note),
                // How the run is shown: read by `View::from_query`.
                k if view::PARAMS.contains(&k) => {}
                // The service worker's opt-out, read by www/coi.js before the page starts.
                "coi" => {}
                "present" | "step" => config.present.read(key, value, &mut note),
                "yield" | "rows" | "interval" => {
                    granularity.read(&mut config, key, value, &mut note)
                }
                // A recording to show, read by the page (not part of the configuration).
                "trace" => {}
                other => note(other, format!("unknown parameter “{other}” ignored")),
            }
        }
        granularity.finish(&mut config, &mut note);
        config.present.check(config.techniques.len(), &mut note);
        drop(note);
        (config, notices)
    }

    /// Writes the query string (without `?`) that reproduces this configuration.
    pub fn to_query(&self) -> String {
        let d = Config::default();
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("v", &QUERY_VERSION.to_string());
        if self.techniques != d.techniques {
            let ids: Vec<&str> = self.techniques.iter().map(|k| k.id()).collect();
            q.append_pair("techniques", &ids.join(","));
        }
        if let Some(n) = self.threads {
            q.append_pair("threads", &n.to_string());
        }
        if self.set != d.set {
            q.append_pair("set", self.set.id());
        }
        if self.effort != d.effort {
            q.append_pair("effort", self.effort.id());
        }
        if self.kernel != d.kernel {
            q.append_pair("kernel", self.kernel.id());
        }
        let (n, dn) = (self.network, d.network);
        for (name, value, default) in [
            ("images", self.images, d.images),
            ("thumb", self.thumb, d.thumb),
            ("latency", n.latency_ms, dn.latency_ms),
            ("jitter", n.jitter_ms, dn.jitter_ms),
            ("bandwidth", n.bandwidth_mbps, dn.bandwidth_mbps),
            ("connections", n.connections, dn.connections),
            ("repeats", self.repeats, d.repeats),
        ] {
            if value != default {
                q.append_pair(name, &value.to_string());
            }
        }
        if self.seed != d.seed {
            q.append_pair("seed", &self.seed.to_string());
        }
        if self.autorun {
            q.append_pair("autorun", "1");
        }
        if self.sweep {
            q.append_pair("sweep", "1");
        }
        granularity::write(self, &mut q);
        self.present.write(&mut q);
        q.finish()
    }
}

#[cfg(test)]
mod tests;
