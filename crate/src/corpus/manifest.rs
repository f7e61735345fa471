//! The corpus's manifest, for tests outside Rust.

use serde::Serialize;

use super::{Case, Expect};

#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    expect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

/// The manifest the end-to-end test reads:
/// `[{ "name", "expect": "ok"|"error", "width"?, "height"?, "message"? }]`.
pub fn manifest_json(cases: &[Case]) -> String {
    let entries: Vec<Entry> = cases
        .iter()
        .map(|c| match c.expect {
            Expect::Ok { width, height } => Entry {
                name: c.name,
                expect: "ok",
                width: Some(width),
                height: Some(height),
                message: None,
            },
            Expect::Err(phrase) => Entry {
                name: c.name,
                expect: "error",
                width: None,
                height: None,
                message: Some(phrase),
            },
        })
        .collect();
    serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into())
}
