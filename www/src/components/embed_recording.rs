//! The embed layout's line over a recording (`?embed=1&trace=…`): one line that says the slide
//! shows a recorded run — when, where, on how many cores — and the way back to live runs, so
//! that a talk without network or without threads still shows a real measurement, labelled.

use std::rc::Rc;

use yew::prelude::*;

use super::recording_banner::{browser_name, date_text};
use crate::state::Replay;

/// Props of [`EmbedRecording`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The recording shown.
    pub replay: Rc<Replay>,
    /// Back to live runs.
    pub on_leave: Callback<()>,
}

/// The line.
#[function_component]
pub fn EmbedRecording(props: &Props) -> Html {
    let r = &props.replay;
    let rec = &r.recording;
    let isolation = match rec.isolated {
        true => "cross-origin isolated",
        false => "not isolated",
    };
    let facts = format!(
        "{} · {} · {} cores · N = {} · {isolation}",
        date_text(&rec.recorded),
        browser_name(&rec.user_agent),
        rec.cores,
        r.threads,
    );
    let title = format!(
        "Shown exactly as it was measured; nothing runs in this browser. From {} ({}); builds: {}.",
        r.source,
        rec.user_agent,
        rec.builds.join(", ")
    );
    html! {
        <section class="recording-banner embed-recording" data-testid="recording-banner" aria-label="Recording"
            data-recorded={rec.recorded.clone()} data-cores={rec.cores.to_string()}
            data-isolated={rec.isolated.to_string()} data-builds={rec.builds.join(",")}
            title={title}>
            <strong>{ "Recording" }</strong>
            <span class="embed-recording-facts">{ facts }</span>
            <button class="small leave" data-testid="leave-recording"
                onclick={props.on_leave.reform(|_: MouseEvent| ())}
                title="Keep this configuration and measure it in this browser">
                { "Live" }
            </button>
        </section>
    }
}
