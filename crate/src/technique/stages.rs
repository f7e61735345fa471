//! The one path every task takes (fetch, decode, resize, encode) and the hook through which a
//! technique adds its own rules around each stage.
//!
//! The path is `async` so that cooperative tasks can yield between stages. Blocking techniques
//! (threads, the global lock) use a hook whose futures never pend, and drive the path with one
//! poll, no executor (`parallel.rs`). Adding a stage is one line in [`run_task`].

use std::cell::RefCell;
use std::fmt::Display;
use std::future::Future;

use futures::future::{select, Either};

use super::{Env, Job, Outcome, CANCELLED};
use crate::budget::{image_pixels, BudgetError, PixelBudget, Reservation};
use crate::network::{Gate, Link};
use crate::pipeline::{self, ThumbSpec};
use crate::platform::{Cancel, Clock, EventLoop, Source};
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
        let span = Span {
            lane: self.lane,
            task: self.task,
            stage,
            state,
            start_us,
            end_us: self.clock.now_us(),
            error,
        };
        self.spans.borrow_mut().push(span);
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

    /// Between two bands of a long stage: stops the task if the run is cancelled, and may give
    /// the thread's event loop a turn.
    fn between(&self, at: &At<'_>) -> impl Future<Output = Result<(), String>>;

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
/// decode and given back once resize has dropped them.
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
    let small = stage(hook, at, Stage::Resize, || pipeline::resize(&px, spec)).await?;
    drop((px, pixels));
    encode(hook, at, &small, spec).await
}

/// The encode stage, band by band ([`pipeline::Encoding`]): between bands the hook may stop the
/// task (a cancel) or give the thread's event loop a turn. A stage cut short by a cancel is
/// drawn as the work it did, not as a failure.
async fn encode<H: Hook>(
    hook: &H,
    at: &At<'_>,
    px: &pipeline::Pixels,
    spec: &ThumbSpec,
) -> Outcome {
    let _held = hook.enter(Stage::Encode, at).await?;
    let start_us = at.clock.now_us();
    let result = async {
        let mut encoding = pipeline::Encoding::new(px, spec.effort).map_err(text)?;
        while !encoding.step().map_err(text)? {
            hook.between(at).await?;
        }
        encoding.finish().map_err(text)
    }
    .await;
    let error = result.as_ref().err().filter(|e| *e != CANCELLED).cloned();
    at.push(Stage::Encode, State::Running, start_us, error);
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

/// When an async task gives its thread's event loop a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Turns {
    /// Never: the thread is frozen while the task computes (sequential on a page's main thread,
    /// where a cancel can only be heard between tasks' awaits anyway).
    Never,
    /// Between the bands of a long stage only, so that a worker hears a cancel within a band:
    /// its messages arrive through its event loop. No other task shares that thread.
    Listen,
    /// Before every stage, as cooperative tasks do, so that tasks interleave.
    EveryStage,
}

/// The hook of async tasks: they await their fetch and the budget; cooperative ones also yield
/// to the event loop before every stage, so tasks interleave and the page stays live.
pub(crate) struct Awaiting<'a> {
    /// The run's connections.
    pub link: &'a Link,
    /// The images.
    pub source: &'a dyn Source,
    /// The run's clock.
    pub clock: &'a dyn Clock,
    /// The thread's event loop.
    pub events: &'a dyn EventLoop,
    /// Checked before every stage, between bands, and while waiting for the budget.
    pub cancel: &'a Cancel,
    /// When the task gives the event loop a turn.
    pub turns: Turns,
    /// Where connection slots come from, when not from `link` (a process's coordinator).
    pub gate: Option<&'a dyn Gate>,
}

impl<'a> Awaiting<'a> {
    /// The hook of a task on `env`'s thread, reaching images through `link`, giving the event
    /// loop a turn as `turns` says.
    pub(crate) fn new(link: &'a Link, job: &'a Job, env: &Env<'a>, turns: Turns) -> Self {
        Awaiting {
            link,
            source: job.source.as_ref(),
            clock: env.clock,
            events: env.events,
            cancel: env.cancel,
            turns,
            gate: None,
        }
    }
}

impl Hook for Awaiting<'_> {
    type Held<'h>
        = ()
    where
        Self: 'h;

    // explain:begin awaiting
    async fn enter(&self, _stage: Stage, _at: &At<'_>) -> Result<(), String> {
        if self.turns == Turns::EveryStage {
            self.events.yield_now().await; // explain:key
        }
        if self.cancel.is_cancelled() {
            return Err(CANCELLED.to_string());
        }
        Ok(())
    }

    async fn between(&self, _at: &At<'_>) -> Result<(), String> {
        if self.turns == Turns::Listen {
            self.events.yield_now().await;
        }
        if self.cancel.is_cancelled() {
            return Err(CANCELLED.to_string());
        }
        Ok(())
    }

    async fn fetch(&self, at: &At<'_>) -> (Result<Vec<u8>, String>, f64, f64) {
        let start = self.clock.now_us();
        let fetch = self
            .link
            .fetch_via(self.gate, self.source, at.task, self.clock, self.events); // explain:key

        // A cancel does not wait out a long (simulated) latency.
        match select(Box::pin(fetch), self.cancel.cancelled()).await {
            Either::Left((fetched, _)) => fetched,
            Either::Right(_) => (Err(CANCELLED.to_string()), start, self.clock.now_us()),
        }
    }
    // explain:end awaiting

    async fn reserve<'b>(
        &self,
        budget: &'b PixelBudget,
        px: u64,
    ) -> Result<Reservation<'b>, BudgetError> {
        match select(budget.reserve(px), self.cancel.cancelled()).await {
            Either::Left((pixels, _)) => pixels,
            Either::Right(_) => Err(BudgetError::Cancelled),
        }
    }
}
