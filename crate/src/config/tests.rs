//! The URL round trip, corrections and presets.

use super::*;
use crate::technique::{DEFAULT_ROWS, INTERVAL_MS, ROWS};

#[test]
fn defaults_round_trip_to_a_short_link() {
    assert_eq!(Config::default().to_query(), "v=2");
    assert_eq!(Config::from_query("?v=2"), (Config::default(), vec![]));
    assert_eq!(Config::from_query(""), (Config::default(), vec![]));
}

#[test]
fn every_field_round_trips() {
    let c = Config {
        techniques: vec![TechniqueKind::Sequential, TechniqueKind::Cooperative],
        threads: Some(3),
        images: 5,
        set: SampleSet::Mixed,
        thumb: 100,
        effort: Effort::Balanced,
        kernel: Kernel::Image,
        network: Network {
            latency_ms: 120,
            jitter_ms: 30,
            bandwidth_mbps: 50,
            connections: 2,
        },
        seed: u64::MAX,
        autorun: true,
        repeats: 5,
        present: Present { on: true, step: 2 },
        sweep: true,
        grain: Grain::Rows(7),
        switch_interval_ms: 0,
    };
    assert_eq!(Config::from_query(&c.to_query()), (c, vec![]));
}

#[test]
fn bad_values_are_corrected_with_a_notice() {
    let (c, n) =
        Config::from_query("threads=0&images=9999&set=huge&seed=-4&techniques=threads,nope&zoom=2");
    assert_eq!(c.threads, Some(1));
    assert_eq!(c.images, 64);
    assert_eq!(c.set, SampleSet::Photos);
    assert_eq!(c.seed, 1);
    assert_eq!(c.techniques, vec![TechniqueKind::Threads]);
    let params: Vec<&str> = n.iter().map(|n| n.param.as_str()).collect();
    assert_eq!(
        params,
        ["threads", "images", "set", "seed", "techniques", "zoom"]
    );
}

#[test]
fn techniques_are_deduplicated_ordered_and_never_empty() {
    let (c, _) = Config::from_query("techniques=cooperative,sequential,cooperative");
    assert_eq!(
        c.techniques,
        vec![TechniqueKind::Sequential, TechniqueKind::Cooperative]
    );
    let (c, n) = Config::from_query("techniques=");
    assert_eq!(c.techniques, TechniqueKind::ALL.to_vec());
    assert_eq!(n.len(), 1);
}

#[test]
fn presets_apply_and_are_recognised() {
    let c = Config::default();
    assert_eq!(Preset::matching(&c), Some(Preset::CpuBound));
    for p in Preset::ALL {
        let applied = p.apply(&c);
        assert_eq!(Preset::matching(&applied), Some(p));
        assert_eq!(Config::from_query(&applied.to_query()).0, applied);
    }
    assert!(Preset::IoBound.apply(&c).network.latency_ms > 0);
}

#[test]
fn batches_longer_than_the_set_repeat_its_files() {
    let c = Config {
        images: 18,
        ..Config::default()
    };
    let paths = c.sample_paths();
    assert_eq!(paths.len(), 18);
    assert_eq!(paths[0], "photos/00.jpg");
    assert_eq!(paths[16], paths[0]);
}

#[test]
fn version_1_links_keep_their_meaning() {
    // Written when the page opened on 256 px thumbnails encoded fast, before `effort`.
    let (old, notices) = Config::from_query("v=1&images=8");
    assert!(notices.is_empty());
    assert_eq!((old.thumb, old.effort, old.images), (256, Effort::Fast, 8));
    assert_eq!(Config::from_query(&old.to_query()).0, old);
    assert_ne!(Config::from_query("v=2&images=8").0.effort, Effort::Fast);
}

#[test]
fn effort_round_trips_and_a_bad_one_is_noticed() {
    for effort in Effort::ALL {
        let c = Config {
            effort,
            ..Config::default()
        };
        assert_eq!(Config::from_query(&c.to_query()), (c, vec![]));
    }
    let (c, n) = Config::from_query("effort=ultra");
    assert_eq!(c.effort, Config::default().effort);
    assert_eq!(n.len(), 1);
    assert!(n[0].message.contains("ultra"), "{}", n[0].message);
}

#[test]
fn repeats_default_to_three_and_stay_from_one_to_nine() {
    assert_eq!(Config::default().repeats, 3);
    assert_eq!(Config::from_query("repeats=1").0.repeats, 1);
    let (c, n) = Config::from_query("repeats=0");
    assert_eq!((c.repeats, n[0].param.as_str()), (1, "repeats"));
    assert_eq!(Config::from_query("repeats=12").0.repeats, 9);
    let (c, n) = Config::from_query("repeats=many");
    assert_eq!((c.repeats, n.len()), (3, 1));
    // A configuration saved before repeats existed reads as the default.
    let mut saved = serde_json::to_value(Config::default()).unwrap();
    saved.as_object_mut().unwrap().remove("repeats");
    assert_eq!(serde_json::from_value::<Config>(saved).unwrap().repeats, 3);
}

#[test]
fn an_unknown_kernel_is_corrected_with_a_notice() {
    let (c, n) = Config::from_query("kernel=gpu");
    assert_eq!(c.kernel, Kernel::Simd);
    assert_eq!(n.len(), 1);
    assert!(n[0].message.contains("simd or image"), "{n:?}");
    assert_eq!(Config::from_query("kernel=image").0.kernel, Kernel::Image);
}

#[test]
fn sweep_is_off_unless_asked_and_a_bad_value_is_noticed() {
    assert!(!Config::default().sweep);
    let (c, n) = Config::from_query("sweep=1");
    assert!(c.sweep && n.is_empty());
    assert_eq!(Config::from_query(&c.to_query()), (c, vec![]));
    let (c, n) = Config::from_query("sweep=maybe");
    assert!(!c.sweep);
    assert_eq!(n.len(), 1);
    assert!(n[0].message.contains("maybe"), "{}", n[0].message);
}

#[test]
fn granularity_round_trips_and_bad_values_are_corrected() {
    assert_eq!(Config::default().grain, Grain::Stage);
    assert_eq!(Config::default().switch_interval_ms, 5, "CPython's default");
    for (query, grain) in [
        ("yield=stage", Grain::Stage),
        ("yield=band", Grain::Band),
        ("yield=rows", Grain::Rows(DEFAULT_ROWS)),
        ("rows=3&yield=rows", Grain::Rows(3)),
        ("yield=rows&rows=4096", Grain::Rows(4096)),
    ] {
        let (c, n) = Config::from_query(query);
        assert_eq!((c.grain, n), (grain, vec![]), "{query}");
        assert_eq!(Config::from_query(&c.to_query()), (c, vec![]), "{query}");
    }
    assert_eq!(Config::from_query("yield=stage").0.to_query(), "v=2");
    assert_eq!(
        Config::from_query("yield=rows&rows=8&interval=1")
            .0
            .to_query(),
        "v=2&yield=rows&rows=8&interval=1"
    );

    let (c, n) = Config::from_query("yield=pixel");
    assert_eq!((c.grain, n[0].param.as_str()), (Grain::Stage, "yield"));
    assert!(n[0].message.contains("stage, band or rows"), "{n:?}");
    let (c, n) = Config::from_query("yield=rows&rows=0");
    assert_eq!(
        (c.grain, n[0].param.as_str()),
        (Grain::Rows(*ROWS.start()), "rows")
    );
    let (c, n) = Config::from_query("yield=rows&rows=lots");
    assert_eq!((c.grain, n.len()), (Grain::Rows(DEFAULT_ROWS), 1));
    // Rows without yield=rows mean nothing: said, and left out of the link.
    let (c, n) = Config::from_query("yield=band&rows=8");
    assert_eq!((c.grain, n[0].param.as_str()), (Grain::Band, "rows"));
    assert_eq!(c.to_query(), "v=2&yield=band");
    let (c, n) = Config::from_query("interval=99999");
    assert_eq!((c.switch_interval_ms, n.len()), (*INTERVAL_MS.end(), 1));
    // A configuration saved before the knob existed reads as the defaults.
    let mut saved = serde_json::to_value(Config::default()).unwrap();
    let object = saved.as_object_mut().unwrap();
    object.remove("grain");
    object.remove("switch_interval_ms");
    assert_eq!(
        serde_json::from_value::<Config>(saved).unwrap(),
        Config::default()
    );
    // The job gets them.
    let c = Config::from_query("yield=band&interval=2").0;
    let job = c.schedule(crate::testing::sample_job(
        1,
        1,
        (8, 8),
        c.thumb_spec(),
        c.network,
        1,
    ));
    assert_eq!((job.grain, job.switch_interval_ms), (Grain::Band, 2));
}
