//! The corpus through the pipeline, and a short fuzz run.

use std::time::{Duration, Instant};

use super::*;
use crate::images::{sample_jpeg, SampleSpec};

#[test]
fn every_case_meets_its_expectation() {
    let start = Instant::now();
    let cases = cases().unwrap();
    let made = start.elapsed();
    let mut failures = Vec::new();
    for case in &cases {
        let start = Instant::now();
        failures.extend(check(case).err());
        // Hostile files are refused quickly: nothing big is decoded.
        let took = start.elapsed();
        if took > Duration::from_millis(500) {
            failures.push(format!("{}: took {took:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let again = super::cases().unwrap();
    assert!(
        cases.iter().zip(&again).all(|(a, b)| a.bytes == b.bytes),
        "the corpus is deterministic"
    );
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "names are unique");
    assert!(made < Duration::from_secs(2), "made in {made:?}");
}

/// Which quarter of the decoded image holds the red marker (top-left when stored).
fn red_quarter(name: &str) -> (bool, bool) {
    let case = cases()
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap();
    let px = pipeline::decode(&case.bytes, &ThumbSpec::fit(4096)).unwrap();
    let at = |x: u32, y: u32| {
        let i = ((y * px.width + x) * if px.alpha { 4 } else { 3 }) as usize;
        (px.data[i], px.data[i + 1])
    };
    let red = |(r, g): (u8, u8)| r > 180 && g < 80;
    let (w, h) = (px.width, px.height);
    let right = red(at(w * 3 / 4, h / 4)) || red(at(w * 3 / 4, h * 3 / 4));
    let bottom = red(at(w / 4, h * 3 / 4)) || red(at(w * 3 / 4, h * 3 / 4));
    assert_eq!(
        [
            at(w / 4, h / 4),
            at(w * 3 / 4, h / 4),
            at(w / 4, h * 3 / 4),
            at(w * 3 / 4, h * 3 / 4)
        ]
        .into_iter()
        .filter(|&p| red(p))
        .count(),
        1,
        "{name}: exactly one red quarter"
    );
    (right, bottom)
}

#[test]
fn exif_orientation_turns_the_pixels_upright() {
    assert_eq!(red_quarter("progressive.jpg"), (false, false));
    // 6: turn 90° clockwise, so the stored top-left is shown top-right.
    assert_eq!(red_quarter("exif-rotated-6.jpg"), (true, false));
    assert_eq!(red_quarter("exif-rotated-6.png"), (true, false));
    assert_eq!(red_quarter("exif-rotated-8.jpg"), (false, true));
    assert_eq!(red_quarter("exif-rotated-3.jpg"), (true, true));
}

#[test]
fn cmyk_and_ycck_jpegs_keep_their_colours() {
    let want = make::pattern(320, 240, 3);
    for name in ["cmyk.jpg", "ycck.jpg"] {
        let case = cases()
            .unwrap()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap();
        let px = pipeline::decode(&case.bytes, &ThumbSpec::fit(4096)).unwrap();
        let diff: u64 = px
            .data
            .iter()
            .zip(&want)
            .map(|(&a, &b)| u64::from(a.abs_diff(b)))
            .sum();
        let mean = diff as f64 / want.len() as f64;
        assert!(mean < 6.0, "{name}: mean error {mean}");
    }
}

#[test]
fn a_short_fuzz_run_finds_nothing() {
    let mut seeds: Vec<Vec<u8>> = cases()
        .unwrap()
        .into_iter()
        .filter(|c| matches!(c.expect, Expect::Ok { .. }) && c.bytes.len() < 64 * 1024)
        .map(|c| c.bytes)
        .collect();
    let spec = SampleSpec {
        seed: 3,
        count: 2,
        width: 96,
        height: 64,
    };
    seeds.extend((0..2).map(|i| sample_jpeg(&spec, i)));
    let limit = Duration::from_secs(2);
    let report = fuzz::fuzz_pipeline(&seeds, 1, fuzz::Budget::Executions(8000), limit);
    let found: Vec<&str> = report.findings.iter().map(|f| f.what.as_str()).collect();
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(report.executions, 8000);
}

/// Random and mutated URL query strings never panic, and what they read survives a round trip.
#[test]
fn fuzzed_queries_never_panic_and_round_trip() {
    use crate::corpus::fuzz::{fuzz_query, Budget};
    let report = fuzz_query(1, Budget::Executions(20_000));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
