//! Colours of stages and the look of states, shared by timelines and the legend.

use interleave::trace::{Stage, State};
use yew::prelude::*;

// One palette for the page and the exported SVG.
pub use interleave::trace::{stage_colour, STARTUP_COLOUR};

/// The CSS class that draws a state: running solid, blocked hatched, ready faint.
pub fn state_class(state: State) -> &'static str {
    match state {
        State::Running => "running",
        State::Blocked => "blocked",
        State::Ready => "ready",
    }
}

/// The legend of the timelines.
#[function_component]
pub fn Legend() -> Html {
    let swatch = |colour: &str, class: &str, label: &str| {
        html! {
            <span>
                <svg width="22" height="12" aria-hidden="true">
                    <rect x="0.5" y="0.5" width="21" height="11" fill={colour.to_string()} stroke={colour.to_string()} class={class.to_string()} />
                </svg>
                { label.to_string() }
            </span>
        }
    };
    html! {
        <div class="legend" id="legend" data-testid="legend">
            <p>
                <strong>{ "Stages " }</strong>
                { for [Stage::Fetch, Stage::Decode, Stage::Resize, Stage::Encode, Stage::Transfer]
                    .iter().map(|&s| swatch(stage_colour(s), "running", s.name())) }
                { swatch(STARTUP_COLOUR, "running", "process start-up") }
            </p>
            <p>
                <strong>{ "States " }</strong>
                <span data-state="running">{ swatch("#777", "running", "running") }<em>{ "on a core, computing a stage" }</em></span>
                <span data-state="ready">{ swatch("#777", "ready", "ready") }<em>{ "runnable, but waiting for a core, the lock or its turn (or a connection, or memory)" }</em></span>
                <span data-state="blocked">{ swatch("#777", "blocked", "blocked") }<em>{ "waiting on I/O: the request is in flight" }</em></span>
                <span class="failed-key">{ "red outline: the stage failed" }</span>
            </p>
            <p>
                <strong>{ "Switches " }</strong>
                <span data-concept="switch"><b>{ "context switch" }</b><em>{ "a lane sets an unfinished task aside to run another (cooperative tasks, at each await)" }</em></span>
                <span data-concept="handoff"><b>{ "lock hand-off" }</b><em>{ "the global lock passes from one thread to another" }</em></span>
                <span class="muted">{ "Counted per lane under each card, with what they cost." }</span>
            </p>
        </div>
    }
}
