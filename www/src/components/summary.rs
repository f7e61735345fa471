//! Who won: every finished technique's wall time as a bar, with its speedup against sequential,
//! on one chart, so no one has to scroll through the cards.

use interleave::technique::TechniqueKind;
use yew::prelude::*;

use crate::repeats::runs_of;
use crate::state::{RunStatus, State};

/// One finished technique, as the chart shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Its wall time, µs: the median of its complete runs.
    pub wall_us: f64,
    /// The lowest and highest wall of its complete runs, µs, when there were several.
    pub range_us: Option<(f64, f64)>,
    /// Against sequential, where meaningful.
    pub speedup: Option<f64>,
    /// Thumbnails it made.
    pub made: usize,
    /// The engine build that ran it.
    pub build: &'static str,
}

/// The rows of the techniques that finished (not those cancelled part-way), in page order.
pub fn rows(state: &State) -> Vec<Row> {
    state
        .runs
        .iter()
        .filter_map(|(kind, status)| match status {
            RunStatus::Done(f) => Some(Row {
                kind: *kind,
                wall_us: spread(state, *kind).map_or(f.trace.wall_us(), |s| s.median),
                range_us: spread(state, *kind)
                    .filter(|_| {
                        runs_of(&state.repeats, *kind).is_some_and(|r| r.measured().len() > 1)
                    })
                    .map(|s| (s.min, s.max)),
                speedup: state.speedup(*kind),
                made: f.made(),
                build: f.build,
            }),
            _ => None,
        })
        .collect()
}

fn spread(state: &State, kind: TechniqueKind) -> Option<interleave::stats::Spread> {
    runs_of(&state.repeats, kind)?.spread()
}

/// The fastest of the techniques that made the most thumbnails (doing less work is no win);
/// none if no technique made any.
pub fn winner(rows: &[Row]) -> Option<TechniqueKind> {
    let most = rows.iter().map(|r| r.made).max().filter(|&m| m > 0)?;
    rows.iter()
        .filter(|r| r.made == most)
        .min_by(|a, b| a.wall_us.total_cmp(&b.wall_us))
        .map(|r| r.kind)
}

/// Why some or all speedups are missing, if they are.
fn caveat(rows: &[Row]) -> Option<&'static str> {
    if rows.iter().all(|r| r.made == 0) {
        Some("Every image failed: there is nothing to compare, and no winner.")
    } else if !rows.iter().any(|r| r.kind == TechniqueKind::Sequential) {
        Some("No speedups: sequential (the baseline) did not finish in this run.")
    } else if rows.iter().any(|r| r.speedup.is_none()) {
        Some("Speedups are left out where a technique did not make the same thumbnails as sequential (images failed): it did different work.")
    } else {
        None
    }
}

/// Which techniques ran another engine build than sequential (the baseline), when any did: a
/// page runs every technique on one build, unless the threaded build failed to start somewhere
/// and the plain one ran instead (or an older recording ran the page's own build), and then the
/// speedups compare builds too.
pub fn builds_note(rows: &[Row]) -> Option<String> {
    let base = rows.iter().find(|r| r.kind == TechniqueKind::Sequential)?;
    let others: Vec<String> = rows
        .iter()
        .filter(|r| r.build != base.build)
        .map(|r| format!("{} ran the {} build", r.kind.label(), r.build))
        .collect();
    (!others.is_empty()).then(|| {
        format!(
            "Builds differ: {}, sequential the {} one. Their speedups compare the builds too.",
            others.join(", "),
            base.build
        )
    })
}

/// Props of [`Summary`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished techniques.
    pub rows: Vec<Row>,
    /// Larger text and rows, for presenter mode.
    #[prop_or_default]
    pub large: bool,
}

/// Where things go, in the chart's units (px at its natural size).
struct Geometry {
    width: f64,
    label: f64,
    bars: f64,
    row: f64,
    top: f64,
    /// From a row's top to its text's baseline.
    text: f64,
}

const NORMAL: Geometry = Geometry {
    width: 820.0,
    label: 230.0,
    bars: 380.0,
    row: 26.0,
    top: 18.0,
    text: 15.0,
};
/// Presenter mode: 18 px and up at 1280 px wide, where the chart is drawn about 1:1.
const LARGE: Geometry = Geometry {
    width: 1180.0,
    label: 340.0,
    bars: 520.0,
    row: 40.0,
    top: 30.0,
    text: 26.0,
};

/// The chart; nothing before any technique finished.
#[function_component]
pub fn Summary(props: &Props) -> Html {
    let rows = &props.rows;
    if rows.is_empty() {
        return Html::default();
    }
    let best = winner(rows);
    let g = if props.large { &LARGE } else { &NORMAL };
    let (width, label, bars, row, top) = (g.width, g.label, g.bars, g.row, g.top);
    let longest = rows
        .iter()
        .map(|r| r.range_us.map_or(r.wall_us, |(_, max)| max.max(r.wall_us)))
        .fold(1.0, f64::max);
    let x = |us: f64| label + bars * us / longest;
    let height = top + row * rows.len() as f64 + 4.0;
    let baseline = rows
        .iter()
        .find(|r| r.kind == TechniqueKind::Sequential)
        .map(|r| x(r.wall_us));
    let winner_name = best.map_or("none", |k| k.label());
    html! {
        <section class={classes!("summary", props.large.then_some("large"))} id="summary" data-testid="summary">
            <h2>{ "Summary: wall time (median of the runs, whiskers from lowest to highest), shorter is faster" }</h2>
            <svg viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label={format!("Wall time of each technique; fastest: {winner_name}")}>
                if let Some(bx) = baseline {
                    <line class="baseline" x1={fmt(bx)} x2={fmt(bx)} y1={fmt(top - 6.0)} y2={fmt(height)} />
                    <text class="baseline-label" x={fmt(bx)} y={fmt(top - 8.0)} text-anchor="middle">{ "sequential = 1×" }</text>
                }
                { for rows.iter().enumerate().map(|(i, r)| {
                    let y = top + row * i as f64;
                    let won = best == Some(r.kind);
                    let speed = r.speedup.map_or("speedup n/a".to_string(), |s| format!("{s:.2}×"));
                    let value = format!("{:.0} ms · {speed}{}", r.wall_us / 1000.0, if won { " · fastest" } else { "" });
                    // The spread of the runs: a whisker from the lowest to the highest wall.
                    let whisker = r.range_us.map(|(lo, hi)| {
                        let mid = y + 3.0 + (row - 8.0) / 2.0;
                        html! {
                            <g class="whisker">
                                <title>{ format!("{:.0}–{:.0} ms over its runs", lo / 1000.0, hi / 1000.0) }</title>
                                <line x1={fmt(x(lo))} x2={fmt(x(hi))} y1={fmt(mid)} y2={fmt(mid)} />
                                <line x1={fmt(x(lo))} x2={fmt(x(lo))} y1={fmt(mid - 4.0)} y2={fmt(mid + 4.0)} />
                                <line x1={fmt(x(hi))} x2={fmt(x(hi))} y1={fmt(mid - 4.0)} y2={fmt(mid + 4.0)} />
                            </g>
                        }
                    });
                    let value_x = x(r.range_us.map_or(r.wall_us, |(_, hi)| hi.max(r.wall_us)));
                    html! {
                        <g data-testid={format!("summary-{}", r.kind.id())}
                            data-wall-us={format!("{:.0}", r.wall_us)}
                            data-min-us={r.range_us.map(|(lo, _)| format!("{lo:.0}"))}
                            data-max-us={r.range_us.map(|(_, hi)| format!("{hi:.0}"))}
                            data-speedup={r.speedup.map(|s| format!("{s:.3}"))}
                            data-winner={won.to_string()}
                            class={classes!(won.then_some("winner"))}>
                            <text class="name" x={fmt(label - 8.0)} y={fmt(y + g.text)} text-anchor="end">{ r.kind.label() }</text>
                            <rect class="bar" x={fmt(label)} y={fmt(y + 3.0)} width={fmt(x(r.wall_us) - label)} height={fmt(row - 8.0)} rx="2" />
                            { for whisker }
                            <text class="value" x={fmt(value_x + 6.0)} y={fmt(y + g.text)}>{ value }</text>
                        </g>
                    }
                }) }
            </svg>
            if let Some(why) = caveat(rows) {
                <p class="muted" data-testid="summary-caveat">{ why }</p>
            }
            if let Some(note) = builds_note(rows) {
                <p class="muted" data-testid="summary-builds">{ note }</p>
            }
        </section>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: TechniqueKind, build: &'static str) -> Row {
        Row {
            kind,
            wall_us: 1.0,
            range_us: None,
            speedup: Some(1.0),
            made: 1,
            build,
        }
    }

    #[test]
    fn a_technique_on_another_build_than_the_baseline_is_named() {
        let same = [
            row(TechniqueKind::Sequential, "threaded"),
            row(TechniqueKind::Cooperative, "threaded"),
            row(TechniqueKind::Processes, "threaded"),
        ];
        assert_eq!(builds_note(&same), None);
        let fell_back = [
            row(TechniqueKind::Sequential, "threaded"),
            row(TechniqueKind::Cooperative, "plain"),
            row(TechniqueKind::Processes, "threaded"),
        ];
        let note = builds_note(&fell_back).expect("a note");
        assert!(
            note.contains("Cooperative tasks ran the plain build"),
            "{note}"
        );
        assert!(note.contains("sequential the threaded one"), "{note}");
        assert!(!note.contains("Processes"), "{note}");
        // No baseline, nothing to compare against.
        assert_eq!(builds_note(&fell_back[1..]), None);
    }
}
