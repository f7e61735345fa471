//! Long stages in bands: a cancel is heard inside an encode, not only after it.

use std::cell::RefCell;

use futures::future::join;

use super::*;
use crate::budget::PixelBudget;
use crate::pipeline::{Effort, BAND_BYTES};
use crate::technique::awaiting::{Awaiting, Turns};
use crate::technique::stages::{run_task, At};

/// One image whose thumbnail takes many bands to encode.
fn big_job() -> Job {
    let spec = ThumbSpec {
        effort: Effort::Max,
        ..ThumbSpec::fit(600)
    };
    let job = sample_job(5, 1, (600, 450), spec, Network::LOCAL, 1);
    const {
        assert!(
            600 * 450 * 3 > 8 * BAND_BYTES,
            "the encode must span several bands"
        )
    };
    job
}

/// Runs the one task of `job` under an [`Awaiting`] hook with `turns`, next to a second task
/// of the same thread that cancels the run as soon as it sees the resize done (so the encode
/// is under way). Returns the outcome and the spans.
fn cancel_during_encode(turns: Turns) -> (Outcome, Vec<Span>) {
    let job = big_job();
    let cancel = Cancel::default();
    let env = Env {
        clock: &SystemClock,
        events: &NativeLoop,
        progress: &NoProgress,
        cancel: &cancel,
        home: "worker",
    };
    let link = job.link();
    let hook = Awaiting::new(&link, &job, &env, turns);
    let budget = PixelBudget::new(job.budget_px);
    let spans = RefCell::new(Vec::new());
    let at = At {
        clock: &SystemClock,
        lane: 0,
        task: 0,
        spans: &spans,
    };
    let canceller = async {
        // Another task on the same thread: it runs only when the task gives the loop a turn.
        while !spans.borrow().iter().any(|s| s.stage == Stage::Resize) {
            NativeLoop.yield_now().await;
        }
        cancel.cancel();
    };
    let (outcome, ()) = block_on(join(run_task(&hook, &job.spec, &budget, &at), canceller));
    (outcome, spans.into_inner())
}

#[test]
fn a_worker_hears_a_cancel_between_the_bands_of_an_encode() {
    let (outcome, spans) = cancel_during_encode(Turns::Listen);
    assert_eq!(outcome.unwrap_err(), CANCELLED);
    // The encode stopped part way: drawn as the work it did, not as a failure.
    let encode = spans.iter().find(|s| s.stage == Stage::Encode).unwrap();
    assert_eq!(encode.error, None);
    assert_eq!(encode.state, State::Running);
}

#[test]
fn a_thread_that_never_gives_a_turn_finishes_its_encode() {
    // Sequential on a page's main thread: nothing else runs until the task ends.
    let (outcome, spans) = cancel_during_encode(Turns::Never);
    assert!(outcome.is_ok());
    assert!(spans.iter().any(|s| s.stage == Stage::Encode));
}

#[test]
fn a_banded_encode_is_the_same_png_and_lossless() {
    let job = big_job();
    let px = crate::pipeline::decode(&job.source.get_blocking(0).unwrap(), &job.spec).unwrap();
    let small = crate::pipeline::resize(&px, &job.spec).unwrap();
    let mut encoding = crate::pipeline::Encoding::new(&small, Effort::Max).unwrap();
    let mut bands = 1;
    while !encoding.step().unwrap() {
        bands += 1;
    }
    let thumb = encoding.finish().unwrap();
    assert!(bands > 2, "{bands} bands");
    assert_eq!(thumb, crate::pipeline::encode(&small, Effort::Max).unwrap());
    let back = image::load_from_memory(&thumb.png).unwrap().into_rgb8();
    assert_eq!(back.into_raw(), small.data);
}
