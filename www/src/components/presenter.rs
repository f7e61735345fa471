//! Presenter mode (`?present=1&step=k`): one step at a time in type readable from the back of
//! a room — the primer, then each chosen technique (description, code, demo, benchmark), then
//! the summary. ← → and PageUp/PageDown (what clickers send) step, Home and End jump, `R` runs
//! the step, `Esc` leaves. The step is in the URL, so a slide can link to it.

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use interleave::config::{Config, Present, Step};
use interleave::technique::TechniqueKind;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::legend::Legend;
use super::primer::Primer;
use super::summary::{self, Summary};
use super::technique_card::TechniqueCard;
use crate::repeats;
use crate::state::{RunStatus, State};

/// Props of [`Presenter`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The page's state.
    pub state: Rc<State>,
    /// What the run is doing, in words (the page's status line).
    pub status: String,
    /// Steps, enters or leaves presenter mode.
    pub on_present: Callback<Present>,
    /// Runs these techniques only; the others keep their results.
    pub on_run: Callback<Vec<TechniqueKind>>,
    /// Stops the run in progress.
    pub on_cancel: Callback<()>,
    /// A new configuration (a preset from the primer).
    pub on_config: Callback<Config>,
    /// Switches a technique's timeline between by thread and by image (the page's view).
    pub on_rows: Callback<TechniqueKind>,
}

/// What `R` runs at `step`: on a technique's step, that technique, after sequential when
/// sequential is chosen but has no result yet in this configuration (speedup is measured
/// against it; an earlier result is reused); elsewhere, every chosen technique.
pub fn to_run(state: &State, step: Step) -> Vec<TechniqueKind> {
    let chosen = &state.config.techniques;
    match step {
        Step::Technique(i) => {
            let Some(&kind) = chosen.get(i) else {
                return chosen.clone();
            };
            let baseline = TechniqueKind::Sequential;
            if kind != baseline && chosen.contains(&baseline) && state.finished(baseline).is_none()
            {
                vec![baseline, kind]
            } else {
                vec![kind]
            }
        }
        Step::Primer | Step::Summary => chosen.clone(),
    }
}

/// The name of a step, as its title and the "next" hint say it.
fn title(step: Step, chosen: &[TechniqueKind]) -> String {
    match step {
        Step::Primer => "Interleave: concurrency, live".into(),
        Step::Technique(i) => chosen.get(i).map_or("", |k| k.label()).into(),
        Step::Summary => "Who won: every technique on one chart".into(),
    }
}

/// Whether a key press comes from something that takes typing.
fn typing(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// Presenter mode.
#[function_component]
pub fn Presenter(props: &Props) -> Html {
    let state = &props.state;
    let chosen = state.config.techniques.clone();
    let present = state.config.present;
    let steps = Present::steps(chosen.len());
    let step = Present::what(present.step, chosen.len());
    let busy = state.phase.busy();
    let go = {
        let on_present = props.on_present.clone();
        let n = chosen.len();
        Callback::from(move |to: i64| on_present.emit(present.at(to, n)))
    };
    let run = {
        let on_run = props.on_run.clone();
        let kinds = to_run(state, step);
        Callback::from(move |_: ()| {
            if !busy {
                on_run.emit(kinds.clone());
            }
        })
    };
    {
        // The keys, on the document: the page's own Escape (cancel) listens on the window,
        // after this one, and does not hear the Escape that leaves presenter mode.
        let (go, run, on_present) = (go.clone(), run.clone(), props.on_present.clone());
        let at = i64::from(present.step);
        let last = i64::from(steps) - 1;
        use_effect_with((present, busy, to_run(state, step)), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&d, "keydown", options, move |e| {
                    let Some(k) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    // A timeline bar that moved the focus has handled its arrow key.
                    if k.default_prevented()
                        || k.ctrl_key()
                        || k.alt_key()
                        || k.meta_key()
                        || typing(k)
                    {
                        return;
                    }
                    match k.key().as_str() {
                        "ArrowRight" | "PageDown" => go.emit(at + 1),
                        "ArrowLeft" | "PageUp" => go.emit(at - 1),
                        "Home" => go.emit(0),
                        "End" => go.emit(last),
                        "r" | "R" => run.emit(()),
                        "Escape" => {
                            k.stop_propagation();
                            on_present.emit(Present::default());
                        }
                        _ => return,
                    }
                    k.prevent_default();
                })
            });
            move || drop(listener)
        });
    }
    // A new step starts at the top of the page.
    use_effect_with(present.step, |_| {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });

    let heading = title(step, &chosen);
    let next = (present.step + 1 < steps)
        .then(|| title(Present::what(present.step + 1, chosen.len()), &chosen));
    let badge = match step {
        Step::Technique(i) => chosen.get(i).and_then(|k| {
            state
                .runs
                .iter()
                .find(|(r, _)| r == k)
                .map(|(_, s)| s.word())
        }),
        _ => None,
    };
    let at = i64::from(present.step);
    let content = match step {
        Step::Primer => primer_step(props),
        Step::Technique(i) => chosen
            .get(i)
            .map(|&kind| technique_step(state, i, kind, &props.on_rows))
            .unwrap_or_default(),
        Step::Summary => summary_step(state),
    };
    html! {
        <main class="presenter" data-testid="presenter">
            <header class="presenter-bar">
                <span class="brand">{ "Interleave" }</span>
                <nav class="stepper" aria-label="Steps">
                    <button aria-label="Previous step (← or Page Up)" disabled={at == 0}
                        onclick={go.reform(move |_: MouseEvent| at - 1)}>{ "←" }</button>
                    <span class="step-count">{ format!("{} / {}", present.step + 1, steps) }</span>
                    <button aria-label="Next step (→ or Page Down)" disabled={next.is_none()}
                        onclick={go.reform(move |_: MouseEvent| at + 1)}>{ "→" }</button>
                </nav>
                <button class="run" data-testid="run-button" disabled={busy}
                    title="Runs this step: its technique (after sequential, when speedup needs it), or every technique"
                    onclick={run.reform(|_: MouseEvent| ())}>
                    { if busy { "Running…" } else { "Run (R)" } }
                </button>
                if busy {
                    <button class="cancel" data-testid="cancel-button" onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                        { "Cancel" }
                    </button>
                }
                <button class="leave" data-testid="presenter-leave" onclick={props.on_present.reform(|_: MouseEvent| Present::default())}>
                    { "Leave (Esc)" }
                </button>
            </header>
            <p class="status" data-testid="run-status" role="status" aria-live="polite">{ &props.status }</p>
            // Stepping is announced, as the status is.
            <p class="sr-only" aria-live="polite">{ format!("Step {} of {steps}: {heading}", present.step + 1) }</p>
            <section class="presenter-step" data-testid="presenter-step" data-step={present.step.to_string()}
                aria-label={format!("Step {} of {steps}: {heading}", present.step + 1)}>
                <h1 data-testid="presenter-title">
                    { &heading }
                    if let Some(word) = badge {
                        <span class={classes!("badge", word)}>{ word }</span>
                    }
                </h1>
                { content }
                if let Some(next) = next {
                    <p class="next muted">{ format!("Next: {next} →") }</p>
                }
            </section>
        </main>
    }
}

fn primer_step(props: &Props) -> Html {
    let state = &props.state;
    let c = &state.config;
    let workload = interleave::config::Preset::matching(c).map_or_else(
        || "custom settings".to_string(),
        |p| format!("the {} preset", p.label()),
    );
    let on_step = {
        let (on_present, present, n) = (props.on_present.clone(), c.present, c.techniques.len());
        Callback::from(move |k: u32| on_present.emit(present.at(i64::from(k), n)))
    };
    html! {
        <>
            <p class="lead">
                { format!("{} images made into thumbnails ({workload}) by {} techniques, one after another, \
                    each drawn on one time axis. ", c.images, c.techniques.len()) }
                <kbd>{ "→" }</kbd>{ " next · " }<kbd>{ "R" }</kbd>{ " run the step · " }<kbd>{ "Esc" }</kbd>{ " leave" }
            </p>
            <Primer config={c.clone()} threads={state.threads()} busy={state.phase.busy()}
                on_config={props.on_config.clone()} on_step={on_step} />
        </>
    }
}

fn technique_step(
    state: &State,
    i: usize,
    kind: TechniqueKind,
    on_rows: &Callback<TechniqueKind>,
) -> Html {
    let Some((_, status)) = state.runs.iter().find(|(k, _)| *k == kind) else {
        return Html::default();
    };
    let contrast = (kind == TechniqueKind::Cooperative)
        .then(|| {
            state
                .finished(TechniqueKind::Threads)
                .or_else(|| state.finished(TechniqueKind::Processes))
                .cloned()
        })
        .flatten();
    let unavailable = kind
        .needs_threads()
        .then(|| state.caps.threads_unavailable.clone())
        .flatten();
    html! {
        <>
            <TechniqueCard
                kind={kind}
                status={status.clone()}
                speedup={state.speedup(kind)}
                axis_us={state.time_axis_us()}
                threads={state.threads()}
                names={Rc::new(state.image_names())}
                baseline={state.finished(TechniqueKind::Sequential).cloned()}
                connections={state.config.network.connections}
                runs={repeats::runs_of(&state.repeats, kind).cloned().unwrap_or_default()}
                efficiency={repeats::scaling(&state.repeats, kind).map(|s| s.efficiency)}
                present=true
                contrast={contrast}
                unavailable={unavailable}
                by_image={state.view.shows_by_image(kind)}
                explained=false
                on_rows={on_rows.clone()}
                on_explain={Callback::noop()}
                said_at_top={None::<String>}
            />
            if matches!(status, RunStatus::Waiting) {
                <p class="muted hint">{ hint(state, i, kind) }</p>
            }
            <Legend />
        </>
    }
}

fn hint(state: &State, i: usize, kind: TechniqueKind) -> String {
    if to_run(state, Step::Technique(i)).len() > 1 {
        format!(
            "Press R to run {} — after sequential, its baseline for the speedup.",
            kind.label()
        )
    } else {
        format!("Press R to run {}.", kind.label())
    }
}

fn summary_step(state: &State) -> Html {
    let rows = summary::rows(state);
    if rows.is_empty() {
        return html! {
            <p class="lead">{ format!("Nothing has finished yet. Press R to run all {} techniques, one after another.",
                state.config.techniques.len()) }</p>
        };
    }
    let coop = state.finished(TechniqueKind::Cooperative);
    let parallel = state
        .finished(TechniqueKind::Threads)
        .or_else(|| state.finished(TechniqueKind::Processes));
    let caption = coop
        .zip(parallel)
        .map(|(c, p)| interleave::explain::contrast(&c.trace, &p.trace));
    html! {
        <>
            <Summary rows={rows} large=true />
            if let Some(caption) = caption {
                <p class="contrast" data-testid="contrast">{ caption }</p>
            }
        </>
    }
}
