//! One technique in the embed layout: its name, state and figures in a narrow column, and its
//! timeline stretched to the row's height. The same test ids as the full page's card.

use interleave::technique::TechniqueKind;
use yew::prelude::*;

use super::timeline::{Rows, Timeline};
use crate::repeats::Runs;
use crate::state::RunStatus;

/// Props of [`EmbedRow`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Where its run is.
    pub status: RunStatus,
    /// Speedup against sequential in the same run.
    pub speedup: Option<f64>,
    /// Its timed runs in this session: the row shows the median one.
    pub runs: Runs,
    /// The shared time axis, µs.
    pub axis_us: f64,
    /// Its timeline has one row per image (else one per thread).
    pub by_image: bool,
    /// Its Explain panel is open.
    pub explained: bool,
    /// Switches the timeline between by thread and by image.
    pub on_rows: Callback<TechniqueKind>,
    /// Opens or closes the Explain panel.
    pub on_explain: Callback<TechniqueKind>,
    /// Why threads are unavailable, as the notice at the top says: not repeated.
    pub said_at_top: Option<String>,
}

/// The row.
#[function_component]
pub fn EmbedRow(props: &Props) -> Html {
    let kind = props.kind;
    let id = kind.id();
    // Like the cards: the figure is the median of the complete runs, the timeline that run.
    let median = props
        .runs
        .median_index()
        .and_then(|i| props.runs.runs.get(i));
    let status = match (&props.status, median) {
        (RunStatus::Done(_), Some(m)) => RunStatus::Done(m.run.clone()),
        (s, _) => s.clone(),
    };
    let spread = props.runs.spread();
    let counted = props.runs.measured().len();
    let finished = status.finished();
    let wall_us = |f: &crate::state::Finished| spread.map_or(f.trace.wall_us(), |s| s.median);
    let plot = match &status {
        RunStatus::Waiting => html! { <p class="muted">{ "Waiting." }</p> },
        RunStatus::Running { done, total } => html! {
            <p>
                <progress data-testid={format!("progress-{id}")} max={total.to_string()} value={done.to_string()} />
                { format!(" {done} of {total}") }
            </p>
        },
        RunStatus::Unavailable(why) => html! {
            <p class="unavailable" data-testid={format!("unavailable-{id}")}>
                { if props.said_at_top.as_ref() == Some(why) {
                    "Unavailable: not cross-origin isolated (see the note at the top)."
                } else {
                    why.as_str()
                } }
            </p>
        },
        RunStatus::Failed(why) => html! {
            <p class="error" data-testid={format!("error-{id}")} title={why.clone()}>{ format!("Failed: {why}") }</p>
        },
        RunStatus::Cancelled(None) => {
            html! { <p class="muted" data-testid={format!("cancelled-{id}")}>{ "Cancelled before it started." }</p> }
        }
        RunStatus::Done(f) | RunStatus::Cancelled(Some(f)) => html! {
            <Timeline run={f.clone()} axis_us={props.axis_us}
                rows={if props.by_image { Rows::Tasks } else { Rows::Lanes }} />
        },
    };
    let badge = match &status {
        RunStatus::Done(f) if f.made() == 0 && !f.thumbs.is_empty() => "failed",
        other => other.word(),
    };
    html! {
        <article class="erow" data-testid={format!("technique-{id}")} data-status={status.word()}>
            <div class="erow-head">
                <h2>{ kind.label() }</h2>
                <p class="erow-figures">
                    <span class={classes!("badge", badge)}>{ badge }</span>
                    if let Some(f) = finished {
                        <span data-testid={format!("wall-{id}")} data-wall-us={format!("{:.0}", wall_us(f))}
                            data-end-us={format!("{:.0}", f.trace.end_us)} data-runs={counted.to_string()}
                            title={match spread {
                                Some(s) if counted > 1 => format!("Median of {counted} runs, lowest {:.0} ms, highest {:.0} ms",
                                    s.min / 1000.0, s.max / 1000.0),
                                _ => "One run".to_string(),
                            }}>
                            { format!("{:.0} ms", wall_us(f) / 1000.0) }
                        </span>
                        <span data-testid={format!("speedup-{id}")} title="Sequential (worker) wall time ÷ this wall time">
                            { props.speedup.map(|s| format!("{s:.2}×")).unwrap_or_else(|| "—".into()) }
                        </span>
                    }
                </p>
                <p class="erow-buttons">
                    if finished.is_some() {
                        <button class="small" data-testid={format!("rows-{id}")}
                            title="One row per thread, or one per image"
                            onclick={props.on_rows.reform(move |_: MouseEvent| kind)}>
                            { if props.by_image { "By thread" } else { "By image" } }
                        </button>
                    }
                    <button class="small" data-testid={format!("explain-toggle-{id}")}
                        aria-expanded={props.explained.to_string()}
                        onclick={props.on_explain.reform(move |_: MouseEvent| kind)}>
                        { if props.explained { "Hide" } else { "Explain" } }
                    </button>
                </p>
            </div>
            <div class="erow-plot">{ plot }</div>
        </article>
    }
}
