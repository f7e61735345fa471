//! The hook of async tasks ([`Awaiting`]): they await their fetch and the pixel budget, and
//! give their thread's event loop a turn as [`Turns`] says — cooperative tasks before every
//! stage and, at a grain inside stages, between the strips and bands of resize and encode.

use futures::future::{select, Either};

use super::stages::{At, Hook};
use super::{Env, Grain, Job, CANCELLED};
use crate::budget::{BudgetError, PixelBudget, Reservation};
use crate::network::{Gate, Link};
use crate::platform::{Cancel, Clock, EventLoop, Source};
use crate::trace::Stage;

/// When an async task gives its thread's event loop a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Turns {
    /// Never: the thread is frozen while the task computes (sequential on a page's main thread,
    /// where a cancel can only be heard between tasks' awaits anyway).
    Never,
    /// Between the bands of a long stage only, so that a worker hears a cancel within a band:
    /// its messages arrive through its event loop. No other task shares that thread.
    Listen,
    /// Before every stage, as cooperative tasks do, so that tasks interleave; and inside
    /// resize and encode at the task's [`Grain`].
    EveryStage,
}

/// The hook of async tasks: they await their fetch and the budget; cooperative ones also yield
/// to the event loop before every stage (and inside stages at their grain), so tasks
/// interleave and the page stays live.
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
    /// Where cooperative tasks also yield inside stages (with [`Turns::EveryStage`] only).
    pub grain: Grain,
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
            grain: job.grain,
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

    async fn between(&self, stage: Stage, at: &At<'_>, start_us: &mut f64) -> Result<(), String> {
        match self.turns {
            // A worker's only other business is its messages (a cancel): not a switch.
            Turns::Listen => self.events.yield_now().await,
            Turns::EveryStage if self.grain.within_stages() => {
                let paused_us = at.clock.now_us();
                self.events.yield_now().await; // explain:key
                at.gave_way(stage, start_us, paused_us);
            }
            _ => {}
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

    fn grain(&self) -> Grain {
        if self.turns == Turns::EveryStage {
            self.grain
        } else {
            Grain::Stage
        }
    }

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
