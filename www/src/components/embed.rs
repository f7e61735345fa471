//! The embed layout (`?embed=1`): the page for a 16:9 slide. One bar of controls (a preset, Run
//! or Cancel), each technique as a compact row with its timeline, the summary beside them, and
//! the details behind each row's Explain button. It fills the frame and never scrolls: rows
//! share the height, timelines stretch to their row.

use interleave::config::{Config, Link, Preset, View};
use interleave::technique::TechniqueKind;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::app::status_text;
use super::embed_recording::EmbedRecording;
use super::embed_row::EmbedRow;
use super::embed_summary::EmbedSummary;
use super::explain::Explain;
use super::isolation::IsolationNotice;
use super::notices::Notices;
use super::scaling;
use super::scaling_chart::ScalingChart;
use super::summary;
use crate::repeats;
use crate::runtime::clipboard;
use crate::state::{Action, State};

/// Props of [`Embed`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The page's state.
    pub state: UseReducerHandle<State>,
    /// Start a run.
    pub on_run: Callback<()>,
    /// Stop the run in progress.
    pub on_cancel: Callback<()>,
    /// A new configuration (a preset).
    pub on_config: Callback<Config>,
    /// Switch a timeline between by thread and by image.
    pub on_rows: Callback<TechniqueKind>,
    /// Open or close a technique's Explain panel.
    pub on_explain: Callback<TechniqueKind>,
    /// Hide the link's corrections.
    pub on_dismiss: Callback<()>,
}

/// The layout.
#[function_component]
pub fn Embed(props: &Props) -> Html {
    let state = &*props.state;
    let busy = state.phase.busy();
    let current = Preset::matching(&state.config);
    let on_preset = {
        let (config, on_config) = (state.config.clone(), props.on_config.clone());
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(p) = Preset::ALL.into_iter().find(|p| p.id() == id) {
                on_config.emit(p.apply(&config));
            }
        })
    };
    // The same configuration and view on the full page, in a new tab (where threads may run).
    let full = clipboard::page_url(
        &Link {
            config: state.config.clone(),
            view: View {
                embed: false,
                ..state.view.clone()
            },
        }
        .to_query(),
    );
    let leave = {
        let dispatch = props.state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(Action::LeaveReplay))
    };
    let axis = state.time_axis_us();
    let threads = state.threads();
    let status = status_text(state);
    let explained = state
        .view
        .explain
        .filter(|k| state.config.techniques.contains(k));
    html! {
        <main class="embed" data-testid="embed">
            <header class="embed-bar">
                <strong class="embed-title">{ "Interleave" }</strong>
                <label class="embed-preset" title={current.map(|p| p.describe())}>
                    <span class="visually-hidden">{ "Preset" }</span>
                    <select data-testid="embed-preset" onchange={on_preset} disabled={busy}>
                        if current.is_none() {
                            <option value="" selected=true>{ "Custom settings" }</option>
                        }
                        { for Preset::ALL.iter().map(|p| html! {
                            <option value={p.id()} selected={current == Some(*p)}>{ p.label() }</option>
                        }) }
                    </select>
                </label>
                if busy {
                    <button class="cancel" data-testid="cancel-button" title="Stop every lane at its next stage (Esc)"
                        onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                } else {
                    <button class="run" data-testid="run-button" onclick={props.on_run.reform(|_: MouseEvent| ())}>{ "Run" }</button>
                }
                <span class="status" data-testid="run-status" title={status.clone()}>{ status }</span>
                <a class="embed-full" href={full} target="_blank" rel="noopener" data-testid="open-full"
                    title="The same configuration on the full page, in a new tab">{ "Full page ↗" }</a>
            </header>
            <IsolationNotice reason={state.caps.threads_unavailable.clone()} />
            if let Some(replay) = &state.replay {
                <EmbedRecording replay={replay.clone()} on_leave={leave} />
            }
            if let Some(why) = &state.import_error {
                <p class="error embed-import-error" data-testid="import-error" role="alert" title={why.clone()}>{ why }</p>
            }
            <Notices notices={state.notices.clone()} on_dismiss={props.on_dismiss.clone()} />
            <div class="embed-body">
                <section class="embed-rows" aria-label="Techniques">
                    // With `sweep=1` the slide is about scaling: the chart takes the rows' place
                    // once the sweep has begun.
                    if let Some(w) = state.sweep.as_ref().filter(|_| state.config.sweep) {
                        <div class="embed-scaling">
                            <ScalingChart series={scaling::series(&w.record)} cores={w.record.cores} max={w.record.max} />
                        </div>
                    } else {
                    { for state.runs.iter().map(|(kind, status)| html! {
                        <EmbedRow key={kind.id()} kind={*kind} status={status.clone()}
                            speedup={state.speedup(*kind)} axis_us={axis}
                            runs={repeats::runs_of(&state.repeats, *kind).cloned().unwrap_or_default()}
                            by_image={state.view.shows_by_image(*kind)}
                            explained={explained == Some(*kind)}
                            on_rows={props.on_rows.clone()} on_explain={props.on_explain.clone()}
                            said_at_top={state.caps.threads_unavailable.clone()} />
                    }) }
                    }
                    if let Some(kind) = explained {
                        <section class="embed-explain" aria-label={format!("{}: explanation", kind.label())}>
                            <h2>
                                { kind.label() }
                                <button class="small" data-testid="explain-close"
                                    onclick={props.on_explain.reform(move |_: MouseEvent| kind)}>{ "Close" }</button>
                            </h2>
                            <Explain kind={kind}
                                run={state.runs.iter().find(|(k, _)| *k == kind).and_then(|(_, s)| s.finished().cloned())}
                                speedup={state.speedup(kind)}
                                baseline={state.finished(TechniqueKind::Sequential).cloned()}
                                threads={threads}
                                connections={state.config.network.connections} />
                        </section>
                    }
                </section>
                <EmbedSummary rows={summary::rows(state)} />
            </div>
        </main>
    }
}
