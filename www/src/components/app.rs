//! The page.

use std::rc::Rc;

use gloo_events::EventListener;
use interleave::config::{Config, Link, Present};
use interleave::technique::TechniqueKind;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::controls::Controls;
use super::embed::Embed;
use super::exports::Exports;
use super::gallery::Gallery;
use super::import_trace::{self, ImportTrace};
use super::isolation::IsolationNotice;
use super::isolation_status::IsolationStatus;
use super::legend::Legend;
use super::notices::Notices;
use super::presenter::Presenter;
use super::primer::Primer;
use super::recording_banner::RecordingBanner;
use super::scaling::Scaling;
use super::share::Share;
use super::summary::{self, Summary};
use super::technique_card::TechniqueCard;
use crate::repeats;
use crate::runtime::{browser, replay, Plan, Runtime};
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
    // Read before the link is rewritten from the configuration (the effects below).
    let trace_at_start = use_memo((), |_| replay::trace_param());

    use_effect_with(state.phase.run_state(), |s| browser::set_run_state(s));
    // The link follows the configuration and the view (presenter mode and its step are part of
    // the configuration); a recording named by the link stays in it while it is shown.
    let trace_url = state.replay.as_ref().and_then(|r| r.url.clone());
    use_effect_with((state.query(), trace_url), |(q, url)| {
        browser::set_query(&replay::with_trace(q, url.as_deref()))
    });

    // Runs the given techniques (all chosen ones: a whole run; fewer: presenter mode's `R`,
    // which keeps the others' results).
    let run_some = {
        let state = state.clone();
        let runtime = runtime.clone();
        Callback::from(move |kinds: Vec<TechniqueKind>| {
            if state.phase.busy() {
                return;
            }
            let dispatch = state.dispatcher();
            let whole = kinds == state.config.techniques;
            if whole {
                dispatch.dispatch(Action::Start);
            } else {
                dispatch.dispatch(Action::StartSome(kinds.clone()));
            }
            let plan = Plan {
                techniques: true,
                sweep: whole && state.config.sweep,
            };
            // The run keeps its own copy of the configuration (the form is locked meanwhile),
            // without the previous run's results, which would otherwise live on through it.
            let snapshot = Rc::new(State {
                runs: Vec::new(),
                config: Config {
                    techniques: kinds,
                    ..state.config.clone()
                },
                ..(*state).clone()
            });
            let runtime = runtime.clone();
            wasm_bindgen_futures::spawn_local(async move {
                runtime.run(snapshot, dispatch, plan).await
            });
        })
    };
    // The N sweep alone (the scaling panel's button): the cards keep their results.
    let sweep = {
        let state = state.clone();
        let runtime = runtime.clone();
        Callback::from(move |_: ()| {
            if state.phase.busy() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(Action::StartSweep);
            let snapshot = Rc::new(State {
                runs: Vec::new(),
                ..(*state).clone()
            });
            let runtime = runtime.clone();
            let plan = Plan {
                techniques: false,
                sweep: true,
            };
            wasm_bindgen_futures::spawn_local(async move {
                runtime.run(snapshot, dispatch, plan).await
            });
        })
    };
    let run = {
        let chosen = state.config.techniques.clone();
        run_some.reform(move |_: ()| chosen.clone())
    };
    let on_present = {
        let dispatch = state.dispatcher();
        Callback::from(move |p: Present| dispatch.dispatch(Action::Present(p)))
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
        let dispatch = state.dispatcher();
        let trace = (*trace_at_start).clone();
        use_effect_with((), move |_| {
            // A recording is shown instead of running anything.
            match trace {
                Some(url) => import_trace::open_url(url, dispatch),
                None if autorun => run.emit(()),
                None => {}
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
    let on_leave = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::LeaveReplay))
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
    let link = Link {
        config: state.config.clone(),
        view: state.view.clone(),
    };
    let axis = state.time_axis_us();
    let names = Rc::new(state.image_names());
    let threads = state.threads();

    // Presenter mode wins over the embed layout: `present=1` is a speaker's explicit choice of
    // one step at a time, made for a 16:9 screen too, while `embed` only compacts the full page.
    if state.config.present.on {
        return html! {
            <>
                <Notices notices={state.notices.clone()} on_dismiss={on_dismiss} />
                <Presenter state={Rc::new((*state).clone())} status={status_text(&state)}
                    on_present={on_present} on_run={run_some} on_cancel={cancel} on_config={on_config} on_rows={on_rows} />
            </>
        };
    }
    if state.view.embed {
        return html! {
            <Embed state={state.clone()} on_run={run} on_cancel={cancel} on_config={on_config}
                on_rows={on_rows} on_explain={on_explain} on_dismiss={on_dismiss} />
        };
    }
    // Cooperative tasks are set against a parallel run: concurrency is not parallelism.
    let parallel = state
        .finished(TechniqueKind::Threads)
        .or_else(|| state.finished(TechniqueKind::Processes))
        .cloned();
    let present = {
        let on_present = on_present.clone();
        Callback::from(move |_: MouseEvent| on_present.emit(Present { on: true, step: 0 }))
    };

    html! {
        <main>
            <header>
                <Share link={link} />
                <button class="present-toggle small" data-testid="presenter-enter" onclick={present}
                    title="One step at a time, in large type: the primer, each technique, the summary (?present=1)">
                    { "Presenter mode" }
                </button>
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
            if let Some(replay) = &state.replay {
                <RecordingBanner replay={replay.clone()} on_leave={on_leave} />
            }
            <Notices notices={state.notices.clone()} on_dismiss={on_dismiss} />
            <IsolationStatus busy={state.phase.busy()} />
            <Primer config={state.config.clone()} threads={threads} busy={state.phase.busy()} on_config={on_config.clone()} />
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
            <ImportTrace busy={state.phase.busy()} error={state.import_error.clone()} dispatch={state.dispatcher()} />
            <p class="status" data-testid="run-status" role="status" aria-live="polite">{ status_text(&state) }</p>
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
                        runs={repeats::runs_of(&state.repeats, *kind).cloned().unwrap_or_default()}
                        efficiency={repeats::scaling(&state.repeats, *kind).map(|s| s.efficiency)}
                        on_show={{
                            let (dispatch, kind) = (state.dispatcher(), *kind);
                            Callback::from(move |k| dispatch.dispatch(Action::ShowRun(kind, k)))
                        }}
                        by_image={state.view.shows_by_image(*kind)}
                        explained={state.view.explain == Some(*kind)}
                        on_rows={on_rows.clone()}
                        on_explain={on_explain.clone()}
                        said_at_top={state.caps.threads_unavailable.clone()}
                        contrast={(*kind == TechniqueKind::Cooperative).then(|| parallel.clone()).flatten()}
                    />
                }) }
            </section>
            <Scaling sweep={state.sweep.clone()} enabled={state.config.sweep} cores={state.caps.cores}
                busy={state.phase.busy()} replay={state.replay.is_some()} on_sweep={sweep}
                on_enable={{
                    let (dispatch, config) = (state.dispatcher(), state.config.clone());
                    Callback::from(move |on| dispatch.dispatch(Action::Configure(Config { sweep: on, ..config.clone() })))
                }} />
            <Exports
                finished={state.runs.iter().filter_map(|(_, s)| s.finished().cloned()).collect::<Vec<_>>()}
                every={state.every_run()}
                names={names.clone()}
                busy={state.phase.busy()}
                session={(!state.phase.busy()).then(|| Rc::new((*state).clone()))}
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
    if state.replay.is_some() {
        return "A recording, shown as it was measured: hover a bar for its details; speedups are \
                against sequential in the recorded run. Press Run to measure this configuration here."
            .into();
    }
    match &state.phase {
        Phase::Idle => "Ready. Press Run to run every chosen technique on the batch.".into(),
        Phase::Starting => "Starting workers and warming up (an untimed run on two images)…".into(),
        Phase::Running if state.sweep.as_ref().is_some_and(|w| w.running) => {
            "Sweeping N: threads and processes at each N, with sequential as the baseline…".into()
        }
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
        Phase::Cancelling => "Cancelling: every lane is stopping…".into(),
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
    if finished.is_empty() && state.sweep.is_some() {
        "Sweep done: the scaling chart below shows each N against sequential.".into()
    } else if finished.is_empty() {
        "Done, but no technique could run here.".into()
    } else if worst == images {
        format!("Done, but every image failed ({images} of {images}): there is nothing to compare. See the errors below.")
    } else if worst > 0 {
        format!("Done. {worst} of {images} images failed (see below); speedups are shown only where a technique made the same thumbnails as sequential.")
    } else {
        "Done. Hover a bar for its details; speedups are against sequential in this run.".into()
    }
}
