//! Stopping early and holding memory: cancellation and the pixel budget, in every technique.

use super::*;

#[test]
fn a_cancelled_run_skips_its_tasks() {
    let cancel = Cancel::default();
    cancel.cancel();
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job(3, Network::LOCAL), &cancel);
        assert!(
            out.outcomes
                .iter()
                .all(|o| o.as_ref().unwrap_err() == CANCELLED),
            "{kind:?}"
        );
        assert!(out.trace.spans.is_empty());
    }
}

/// Cancels the run as soon as the first task is reported, noting when.
#[derive(Default)]
struct CancelOnFirst {
    cancel: Cancel,
    at_us: std::sync::OnceLock<f64>,
}

impl Progress for CancelOnFirst {
    fn task_done(&self, _task: u32, _ok: bool) {
        self.at_us.get_or_init(|| SystemClock.now_us());
        self.cancel.cancel();
    }
}

#[test]
fn a_run_cancelled_after_its_first_task_stops_within_a_stage() {
    let tasks = 12;
    let job = job(tasks, slow_network());
    for kind in TechniqueKind::ALL {
        let first = CancelOnFirst::default();
        let out = run_with(kind, &job, &first.cancel, &first);
        out.trace
            .validate(&STAGES)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let done = out.outcomes.iter().filter(|o| o.is_ok()).count();
        assert!(
            out.outcomes.iter().all(|o| o.is_ok() || is_cancelled(o)),
            "{kind:?}"
        );
        // The first task, and at most what the other lane was doing at that moment.
        assert!((1..=3).contains(&done), "{kind:?}: {done} done");
        let cancelled: Vec<u32> = (0..tasks)
            .filter(|&t| out.outcomes[t as usize].is_err())
            .collect();
        assert_eq!(out.trace.cancelled, cancelled, "{kind:?}");
        assert!(out.trace.failures().next().is_none(), "{kind:?}");
        // Once cancelled, a task starts at most one more stage (one that passed its check just
        // before the cancellation).
        let cancelled_at = *first.at_us.get().unwrap();
        for task in 0..tasks {
            let after = out
                .trace
                .spans
                .iter()
                .filter(|s| s.task == task && s.state != State::Ready && STAGES.contains(&s.stage))
                .filter(|s| s.start_us > cancelled_at)
                .count();
            assert!(
                after <= 1,
                "{kind:?}: task {task} ran {after} stages after cancel"
            );
        }
    }
}

#[test]
fn cooperative_tasks_cancelled_midway_keep_the_stages_they_ran() {
    let first = CancelOnFirst::default();
    let job = job(6, Network::LOCAL);
    let out = run_with(TechniqueKind::Cooperative, &job, &first.cancel, &first);
    out.trace.validate(&STAGES).unwrap();
    // Every task had fetched (they all start at once) when the first finished.
    let partial = out
        .trace
        .cancelled
        .iter()
        .filter(|&&t| out.trace.spans.iter().any(|s| s.task == t))
        .count();
    assert!(partial >= 1, "{:?}", out.trace.cancelled);
}

/// A job whose run may hold `images` of its decoded images at once.
fn budgeted(count: u32, images: f64) -> Job {
    let job = job(count, Network::LOCAL);
    let px = crate::budget::image_pixels(&job.source.get_blocking(0).unwrap()).unwrap();
    Job {
        budget_px: (px as f64 * images) as u64,
        ..job
    }
}

#[test]
fn a_small_pixel_budget_makes_tasks_wait_their_turn_and_changes_no_thumbnail() {
    let reference = pngs(&run(
        TechniqueKind::Sequential,
        &job(6, Network::LOCAL),
        &Cancel::default(),
    ));
    let job = budgeted(6, 1.5);
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job, &Cancel::default());
        assert_eq!(pngs(&out), reference, "{kind:?}");
        out.trace
            .validate(&STAGES)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    // Cooperative tasks all decode as soon as they can: with room for one image, the others
    // wait, drawn as ready before decode.
    let out = run(TechniqueKind::Cooperative, &job, &Cancel::default());
    let waits = out
        .trace
        .spans
        .iter()
        .filter(|s| s.state == State::Ready && s.stage == Stage::Decode);
    assert!(waits.count() >= 1);
    // Never two images between decode and the end of resize at once.
    let held = out
        .trace
        .max_concurrent(|s| s.stage == Stage::Decode && s.state == State::Running);
    assert_eq!(held, 1);
}

#[test]
fn an_image_larger_than_the_whole_budget_fails_in_plain_words() {
    let job = budgeted(2, 0.5);
    for kind in TechniqueKind::ALL {
        let out = run(kind, &job, &Cancel::default());
        for outcome in &out.outcomes {
            let why = outcome.as_ref().unwrap_err();
            assert!(why.contains("megapixels"), "{kind:?}: {why}");
        }
        out.trace
            .validate(&STAGES)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(out.trace.failures().count(), 2, "{kind:?}");
    }
}
