//! Presets: settings that move the workload between CPU-bound and I/O-bound.

use super::Config;
use crate::images::SampleSet;
use crate::network::Network;
use crate::pipeline::Effort;

/// Settings that move the workload between CPU-bound and I/O-bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Big photos, no simulated network: parallel CPU wins.
    CpuBound,
    /// Small images on a slow, distant network: overlapping waits wins.
    IoBound,
    /// Big photos on a moderate network: both matter.
    Mixed,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::CpuBound, Preset::IoBound, Preset::Mixed];

    /// The name shown on its button.
    pub fn label(self) -> &'static str {
        match self {
            Preset::CpuBound => "CPU-bound",
            Preset::IoBound => "I/O-bound",
            Preset::Mixed => "Mixed",
        }
    }

    /// The id used in test ids.
    pub fn id(self) -> &'static str {
        match self {
            Preset::CpuBound => "cpu",
            Preset::IoBound => "io",
            Preset::Mixed => "mixed",
        }
    }

    fn settings(self) -> Workload {
        let net = |latency_ms, jitter_ms, bandwidth_mbps| Network {
            latency_ms,
            jitter_ms,
            bandwidth_mbps,
            connections: 6,
        };
        let light = |set, network| Workload {
            set,
            thumb: 256,
            effort: Effort::Fast,
            network,
        };
        match self {
            // Fetching a 1 MB photo from the page's own server costs about as much as decoding
            // it at thumbnail scale, so a plain thumbnail is not CPU-bound in a browser. A
            // larger thumbnail squeezed hard makes CPU dominate, as in an image optimiser.
            Preset::CpuBound => Workload {
                set: SampleSet::Photos,
                thumb: 600,
                effort: Effort::Max,
                network: Network::LOCAL,
            },
            Preset::IoBound => light(SampleSet::Small, net(250, 100, 20)),
            Preset::Mixed => light(SampleSet::Photos, net(80, 40, 200)),
        }
    }

    /// What this preset sets, in words for the page.
    pub fn describe(self) -> String {
        let w = self.settings();
        let network = if w.network == Network::LOCAL {
            "fetched from this page's own server".to_string()
        } else {
            format!(
                "over a network of {} ms ± {} ms at {} Mbit/s",
                w.network.latency_ms, w.network.jitter_ms, w.network.bandwidth_mbps
            )
        };
        format!(
            "{}, {network}, made into {} px thumbnails with {}",
            w.set.describe(),
            w.thumb,
            w.effort.describe()
        )
    }

    /// The configuration with this preset's workload and network.
    pub fn apply(self, config: &Config) -> Config {
        let w = self.settings();
        Config {
            set: w.set,
            thumb: w.thumb,
            effort: w.effort,
            network: w.network,
            ..config.clone()
        }
    }

    /// The preset `config` matches, if any.
    pub fn matching(config: &Config) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|p| p.settings() == Workload::of(config))
    }
}

/// The part of a configuration a preset sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Workload {
    set: SampleSet,
    thumb: u32,
    effort: Effort,
    network: Network,
}

impl Workload {
    fn of(c: &Config) -> Workload {
        Workload {
            set: c.set,
            thumb: c.thumb,
            effort: c.effort,
            network: c.network,
        }
    }
}
