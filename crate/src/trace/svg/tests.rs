use std::collections::BTreeMap;

use super::*;
use crate::trace::fixtures::{awkward_trace, real_traces, HOSTILE};

/// An element as the checker read it: its name and attributes.
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
}

/// Checks that `text` is well-formed XML as far as this export uses it (elements, attributes,
/// text, comments, entities), and returns its elements in document order. Panics otherwise.
fn well_formed(text: &str) -> Vec<Element> {
    for c in text.chars() {
        let allowed =
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'));
        assert!(allowed, "{:?} is not allowed in XML", c);
    }
    let entities = |s: &str| {
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            let end = rest[i..]
                .find(';')
                .unwrap_or_else(|| panic!("bare & in {s:?}"));
            let name = &rest[i + 1..i + end];
            let numeric = name
                .strip_prefix('#')
                .is_some_and(|n| n.parse::<u32>().is_ok());
            assert!(
                numeric || ["amp", "lt", "gt", "quot", "apos"].contains(&name),
                "&{name};"
            );
            rest = &rest[i + end..];
        }
    };
    let (mut stack, mut elements, mut roots): (Vec<String>, Vec<Element>, usize) =
        (vec![], vec![], 0);
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let content = &rest[..open];
        assert!(
            !content.contains('>') || !stack.is_empty(),
            "text outside the root"
        );
        entities(content);
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = &comment[comment.find("-->").expect("comment closed") + 3..];
            continue;
        }
        let close = rest.find('>').expect("tag closed");
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_:".contains(c))
        );
        let mut attrs = BTreeMap::new();
        let mut a = tag[name_end..].trim_start();
        while !a.is_empty() {
            let eq = a
                .find("=\"")
                .unwrap_or_else(|| panic!("attribute without a quoted value: {a:?}"));
            let key = a[..eq].trim();
            let value_end = a[eq + 2..].find('"').expect("attribute value closed");
            let value = &a[eq + 2..eq + 2 + value_end];
            assert!(!value.contains('<'), "< in an attribute value");
            entities(value);
            assert!(
                attrs.insert(key.to_string(), value.to_string()).is_none(),
                "{key} twice in <{name}>"
            );
            a = a[eq + 2 + value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !empty {
            stack.push(name.to_string());
        }
        elements.push(Element {
            name: name.to_string(),
            attrs,
        });
    }
    assert!(rest.trim().is_empty(), "text after the root");
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
    elements
}

fn spans_drawn(elements: &[Element]) -> Vec<&Element> {
    elements
        .iter()
        .filter(|e| e.name == "rect" && e.attrs.get("class").is_some_and(|c| c.starts_with("span")))
        .collect()
}

#[test]
fn the_checker_rejects_what_it_should() {
    for bad in [
        "<a><b></a></b>",
        "<a x=\"1\" x=\"2\"/>",
        "<a>&nope;</a>",
        "<a>x & y</a>",
        "<a><b></a>",
        "<a/><b/>",
        "<a>\u{1}</a>",
    ] {
        assert!(
            std::panic::catch_unwind(|| well_formed(bad)).is_err(),
            "{bad}"
        );
    }
    assert_eq!(
        well_formed("<a x=\"&lt;\"><b/>&amp;<!-- c --></a>").len(),
        2
    );
}

#[test]
fn real_runs_draw_one_rect_per_span_with_explicit_size() {
    let traces = real_traces();
    let svg = timeline_svg(traces);
    let elements = well_formed(&svg);
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    let (w, h) = (&root.attrs["width"], &root.attrs["height"]);
    assert_eq!(root.attrs["viewBox"], format!("0 0 {w} {h}"));
    assert!(w.parse::<f64>().is_ok_and(|w| w > 0.0) && h.parse::<f64>().is_ok_and(|h| h > 0.0));
    let drawn = spans_drawn(&elements);
    assert_eq!(
        drawn.len(),
        traces.iter().map(|t| t.spans.len()).sum::<usize>()
    );
    for (trace, run) in traces.iter().zip(
        elements
            .iter()
            .filter(|e| e.attrs.get("class").is_some_and(|c| c == "run")),
    ) {
        assert_eq!(run.attrs["data-technique"], trace.technique.id());
    }
    for label in traces.iter().map(|t| t.technique.label()) {
        assert!(svg.contains(label), "a title for {label}");
    }
    for r in &drawn {
        let (x, width) = (
            r.attrs["x"].parse::<f64>().unwrap_or(-1.0),
            r.attrs["width"].parse::<f64>().unwrap_or(-1.0),
        );
        assert!(
            x >= LEFT && x + width <= LEFT + PLOT + 0.61,
            "inside the plot: {x} + {width}"
        );
    }
    // Nothing is fetched from elsewhere: the one URL is the SVG namespace.
    assert_eq!(svg.matches("http").count(), 1);
    assert!(!svg.contains("href") && !svg.contains("@import") && !svg.contains("<image"));
}

#[test]
fn cooperative_waits_get_rows_of_their_own_under_the_lane() {
    let coop = &real_traces()[1];
    assert!(coop.max_in_flight() > 1, "the fixture's waits overlap");
    let elements = well_formed(&timeline_svg(std::slice::from_ref(coop)));
    let drawn = spans_drawn(&elements);
    let ys = |state: &str| {
        let mut ys: Vec<String> = drawn
            .iter()
            .filter(|r| r.attrs["data-state"] == state)
            .map(|r| r.attrs["y"].clone())
            .collect();
        ys.sort();
        ys.dedup();
        ys
    };
    assert_eq!(ys("running").len(), 1, "CPU stages on the lane");
    assert!(
        ys("blocked").len() >= coop.max_in_flight(),
        "one row per request in flight"
    );
    // Two rects in one row never overlap.
    let mut rows: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in &drawn {
        let x: f64 = r.attrs["x"].parse().unwrap_or(0.0);
        let w: f64 = r.attrs["width"].parse().unwrap_or(0.0);
        rows.entry(r.attrs["y"].clone())
            .or_default()
            .push((x, x + w));
    }
    for (y, mut row) in rows {
        row.sort_by(|a, b| a.0.total_cmp(&b.0));
        for p in row.windows(2) {
            // Widths have a floor of 0.6 px so that short stages stay visible.
            assert!(p[1].0 >= p[0].1 - 0.61, "row {y}: {p:?}");
        }
    }
}

#[test]
fn hostile_text_is_escaped() {
    let trace = awkward_trace();
    let svg = timeline_svg(std::slice::from_ref(&trace));
    let elements = well_formed(&svg);
    assert!(!svg.contains(HOSTILE) && !svg.contains("<c>") && !svg.contains('\u{7}'));
    assert!(svg.contains("&lt;c&gt; &amp; &apos;d&apos; ]]&gt; --&gt;"));
    assert!(svg.contains("main &lt;thread&gt;"));
    // The span whose time is not a number is not drawn; every other one is, and the failed
    // one is outlined.
    let drawn = spans_drawn(&elements);
    assert_eq!(drawn.len(), trace.spans.len() - 1);
    let failed: Vec<_> = drawn
        .iter()
        .filter(|r| r.attrs["class"].contains("failed"))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attrs["stroke"], FAILED);
    assert_eq!(
        elements
            .iter()
            .filter(|e| e.attrs.get("class").is_some_and(|c| c == "retired"))
            .count(),
        1
    );
    assert_eq!(
        elements
            .iter()
            .filter(|e| e.attrs.get("class").is_some_and(|c| c == "startup"))
            .count(),
        1
    );
}

#[test]
fn no_runs_still_make_a_valid_picture() {
    let elements = well_formed(&timeline_svg(&[]));
    assert!(spans_drawn(&elements).is_empty());
    assert_eq!(escape("a\u{0}b\u{1F600}"), "a\u{FFFD}b\u{1F600}");
    assert_eq!(cut(&"x".repeat(40)).chars().count(), NAME_CHARS);
}
