//! The scaling chart: measured speedup at each N (median, whiskers from the slowest to the
//! fastest run), next to Amdahl's curve and Gustafson's line for the serial fraction the
//! measurements imply, and the linear ideal. SVG from plain data.

use interleave::model::fit::{amdahl_at, gustafson_speedup, SweepPoint};
use interleave::technique::TechniqueKind;
use yew::prelude::*;

/// One technique's measurements and the serial fraction they imply.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Which technique.
    pub kind: TechniqueKind,
    /// One point per N that has a complete run.
    pub points: Vec<SweepPoint>,
    /// The serial fraction (Karp–Flatt, held to 0..=1), if any N > 1 within the cores ran.
    pub serial: Option<f64>,
}

/// Props of [`ScalingChart`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The techniques swept.
    pub series: Vec<Series>,
    /// Logical cores: N beyond them is shaded as oversubscribed.
    pub cores: u32,
    /// The largest N of the sweep.
    pub max: u32,
}

const WIDTH: f64 = 820.0;
const HEIGHT: f64 = 330.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 46.0;

/// The chart.
#[function_component]
pub fn ScalingChart(props: &Props) -> Html {
    let max = props.max.max(2);
    let highest = props
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.speedup_range.1.max(p.speedup)))
        .filter(|s| s.is_finite())
        .fold(f64::from(max), f64::max);
    let top_y = highest.ceil();
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |n: f64| LEFT + plot_w * (n - 1.0) / f64::from(max - 1);
    let y = |s: f64| TOP + plot_h * (1.0 - s.clamp(0.0, top_y) / top_y);
    let line = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(n, s)| format!("{},{}", f(x(n)), f(y(s))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let fine: Vec<f64> = (0..=(max - 1) * 10)
        .map(|i| 1.0 + f64::from(i) / 10.0)
        .collect();
    let oversubscribed = props.cores < max;
    let count: usize = props.series.iter().map(|s| s.points.len()).sum();
    let legend_x = WIDTH - RIGHT + 16.0;
    html! {
        <svg class="scaling-chart" data-testid="amdahl-chart" data-points={count.to_string()}
            data-max-n={max.to_string()} data-cores={props.cores.to_string()}
            viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
            aria-label="Measured speedup at each N, with Amdahl's law and Gustafson's line for the serial fraction the measurements imply">
            if oversubscribed {
                <g class="oversubscribed">
                    <rect x={f(x(f64::from(props.cores) + 0.5))} y={f(TOP)}
                        width={f(x(f64::from(max)) - x(f64::from(props.cores) + 0.5))} height={f(plot_h)} />
                    <text x={f(x(f64::from(max)) - 4.0)} y={f(TOP + plot_h - 6.0)} text-anchor="end">
                        { format!("oversubscribed: N > {} cores", props.cores) }
                    </text>
                </g>
            }
            // Axes, ticks and grid.
            { for (0..=top_y as u32).map(|s| html! {
                <g class="grid">
                    <line x1={f(LEFT)} x2={f(LEFT + plot_w)} y1={f(y(f64::from(s)))} y2={f(y(f64::from(s)))} />
                    <text x={f(LEFT - 8.0)} y={f(y(f64::from(s)) + 4.0)} text-anchor="end">{ format!("{s}×") }</text>
                </g>
            }) }
            { for (1..=max).map(|n| html! {
                <text class="tick" x={f(x(f64::from(n)))} y={f(TOP + plot_h + 16.0)} text-anchor="middle">{ n }</text>
            }) }
            <text class="axis" x={f(LEFT + plot_w / 2.0)} y={f(HEIGHT - 6.0)} text-anchor="middle">
                { "N: threads or processes" }
            </text>
            <text class="axis" transform={format!("translate(14 {}) rotate(-90)", f(TOP + plot_h / 2.0))} text-anchor="middle">
                { "speedup against sequential" }
            </text>
            <polyline class="linear" points={line(&[(1.0, 1.0), (f64::from(max), f64::from(max))])} />
            { for props.series.iter().enumerate().map(|(i, s)| {
                let class = format!("series series-{i}");
                let measured: Vec<(f64, f64)> = s.points.iter().map(|p| (f64::from(p.workers), p.speedup)).collect();
                html! {
                    <g class={class} data-technique={s.kind.id()}>
                        if let Some(e) = s.serial {
                            <polyline class="amdahl" points={line(&fine.iter().map(|&n| (n, amdahl_at(e, n))).collect::<Vec<_>>())} />
                            <polyline class="gustafson" points={line(&(1..=max).map(|n| (f64::from(n), gustafson_speedup(e, n))).collect::<Vec<_>>())} />
                        }
                        <polyline class="measured" points={line(&measured)} />
                        { for s.points.iter().map(|p| point(s.kind, p, &x, &y)) }
                    </g>
                }
            }) }
            // The legend, right of the plot.
            <g class="legend">
                <line class="linear" x1={f(legend_x)} x2={f(legend_x + 24.0)} y1={f(TOP + 8.0)} y2={f(TOP + 8.0)} />
                <text x={f(legend_x + 30.0)} y={f(TOP + 12.0)}>{ "linear: N×" }</text>
                { for props.series.iter().enumerate().map(|(i, s)| {
                    let top = TOP + 30.0 + 66.0 * i as f64;
                    html! {
                        <g class={format!("series series-{i}")}>
                            <circle cx={f(legend_x + 12.0)} cy={f(top)} r="4" />
                            <text x={f(legend_x + 30.0)} y={f(top + 4.0)}>{ format!("{} (measured)", s.kind.label()) }</text>
                            if s.serial.is_some() {
                                <line class="amdahl" x1={f(legend_x)} x2={f(legend_x + 24.0)} y1={f(top + 18.0)} y2={f(top + 18.0)} />
                                <text x={f(legend_x + 30.0)} y={f(top + 22.0)}>{ "Amdahl's law" }</text>
                                <line class="gustafson" x1={f(legend_x)} x2={f(legend_x + 24.0)} y1={f(top + 36.0)} y2={f(top + 36.0)} />
                                <text x={f(legend_x + 30.0)} y={f(top + 40.0)}>{ "Gustafson's law" }</text>
                            }
                        </g>
                    }
                }) }
            </g>
        </svg>
    }
}

/// A measured point: focusable, with its figures on hover and focus.
fn point(
    kind: TechniqueKind,
    p: &SweepPoint,
    x: &impl Fn(f64) -> f64,
    y: &impl Fn(f64) -> f64,
) -> Html {
    let n = f64::from(p.workers);
    let (slow, fast) = p.speedup_range;
    let ms = |us: f64| us / 1000.0;
    let title = format!(
        "{} at N = {}{}: {:.2}× (runs {:.2}–{:.2}×), efficiency {:.0} %, wall {:.0} ms (median; {:.0}–{:.0} ms)",
        kind.label(),
        p.workers,
        if p.oversubscribed { ", oversubscribed" } else { "" },
        p.speedup,
        slow,
        fast,
        p.efficiency * 100.0,
        ms(p.wall_us.median),
        ms(p.wall_us.min),
        ms(p.wall_us.max),
    );
    html! {
        <g class={classes!("point", p.oversubscribed.then_some("over"))} tabindex="0"
            data-testid={format!("sweep-point-{}-{}", kind.id(), p.workers)}
            data-workers={p.workers.to_string()} data-speedup={format!("{:.3}", p.speedup)}
            data-wall-us={format!("{:.0}", p.wall_us.median)} data-oversubscribed={p.oversubscribed.to_string()}
            aria-label={title.clone()}>
            <title>{ title }</title>
            <line class="whisker" x1={f(x(n))} x2={f(x(n))} y1={f(y(slow))} y2={f(y(fast))} />
            <circle cx={f(x(n))} cy={f(y(p.speedup))} r="5" />
        </g>
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}
