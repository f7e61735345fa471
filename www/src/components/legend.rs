//! Colours of stages and states.

use interleave::trace::Stage;
use yew::prelude::*;

/// The fill colour of a stage, shared by the timeline and the legend.
pub fn stage_colour(stage: Stage) -> &'static str {
    match stage {
        Stage::Fetch => "#76b7b2",
        Stage::Decode => "#4e79a7",
        Stage::Resize => "#f28e2b",
        Stage::Encode => "#59a14f",
        Stage::Store => "#b07aa1",
    }
}

/// The legend of the timelines.
#[function_component]
pub fn Legend() -> Html {
    html! {
        <p class="legend" data-testid="legend">
            { for Stage::CPU.iter().map(|&s| html! {
                <span><i style={format!("background:{}", stage_colour(s))}></i>{ s.name() }</span>
            }) }
            <span class="state-note">{ "solid bar = running; a failed stage is outlined red" }</span>
        </p>
    }
}
