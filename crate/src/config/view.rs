//! How the page shows a run — each timeline by thread or by image, the open Explain panel, the
//! compact embed layout — and the whole link: configuration and view in one versioned query.
//!
//! Like [`Config`], a [`View`] reads any query without failing (bad values are corrected with a
//! [`Notice`]) and writes only what differs from its defaults, so that
//! `Link::from_query(&link.to_query()) == (link, vec![])`.

use serde::{Deserialize, Serialize};

use super::{Config, Notice, Query};
use crate::technique::TechniqueKind;

/// The view's URL parameters; [`Config::from_query`] leaves them to [`View::from_query`].
pub const PARAMS: [&str; 3] = ["by-image", "explain", "embed"];

/// How the page shows a run: nothing here changes what runs or what is measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Techniques whose timeline has one row per image (the others: one row per thread), in
    /// page order.
    pub by_image: Vec<TechniqueKind>,
    /// The technique whose Explain panel is open, if any.
    pub explain: Option<TechniqueKind>,
    /// The compact layout for slides: fits a 16:9 frame without scrolling.
    pub embed: bool,
}

impl Default for View {
    fn default() -> Self {
        View {
            // Cooperative tasks share one thread: by image is where their overlapping waits show.
            by_image: vec![TechniqueKind::Cooperative],
            explain: None,
            embed: false,
        }
    }
}

impl View {
    /// Whether `kind`'s timeline is by image.
    pub fn shows_by_image(&self, kind: TechniqueKind) -> bool {
        self.by_image.contains(&kind)
    }

    /// This view with `kind`'s timeline switched between by thread and by image.
    pub fn toggle_rows(&self, kind: TechniqueKind) -> View {
        let mut by_image = self.by_image.clone();
        if by_image.contains(&kind) {
            by_image.retain(|k| *k != kind);
        } else {
            by_image.push(kind);
            by_image.sort_by_key(|k| page_order(*k));
        }
        View {
            by_image,
            ..self.clone()
        }
    }

    /// This view with `kind`'s Explain panel opened, or closed if it was open (one at a time).
    pub fn toggle_explain(&self, kind: TechniqueKind) -> View {
        View {
            explain: (self.explain != Some(kind)).then_some(kind),
            ..self.clone()
        }
    }

    /// Reads the view's parameters from a query string; every other parameter is left to
    /// [`Config::from_query`].
    pub fn from_query(query: &str) -> (View, Vec<Notice>) {
        let Query {
            params,
            mut notices,
        } = Query::parse(query);
        let mut view = View::default();
        let mut note = Query::note(&mut notices);
        for (key, value) in &params {
            let value = value.as_str();
            match key.as_str() {
                "by-image" => {
                    let mut chosen = Vec::new();
                    let ids = value.split(',').map(str::trim);
                    for id in ids.filter(|s| !s.is_empty() && *s != "none") {
                        match TechniqueKind::from_id(id) {
                            Some(k) if !chosen.contains(&k) => chosen.push(k),
                            Some(_) => {}
                            None => note(
                                "by-image",
                                format!("unknown technique “{id}”; its timeline stays by thread"),
                            ),
                        }
                    }
                    chosen.sort_by_key(|k| page_order(*k));
                    view.by_image = chosen;
                }
                "explain" => {
                    view.explain = match value {
                        "" | "none" => None,
                        id => TechniqueKind::from_id(id).or_else(|| {
                            note(
                                "explain",
                                format!("unknown technique “{id}”; no panel is opened"),
                            );
                            None
                        }),
                    }
                }
                "embed" => {
                    view.embed = match value {
                        "1" | "true" | "" => true,
                        "0" | "false" => false,
                        _ => {
                            note(
                                "embed",
                                format!("“{value}” is not 0 or 1; showing the full page"),
                            );
                            false
                        }
                    }
                }
                _ => {}
            }
        }
        drop(note);
        (view, notices)
    }

    /// The view's part of the query string (without `?` or version; empty for the defaults).
    pub fn to_query(&self) -> String {
        let d = View::default();
        let mut q = form_urlencoded::Serializer::new(String::new());
        if self.by_image != d.by_image {
            let ids: Vec<&str> = self.by_image.iter().map(|k| k.id()).collect();
            let ids = if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(",")
            };
            q.append_pair("by-image", &ids);
        }
        if let Some(kind) = self.explain {
            q.append_pair("explain", kind.id());
        }
        if self.embed {
            q.append_pair("embed", "1");
        }
        q.finish()
    }
}

fn page_order(kind: TechniqueKind) -> usize {
    TechniqueKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(usize::MAX)
}

/// A whole link: what runs and how it is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// What runs.
    pub config: Config,
    /// How it is shown.
    pub view: View,
}

impl Link {
    /// Reads a query string (with or without the leading `?`); never fails: bad parameters are
    /// corrected, each with a notice (the configuration's first, then the view's).
    pub fn from_query(query: &str) -> (Link, Vec<Notice>) {
        let (config, mut notices) = Config::from_query(query);
        let (view, more) = View::from_query(query);
        notices.extend(more);
        (Link { config, view }, notices)
    }

    /// Writes the one versioned query string (without `?`) that reproduces this link.
    pub fn to_query(&self) -> String {
        let mut q = self.config.to_query();
        let view = self.view.to_query();
        if !view.is_empty() {
            q.push('&');
            q.push_str(&view);
        }
        q
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
