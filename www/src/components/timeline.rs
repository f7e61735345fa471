//! A trace drawn as lanes of bars on a shared time axis.

use std::rc::Rc;

use yew::prelude::*;

use super::legend::stage_colour;
use crate::state::Finished;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished run.
    pub trace: Rc<Finished>,
    /// Length of the shared axis, µs (the longest run), so timelines compare at a glance.
    pub axis_us: f64,
}

const WIDTH: f64 = 1000.0;
const LANE: f64 = 22.0;

/// The timeline: one row per lane, one bar per span, details on hover.
#[function_component]
pub fn Timeline(props: &Props) -> Html {
    let trace = &props.trace.trace;
    let axis = props.axis_us.max(trace.wall_us()).max(1.0);
    let x = |us: f64| (us - trace.start_us) / axis * WIDTH;
    let height = LANE * trace.lanes.len() as f64;
    let bars = trace.spans.iter().map(|s| {
        let (x0, x1) = (x(s.start_us), x(s.end_us));
        let ms = |us: f64| (us - trace.start_us) / 1000.0;
        let title = format!(
            "image {} · {} · {} · {:.1} ms (at {:.1}–{:.1} ms) · {}{}",
            s.task,
            s.stage,
            s.state.name(),
            s.duration_us() / 1000.0,
            ms(s.start_us),
            ms(s.end_us),
            trace.lanes.get(s.lane as usize).map_or("", |l| l.name.as_str()),
            s.error.as_deref().map(|e| format!(" · failed: {e}")).unwrap_or_default(),
        );
        html! {
            <rect x={format!("{x0:.2}")} y={format!("{:.1}", s.lane as f64 * LANE + 3.0)}
                width={format!("{:.2}", (x1 - x0).max(0.5))} height={format!("{:.1}", LANE - 6.0)}
                fill={stage_colour(s.stage)} class={classes!(s.error.is_some().then_some("failed"))}
                data-lane={s.lane.to_string()} data-task={s.task.to_string()} data-stage={s.stage.name()}>
                <title>{ title }</title>
            </rect>
        }
    });
    let ticks = ticks(axis / 1000.0).into_iter().map(|ms| {
        html! { <span style={format!("left:{:.2}%", ms * 1000.0 / axis * 100.0)}>{ format!("{ms} ms") }</span> }
    });
    html! {
        <div class="timeline" data-testid={format!("timeline-{}", trace.technique.id())}>
            <div class="lanes">
                { for trace.lanes.iter().map(|l| html! { <div class="lane-name" style={format!("height:{LANE}px")}>{ &l.name }</div> }) }
            </div>
            <div class="plot">
                <svg viewBox={format!("0 0 {WIDTH} {height}")} preserveAspectRatio="none"
                    style={format!("height:{height}px")} role="img"
                    aria-label={format!("{} timeline", trace.technique.label())}>
                    { for (0..trace.lanes.len()).map(|i| html! {
                        <rect class="lane-bg" x="0" y={format!("{:.1}", i as f64 * LANE)} width={WIDTH.to_string()} height={LANE.to_string()} />
                    }) }
                    { for bars }
                </svg>
                <div class="axis">{ for ticks }</div>
            </div>
        </div>
    }
}

/// Round tick values (ms) for an axis of `span_ms`: about five, at 1/2/5 × 10^k.
fn ticks(span_ms: f64) -> Vec<f64> {
    let raw = span_ms / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(pow * 10.0);
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= span_ms)
        .collect()
}
