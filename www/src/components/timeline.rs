//! A trace drawn on a shared time axis: by thread (one row per lane) or by task (one row per
//! image, showing when it was running, blocked or ready).

use std::rc::Rc;

use interleave::trace::{axis_ticks, Span, State, Trace};
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::legend::{stage_colour, state_class, STARTUP_COLOUR};
use crate::state::Finished;

/// How rows are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// One row per thread of execution.
    Lanes,
    /// One row per task (image).
    Tasks,
}

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished run.
    pub run: Rc<Finished>,
    /// Length of the shared axis, µs (the longest run), so timelines compare at a glance.
    pub axis_us: f64,
    /// Rows by lane or by task.
    pub rows: Rows,
    /// Taller rows and larger text, for presenter mode.
    #[prop_or_default]
    pub large: bool,
}

const WIDTH: f64 = 1000.0;
/// Row heights, px; style.css sizes the lane names to match.
const ROW: f64 = 20.0;
const TASK_ROW: f64 = 11.0;
/// The same in presenter mode, where names are 18 px.
const LARGE_ROW: f64 = 30.0;
const LARGE_TASK_ROW: f64 = 22.0;

/// The timeline.
#[function_component]
pub fn Timeline(props: &Props) -> Html {
    let trace = &props.run.trace;
    let axis = props.axis_us.max(trace.wall_us()).max(1.0);
    let x = |us: f64| ((us - trace.start_us) / axis * WIDTH).max(0.0);
    let (row, task_row) = if props.large {
        (LARGE_ROW, LARGE_TASK_ROW)
    } else {
        (ROW, TASK_ROW)
    };
    let (row_h, names): (f64, Vec<String>) = match props.rows {
        Rows::Lanes => (row, trace.lanes.iter().map(|l| l.name.clone()).collect()),
        Rows::Tasks => (
            task_row,
            (0..trace.tasks).map(|t| format!("image {t}")).collect(),
        ),
    };
    let height = row_h * names.len().max(1) as f64;
    let row_of = |s: &Span| match props.rows {
        Rows::Lanes => s.lane,
        Rows::Tasks => s.task,
    };
    // Bars row by row, in time order: the arrow keys walk along a row, then on to the next.
    let mut order: Vec<&Span> = trace.spans.iter().collect();
    order.sort_by(|a, b| {
        row_of(a)
            .cmp(&row_of(b))
            .then(a.start_us.total_cmp(&b.start_us))
    });
    let bar = |(i, s): (usize, &&Span)| {
        let (x0, x1) = (x(s.start_us), x(s.end_us));
        let y = row_of(s) as f64 * row_h + row_h * 0.15;
        let about = describe(trace, s);
        // One bar of the timeline is in the tab order; the arrow keys move from there.
        html! {
            <rect x={format!("{x0:.2}")} y={format!("{y:.1}")}
                width={format!("{:.2}", (x1 - x0).max(0.6))} height={format!("{:.1}", row_h * 0.7)}
                fill={stage_colour(s.stage)} stroke={stage_colour(s.stage)}
                class={classes!(state_class(s.state), s.error.is_some().then_some("failed"))}
                tabindex={if i == 0 { "0" } else { "-1" }} role="img" aria-label={about.clone()}
                data-lane={s.lane.to_string()} data-task={s.task.to_string()}
                data-stage={s.stage.name()} data-state={s.state.name()}>
                <title>{ about }</title>
            </rect>
        }
    };
    let startups = (props.rows == Rows::Lanes).then(|| {
        trace.lanes.iter().filter_map(|l| l.startup_us.map(|(a, b)| (l, a, b))).map(|(l, a, b)| {
            let y = l.id as f64 * row_h + row_h * 0.15;
            html! {
                <rect x={format!("{:.2}", x(a))} y={format!("{y:.1}")} width={format!("{:.2}", (x(b) - x(a)).max(0.6))}
                    height={format!("{:.1}", row_h * 0.7)} fill={STARTUP_COLOUR} class="running" data-stage="startup">
                    <title>{ format!("{} starting (spawn, load, instantiate) · {:.1} ms", l.name, (b - a) / 1000.0) }</title>
                </rect>
            }
        }).collect::<Html>()
    });
    // By task, the time a task was waiting to go on (after it started, before it ended,
    // outside its spans) is drawn as ready.
    let waits = (props.rows == Rows::Tasks).then(|| task_waits(trace).into_iter().map(|(task, a, b)| {
        let y = task as f64 * row_h + row_h * 0.35;
        html! { <rect x={format!("{:.2}", x(a))} y={format!("{y:.1}")} width={format!("{:.2}", x(b) - x(a))}
            height={format!("{:.1}", row_h * 0.3)} class="queued" /> }
    }).collect::<Html>());
    // Percentages in SVG coordinates place the labels without inline styles (a strict CSP
    // forbids those), and the text is not stretched as the plot's viewBox is.
    let (axis_h, baseline) = if props.large { (28, 21) } else { (16, 12) };
    let ticks = axis_ticks(axis / 1000.0)
        .into_iter()
        .enumerate()
        .map(|(i, ms)| {
            html! { <text x={format!("{:.2}%", ms * 1000.0 / axis * 100.0)} y={baseline.to_string()}
            text-anchor={if i == 0 { "start" } else { "middle" }}>{ format!("{ms} ms") }</text> }
        });
    html! {
        <div class={classes!("timeline", props.large.then_some("large"))}
            data-testid={format!("timeline-{}", trace.technique.id())} data-rows={
            if props.rows == Rows::Lanes { "lanes" } else { "tasks" }}>
            <div class="lanes">
                { for names.iter().map(|n| html! { <div class="lane-name">{ n }</div> }) }
            </div>
            <div class="plot">
                <svg viewBox={format!("0 0 {WIDTH} {height}")} preserveAspectRatio="none"
                    height={height.to_string()} role="group" onkeydown={Callback::from(walk)}
                    aria-label={format!("{} timeline: {} bars; the arrow keys move from one to the next", trace.technique.label(), order.len())}>
                    { for (0..names.len()).map(|i| html! {
                        <rect class="lane-bg" x="0" y={format!("{:.1}", i as f64 * row_h)} width={WIDTH.to_string()} height={row_h.to_string()} />
                    }) }
                    { waits }
                    { startups }
                    { for order.iter().enumerate().map(bar) }
                </svg>
                <svg class="axis" height={axis_h.to_string()} aria-hidden="true">{ for ticks }</svg>
            </div>
        </div>
    }
}

/// Moves the focus between a timeline's bars with the arrow keys, Home and End; the bar that
/// has it becomes the one in the tab order.
fn walk(e: KeyboardEvent) {
    let Some(from) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    if !from.has_attribute("data-task") {
        return;
    }
    let sibling = |el: &Element, forward: bool| {
        let mut next = if forward {
            el.next_element_sibling()
        } else {
            el.previous_element_sibling()
        };
        while let Some(n) = next {
            if n.has_attribute("data-task") {
                return Some(n);
            }
            next = if forward {
                n.next_element_sibling()
            } else {
                n.previous_element_sibling()
            };
        }
        None
    };
    let bars = from.parent_element();
    let to = match e.key().as_str() {
        "ArrowRight" | "ArrowDown" => sibling(&from, true),
        "ArrowLeft" | "ArrowUp" => sibling(&from, false),
        "Home" => bars.and_then(|p| p.query_selector("[data-task]").ok().flatten()),
        "End" => bars
            .and_then(|p| p.query_selector_all("[data-task]").ok())
            .and_then(|all| all.item(all.length().saturating_sub(1)))
            .and_then(|n| n.dyn_into::<Element>().ok()),
        _ => return,
    };
    // Handled here: presenter mode's arrow keys do not also step.
    e.prevent_default();
    if let Some(to) = to {
        let _ = from.set_attribute("tabindex", "-1");
        let _ = to.set_attribute("tabindex", "0");
        if let Ok(focus) = js_sys::Reflect::get(&to, &"focus".into()) {
            if let Some(focus) = focus.dyn_ref::<js_sys::Function>() {
                let _ = focus.call0(&to);
            }
        }
    }
}

fn describe(trace: &Trace, s: &Span) -> String {
    let ms = |us: f64| (us - trace.start_us) / 1000.0;
    format!(
        "image {} · {} · {} · {:.1} ms (at {:.1}–{:.1} ms) · {}{}",
        s.task,
        s.stage,
        s.state.name(),
        s.duration_us() / 1000.0,
        ms(s.start_us),
        ms(s.end_us),
        trace
            .lanes
            .get(s.lane as usize)
            .map_or("", |l| l.name.as_str()),
        s.error
            .as_deref()
            .map(|e| format!(" · failed: {e}"))
            .unwrap_or_default(),
    )
}

/// For each task, the stretches from the run's start to its end not covered by its own spans:
/// queued before it began, and waiting between stages.
fn task_waits(trace: &Trace) -> Vec<(u32, f64, f64)> {
    let mut out = Vec::new();
    for task in 0..trace.tasks {
        let mut spans: Vec<&Span> = trace
            .spans
            .iter()
            .filter(|s| s.task == task && s.state != State::Ready)
            .collect();
        spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
        let mut at = trace.start_us;
        for s in spans {
            if s.start_us > at {
                out.push((task, at, s.start_us));
            }
            at = at.max(s.end_us);
        }
    }
    out
}
