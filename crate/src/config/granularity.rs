//! The granularity knob's link parameters: `yield=stage|band|rows` (where cooperative tasks
//! yield, and where the global lock may change hands), `rows=K` (with `yield=rows`) and
//! `interval=ms` (the global lock's switch interval, as CPython's `sys.setswitchinterval`).

use super::{ranged, Config};
use crate::technique::{Grain, DEFAULT_INTERVAL_MS, DEFAULT_ROWS, INTERVAL_MS, ROWS};

/// The parameters as read, combined once the whole query is read (in any order).
#[derive(Default)]
pub(super) struct Reader {
    grain: Option<Grain>,
    rows: Option<u32>,
}

impl Reader {
    /// Reads `yield`, `rows` or `interval` (`key`), noting a value it cannot use.
    pub(super) fn read(
        &mut self,
        config: &mut Config,
        key: &str,
        value: &str,
        note: &mut impl FnMut(&str, String),
    ) {
        match key {
            "yield" => match value {
                "stage" => self.grain = Some(Grain::Stage),
                "band" => self.grain = Some(Grain::Band),
                "rows" => self.grain = Some(Grain::Rows(DEFAULT_ROWS)),
                _ => note(
                    "yield",
                    format!("unknown granularity “{value}” (stage, band or rows); yielding between stages"),
                ),
            },
            "rows" => self.rows = Some(ranged("rows", value, ROWS, DEFAULT_ROWS, note)),
            _ => {
                config.switch_interval_ms =
                    ranged("interval", value, INTERVAL_MS, DEFAULT_INTERVAL_MS, note);
            }
        }
    }

    /// Sets the grain read; `rows` without `yield=rows` is noted and ignored.
    pub(super) fn finish(self, config: &mut Config, note: &mut impl FnMut(&str, String)) {
        config.grain = match (self.grain.unwrap_or_default(), self.rows) {
            (Grain::Rows(_), rows) => Grain::Rows(rows.unwrap_or(DEFAULT_ROWS)),
            (grain, Some(_)) => {
                note(
                    "rows",
                    format!(
                        "rows applies with yield=rows only; yielding {}",
                        grain.describe()
                    ),
                );
                grain
            }
            (grain, None) => grain,
        };
    }
}

/// Writes what differs from the defaults.
pub(super) fn write(config: &Config, q: &mut form_urlencoded::Serializer<'_, String>) {
    if config.grain != Grain::Stage {
        q.append_pair("yield", config.grain.id());
    }
    if let Grain::Rows(k) = config.grain {
        if k != DEFAULT_ROWS {
            q.append_pair("rows", &k.to_string());
        }
    }
    if config.switch_interval_ms != DEFAULT_INTERVAL_MS {
        q.append_pair("interval", &config.switch_interval_ms.to_string());
    }
}
