//! The exports of a finished run: Chrome trace, timeline (SVG, PNG), results and spans (CSV),
//! and how to open the trace in Perfetto.

use std::rc::Rc;

use interleave::measure::RunMeasures;
use interleave::trace::{results_csv_measured, spans_csv, timeline_scene, write_svg, Trace};
use yew::prelude::*;

use crate::runtime::{browser, canvas, replay};
use crate::state::{Finished, State};

/// Props of [`Exports`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run shown of each technique that ran to the end or was cancelled part-way, in page
    /// order: what the pictures show.
    pub finished: Vec<Rc<Finished>>,
    /// Every timed run, each technique's in the order they ran: what the data files hold, so
    /// that medians and spreads can be recomputed from them.
    pub every: Vec<Rc<Finished>>,
    /// The batch's image names, by task.
    pub names: Rc<Vec<String>>,
    /// Whether a run is in progress: exports describe a finished run only.
    pub busy: bool,
    /// The session the trace file records (none while a run is in progress).
    pub session: Option<Rc<State>>,
}

/// What the last export saved, shown under the buttons.
#[derive(Clone, PartialEq)]
struct Saved {
    text: String,
    /// Width and height in pixels, for a picture.
    size: Option<(u32, u32)>,
}

const CSV: &str = "text/csv;charset=utf-8";

/// The export buttons, enabled once a run has finished (or was cancelled) with results.
#[function_component]
pub fn Exports(props: &Props) -> Html {
    let saved = use_state(|| None::<Saved>);
    {
        // A new run makes the last export's note stale.
        let saved = saved.clone();
        use_effect_with(props.busy, move |busy| {
            if *busy {
                saved.set(None);
            }
        });
    }
    // Traces are copied at the click, never per render.
    let traces = {
        let finished = props.finished.clone();
        move || {
            finished
                .iter()
                .map(|f| f.trace.clone())
                .collect::<Vec<Trace>>()
        }
    };
    let file =
        |name: &'static str, mime: &'static str, make: fn(&[Rc<Finished>], &[String]) -> String| {
            let (every, names, saved) = (props.every.clone(), props.names.clone(), saved.clone());
            Callback::from(move |_: MouseEvent| {
                let bytes = make(&every, &names);
                match browser::download(name, bytes.as_bytes(), mime) {
                    Ok(()) => saved.set(Some(Saved {
                        text: format!("Saved {name} ({}).", size_text(bytes.len())),
                        size: None,
                    })),
                    Err(e) => web_sys::console::error_1(&e),
                }
            })
        };
    let with_thumbs = use_state(|| true);
    let on_trace = {
        let (session, saved, with_thumbs) = (props.session.clone(), saved.clone(), *with_thumbs);
        Callback::from(move |_: MouseEvent| {
            let Some(session) = &session else { return };
            let name = "interleave-trace.json";
            // Every timed run: one process each in the events, and all of them in the recording.
            let made = replay::record(session, with_thumbs)
                .to_chrome_json()
                .map_err(|e| e.to_string())
                .and_then(|json| {
                    browser::download(name, json.as_bytes(), "application/json")
                        .map(|()| json.len())
                        .map_err(|e| format!("{e:?}"))
                });
            saved.set(Some(Saved {
                text: match made {
                    Ok(bytes) => format!(
                        "Saved {name} ({}): it opens in Perfetto, and replays here.",
                        size_text(bytes)
                    ),
                    Err(e) => format!("Could not save the trace: {e}"),
                },
                size: None,
            }));
        })
    };
    let on_thumbs = {
        let with_thumbs = with_thumbs.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            with_thumbs.set(input.checked());
        })
    };
    let on_svg = {
        let (traces, saved) = (traces.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            let name = "interleave-timeline.svg";
            let bytes = write_svg(&timeline_scene(&traces()));
            match browser::download(name, bytes.as_bytes(), "image/svg+xml") {
                Ok(()) => saved.set(Some(Saved {
                    text: format!("Saved {name} ({}).", size_text(bytes.len())),
                    size: None,
                })),
                Err(e) => web_sys::console::error_1(&e),
            }
        })
    };
    let on_csv = file("interleave-results.csv", CSV, |every, _| {
        results_csv_measured(&traces_of(every), &measures_of(every))
    });
    let on_spans = file("interleave-spans.csv", CSV, |every, names| {
        spans_csv(&traces_of(every), names)
    });
    let on_png = {
        let (traces, saved) = (traces.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            let scene = timeline_scene(&traces());
            let saved = saved.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = "interleave-timeline.png";
                let done = canvas::scene_png(&scene)
                    .await
                    .and_then(|(blob, w, h)| browser::download_blob(name, blob).map(|()| (w, h)));
                match done {
                    Ok((w, h)) => saved.set(Some(Saved {
                        text: format!(
                            "Saved {name} ({w} × {h} px; the SVG is {} × {}).",
                            scene.width, scene.height
                        ),
                        size: Some((w, h)),
                    })),
                    Err(e) => web_sys::console::error_1(&e),
                }
            });
        })
    };
    let off = props.busy || props.finished.is_empty();
    html! {
        <section class="results" data-testid="exports">
            <div class="export-buttons">
                <button data-testid="export-trace" disabled={off} onclick={on_trace}
                    title="Chrome Trace Event JSON: open it in ui.perfetto.dev or chrome://tracing, or replay it on this page">
                    { "Export trace (JSON)" }
                </button>
                <label class="toggle export-thumbs" title="Save the thumbnails in the trace file too, so that a replay shows them (a larger file)">
                    <input type="checkbox" data-testid="export-thumbs" checked={*with_thumbs} onchange={on_thumbs} />
                    { "with thumbnails" }
                </label>
                <button data-testid="export-svg" disabled={off} onclick={on_svg}
                    title="The timelines of this run, stacked on one time axis, as a self-contained SVG">
                    { "Timeline (SVG)" }
                </button>
                <button data-testid="export-png" disabled={off} onclick={on_png}
                    title="The same picture as a PNG at twice the size, for slides">
                    { "Timeline (PNG)" }
                </button>
                <button data-testid="export-csv" disabled={off} onclick={on_csv}
                    title="One row per run: wall time, speedup, efficiency, CPU and I/O time, frame gaps and wasm memory">
                    { "Results (CSV)" }
                </button>
                <button data-testid="export-spans-csv" disabled={off} onclick={on_spans}
                    title="One row per span: run, lane, image, stage, state, start, end">
                    { "Spans (CSV)" }
                </button>
            </div>
            { for (*saved).as_ref().map(|s| {
                let (w, h) = s.size.map_or((None, None), |(w, h)| (Some(w.to_string()), Some(h.to_string())));
                html! { <p class="export-note" role="status" data-testid="export-status" data-width={w} data-height={h}>{ &s.text }</p> }
            }) }
            <p class="export-note" data-testid="perfetto-help">
                { "Open in Perfetto: export the trace (JSON), open ui.perfetto.dev in a new tab and drag \
                   the file onto it (or use “Open trace file”). Perfetto reads it in your browser; nothing \
                   is uploaded. This page cannot hand the trace over by itself: Perfetto's hand-off \
                   (window.open, then postMessage) needs a link between the two windows, which this \
                   page's cross-origin isolation (Cross-Origin-Opener-Policy: same-origin, needed for \
                   threads) severs." }
            </p>
        </section>
    }
}

/// The traces of `runs`.
fn traces_of(runs: &[Rc<Finished>]) -> Vec<Trace> {
    runs.iter().map(|f| f.trace.clone()).collect()
}

/// What was measured around each of `runs`.
fn measures_of(runs: &[Rc<Finished>]) -> Vec<RunMeasures<'_>> {
    runs.iter()
        .map(|f| RunMeasures {
            frames: f.frames.as_ref(),
            memory: f.memory.as_ref(),
        })
        .collect()
}

/// A file size for people.
fn size_text(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}
