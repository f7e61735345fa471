//! One technique: what it is, where its run is, its numbers and its timeline.

use interleave::technique::TechniqueKind;
use yew::prelude::*;

use super::timeline::Timeline;
use crate::state::RunStatus;

/// Props of [`TechniqueCard`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Where its run is.
    pub status: RunStatus,
    /// Speedup against sequential in the same run.
    pub speedup: Option<f64>,
    /// The shared time axis, µs.
    pub axis_us: f64,
    /// Threads of the threads technique.
    pub threads: u32,
}

fn describe(kind: TechniqueKind, threads: u32) -> String {
    match kind {
        TechniqueKind::Sequential => "One image after another in the engine worker: the baseline. \
            Every other technique's speedup is measured against it."
            .into(),
        TechniqueKind::Threads => format!(
            "A rayon pool of {threads} Web Workers sharing one wasm memory; each thread takes whole \
             images (par_iter). Real parallelism: up to {threads}× on CPU-bound work."
        ),
        TechniqueKind::Cooperative => "Every image is a future on the page's main thread, all started \
            at once; each yields to the event loop between stages, so they interleave and the page \
            stays responsive. One core does all the work: no faster on CPU-bound work."
            .into(),
    }
}

/// The card.
#[function_component]
pub fn TechniqueCard(props: &Props) -> Html {
    let id = props.kind.id();
    let body = match &props.status {
        RunStatus::Waiting => html! { <p class="muted">{ "Waiting." }</p> },
        RunStatus::Running { done, total } => html! {
            <p>
                <progress data-testid={format!("progress-{id}")} max={total.to_string()} value={done.to_string()} />
                { format!(" {done} of {total} images") }
            </p>
        },
        RunStatus::Unavailable(why) => html! {
            <p class="unavailable" data-testid={format!("unavailable-{id}")}>{ "Unavailable here. " }{ why }</p>
        },
        RunStatus::Failed(why) => html! { <p class="error">{ format!("Failed: {why}") }</p> },
        RunStatus::Done(f) => {
            let trace = &f.trace;
            let failed: Vec<String> = trace
                .failures()
                .map(|(t, e)| format!("image {t}: {e}"))
                .collect();
            html! {
                <>
                    <dl class="metrics">
                        <dt>{ "Wall time" }</dt>
                        <dd data-testid={format!("wall-{id}")} data-wall-us={format!("{:.0}", trace.wall_us())}>{ format!("{:.0} ms", trace.wall_us() / 1000.0) }</dd>
                        <dt>{ "Speedup" }</dt>
                        <dd data-testid={format!("speedup-{id}")}
                            title="Sequential wall time ÷ this wall time, same batch, same run">
                            { props.speedup.map(|s| format!("{s:.2}×")).unwrap_or_else(|| "— (no sequential run)".into()) }
                        </dd>
                        <dt>{ "Lanes used" }</dt>
                        <dd>{ format!("{} of {}", lanes_used(trace), trace.lanes.len()) }</dd>
                        <dt>{ "Most at once" }</dt>
                        <dd>{ trace.max_parallelism() }</dd>
                    </dl>
                    <Timeline trace={f.clone()} axis_us={props.axis_us} />
                    if !failed.is_empty() {
                        <ul class="error">{ for failed.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
                    }
                </>
            }
        }
    };
    html! {
        <article class="card" data-testid={format!("technique-{id}")} data-status={props.status.word()}>
            <h2>{ props.kind.label() }<span class={classes!("badge", props.status.word())}>{ props.status.word() }</span></h2>
            <p class="describe">{ describe(props.kind, props.threads) }</p>
            { body }
        </article>
    }
}

fn lanes_used(trace: &interleave::trace::Trace) -> usize {
    let mut lanes: Vec<u32> = trace.running().map(|s| s.lane).collect();
    lanes.sort_unstable();
    lanes.dedup();
    lanes.len()
}
