//! The one path every task takes (fetch, decode, resize, encode) and the hook through which a
//! technique adds its own rules around each stage.
//!
//! The path is `async` so that cooperative tasks can yield between stages, and inside resize
//! and encode, which run in steps (strips, bands) at the hook's [`Grain`]. A stage that gave way
//! part-way is recorded as several *running* spans with a *ready* span between each two.
//! Blocking techniques
//! (threads, the global lock) use a hook whose futures never pend, and drive the path with one
//! poll, no executor (`parallel.rs`). Adding a stage is one line in [`run_task`].

use std::cell::RefCell;
use std::fmt::Display;
use std::future::Future;

use super::{Grain, Outcome, CANCELLED};
use crate::budget::{image_pixels, BudgetError, PixelBudget, Reservation};
use crate::pipeline::{self, ThumbSpec};
use crate::platform::Clock;
use crate::trace::{Span, Stage, State};

/// Where a task runs and where its spans go.
pub(crate) struct At<'a> {
    /// The run's clock.
    pub clock: &'a dyn Clock,
    /// The lane the task runs on.
    pub lane: u32,
    /// The task.
    pub task: u32,
    /// The log; never borrowed across an await, so tasks of one thread can share it.
    pub spans: &'a RefCell<Vec<Span>>,
}

impl At<'_> {
    /// Records a span of this task from `start_us` to now.
    pub(crate) fn push(&self, stage: Stage, state: State, start_us: f64, error: Option<String>) {
        self.record(stage, state, (start_us, self.clock.now_us()), error);
    }

    /// Records a span of this task from `start_us` to `end_us`.
    pub(crate) fn record(
        &self,
        stage: Stage,
        state: State,
        (start_us, end_us): (f64, f64),
        error: Option<String>,
    ) {
        let span = Span {
            lane: self.lane,
            task: self.task,
            stage,
            state,
            start_us,
            end_us,
            error,
        };
        self.spans.borrow_mut().push(span);
    }

    /// A stage that gave way at `paused_us` and runs again now: records its running piece
    /// since `*start_us` and the wait (*ready*), and moves `*start_us` to now.
    pub(crate) fn gave_way(&self, stage: Stage, start_us: &mut f64, paused_us: f64) {
        self.record(stage, State::Running, (*start_us, paused_us), None);
        let now = self.clock.now_us();
        self.record(stage, State::Ready, (paused_us, now), None);
        *start_us = now;
    }
}

/// What a technique does around each stage of a task.
pub(crate) trait Hook {
    /// Held while a stage runs (a lock guard, or nothing).
    type Held<'h>
    where
        Self: 'h;

    /// Before `stage`: stops the task if the run is cancelled (`Err(CANCELLED)`), else waits
    /// for what the stage needs (a wait is recorded as *ready*) and returns it.
    fn enter(
        &self,
        stage: Stage,
        at: &At<'_>,
    ) -> impl Future<Output = Result<Self::Held<'_>, String>>;

    /// Between two steps of a long stage (bands of encode; strips of resize at a grain inside
    /// stages): stops the task if the run is cancelled, and may give way — the thread's event
    /// loop a turn, or the global lock to a waiting thread. Giving way, it records the stage's
    /// piece since `*start_us` and the wait ([`At::gave_way`]).
    fn between(
        &self,
        stage: Stage,
        at: &At<'_>,
        start_us: &mut f64,
    ) -> impl Future<Output = Result<(), String>>;

    /// Where tasks under this hook give way: the run's grain where the technique uses it
    /// (cooperative tasks, the global lock), else [`Grain::Stage`].
    fn grain(&self) -> Grain;

    /// Fetches the task's bytes: the result, and when the request held its connection, µs.
    fn fetch(&self, at: &At<'_>) -> impl Future<Output = (Result<Vec<u8>, String>, f64, f64)>;

    /// Waits until `px` decoded pixels fit in `budget`.
    fn reserve<'b>(
        &self,
        budget: &'b PixelBudget,
        px: u64,
    ) -> impl Future<Output = Result<Reservation<'b>, BudgetError>>;
}

/// One task, start to end, under `hook`. Decoded pixels are reserved from `budget` before
/// decode and given back once resize has dropped them. Decode is one call into the decoders
/// and runs whole; resize runs in strips when the hook's grain is inside stages; encode always
/// runs in bands (a worker listens for a cancel between them) or the grain's rows.
pub(crate) async fn run_task<H: Hook>(
    hook: &H,
    spec: &ThumbSpec,
    budget: &PixelBudget,
    at: &At<'_>,
) -> Outcome {
    let bytes = {
        let _held = hook.enter(Stage::Fetch, at).await?;
        let (result, start_us, end_us) = hook.fetch(at).await;
        // A wait cut short by a cancel is drawn as the wait it was, not as a failure.
        let shown = match &result {
            Err(e) if e == CANCELLED => &Ok(Vec::new()),
            other => other,
        };
        let span = fetch_span(at.lane, at.task, (start_us, end_us), shown);
        at.spans.borrow_mut().push(span);
        result?
    };
    let pixels = reserve(hook, budget, &bytes, at).await?;
    let px = stage(hook, at, Stage::Decode, || pipeline::decode(&bytes, spec)).await?;
    drop(bytes);
    let grain = hook.grain();
    let small = if grain.within_stages() {
        let (width, _) = pipeline::thumbnail_size(px.width, px.height, spec.max_side);
        let rows = grain.rows_per_step(row_bytes(width, px.alpha));
        steps(hook, at, Stage::Resize, || {
            Ok(pipeline::Resizing::new(&px, spec, rows))
        })
        .await?
    } else {
        stage(hook, at, Stage::Resize, || pipeline::resize(&px, spec)).await?
    };
    drop((px, pixels));
    let rows = grain.rows_per_step(row_bytes(small.width, small.alpha));
    steps(hook, at, Stage::Encode, || {
        pipeline::Encoding::with_rows(&small, spec.effort, rows)
    })
    .await
}

fn row_bytes(width: u32, alpha: bool) -> usize {
    width as usize * if alpha { 4 } else { 3 }
}

/// A stage done in steps: strips of a resize, bands of an encode.
trait Steps {
    type Out;
    /// The next step; `Ok(true)` once done.
    fn step(&mut self) -> Result<bool, pipeline::PipelineError>;
    /// The result.
    fn finish(self) -> Result<Self::Out, pipeline::PipelineError>;
}

impl Steps for pipeline::Encoding<'_> {
    type Out = pipeline::Thumbnail;
    fn step(&mut self) -> Result<bool, pipeline::PipelineError> {
        pipeline::Encoding::step(self)
    }
    fn finish(self) -> Result<Self::Out, pipeline::PipelineError> {
        pipeline::Encoding::finish(self)
    }
}

impl Steps for pipeline::Resizing<'_> {
    type Out = pipeline::Pixels;
    fn step(&mut self) -> Result<bool, pipeline::PipelineError> {
        pipeline::Resizing::step(self)
    }
    fn finish(self) -> Result<Self::Out, pipeline::PipelineError> {
        pipeline::Resizing::finish(self)
    }
}

/// A stage in steps ([`Steps`]): between steps the hook may stop the task (a cancel) or give
/// way (recording the piece so far and the wait). A stage cut short by a cancel is drawn as
/// the work it did, not as a failure.
async fn steps<H: Hook, S: Steps>(
    hook: &H,
    at: &At<'_>,
    stage: Stage,
    start: impl FnOnce() -> Result<S, pipeline::PipelineError>,
) -> Result<S::Out, String> {
    let _held = hook.enter(stage, at).await?;
    let mut start_us = at.clock.now_us();
    let result = async {
        let mut steps = start().map_err(text)?;
        while !steps.step().map_err(text)? {
            hook.between(stage, at, &mut start_us).await?;
        }
        steps.finish().map_err(text)
    }
    .await;
    let error = result.as_ref().err().filter(|e| *e != CANCELLED).cloned();
    at.push(stage, State::Running, start_us, error);
    result
}

fn text(e: impl Display) -> String {
    e.to_string()
}

/// One stage: enter it through the hook, run `f`, record the span (with the error, if any).
async fn stage<H: Hook, T, E: Display>(
    hook: &H,
    at: &At<'_>,
    stage: Stage,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, String> {
    let _held = hook.enter(stage, at).await?;
    let start_us = at.clock.now_us();
    let result = f().map_err(|e| e.to_string());
    at.push(
        stage,
        State::Running,
        start_us,
        result.as_ref().err().cloned(),
    );
    result
}

/// Reserves the pixels `bytes` decode to. A wait is a *ready* span before decode; an image
/// larger than the whole budget fails at decode. `None` when the header cannot be read: the
/// decode stage then says why.
async fn reserve<'b, H: Hook>(
    hook: &H,
    budget: &'b PixelBudget,
    bytes: &[u8],
    at: &At<'_>,
) -> Result<Option<Reservation<'b>>, String> {
    let Some(px) = image_pixels(bytes) else {
        return Ok(None);
    };
    let waited = match budget.try_reserve(px) {
        Ok(Some(pixels)) => return Ok(Some(pixels)),
        Ok(None) => {
            let start_us = at.clock.now_us();
            let pixels = hook.reserve(budget, px).await;
            at.push(Stage::Decode, State::Ready, start_us, None);
            pixels
        }
        Err(e) => Err(e),
    };
    match waited {
        Ok(pixels) => Ok(Some(pixels)),
        Err(BudgetError::Cancelled) => Err(CANCELLED.to_string()),
        Err(e @ BudgetError::TooLarge { .. }) => {
            let error = e.to_string();
            at.push(
                Stage::Decode,
                State::Running,
                at.clock.now_us(),
                Some(error.clone()),
            );
            Err(error)
        }
    }
}

/// The blocked span of a fetch, carrying its error if it failed.
pub(crate) fn fetch_span<T>(
    lane: u32,
    task: u32,
    (start_us, end_us): (f64, f64),
    result: &Result<T, String>,
) -> Span {
    Span {
        lane,
        task,
        stage: Stage::Fetch,
        state: State::Blocked,
        start_us,
        end_us,
        error: result.as_ref().err().cloned(),
    }
}
