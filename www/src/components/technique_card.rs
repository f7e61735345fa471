//! One technique: what it is, where its run is, its numbers and its timeline.

use std::rc::Rc;

use interleave::explain::{contrast, snippets};
use interleave::technique::{TechniqueKind, CANCELLED};
use interleave::trace::{Stage, Trace};
use yew::prelude::*;

use super::explain::{view_snippet, Explain};
use super::ideal::IdealLine;
use super::memory::Memory;
use super::responsiveness::Responsiveness;
use super::run_picker::RunPicker;
use super::switches::SwitchesLine;
use super::timeline::{Rows, Timeline};
use crate::repeats::Runs;
use crate::state::{Finished, RunStatus};

/// Props of [`TechniqueCard`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Where its run is.
    pub status: RunStatus,
    /// Speedup against sequential (in a worker) in the same run.
    pub speedup: Option<f64>,
    /// The shared time axis, µs.
    pub axis_us: f64,
    /// Threads (and processes) of the parallel techniques.
    pub threads: u32,
    /// The name of each image, in task order.
    pub names: Rc<Vec<String>>,
    /// Sequential's finished run, which the explanation compares with.
    pub baseline: Option<Rc<Finished>>,
    /// The run's connection limit.
    pub connections: u32,
    /// Its timed runs in this session.
    pub runs: Runs,
    /// Speedup ÷ lanes, from the same medians as the speedup.
    pub efficiency: Option<f64>,
    /// The user chose which run to see (presenter mode shows the median run, with no picker).
    #[prop_or_default]
    pub on_show: Callback<usize>,
    /// Its timeline has one row per image (else one per thread).
    pub by_image: bool,
    /// Its Explain panel is open.
    pub explained: bool,
    /// Switches the timeline between by thread and by image.
    pub on_rows: Callback<TechniqueKind>,
    /// Opens or closes the Explain panel.
    pub on_explain: Callback<TechniqueKind>,
    /// Why threads are unavailable, as the page's notice at the top already says: not repeated.
    pub said_at_top: Option<String>,
    /// Presenter mode: no title (the step has it), the code beside the figures, large type.
    #[prop_or_default]
    pub present: bool,
    /// A parallel run (threads, else processes) to set this one against, for cooperative
    /// tasks: concurrency is not parallelism.
    #[prop_or_default]
    pub contrast: Option<Rc<Finished>>,
    /// Why this technique cannot run here, known before it is run (threads without isolation).
    #[prop_or_default]
    pub unavailable: Option<String>,
}

/// The technique in one paragraph (the card's, and presenter mode's).
pub fn describe(kind: TechniqueKind, n: u32) -> String {
    match kind {
        TechniqueKind::Sequential => "One image after another in a worker: fetch, wait for it, then decode, resize \
            and encode. The baseline every speedup is measured against."
            .into(),
        TechniqueKind::SequentialMain => "The same loop on the page's main thread. While it waits for the network \
            the page lives; while it computes, the page freezes (clicks, scrolling and the progress bar stall)."
            .into(),
        TechniqueKind::Threads => format!(
            "A rayon pool of {n} Web Workers sharing one wasm memory; each thread takes whole images and blocks \
             in its own request (a synchronous fetch plus an atomics wait). Real parallelism: up to {n}× on CPU work, given {n} free cores."
        ),
        TechniqueKind::Gil => format!(
            "The same {n} threads with one global lock held during every CPU stage and released during I/O, like \
             Python's GIL (and, at a finer Granularity, handed over after its switch interval): waits overlap, CPU \
             work never does. Waiting for the lock shows as ready."
        ),
        TechniqueKind::Cooperative => "Every image is a future on the main thread, all started at once: their \
            requests are in flight together and each yields to the event loop between stages (or inside them: see \
            Granularity). One core does all the CPU work; the waits overlap."
            .into(),
        TechniqueKind::Processes => format!(
            "{n} isolated workers, each its own wasm instance and memory. Each is handed the next image as a \
             message, fetches and processes it, and sends the thumbnail back. Start-up and transfers are drawn."
        ),
    }
}

/// The card.
#[function_component]
pub fn TechniqueCard(props: &Props) -> Html {
    let (by_task, explained, kind) = (props.by_image, props.explained, props.kind);
    let explain_toggle = props.on_explain.reform(move |_: MouseEvent| kind);
    let id = props.kind.id();
    let runs = &props.runs;
    let caption = use_memo(
        (props.status.finished().cloned(), props.contrast.clone()),
        |(run, other)| Some(contrast(&run.as_ref()?.trace, &other.as_ref()?.trace)),
    );
    let body = match &props.status {
        RunStatus::Waiting => match &props.unavailable {
            Some(why) if props.present => html! {
                <p class="unavailable" data-testid={format!("unavailable-{id}")}>{ "Unavailable here. " }{ why }</p>
            },
            _ => html! { <p class="muted">{ "Waiting." }</p> },
        },
        RunStatus::Running { done, total } => html! {
            <>
            <p>
                <progress data-testid={format!("progress-{id}")} max={total.to_string()} value={done.to_string()}
                    data-run={(runs.runs.len() + 1).to_string()}
                    role="progressbar" aria-label={format!("{}: images done", props.kind.label())}
                    aria-valuemin="0" aria-valuemax={total.to_string()} aria-valuenow={done.to_string()} />
                { format!(" {done} of {total} images") }
                if runs.planned > 1 {
                    { format!(" · run {} of {}", runs.runs.len() + 1, runs.planned) }
                }
            </p>
            if let Some(r) = runs.shown() {
                <p class="muted">{ format!("Run {} so far: {:.0} ms.", runs.runs.len(), r.run.trace.wall_us() / 1000.0) }</p>
            }
            </>
        },
        RunStatus::Unavailable(why) if props.said_at_top.as_ref() == Some(why) => html! {
            <p class="unavailable" data-testid={format!("unavailable-{id}")}>
                { "Unavailable here: this page is not cross-origin isolated (see the note at the top)." }
            </p>
        },
        RunStatus::Unavailable(why) => html! {
            <p class="unavailable" data-testid={format!("unavailable-{id}")}>{ "Unavailable here. " }{ why }</p>
        },
        RunStatus::Failed(why) => {
            html! { <p class="error" data-testid={format!("error-{id}")}>{ format!("Failed: {why}") }</p> }
        }
        RunStatus::Cancelled(None) => {
            html! { <p class="muted" data-testid={format!("cancelled-{id}")}>{ "Cancelled before it started." }</p> }
        }
        RunStatus::Done(f) | RunStatus::Cancelled(Some(f)) => {
            let trace = &f.trace;
            let name = |t: u32| {
                props
                    .names
                    .get(t as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("image {t}"))
            };
            let failed: Vec<String> = trace
                .failures()
                .filter(|(_, e)| *e != CANCELLED)
                .map(|(t, e)| format!("{}: {e}", name(t)))
                .collect();
            let cancelled = matches!(props.status, RunStatus::Cancelled(_));
            let retired: Vec<String> = trace
                .lanes
                .iter()
                .filter_map(|l| {
                    l.retired.as_ref().map(|(_, why)| {
                        format!("{} retired (its work went to the others): {why}", l.name)
                    })
                })
                .collect();
            let toggle = props.on_rows.reform(move |_: MouseEvent| kind);
            let rows = if by_task { Rows::Tasks } else { Rows::Lanes };
            // The figure is the median of the complete runs; the timeline is the run shown.
            let spread = runs.spread();
            let wall_us = spread.map_or(trace.wall_us(), |s| s.median);
            let counted = runs.measured().len();
            let wall_title = match spread {
                Some(s) if counted > 1 => format!("Median of {counted} runs, lowest {:.0} ms, highest {:.0} ms; the timeline shows run {}",
                    s.min / 1000.0, s.max / 1000.0, runs.shown_index().map_or(1, |k| k + 1)),
                _ => "One run".to_string(),
            };
            let lanes = trace.lanes.len().max(1);
            // Efficiency is speedup ÷ lanes, from the same medians: one lane has nothing to share.
            let efficient = match props.efficiency {
                Some(e) if lanes > 1 => format!("{:.0} %", e * 100.0),
                Some(_) => "— (1 lane)".into(),
                None => "—".into(),
            };
            html! {
                <>
                    if cancelled {
                        <p class="muted" data-testid={format!("cancelled-{id}")}>
                            { format!("Cancelled: {} of {} images were made before the stop; the timeline shows what ran.", f.made(), trace.tasks) }
                        </p>
                    }
                    <dl class="metrics">
                        <dt>{ "Wall time" }</dt>
                        <dd data-testid={format!("wall-{id}")} data-wall-us={format!("{wall_us:.0}")}
                            data-end-us={format!("{:.0}", trace.end_us)} data-runs={counted.to_string()}
                            data-min-us={spread.map(|s| format!("{:.0}", s.min))} data-max-us={spread.map(|s| format!("{:.0}", s.max))}
                            title={wall_title}>
                            { format!("{:.0} ms", wall_us / 1000.0) }
                            if let Some(s) = spread.filter(|_| counted > 1) {
                                <span class="range">{ format!(" {:.0}–{:.0}", s.min / 1000.0, s.max / 1000.0) }</span>
                            }
                        </dd>
                        <dt>{ "Speedup" }</dt>
                        <dd data-testid={format!("speedup-{id}")}
                            title="Sequential (worker) wall time ÷ this wall time, same batch, same run">
                            { props.speedup.map(|s| format!("{s:.2}×")).unwrap_or_else(|| "—".into()) }
                        </dd>
                        <dt title="Speedup ÷ lanes (threads or processes): 100 % when every lane was fully useful">{ "Efficiency" }</dt>
                        <dd data-testid={format!("efficiency-{id}")}>{ efficient }</dd>
                        <dt title="Counts threads, not cores: with more threads than cores, they take turns on the cores">{ "Stages at once" }</dt>
                        <dd title="Most stages running at the same instant, on any thread">{ trace.max_parallelism() }</dd>
                        <dt>{ "Waits at once" }</dt>
                        <dd title="Most requests in flight at the same instant">{ trace.max_in_flight() }</dd>
                        <dt title="Summed over lanes and images: waits that overlap each count">{ "I/O time, summed" }</dt>
                        <dd>{ format!("{:.0} ms", stage_ms(trace, Stage::Fetch)) }</dd>
                        <dt title="Which build of the engine ran it: threaded (shared memory, when the page is cross-origin isolated) or plain">{ "Build" }</dt>
                        <dd data-testid={format!("build-{id}")}>{ f.build }</dd>
                        <dt title="Summed over lanes: with N lanes busy, N ms per ms of wall time">{ "CPU time, summed" }</dt>
                        <dd>{ format!("{:.0} ms", Stage::CPU.iter().fold(0.0, |total, &s| total + stage_ms(trace, s))) }</dd>
                    </dl>
                    <SwitchesLine run={f.clone()} />
                    if !cancelled && !props.present {
                        <IdealLine run={f.clone()} connections={props.connections} />
                    }
                    <div class="timeline-tools">
                        <button class="small rows" data-testid={format!("rows-{id}")} onclick={toggle}>
                            { if by_task { "Show by thread" } else { "Show by image" } }
                        </button>
                        if !props.present {
                            <RunPicker kind={props.kind} runs={runs.clone()} on_show={props.on_show.clone()} />
                        }
                    </div>
                    <Timeline run={f.clone()} axis_us={props.axis_us} rows={rows} large={props.present} />
                    if let Some(caption) = caption.as_ref() {
                        <p class="contrast" data-testid="contrast">{ caption }</p>
                    }
                    <Responsiveness run={f.clone()} axis_us={props.axis_us} />
                    if let Some(memory) = &f.memory {
                        <Memory kind={props.kind} memory={memory.clone()} />
                    }
                    if !retired.is_empty() {
                        <ul class="error" data-testid={format!("retired-{id}")}>
                            { for retired.iter().map(|r| html! { <li>{ r }</li> }) }
                        </ul>
                    }
                    if !failed.is_empty() {
                        <ul class="error" data-testid={format!("failures-{id}")}>{ for failed.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
                    }
                </>
            }
        }
    };
    // A run whose every image failed is no success, whatever its status.
    let badge = match &props.status {
        RunStatus::Done(f) if f.made() == 0 && !f.thumbs.is_empty() => "failed",
        other => other.word(),
    };
    if props.present {
        let code = snippets(props.kind);
        return html! {
            <article class="card present" id={format!("technique-{id}")} data-testid={format!("technique-{id}")}
                data-status={props.status.word()}>
                <p class="describe">{ describe(props.kind, props.threads) }</p>
                <div class="code" data-testid={format!("code-{id}")} tabindex="0"
                    aria-label={format!("The code that runs {}", props.kind.label())}>
                    { for code.iter().map(view_snippet) }
                </div>
                { body }
            </article>
        };
    }
    html! {
        <article class="card" id={format!("technique-{id}")} data-testid={format!("technique-{id}")} data-status={props.status.word()}>
            <h2>
                { props.kind.label() }<span class={classes!("badge", badge)}>{ badge }</span>
                <button class="small explain-toggle" data-testid={format!("explain-toggle-{id}")}
                    aria-expanded={explained.to_string()} aria-controls={format!("explain-{id}")}
                    onclick={explain_toggle}>
                    { if explained { "Hide the explanation" } else { "Explain: description and code" } }
                </button>
            </h2>
            <p class="describe">{ describe(props.kind, props.threads) }</p>
            if explained {
                <Explain
                    kind={props.kind}
                    run={props.status.finished().cloned()}
                    speedup={props.speedup}
                    baseline={props.baseline.clone()}
                    threads={props.threads}
                    connections={props.connections}
                />
            }
            { body }
        </article>
    }
}

fn stage_ms(trace: &Trace, stage: Stage) -> f64 {
    trace
        .spans
        .iter()
        .filter(|s| s.stage == stage && s.state != interleave::trace::State::Ready)
        .map(|s| s.duration_us())
        .fold(0.0, |total, us| total + us)
        / 1000.0
}
