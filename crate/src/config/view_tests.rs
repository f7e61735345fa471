//! The view's parameters, and property tests of the whole link: random configurations and views
//! round-trip exactly; random and mangled queries never panic and round-trip once corrected.

use super::*;
use crate::config::{Present, BANDWIDTH, CONNECTIONS, DELAY_MS, IMAGES, REPEATS, THREADS, THUMB};
use crate::images::SampleSet;
use crate::network::Network;
use crate::pipeline::{Effort, Kernel};
use crate::technique::{Grain, INTERVAL_MS, ROWS};

#[test]
fn the_default_view_adds_nothing_to_the_link() {
    let link = Link::default();
    assert_eq!(link.to_query(), "v=2");
    assert_eq!(Link::from_query("v=2"), (link, vec![]));
}

#[test]
fn views_are_read_written_and_toggled() {
    let (link, notices) =
        Link::from_query("v=2&images=4&by-image=threads,sequential&explain=gil&embed=1");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(link.config.images, 4);
    let view = &link.view;
    assert_eq!(
        view.by_image,
        [TechniqueKind::Sequential, TechniqueKind::Threads],
        "page order"
    );
    assert_eq!(view.explain, Some(TechniqueKind::Gil));
    assert!(view.embed);
    assert_eq!(
        link.to_query(),
        "v=2&images=4&by-image=sequential%2Cthreads&explain=gil&embed=1"
    );

    // Cooperative is by image unless the link says otherwise; "none" says so.
    let flat = View::default().toggle_rows(TechniqueKind::Cooperative);
    assert!(flat.by_image.is_empty());
    assert_eq!(flat.to_query(), "by-image=none");
    assert_eq!(View::from_query(&flat.to_query()), (flat.clone(), vec![]));
    assert!(flat
        .toggle_rows(TechniqueKind::Threads)
        .shows_by_image(TechniqueKind::Threads));

    // One panel at a time: opening another closes the first; opening it again closes it.
    let open = View::default().toggle_explain(TechniqueKind::Threads);
    assert_eq!(open.explain, Some(TechniqueKind::Threads));
    let other = open.toggle_explain(TechniqueKind::Processes);
    assert_eq!(other.explain, Some(TechniqueKind::Processes));
    assert_eq!(other.toggle_explain(TechniqueKind::Processes).explain, None);
}

#[test]
fn bad_view_values_are_corrected_with_a_notice() {
    let (link, notices) = Link::from_query("by-image=threads,warp&explain=magic&embed=maybe");
    assert_eq!(link.view.by_image, [TechniqueKind::Threads]);
    assert_eq!(link.view.explain, None);
    assert!(!link.view.embed);
    let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
    assert_eq!(params, ["by-image", "explain", "embed"]);
    assert!(
        notices[0].message.contains("warp"),
        "{}",
        notices[0].message
    );
    // The view's parameters are not unknown to the configuration.
    assert!(Config::from_query("embed=1&explain=gil&by-image=none")
        .1
        .is_empty());
}

#[test]
fn version_1_links_keep_working_with_views() {
    let (link, notices) = Link::from_query("v=1&images=8&embed=1");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((link.config.thumb, link.config.effort), (256, Effort::Fast));
    assert!(link.view.embed);
    assert_eq!(Link::from_query(&link.to_query()), (link, vec![]));
}

/// Any value of `range`, its ends more often than chance would pick them.
fn pick(rng: &mut fastrand::Rng, range: std::ops::RangeInclusive<u32>) -> u32 {
    match rng.u8(..8) {
        0 => *range.start(),
        1 => *range.end(),
        _ => rng.u32(range),
    }
}

/// A non-empty subset of the techniques, in page order (what the parser gives back).
fn techniques(rng: &mut fastrand::Rng, allow_empty: bool) -> Vec<TechniqueKind> {
    loop {
        let chosen: Vec<TechniqueKind> = TechniqueKind::ALL
            .into_iter()
            .filter(|_| rng.bool())
            .collect();
        if allow_empty || !chosen.is_empty() {
            return chosen;
        }
    }
}

fn random_link(rng: &mut fastrand::Rng) -> Link {
    let chosen = techniques(rng, false);
    let on = rng.bool();
    // A step is kept only in presenter mode, within the chosen techniques' steps.
    let present = Present {
        on,
        step: if on {
            pick(rng, Present::range(chosen.len()))
        } else {
            0
        },
    };
    let config = Config {
        techniques: chosen,
        threads: rng.bool().then(|| pick(rng, THREADS)),
        images: pick(rng, IMAGES),
        set: SampleSet::ALL[rng.usize(..SampleSet::ALL.len())],
        thumb: pick(rng, THUMB),
        effort: Effort::ALL[rng.usize(..Effort::ALL.len())],
        network: Network {
            latency_ms: pick(rng, DELAY_MS),
            jitter_ms: pick(rng, DELAY_MS),
            bandwidth_mbps: pick(rng, BANDWIDTH),
            connections: pick(rng, CONNECTIONS),
        },
        seed: match rng.u8(..4) {
            0 => 1,
            1 => u64::MAX,
            _ => rng.u64(..),
        },
        autorun: rng.bool(),
        kernel: Kernel::ALL[rng.usize(..Kernel::ALL.len())],
        present,
        repeats: pick(rng, REPEATS),
        sweep: rng.bool(),
        grain: match rng.u8(..3) {
            0 => Grain::Stage,
            1 => Grain::Band,
            _ => Grain::Rows(pick(rng, ROWS)),
        },
        switch_interval_ms: pick(rng, INTERVAL_MS),
    };
    let view = View {
        by_image: techniques(rng, true),
        explain: rng
            .bool()
            .then(|| TechniqueKind::ALL[rng.usize(..TechniqueKind::ALL.len())]),
        embed: rng.bool(),
    };
    Link { config, view }
}

#[test]
fn random_links_round_trip_exactly() {
    let mut rng = fastrand::Rng::with_seed(0x1e7_1ea7);
    for case in 0..2000 {
        let link = random_link(&mut rng);
        let query = link.to_query();
        assert_eq!(
            Link::from_query(&query),
            (link.clone(), vec![]),
            "case {case}: {query}"
        );
        assert_eq!(
            Link::from_query(&format!("?{query}")).0,
            link,
            "case {case}: with ?"
        );
    }
}

/// Pieces of queries: every parameter, good and bad values, and the characters that trip up
/// URL parsers.
const KEYS: [&str; 23] = [
    "v",
    "techniques",
    "threads",
    "images",
    "set",
    "thumb",
    "effort",
    "latency",
    "jitter",
    "bandwidth",
    "connections",
    "seed",
    "autorun",
    "sweep",
    "yield",
    "rows",
    "interval",
    "by-image",
    "explain",
    "embed",
    "zoom",
    "",
    "%20embed",
];
const VALUES: [&str; 27] = [
    "",
    "0",
    "1",
    "2",
    "-1",
    "none",
    "auto",
    "max",
    "photos",
    "band",
    "rows",
    "stage",
    "threads",
    "gil,cooperative,gil",
    "sequential-main,,processes",
    "warp",
    "18446744073709551615",
    "18446744073709551616",
    "999999999999",
    "%",
    "%FF%FE",
    "%E2%80%AE",
    "+1+",
    "1e3",
    "<script>",
    "true",
    "\u{1F600}",
];

fn garbage(rng: &mut fastrand::Rng) -> String {
    let mut q = String::new();
    if rng.bool() {
        q.push('?');
    }
    for _ in 0..rng.usize(0..8) {
        let key = KEYS[rng.usize(..KEYS.len())];
        let value = VALUES[rng.usize(..VALUES.len())];
        match rng.u8(..6) {
            0 => q.push_str(key),
            1 => q.push_str(&format!("{key}=={value}")),
            _ => q.push_str(&format!("{key}={value}")),
        }
        q.push(if rng.u8(..8) == 0 { ';' } else { '&' });
    }
    // Mangle some bytes: drop, duplicate or replace with an arbitrary character.
    let mut chars: Vec<char> = q.chars().collect();
    for _ in 0..rng.usize(0..4) {
        if chars.is_empty() {
            break;
        }
        let at = rng.usize(..chars.len());
        match rng.u8(..3) {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            _ => chars[at] = rng.char(..),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn garbage_never_panics_and_round_trips_once_corrected() {
    let mut rng = fastrand::Rng::with_seed(9);
    for case in 0..3000 {
        let query = garbage(&mut rng);
        let (link, _) = Link::from_query(&query);
        let again = link.to_query();
        assert_eq!(
            Link::from_query(&again),
            (link.clone(), vec![]),
            "case {case}: {query:?} → {again}"
        );
        // Written links are plain ASCII: no markup or control character survives into them.
        assert!(
            again.bytes().all(|b| b.is_ascii_graphic()),
            "case {case}: {again}"
        );
    }
}
