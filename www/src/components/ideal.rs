//! A run next to its ideal schedule: the same policy replayed by the engine with the run's own
//! measured stage costs and zero overhead, and where the difference went.

use std::rc::Rc;

use interleave::model::ideal_schedule;
use yew::prelude::*;

use crate::state::Finished;

/// Props of [`IdealLine`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished run.
    pub run: Rc<Finished>,
    /// The run's connection limit (the replay holds it too).
    pub connections: u32,
}

/// Parts smaller than this are left out of the sentence, µs.
const SHOWN_US: f64 = 500.0;

/// One line under the card's figures.
#[function_component]
pub fn IdealLine(props: &Props) -> Html {
    // Replayed once per run, not per render.
    let ideal = use_memo(
        (props.run.clone(), props.connections),
        |(run, connections)| ideal_schedule(&run.trace, *connections),
    );
    let o = &ideal.overhead;
    let ms = |us: f64| format!("{:.0} ms", us / 1000.0);
    let parts: Vec<String> = o
        .parts()
        .iter()
        .filter(|(_, us)| us.abs() >= SHOWN_US)
        .map(|(name, us)| {
            // Below zero: the run kept its lanes busier than the replayed policy would have.
            let note = if *us < 0.0 {
                " (busier than the replay)"
            } else {
                ""
            };
            format!("{name} {}{note}", ms(*us))
        })
        .collect();
    let id = props.run.trace.technique.id();
    html! {
        <p class="ideal" data-testid={format!("ideal-{id}")}
            data-predicted-us={format!("{:.0}", o.predicted_us)} data-measured-us={format!("{:.0}", o.measured_us)}
            title="The engine replays this technique's scheduling with the stage costs measured in this run and no overhead (no start-up, copies, lock hand-offs or switches); idle lanes are load imbalance">
            <span class="muted">{ "Ideal schedule: " }</span>
            <strong data-testid={format!("predicted-{id}")} data-us={format!("{:.0}", o.predicted_us)}>{ ms(o.predicted_us) }</strong>
            { format!(" with no overhead, against {} measured", ms(o.measured_us)) }
            if !parts.is_empty() {
                { format!("; the {} between them: {}.", ms(o.total_us()), parts.join(" · ")) }
            } else {
                { "." }
            }
        </p>
    }
}
