//! Context switches and lock hand-offs of a run, lane by lane: how many, and what they cost,
//! as the engine counts them from the trace.

use std::rc::Rc;

use interleave::model::{after_io, lane_switches, AfterIo, LaneSwitches};
use interleave::technique::TechniqueKind;
use interleave::trace::Trace;
use yew::prelude::*;

use crate::state::Finished;

/// Props of [`SwitchesLine`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished run.
    pub run: Rc<Finished>,
}

const ABOUT: &str =
    "A context switch: a lane leaves one task unfinished to run another, or resumes \
    one it had left (cooperative tasks at their awaits); its cost is the time the lane ran nothing \
    while the next task was ready. A lock hand-off: the global lock passes from one thread to \
    another; its cost is the time the lock was free while the next thread waited for it. The \
    operating system's own switches between threads are not in the trace. Under the global \
    lock, the wait after a fetch is the convoy: a thread back from I/O queues for the lock.";

/// One line under a card's figures.
#[function_component]
pub fn SwitchesLine(props: &Props) -> Html {
    // Counted once per run, not per render.
    let lanes = use_memo(props.run.clone(), |run| lane_switches(&run.trace));
    let io = use_memo(props.run.clone(), |run| after_io(&run.trace));
    let trace = &props.run.trace;
    let count: u32 = lanes.iter().map(|l| l.switches + l.handoffs).sum();
    let handoffs: u32 = lanes.iter().map(|l| l.handoffs).sum();
    html! {
        <p class="switches" data-testid={format!("switches-{}", trace.technique.id())}
            data-count={count.to_string()} data-handoffs={handoffs.to_string()}
            data-after-io-us={format!("{:.0}", io.mean_us())} title={ABOUT}>
            { text(trace, &lanes, &io) }
        </p>
    }
}

fn text(trace: &Trace, lanes: &[LaneSwitches], io: &AfterIo) -> String {
    let name = |l: &LaneSwitches| {
        trace
            .lanes
            .get(l.lane as usize)
            .map_or_else(|| format!("lane {}", l.lane), |lane| lane.name.clone())
    };
    let ms = |us: f64| {
        if us >= 10_000.0 {
            format!("{:.0} ms", us / 1000.0)
        } else {
            format!("{:.1} ms", us / 1000.0)
        }
    };
    if trace.technique == TechniqueKind::Gil {
        let parts: Vec<String> = lanes
            .iter()
            .map(|l| {
                format!(
                    "{} took it {}× ({} with the lock free, {} ready)",
                    name(l),
                    l.handoffs,
                    ms(l.handoff_us),
                    ms(l.ready_us)
                )
            })
            .collect();
        // The convoy: a thread back from I/O queues for the lock before it computes again.
        let convoy = if io.fetches > 0 {
            format!(
                " Back from a fetch, a thread waited {} on average for the lock (longest {}; \
                 {} of {} fetches waited).",
                ms(io.mean_us()),
                ms(io.longest_us),
                io.waited,
                io.fetches
            )
        } else {
            String::new()
        };
        return format!("Lock hand-offs: {}.{convoy}", parts.join(" · "));
    }
    let parts: Vec<String> = lanes
        .iter()
        .filter(|l| l.switches > 0)
        .map(|l| {
            format!(
                "{}: {}, {} in all (ready, not running)",
                name(l),
                l.switches,
                ms(l.switch_us)
            )
        })
        .collect();
    if !parts.is_empty() {
        return format!("Context switches: {}.", parts.join(" · "));
    }
    let unseen = if trace.lanes.len() > 1 {
        "; the operating system's own switches between threads are not in the trace"
    } else {
        ""
    };
    format!(
        "Context switches: none — each lane finishes an image before it starts the next{unseen}."
    )
}
