//! The summary in the embed layout: a narrow column beside the rows, one bar per finished
//! technique under its name, so the text stays legible at a slide's size. Same test ids and
//! data as the full page's chart.

use yew::prelude::*;

use interleave::trace::{Stage, State};

use super::legend::{stage_colour, state_class, STARTUP_COLOUR};
use super::summary::{winner, Row};

/// Props of [`EmbedSummary`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished techniques.
    pub rows: Vec<Row>,
}

const WIDTH: f64 = 300.0;
const ROW: f64 = 34.0;

/// The chart, or before any technique finished, what it will show.
#[function_component]
pub fn EmbedSummary(props: &Props) -> Html {
    let rows = &props.rows;
    if rows.is_empty() {
        return html! {
            <aside class="embed-side">
                <p class="muted">{ "Press Run: each technique runs in turn on the same batch, and their wall times are compared here." }</p>
                { key() }
            </aside>
        };
    }
    let best = winner(rows);
    let longest = rows.iter().map(|r| r.wall_us).fold(1.0, f64::max);
    // Bars leave room at the right for nothing: the figures sit on the name's line.
    let w = |us: f64| (WIDTH * us / longest).max(1.0);
    let height = ROW * rows.len() as f64;
    html! {
        <aside class="embed-side">
            <section class="summary" data-testid="summary">
                <h2>{ "Wall time (shorter is faster)" }</h2>
                <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img"
                    aria-label={format!("Wall time of each technique; fastest: {}", best.map_or("none", |k| k.label()))}>
                    { for rows.iter().enumerate().map(|(i, r)| {
                        let y = ROW * i as f64;
                        let won = best == Some(r.kind);
                        let speed = r.speedup.map_or(String::new(), |s| format!(" · {s:.2}×"));
                        html! {
                            <g data-testid={format!("summary-{}", r.kind.id())}
                                data-wall-us={format!("{:.0}", r.wall_us)}
                                data-speedup={r.speedup.map(|s| format!("{s:.3}"))}
                                data-winner={won.to_string()}
                                class={classes!(won.then_some("winner"))}>
                                <text class="name" x="0" y={fmt(y + 12.0)}>{ r.kind.label() }</text>
                                <text class="value" x={fmt(WIDTH)} y={fmt(y + 12.0)} text-anchor="end">
                                    { format!("{:.0} ms{speed}{}", r.wall_us / 1000.0, if won { " ✓" } else { "" }) }
                                </text>
                                <rect class="bar" x="0" y={fmt(y + 16.0)} width={fmt(w(r.wall_us))} height="11" rx="2" />
                            </g>
                        }
                    }) }
                </svg>
                if best.is_some() {
                    <p class="muted embed-key">{ "✓ fastest; × is the speedup against sequential in this run." }</p>
                }
            </section>
            { key() }
        </aside>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// The timelines' key, in a few words: stage colours and the look of each state.
fn key() -> Html {
    let swatch = |colour: &'static str, class: &'static str, label: &'static str| {
        html! {
            <span>
                <svg width="14" height="10" aria-hidden="true">
                    <rect x="0.5" y="0.5" width="13" height="9" fill={colour} stroke={colour} class={class} />
                </svg>
                { label }
            </span>
        }
    };
    let stages = [
        Stage::Fetch,
        Stage::Decode,
        Stage::Resize,
        Stage::Encode,
        Stage::Transfer,
    ];
    html! {
        <p class="muted embed-legend" data-testid="legend">
            { for stages.iter().map(|&s| swatch(stage_colour(s), "running", s.name())) }
            { swatch(STARTUP_COLOUR, "running", "start-up") }
            { swatch("#777", state_class(State::Running), "running") }
            { swatch("#777", state_class(State::Blocked), "blocked (I/O)") }
            { swatch("#777", state_class(State::Ready), "ready (waiting for a core, the lock, a turn)") }
        </p>
    }
}
