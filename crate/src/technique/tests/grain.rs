//! Granularity: resize in strips is the whole resize; cooperative tasks that yield inside stages
//! switch more often; the global lock changes hands inside a stage after its switch interval.

use super::*;
use crate::model::lane_switches;
use crate::pipeline::{Effort, Kernel, Pixels, Resizing};

/// Photos big enough that resize and encode take several bands each (400×300 thumbnails).
fn banded_job(count: u32, grain: Grain, interval_ms: u32) -> Job {
    let spec = ThumbSpec {
        effort: Effort::Balanced,
        ..ThumbSpec::fit(400)
    };
    Job {
        grain,
        switch_interval_ms: interval_ms,
        ..sample_job(11, count, (1200, 900), spec, Network::LOCAL, 1)
    }
}

/// Running pieces of each (task, stage), in time order.
fn pieces(trace: &Trace) -> Vec<Vec<&Span>> {
    let mut by: std::collections::BTreeMap<(u32, Stage), Vec<&Span>> = Default::default();
    for s in trace.running() {
        by.entry((s.task, s.stage)).or_default().push(s);
    }
    by.into_values()
        .map(|mut v| {
            v.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
            v
        })
        .collect()
}

fn split_stages(trace: &Trace) -> usize {
    pieces(trace).iter().filter(|p| p.len() > 1).count()
}

#[test]
fn a_resize_in_strips_is_the_whole_resize() {
    let noise = |alpha: bool, (w, h): (u32, u32)| {
        let mut rng = fastrand::Rng::with_seed(3);
        let len = (w * h) as usize * if alpha { 4 } else { 3 };
        Pixels {
            width: w,
            height: h,
            alpha,
            data: (0..len).map(|_| rng.u8(..)).collect(),
        }
    };
    for (alpha, size, thumb) in [(false, (900, 700), 256), (true, (500, 333), 200)] {
        let src = noise(alpha, size);
        let spec = ThumbSpec::fit(thumb);
        let whole = crate::pipeline::resize(&src, &spec).unwrap();
        for rows in [1, 7, 64, 10_000] {
            let mut strips = Resizing::new(&src, &spec, rows);
            let mut steps = 1;
            while !strips.step().unwrap() {
                steps += 1;
            }
            assert_eq!(
                steps,
                whole.height.div_ceil(rows as u32).max(1),
                "{rows} rows"
            );
            assert_eq!(
                strips.finish().unwrap(),
                whole,
                "alpha {alpha}, {rows} rows"
            );
        }
        // The plain kernel resizes whole, in one step.
        let plain = ThumbSpec {
            kernel: Kernel::Image,
            ..spec
        };
        let mut one = Resizing::new(&src, &plain, 1);
        assert!(one.step().unwrap());
        assert_eq!(
            one.finish().unwrap(),
            crate::pipeline::resize(&src, &plain).unwrap()
        );
    }
}

#[test]
fn cooperative_tasks_that_yield_inside_stages_switch_more() {
    let at = |grain| {
        let out = run(
            TechniqueKind::Cooperative,
            &banded_job(4, grain, 5),
            &Cancel::default(),
        );
        out.trace
            .validate(&STAGES)
            .unwrap_or_else(|e| panic!("{grain:?}: {e}"));
        out
    };
    let stage = at(Grain::Stage);
    let band = at(Grain::Band);
    let rows = at(Grain::Rows(8));
    assert_eq!(pngs(&band), pngs(&stage), "the same thumbnails");
    assert_eq!(pngs(&rows), pngs(&stage), "the same thumbnails");
    let switches = |out: &RunOutput| lane_switches(&out.trace)[0].switches;
    assert_eq!(split_stages(&stage.trace), 0, "stages run whole");
    assert!(split_stages(&band.trace) > 0);
    assert!(
        switches(&band) > switches(&stage),
        "band {} vs stage {}",
        switches(&band),
        switches(&stage)
    );
    assert!(
        switches(&rows) > switches(&band),
        "8 rows {} vs band {}",
        switches(&rows),
        switches(&band)
    );
    // Each yield inside a stage is a ready wait of that stage between two pieces.
    let waits = |out: &RunOutput| {
        (out.trace.spans.iter())
            .filter(|s| s.state == State::Ready && s.stage.is_cpu())
            .count()
    };
    let pieces_of = |out: &RunOutput| out.trace.running().count();
    assert_eq!(
        pieces_of(&rows) - waits(&rows),
        4 * 3,
        "3 CPU stages a task"
    );
}

/// One try of the hand-over: whether a stage gave the lock to the other thread, and whether
/// the lock changed hands more often than between stages only or with a long interval. The
/// structure (one CPU stage at once, whole stages without a hand-over, the same thumbnails) is
/// asserted every time; the two counts depend on when the OS runs the threads.
fn hand_over_once() -> bool {
    // Interval 0: at every band a waiting thread gets the lock.
    let out = run(
        TechniqueKind::Gil,
        &banded_job(6, Grain::Rows(8), 0),
        &Cancel::default(),
    );
    out.trace.validate(&STAGES).unwrap();
    assert_eq!(
        out.trace.max_parallelism(),
        1,
        "still one CPU stage at once"
    );
    let running: Vec<&Span> = out.trace.running().collect();
    // Some stage of one thread was cut, and the other thread ran in the cut.
    let handed_over = pieces(&out.trace).iter().any(|p| {
        p.windows(2).any(|w| {
            running.iter().any(|o| {
                o.lane != w[0].lane && o.start_us >= w[0].end_us && o.end_us <= w[1].start_us
            })
        })
    });
    let handoffs: u32 = lane_switches(&out.trace).iter().map(|l| l.handoffs).sum();

    // Between stages only, or with an interval longer than any stage, no stage is cut and the
    // lock changes hands less often.
    let mut fewer_each_time = true;
    for (grain, interval) in [(Grain::Stage, 0), (Grain::Rows(8), 1000)] {
        let whole = run(
            TechniqueKind::Gil,
            &banded_job(6, grain, interval),
            &Cancel::default(),
        );
        whole.trace.validate(&STAGES).unwrap();
        assert_eq!(split_stages(&whole.trace), 0, "{grain:?}, {interval} ms");
        assert_eq!(pngs(&whole), pngs(&out));
        let fewer: u32 = lane_switches(&whole.trace).iter().map(|l| l.handoffs).sum();
        fewer_each_time &= fewer < handoffs;
    }
    handed_over && fewer_each_time
}

#[test]
fn the_switch_interval_hands_the_global_lock_over_inside_a_stage() {
    // A thread can only be handed the lock while it waits for it: on a machine busy with other
    // tests the two threads may seldom overlap, so a few tries are allowed.
    let tries = 5;
    assert!(
        (0..tries).any(|_| hand_over_once()),
        "in {tries} runs no stage gave the lock to the waiting thread"
    );
}

#[test]
fn the_grain_leaves_the_other_techniques_alone() {
    for kind in [
        TechniqueKind::Sequential,
        TechniqueKind::Threads,
        TechniqueKind::Processes,
    ] {
        let out = run(kind, &banded_job(2, Grain::Rows(4), 0), &Cancel::default());
        out.trace.validate(&STAGES).unwrap();
        assert_eq!(split_stages(&out.trace), 0, "{kind:?}");
    }
}
