//! The scaling panel: the N sweep's button and progress, its chart, and the serial fraction
//! each swept technique's speedups imply (Karp–Flatt), with what that means for this batch.

use std::rc::Rc;

use interleave::model::fit::SerialFraction;
use interleave::model::SweepRecord;
use yew::prelude::*;

use super::scaling_chart::{ScalingChart, Series};
use crate::state::sweep::{largest_n, Sweep, SWEPT};

/// Share of sequential's work spent waiting on I/O above which the batch counts as I/O-bound.
const IO_BOUND: f64 = 0.5;

/// Props of [`Scaling`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The last sweep of this configuration, if any.
    pub sweep: Option<Rc<Sweep>>,
    /// Whether Run sweeps too (`sweep=1`).
    pub enabled: bool,
    /// Logical cores.
    pub cores: u32,
    /// A run is in progress.
    pub busy: bool,
    /// A recording is shown (it holds no sweep).
    pub replay: bool,
    /// Starts a sweep.
    pub on_sweep: Callback<()>,
    /// Sets whether Run sweeps too.
    pub on_enable: Callback<bool>,
}

/// The panel.
#[function_component]
pub fn Scaling(props: &Props) -> Html {
    if props.replay && props.sweep.is_none() {
        return Html::default();
    }
    let max = props
        .sweep
        .as_ref()
        .map_or(largest_n(props.cores), |w| w.record.max);
    let onclick = props.on_sweep.reform(|_: MouseEvent| ());
    let on_enable = props.on_enable.reform(|e: Event| {
        e.target_unchecked_into::<web_sys::HtmlInputElement>()
            .checked()
    });
    html! {
        <section class="scaling" id="scaling" data-testid="scaling">
            <h2>{ "Scaling with N: measured speedup next to Amdahl's law" }</h2>
            <p class="muted">
                { format!("The sweep runs threads and processes with N = 1 to {max} (twice the cores: beyond them they \
                   time-share cores), each N as many times as Repeats says, with a sequential run at each N as the \
                   baseline. The serial fraction the speedups imply (Karp–Flatt) draws Amdahl's law: the most any N \
                   can give this batch.") }
            </p>
            <p class="scaling-actions">
                <button data-testid="sweep-run" onclick={onclick} disabled={props.busy || props.replay}>
                    { format!("Sweep N = 1…{max}") }
                </button>
                <label class="muted" title="sweep=1 in the link">
                    <input type="checkbox" data-testid="input-sweep" checked={props.enabled}
                        disabled={props.busy || props.replay} onchange={on_enable} />
                    { " Run sweeps too, after the techniques" }
                </label>
            </p>
            if let Some(w) = &props.sweep {
                { body(w) }
            }
        </section>
    }
}

/// The chart's series: each swept technique with points, and its serial fraction.
pub fn series(w: &SweepRecord) -> Vec<Series> {
    SWEPT
        .iter()
        .map(|&kind| Series {
            kind,
            points: w.points(kind),
            serial: w.serial(kind).map(|e| e.clamped()),
        })
        .filter(|s| !s.points.is_empty())
        .collect()
}

fn body(sweep: &Sweep) -> Html {
    let w = &sweep.record;
    let series = series(w);
    let progress = sweep.current.map(|(kind, n, done, of)| {
        html! {
            <p class="sweep-progress" data-testid="sweep-progress" data-done={sweep.done.to_string()} data-total={sweep.total.to_string()}>
                <progress max={sweep.total.to_string()} value={sweep.done.to_string()} aria-label="Sweep progress" />
                { format!(" {} at N = {n}{}; run {} of {}", kind.label(),
                    if of > 0 { format!(" ({done} of {of} images)") } else { String::new() },
                    sweep.done + 1, sweep.total) }
            </p>
        }
    });
    let io = w.io_fraction().filter(|&s| s > IO_BOUND).map(|share| {
        html! {
            <p class="note" data-testid="sweep-io-bound">
                { format!("This batch is I/O-bound: sequential spent {:.0} % of its time waiting on the network. \
                   Amdahl's law models work split over cores, so it is the wrong model here: N workers overlap N \
                   waits whatever the cores, and the speedup can pass the number of cores (and the curve), \
                   until the connection limit says stop.", share * 100.0) }
            </p>
        }
    });
    let first = series.first().map(|s| s.kind);
    html! {
        <>
            { for progress }
            if !series.is_empty() {
                <ScalingChart series={series.clone()} cores={w.cores} max={w.max} />
                <ul class="scaling-figures">
                    { for series.iter().map(|s| figures(s, w.serial(s.kind), first == Some(s.kind), w.cores)) }
                </ul>
            }
            { for io }
            { for sweep.skipped.iter().map(|(kind, why)| html! {
                <p class="muted" data-testid={format!("sweep-skipped-{}", kind.id())}>
                    { format!("{}: not swept — {why}", kind.label()) }
                </p>
            }) }
            if !sweep.running && series.is_empty() && w.io_fraction().is_some() {
                <p class="muted">{ "No swept technique made the same thumbnails as sequential: nothing to compare." }</p>
            }
            <p class="muted footnote">
                { "Speedup ψ = sequential's median wall ÷ the technique's median wall at N (whiskers: its slowest and \
                   fastest run). Karp–Flatt: e = (1/ψ − 1/N) ÷ (1 − 1/N), at every N from 2 to the cores (oversubscribed \
                   N are left out: time-sharing is not serial work). Amdahl: 1 ÷ (e + (1 − e) ÷ N). Gustafson: \
                   N − e(N − 1), the speedup if the batch grew with N." }
            </p>
        </>
    }
}

/// A technique's line of figures: its serial fraction and spread, and the best N.
fn figures(s: &Series, fit: Option<SerialFraction>, first: bool, cores: u32) -> Html {
    let best = s
        .points
        .iter()
        .max_by(|a, b| a.speedup.total_cmp(&b.speedup));
    let at_cores = s.points.iter().find(|p| p.workers == cores);
    let id = s.kind.id();
    let serial = fit.map(|e| {
        let over = match e.per_workers.as_slice() {
            [(n, _)] => format!("at N = {n}"),
            many => format!(
                "{:.2}–{:.2} over N = 2…{}",
                e.min,
                e.max,
                many.last().map_or(2, |p| p.0)
            ),
        };
        // Outside 0..=1 the law has no meaning; say what the measurement means instead.
        let raw = if e.mean > 1.0 {
            format!(
                " (measured {:.2}: above 1, more workers were slower than one sequential run — \
                 their start-up and copies cost more than the parallel work saved; read as 1)",
                e.mean
            )
        } else if e.mean < 0.0 {
            format!(
                " (measured {:.2}: below 0, faster than N× — noise, or caches that N workers \
                 have more of; read as 0)",
                e.mean
            )
        } else {
            String::new()
        };
        html! {
            <>
                { "serial fraction (Karp–Flatt) " }
                <strong data-testid={first.then_some("serial-fraction")} data-value={format!("{:.4}", e.clamped())}
                    data-min={format!("{:.4}", e.min)} data-max={format!("{:.4}", e.max)}>
                    { format!("{:.2}", e.clamped()) }
                </strong>
                { format!(" ({over}){raw}; Amdahl's limit {}. ", limit(e.clamped())) }
            </>
        }
    });
    html! {
        <li data-testid={format!("serial-fraction-{id}")}
            data-value={s.serial.map(|e| format!("{e:.4}"))}>
            <strong>{ s.kind.label() }</strong>{ ": " }
            { serial.unwrap_or_else(|| html! { { "no serial fraction: it needs a run at some N from 2 to the cores. " } }) }
            if let Some(p) = at_cores {
                { format!("At N = {cores} (the cores): {:.2}×, efficiency {:.0} %. ", p.speedup, p.efficiency * 100.0) }
            }
            if let Some(p) = best {
                { format!("Fastest at N = {}: {:.2}×.", p.workers, p.speedup) }
            }
        </li>
    }
}

/// Amdahl's limit as N grows without bound, 1 ÷ e, in words.
fn limit(serial: f64) -> String {
    if serial <= 1e-3 {
        "none in sight".into()
    } else {
        format!("{:.1}× however large N", 1.0 / serial)
    }
}
