//! The names of the techniques: a leaf module, so that traces, configurations and techniques
//! can all name them without depending on one another.

use serde::{Deserialize, Serialize};

/// The techniques the product knows, as named in URLs and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechniqueKind {
    /// One image after another in a worker: the fair baseline.
    Sequential,
    /// One image after another on the page's main thread, which freezes meanwhile.
    SequentialMain,
    /// A rayon pool: one image per thread at a time, on shared memory.
    Threads,
    /// The same pool, with one global lock held during CPU stages (Python's GIL).
    Gil,
    /// Futures on one thread, yielding to the event loop, overlapping their waits.
    Cooperative,
    /// Isolated workers, each its own wasm instance, passing messages.
    Processes,
}

impl TechniqueKind {
    /// Every technique, in the order the page shows them.
    pub const ALL: [TechniqueKind; 6] = [
        TechniqueKind::Sequential,
        TechniqueKind::SequentialMain,
        TechniqueKind::Threads,
        TechniqueKind::Gil,
        TechniqueKind::Cooperative,
        TechniqueKind::Processes,
    ];

    /// The id used in URLs, test ids and exports.
    pub fn id(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "sequential",
            TechniqueKind::SequentialMain => "sequential-main",
            TechniqueKind::Threads => "threads",
            TechniqueKind::Gil => "gil",
            TechniqueKind::Cooperative => "cooperative",
            TechniqueKind::Processes => "processes",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TechniqueKind::Sequential => "Sequential",
            TechniqueKind::SequentialMain => "Sequential on the main thread",
            TechniqueKind::Threads => "Threads",
            TechniqueKind::Gil => "Threads + global lock",
            TechniqueKind::Cooperative => "Cooperative tasks",
            TechniqueKind::Processes => "Processes",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether it needs shared-memory threads (a cross-origin isolated page).
    pub fn needs_threads(self) -> bool {
        matches!(self, TechniqueKind::Threads | TechniqueKind::Gil)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_ids() {
        for kind in TechniqueKind::ALL {
            assert_eq!(TechniqueKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(TechniqueKind::from_id("fibers"), None);
    }
}
