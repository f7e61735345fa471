//! The page.

use std::rc::Rc;

use gloo_events::EventListener;
use interleave::config::{Config, Link};
use interleave::technique::TechniqueKind;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::controls::Controls;
use super::embed::Embed;
use super::exports::Exports;
use super::gallery::Gallery;
use super::isolation::IsolationNotice;
use super::legend::Legend;
use super::notices::Notices;
use super::share::Share;
use super::summary::{self, Summary};
use super::technique_card::TechniqueCard;
use crate::runtime::{browser, Runtime};
use crate::state::{Action, Phase, State};

/// The whole page.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let (link, notices) = Link::from_query(&browser::query());
        State {
            view: link.view,
            ..State::new(link.config, notices, browser::capabilities())
        }
    });
    let runtime = use_memo((), |_| Runtime::new());

    use_effect_with(state.phase.run_state(), |s| browser::set_run_state(s));
    use_effect_with(state.query(), |q| browser::set_query(q));

    let run = {
        let state = state.clone();
        let runtime = runtime.clone();
        Callback::from(move |_: ()| {
            if state.phase.busy() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(Action::Start);
            // The run keeps its own copy of the configuration (the form is locked meanwhile),
            // without the previous run's results, which would otherwise live on through it.
            let snapshot = Rc::new(State {
                runs: Vec::new(),
                ..(*state).clone()
            });
            let runtime = runtime.clone();
            wasm_bindgen_futures::spawn_local(async move { runtime.run(snapshot, dispatch).await });
        })
    };
    let cancel = {
        let dispatch = state.dispatcher();
        let runtime = runtime.clone();
        Callback::from(move |_: ()| {
            runtime.cancel();
            dispatch.dispatch(Action::Cancel);
        })
    };
    {
        // Escape stops a run from anywhere on the page.
        let cancel = cancel.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "keydown", move |e| {
                    if e.dyn_ref::<KeyboardEvent>()
                        .is_some_and(|k| k.key() == "Escape")
                    {
                        cancel.emit(());
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let run = run.clone();
        let autorun = state.config.autorun;
        use_effect_with((), move |_| {
            if autorun {
                run.emit(());
            }
        });
    }

    let on_config = {
        let dispatch = state.dispatcher();
        Callback::from(move |c: Config| dispatch.dispatch(Action::Configure(c)))
    };
    let on_files = {
        let dispatch = state.dispatcher();
        Callback::from(move |(files, refused)| dispatch.dispatch(Action::AddFiles(files, refused)))
    };
    let on_clear_files = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::ClearFiles))
    };
    let on_dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::DismissNotices))
    };
    // Stable across renders, so cards re-render only when their own props change.
    let on_rows = {
        let dispatch = state.dispatcher();
        use_callback((), move |kind, _| {
            dispatch.dispatch(Action::ToggleRows(kind))
        })
    };
    let on_explain = {
        let dispatch = state.dispatcher();
        use_callback((), move |kind, _| {
            dispatch.dispatch(Action::ToggleExplain(kind))
        })
    };
    if state.view.embed {
        return html! {
            <Embed state={state.clone()} on_run={run} on_cancel={cancel} on_config={on_config}
                on_rows={on_rows} on_explain={on_explain} on_dismiss={on_dismiss} />
        };
    }
    let link = Link {
        config: state.config.clone(),
        view: state.view.clone(),
    };
    let axis = state.time_axis_us();
    let names = Rc::new(state.image_names());
    let threads = state.threads();

    html! {
        <main>
            <header>
                <Share link={link} />
                <h1>{ "Interleave" }</h1>
                <p class="tagline">
                    { "One batch of images — fetched, decoded, resized, encoded — made into thumbnails by \
                       different concurrency techniques. Each run is measured in your browser and drawn on \
                       one time axis: one lane per thread of execution, one bar per stage of each image. \
                       Try the presets: which technique wins depends on whether the work is CPU-bound or \
                       I/O-bound. The network's latency, jitter and bandwidth are simulated on top of real \
                       requests to this page's own server." }
                </p>
            </header>
            <IsolationNotice reason={state.caps.threads_unavailable.clone()} />
            <Notices notices={state.notices.clone()} on_dismiss={on_dismiss} />
            <Controls
                config={state.config.clone()}
                caps={state.caps.clone()}
                busy={state.phase.busy()}
                own={state.own.clone()}
                on_change={on_config}
                on_run={run}
                on_cancel={cancel}
                on_files={on_files}
                refused={state.refused.clone()}
                on_clear_files={on_clear_files}
            />
            <p class="status" data-testid="run-status">{ status_text(&state) }</p>
            <Summary rows={summary::rows(&state)} />
            <Legend />
            <section class="techniques">
                { for state.runs.iter().map(|(kind, status)| html! {
                    <TechniqueCard
                        key={kind.id()}
                        kind={*kind}
                        status={status.clone()}
                        speedup={state.speedup(*kind)}
                        axis_us={axis}
                        threads={threads}
                        names={names.clone()}
                        baseline={state.finished(TechniqueKind::Sequential).cloned()}
                        connections={state.config.network.connections}
                        by_image={state.view.shows_by_image(*kind)}
                        explained={state.view.explain == Some(*kind)}
                        on_rows={on_rows.clone()}
                        on_explain={on_explain.clone()}
                        said_at_top={state.caps.threads_unavailable.clone()}
                    />
                }) }
            </section>
            <Exports
                finished={state.runs.iter().filter_map(|(_, s)| s.finished().cloned()).collect::<Vec<_>>()}
                names={names.clone()}
                busy={state.phase.busy()}
            />
            <Gallery finished={state.runs.iter().find_map(|(_, s)| s.finished().cloned())} names={names} />
            <footer>
                { if state.caps.isolated {
                    "Cross-origin isolated: timers resolve to 5 µs; threads share one wasm memory."
                } else {
                    "Not cross-origin isolated: timers resolve to 100 µs; threads are unavailable."
                } }
                { format!(" {} logical cores.", state.caps.cores) }
            </footer>
        </main>
    }
}

/// What the run is doing, in a sentence.
pub(super) fn status_text(state: &State) -> String {
    match &state.phase {
        Phase::Idle => "Ready. Press Run to run every chosen technique on the batch.".into(),
        Phase::Starting => "Starting workers and warming up (an untimed run on two images)…".into(),
        Phase::Running => {
            let on_main = state.runs.iter().any(|(k, s)| {
                *k == TechniqueKind::SequentialMain
                    && matches!(s, crate::state::RunStatus::Running { .. })
            });
            if on_main {
                "Running sequentially on the main thread: the page freezes while it computes. That is the point.".into()
            } else {
                "Running techniques one after another, so they never compete for cores…".into()
            }
        }
        Phase::Cancelling => "Cancelling: every lane stops at its next stage…".into(),
        Phase::Cancelled => {
            "Cancelled. What ran until then is kept and marked cancelled; press Run to start again."
                .into()
        }
        Phase::Done => done_text(state),
        Phase::Failed(reason) => format!("The run failed: {reason}"),
    }
}

/// How the run went: a run whose images failed says how many, and is not a plain success.
fn done_text(state: &State) -> String {
    let finished: Vec<_> = state
        .runs
        .iter()
        .filter_map(|(_, s)| s.finished())
        .collect();
    let images = state.image_names().len();
    let worst = finished.iter().map(|f| f.failed()).max().unwrap_or(0);
    if finished.is_empty() {
        "Done, but no technique could run here.".into()
    } else if worst == images {
        format!("Done, but every image failed ({images} of {images}): there is nothing to compare. See the errors below.")
    } else if worst > 0 {
        format!("Done. {worst} of {images} images failed (see below); speedups are shown only where a technique made the same thumbnails as sequential.")
    } else {
        "Done. Hover a bar for its details; speedups are against sequential in this run.".into()
    }
}
