//! The main thread while a technique ran: its longest frame gap, frames dropped, long tasks,
//! and a strip of late frames on the timeline's time axis (under the timeline, aligned with it).

use std::rc::Rc;

use interleave::measure::Frames;
use yew::prelude::*;

use crate::state::Finished;

/// Props of [`Responsiveness`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run shown.
    pub run: Rc<Finished>,
    /// Length of the shared axis, µs, as the timeline's.
    pub axis_us: f64,
}

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 14.0;
/// A gap this long fills the strip's height, µs.
const FULL_US: f64 = 250_000.0;

/// What the figures and the strip are computed from, once per run.
struct Seen {
    longest_us: f64,
    dropped: u32,
    period_us: f64,
    late: Vec<(f64, f64)>,
}

fn seen(frames: &Frames) -> Seen {
    Seen {
        longest_us: frames.longest_gap_us(),
        dropped: frames.dropped(),
        period_us: frames.period_us(),
        late: frames
            .late()
            .iter()
            .map(|g| (g.start_us, g.end_us))
            .collect(),
    }
}

/// The line and the strip; nothing for a run with no frames watched.
#[function_component]
pub fn Responsiveness(props: &Props) -> Html {
    let figures = use_memo(props.run.clone(), |run| run.frames.as_ref().map(seen));
    let figures: &Option<Seen> = &figures;
    let (Some(frames), Some(s)) = (props.run.frames.as_ref(), figures.as_ref()) else {
        return Html::default();
    };
    let trace = &props.run.trace;
    let id = trace.technique.id();
    let axis = props.axis_us.max(trace.wall_us()).max(1.0);
    let x = |us: f64| ((us - trace.start_us) / axis * WIDTH).clamp(0.0, WIDTH);
    let bad = |gap: f64| gap > 2.0 * s.period_us;
    let long = &frames.long_tasks;
    let long_text = if !frames.long_tasks_supported {
        " · long tasks not reported by this browser".to_string()
    } else if long.is_empty() {
        " · no long task".to_string()
    } else {
        format!(
            " · {} long task{} ({:.0} ms)",
            long.len(),
            if long.len() == 1 { "" } else { "s" },
            frames.long_task_us() / 1000.0
        )
    };
    html! {
        <>
            <p class="frames" data-testid={format!("frame-gap-{id}")} data-ms={format!("{:.1}", s.longest_us / 1000.0)}
                data-dropped={s.dropped.to_string()} data-long-tasks={long.len().to_string()}
                title="The page's main thread while this run went on: the longest time without an animation frame (no input, scrolling or painting then), frames missed (gaps over two frame periods), and tasks over 50 ms">
                <span class="muted">{ "Main thread: " }</span>
                { "longest frame gap " }<strong>{ format!("{:.0} ms", s.longest_us / 1000.0) }</strong>
                { format!(" · {} frame{} dropped (at {:.0} Hz)", s.dropped, if s.dropped == 1 { "" } else { "s" }, 1e6 / s.period_us) }
                { long_text }
                if frames.hidden {
                    <span class="error">{ " · the page was hidden, so the browser paused frames: these gaps mean nothing" }</span>
                }
            </p>
            <div class="timeline frame-strip">
                <div class="lanes"><div class="lane-name">{ "frame gaps" }</div></div>
                <div class="plot">
                    <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" height={HEIGHT.to_string()}
                        role="img" aria-label={format!("Late frames on the main thread; longest {:.0} ms", s.longest_us / 1000.0)}>
                        <rect class="strip-bg" x="0" y="0" width={WIDTH.to_string()} height={HEIGHT.to_string()} />
                        { for s.late.iter().map(|&(a, b)| {
                            let gap = b - a;
                            let h = (gap / FULL_US).min(1.0) * (HEIGHT - 2.0) + 2.0;
                            html! {
                                <rect class={classes!("gap", bad(gap).then_some("dropped"))} x={format!("{:.2}", x(a))}
                                    y={format!("{:.1}", HEIGHT - h)} width={format!("{:.2}", (x(b) - x(a)).max(0.8))} height={format!("{h:.1}")}>
                                    <title>{ format!("No frame for {:.0} ms (at {:.0}–{:.0} ms)", gap / 1000.0,
                                        (a - trace.start_us) / 1000.0, (b - trace.start_us) / 1000.0) }</title>
                                </rect>
                            }
                        }) }
                    </svg>
                </div>
            </div>
        </>
    }
}
