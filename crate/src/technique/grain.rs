//! Granularity: where a task may give way inside its work. Cooperative tasks yield to the event
//! loop there; under the global lock it is where a thread may hand the lock to a waiting one
//! (once it has held it for the switch interval, as CPython's `sys.setswitchinterval`).
//!
//! Decode is one call into the image decoders and cannot be cut: it stays whole at every grain.
//! Resize (with the SIMD kernel) is cut into horizontal strips of the thumbnail, and encode into
//! bands of its rows; the plain kernel resizes whole.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::pipeline::BAND_BYTES;

/// Where tasks give way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    /// Between stages only: a stage, once begun, runs to its end.
    #[default]
    Stage,
    /// Also inside resize and encode, every band of about 64 KiB of thumbnail rows.
    Band,
    /// Also inside resize and encode, every this many rows of the thumbnail.
    Rows(u32),
}

/// Allowed rows per step of [`Grain::Rows`].
pub const ROWS: RangeInclusive<u32> = 1..=4096;
/// Rows per step when a link asks for rows without saying how many.
pub const DEFAULT_ROWS: u32 = 16;
/// Allowed switch interval of the global lock, ms.
pub const INTERVAL_MS: RangeInclusive<u32> = 0..=1000;
/// CPython's default switch interval (`sys.getswitchinterval()`), ms.
pub const DEFAULT_INTERVAL_MS: u32 = 5;

impl Grain {
    /// The id used in URLs (`yield=`): `stage`, `band` or `rows`.
    pub fn id(self) -> &'static str {
        match self {
            Grain::Stage => "stage",
            Grain::Band => "band",
            Grain::Rows(_) => "rows",
        }
    }

    /// Whether tasks give way inside stages (not only between them).
    pub fn within_stages(self) -> bool {
        self != Grain::Stage
    }

    /// Rows of a `row_bytes`-wide image done between two chances to give way: a band of
    /// [`BAND_BYTES`] at [`Grain::Stage`] and [`Grain::Band`] (at stage grain the band is only
    /// where a worker listens for a cancel), else the grain's rows. Never 0.
    pub fn rows_per_step(self, row_bytes: usize) -> usize {
        match self {
            Grain::Stage | Grain::Band => (BAND_BYTES / row_bytes.max(1)).max(1),
            Grain::Rows(k) => k.max(1) as usize,
        }
    }

    /// In words, for the page and its exports.
    pub fn describe(self) -> String {
        match self {
            Grain::Stage => "between stages".to_string(),
            Grain::Band => "between stages and every 64 KiB band of resize and encode".to_string(),
            Grain::Rows(k) => format!(
                "between stages and every {k} row{} of resize and encode",
                if k == 1 { "" } else { "s" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_bands_or_the_grains_rows_and_never_empty() {
        assert_eq!(Grain::Stage.rows_per_step(1800), BAND_BYTES / 1800);
        assert_eq!(Grain::Band.rows_per_step(1800), BAND_BYTES / 1800);
        assert_eq!(Grain::Band.rows_per_step(10 * BAND_BYTES), 1);
        assert_eq!(Grain::Rows(7).rows_per_step(1800), 7);
        assert_eq!(Grain::Rows(0).rows_per_step(0), 1);
        assert!(!Grain::Stage.within_stages() && Grain::Rows(3).within_stages());
        assert_eq!(
            Grain::Rows(1).describe(),
            "between stages and every 1 row of resize and encode"
        );
    }
}
