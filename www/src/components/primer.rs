//! The ideas behind the timelines, one short text each, every one tied to something on the
//! page: a preset to try, a technique's card (or step), the summary chart, the legend.

use interleave::config::{Config, Present, Preset};
use interleave::stats::amdahl;
use interleave::technique::TechniqueKind;
use yew::prelude::*;

/// What a text points to.
#[derive(Clone, Copy, PartialEq)]
enum Tie {
    Legend,
    Presets,
    Technique(TechniqueKind),
    Summary,
}

/// Props of [`Primer`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The configuration: its techniques (and their steps), and what a preset changes.
    pub config: Config,
    /// Threads of the parallel techniques, for Amdahl's figure.
    pub threads: u32,
    /// A run is in progress: presets cannot change.
    pub busy: bool,
    /// Applies a preset.
    pub on_config: Callback<Config>,
    /// In presenter mode: go to a step (the texts point to steps, not cards).
    #[prop_or_default]
    pub on_step: Option<Callback<u32>>,
}

/// The primer: collapsible on the page, open as presenter mode's first step.
#[function_component]
pub fn Primer(props: &Props) -> Html {
    let n = props.threads.max(2);
    let items: [(&str, String, Tie); 6] = [
        (
            "The scheduler",
            "A scheduler decides which task runs on which core, and when. A task is running (on a \
             core), ready (it could run, but waits for a core, the lock or its turn) or blocked \
             (waiting on I/O). Every timeline here is a scheduler's work: one lane per thread, one \
             bar per stage."
                .into(),
            Tie::Legend,
        ),
        (
            "Preemptive vs cooperative",
            "Threads are preemptive: the operating system can stop one at any instant and run \
             another. Cooperative tasks give the thread up only where their code awaits: a switch \
             is cheap, but one long stage holds every other task up."
                .into(),
            Tie::Technique(TechniqueKind::Cooperative),
        ),
        (
            "CPU-bound vs I/O-bound",
            "CPU-bound work is limited by computing: more cores make it faster. I/O-bound work is \
             mostly waiting (here, on the simulated network): overlapping the waits makes it \
             faster, extra cores barely do."
                .into(),
            Tie::Presets,
        ),
        (
            "The GIL",
            "CPython runs Python code on one thread at a time: the global interpreter lock. A \
             thread lets go of it while it waits for I/O, so waits overlap, but CPU work never \
             runs in parallel."
                .into(),
            Tie::Technique(TechniqueKind::Gil),
        ),
        (
            "Processes vs threads",
            "Threads share one memory: nothing is copied, but they contend for it and need locks. \
             Processes each have their own: nothing to contend for, but starting them and copying \
             work and results between them costs time."
                .into(),
            Tie::Technique(TechniqueKind::Processes),
        ),
        (
            "Amdahl's law",
            format!(
                "If a fraction p of the work can run in parallel, N cores speed it up at most \
                 1 ÷ ((1 − p) + p ÷ N). With N = {n}, 90 % parallel work gives at most {:.2}×: \
                 the serial rest (waits in turn, start-up, copies) caps the speedup.",
                amdahl(0.9, n)
            ),
            Tie::Summary,
        ),
    ];
    let presenting = props.on_step.is_some();
    let body = html! {
        <div class="primer-items">
            { for items.iter().map(|(title, text, tie)| html! {
                <section class="primer-item">
                    <h3>{ *title }</h3>
                    <p>{ text.clone() }</p>
                    <p class="tie">{ tie_view(props, *tie) }</p>
                </section>
            }) }
        </div>
    };
    if presenting {
        return html! { <div class="primer open" data-testid="primer">{ body }</div> };
    }
    html! {
        <details class="primer" data-testid="primer">
            <summary>
                <strong>{ "Primer" }</strong>
                { " — the scheduler, preemptive vs cooperative, CPU- vs I/O-bound, the GIL, \
                   processes vs threads, Amdahl's law" }
            </summary>
            { body }
        </details>
    }
}

fn tie_view(props: &Props, tie: Tie) -> Html {
    let techniques = &props.config.techniques;
    let step_of = |kind: TechniqueKind| {
        techniques
            .iter()
            .position(|k| *k == kind)
            .map(|i| i as u32 + 1)
    };
    match (tie, &props.on_step) {
        (Tie::Presets, _) => {
            let button = |p: Preset| {
                let (config, on_config) = (props.config.clone(), props.on_config.clone());
                html! {
                    <button class="small" disabled={props.busy} data-preset={p.id()}
                        onclick={Callback::from(move |_: MouseEvent| on_config.emit(p.apply(&config)))}>
                        { format!("Try {}", p.label()) }
                    </button>
                }
            };
            html! { <>{ button(Preset::CpuBound) }{ " " }{ button(Preset::IoBound) }</> }
        }
        (Tie::Legend, None) => {
            html! { <a href="#legend">{ "See: the legend of the timelines" }</a> }
        }
        (Tie::Legend, Some(step)) => match techniques.first() {
            Some(&first) => step_button(step, 1, first.label()),
            None => Html::default(),
        },
        (Tie::Technique(kind), on_step) => match (step_of(kind), on_step) {
            (None, _) => {
                html! { <span class="muted">{ format!("{} is not chosen in this run", kind.label()) }</span> }
            }
            (Some(_), None) => html! {
                <a href={format!("#technique-{}", kind.id())}>{ format!("See: {}", kind.label()) }</a>
            },
            (Some(k), Some(step)) => step_button(step, k, kind.label()),
        },
        (Tie::Summary, None) => {
            html! { <a href="#summary">{ "See: the summary chart, after a run" }</a> }
        }
        (Tie::Summary, Some(step)) => {
            let last = Present::steps(techniques.len()) - 1;
            step_button(step, last, "the summary")
        }
    }
}

fn step_button(on_step: &Callback<u32>, step: u32, what: &str) -> Html {
    html! {
        <button class="small" onclick={on_step.reform(move |_: MouseEvent| step)}>
            { format!("Step {step}: {what}") }
        </button>
    }
}
