//! Which of a technique's timed runs the card shows: one small button per run, the median one
//! marked, cancelled ones marked, runs still to come shown disabled.

use interleave::technique::TechniqueKind;
use yew::prelude::*;

use crate::repeats::Runs;

/// Props of [`RunPicker`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Its runs.
    pub runs: Runs,
    /// The user chose run `k` (from 0).
    pub on_show: Callback<usize>,
}

/// The buttons; nothing for a single planned run.
#[function_component]
pub fn RunPicker(props: &Props) -> Html {
    let runs = &props.runs;
    let slots = (runs.planned as usize).max(runs.runs.len());
    if slots <= 1 {
        return Html::default();
    }
    let id = props.kind.id();
    let (shown, median) = (runs.shown_index(), runs.median_index());
    let buttons = (0..slots).map(|k| {
        let testid = format!("repeat-{id}-{}", k + 1);
        let Some(r) = runs.runs.get(k) else {
            return html! {
                <button class="small run-pick" data-testid={testid} disabled=true title="Not run yet">{ k + 1 }</button>
            };
        };
        let wall = r.run.trace.wall_us();
        let note = match (r.complete, median == Some(k)) {
            (false, _) => " · cancelled part-way: not in the figures",
            (true, true) => " · the median run",
            (true, false) => "",
        };
        let on_show = props.on_show.clone();
        html! {
            <button class={classes!("small", "run-pick", (!r.complete).then_some("cancelled"), (median == Some(k)).then_some("median"))}
                data-testid={testid} data-wall-us={format!("{wall:.0}")} aria-pressed={(shown == Some(k)).to_string()}
                title={format!("Run {} · {:.0} ms{note}", k + 1, wall / 1000.0)}
                onclick={Callback::from(move |_: MouseEvent| on_show.emit(k))}>
                { k + 1 }{ if r.complete { "" } else { "×" } }
            </button>
        }
    });
    html! {
        <span class="run-picker" data-testid={format!("repeats-{id}")} data-runs={runs.runs.len().to_string()}
            data-shown={shown.map(|k| (k + 1).to_string())} role="group" aria-label="Timed runs">
            <span class="muted">{ "Run" }</span>
            { for buttons }
        </span>
    }
}
