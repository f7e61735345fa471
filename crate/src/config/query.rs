//! Reading a query string: its decoded parameters, the notices of what was corrected, and the
//! parsers of on/off and ranged values that correct with a notice.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

use super::Notice;

/// A query's parameters (with or without the leading `?`), decoded, values trimmed, and a
/// place for the notices of what reading them corrected.
pub(crate) struct Query {
    /// The parameters in order.
    pub params: Vec<(String, String)>,
    /// What was corrected.
    pub notices: Vec<Notice>,
}

impl Query {
    /// Splits and decodes `query`.
    pub(crate) fn parse(query: &str) -> Query {
        let query = query.strip_prefix('?').unwrap_or(query);
        let params = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
            .collect();
        Query {
            params,
            notices: Vec::new(),
        }
    }

    /// Records that `param` was corrected, and how.
    pub(crate) fn note(notices: &mut Vec<Notice>) -> impl FnMut(&str, String) + '_ {
        |param, message| {
            notices.push(Notice {
                param: param.to_string(),
                message,
            })
        }
    }
}

/// Parses an on/off parameter (`1`, `true` or nothing; `0` or `false`); anything else is off,
/// with a notice that says what off means here.
pub(super) fn flag(
    param: &str,
    value: &str,
    off: &str,
    note: &mut impl FnMut(&str, String),
) -> bool {
    match value {
        "1" | "true" | "" => true,
        "0" | "false" => false,
        _ => {
            note(param, format!("“{value}” is not 0 or 1; {off}"));
            false
        }
    }
}

/// Parses a whole number in `range`: out of range is clamped, unreadable is `default`.
pub(super) fn ranged<T: FromStr + PartialOrd + Copy + Display>(
    param: &str,
    value: &str,
    range: RangeInclusive<T>,
    default: T,
    note: &mut impl FnMut(&str, String),
) -> T {
    let (lo, hi) = (*range.start(), *range.end());
    match value.parse::<T>() {
        Ok(v) if v < lo => {
            note(param, format!("{v} is below {lo}; using {lo}"));
            lo
        }
        Ok(v) if v > hi => {
            note(param, format!("{v} is above {hi}; using {hi}"));
            hi
        }
        Ok(v) => v,
        Err(_) => {
            note(
                param,
                format!("“{value}” is not a whole number from {lo} to {hi}; using {default}"),
            );
            default
        }
    }
}
