//! Recordings: a finished session saved as a trace file, and a trace file (picked, dropped or
//! named by `?trace=`) read back into runs the views show as they were — without running
//! anything. Every figure is recomputed from the recorded traces by the views' own code.

use std::collections::HashMap;
use std::rc::Rc;

use interleave::technique::{TechniqueKind, CANCELLED};
use interleave::trace::{
    RecordedRun, Recording, RunEnd, SavedThumb, TaskOutcome, TraceFile, TRACE_FILE_VERSION,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, RequestMode, Response, Url};

use super::browser;
use crate::repeats::{self, Repeat, Runs};
use crate::state::{Finished, Loaded, Replay, RunStatus, State, Thumb};

/// The largest trace file the page reads, bytes (a recording of 64 large thumbnails is a few
/// tens of MB).
const MAX_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// The session shown as a trace file: the recording shown (re-saved as it was recorded), or the
/// live runs with this browser's facts — every timed run of each technique, with its frames and
/// memory. `thumbnails`: save the gallery's PNGs too.
pub fn record(state: &State, thumbnails: bool) -> TraceFile {
    let runs: Vec<RecordedRun> = state
        .runs
        .iter()
        .flat_map(|(k, s)| recorded(*k, s, repeats::runs_of(&state.repeats, *k)))
        .collect();
    let (recording, threads, clock_resolution_us) = match &state.replay {
        Some(r) => (r.recording.clone(), r.threads, r.clock_resolution_us),
        None => (
            this_browser(state, &runs),
            state.threads(),
            if state.caps.isolated { 5.0 } else { 100.0 },
        ),
    };
    let mut saved: HashMap<u32, SavedThumb> = HashMap::new();
    if thumbnails {
        let finished = state.runs.iter().filter_map(|(_, s)| s.finished());
        for f in finished {
            for (task, t) in f.thumbs.iter().enumerate() {
                if let Some(t) = t.as_ref().ok().filter(|t| !t.png.is_empty()) {
                    saved.entry(task as u32).or_insert_with(|| SavedThumb {
                        task: task as u32,
                        width: t.width,
                        height: t.height,
                        png: t.png.to_vec(),
                    });
                }
            }
        }
    }
    let mut thumbnails: Vec<SavedThumb> = saved.into_values().collect();
    thumbnails.sort_by_key(|t| t.task);
    TraceFile {
        version: TRACE_FILE_VERSION,
        recording,
        config: state.config.clone(),
        threads,
        clock_resolution_us,
        images: state.image_names(),
        runs,
        thumbnails,
        sweep: state
            .sweep
            .as_ref()
            .map(|w| w.record.clone())
            .filter(|r| !r.runs.is_empty()),
    }
}

/// One technique's runs as the file records them: each timed run, in the order they ran, then
/// why it stopped if it failed, could not run, or was cancelled before its first run.
fn recorded(technique: TechniqueKind, status: &RunStatus, runs: Option<&Runs>) -> Vec<RecordedRun> {
    let timed: Vec<(&Finished, bool)> = match runs.filter(|r| !r.runs.is_empty()) {
        Some(r) => r.runs.iter().map(|r| (&*r.run, r.complete)).collect(),
        // A session shown without its repeats: the run on the card.
        None => status
            .finished()
            .map(|f| (&**f, matches!(status, RunStatus::Done(_))))
            .into_iter()
            .collect(),
    };
    let mut out: Vec<RecordedRun> = timed
        .iter()
        .map(|(f, complete)| timed_run(technique, f, *complete))
        .collect();
    let stopped = match status {
        RunStatus::Failed(why) => Some((RunEnd::Failed, Some(why.clone()))),
        RunStatus::Unavailable(why) => Some((RunEnd::Unavailable, Some(why.clone()))),
        // Exports wait for the run's end: what had not started by then was stopped.
        _ if out.is_empty() => Some((RunEnd::Cancelled, None)),
        _ => None,
    };
    out.extend(stopped.map(|(end, reason)| RecordedRun {
        technique,
        end,
        reason,
        build: None,
        trace: None,
        tasks: Vec::new(),
        frames: None,
        memory: None,
    }));
    out
}

/// One timed run as the file records it.
fn timed_run(technique: TechniqueKind, f: &Finished, complete: bool) -> RecordedRun {
    RecordedRun {
        technique,
        end: if complete {
            RunEnd::Done
        } else {
            RunEnd::Cancelled
        },
        reason: None,
        build: Some(f.build.to_string()),
        trace: Some(f.trace.clone()),
        tasks: f
            .thumbs
            .iter()
            .map(|t| match t {
                Ok(t) => TaskOutcome::Made {
                    width: t.width,
                    height: t.height,
                },
                Err(e) if e == CANCELLED => TaskOutcome::Cancelled,
                Err(e) => TaskOutcome::Failed { reason: e.clone() },
            })
            .collect(),
        frames: f.frames.clone(),
        memory: f.memory.clone(),
    }
}

/// This browser's facts, for a live session: when its first run began (traces are on the
/// epoch clock), the user agent, cores, isolation, and the builds that ran.
fn this_browser(state: &State, runs: &[RecordedRun]) -> Recording {
    let began_ms = runs
        .iter()
        .filter_map(|r| r.trace.as_ref().map(|t| t.start_us / 1000.0))
        .filter(|ms| ms.is_finite() && ms.abs() < 8.64e15)
        .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.min(b))))
        .unwrap_or_else(js_sys::Date::now);
    let mut builds: Vec<String> = Vec::new();
    for build in runs.iter().filter_map(|r| r.build.clone()) {
        if !builds.contains(&build) {
            builds.push(build);
        }
    }
    Recording {
        recorded: String::from(js_sys::Date::new(&began_ms.into()).to_iso_string()),
        user_agent: web_sys::window()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default(),
        cores: state.caps.cores,
        isolated: state.caps.isolated,
        builds,
        made_by: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// The runs of `file`, ready to show; `source` and `url` say where it came from. Each
/// technique's timed runs become its repeats, and its card shows the median one (or why it
/// stopped), as on the live page.
pub fn restore(file: TraceFile, source: String, url: Option<String>) -> Loaded {
    let pngs: HashMap<u32, Rc<Vec<u8>>> = file
        .thumbnails
        .into_iter()
        .map(|t| (t.task, Rc::new(t.png)))
        .collect();
    let thumbnails = !pngs.is_empty();
    // Techniques in the order they first appear (page order), with their runs and why they
    // stopped.
    let mut techniques: Vec<(TechniqueKind, Vec<Repeat>, Option<RunStatus>)> = Vec::new();
    for run in file.runs {
        let kind = run.technique;
        let at = match techniques.iter().position(|(k, ..)| *k == kind) {
            Some(at) => at,
            None => {
                techniques.push((kind, Vec::new(), None));
                techniques.len() - 1
            }
        };
        let why = run
            .reason
            .clone()
            .unwrap_or_else(|| "no reason recorded".into());
        let entry = &mut techniques[at];
        match (run.end, finished(run, &pngs)) {
            (end @ (RunEnd::Done | RunEnd::Cancelled), Some(f)) => entry.1.push(Repeat {
                run: Rc::new(f),
                complete: end == RunEnd::Done,
            }),
            (RunEnd::Done | RunEnd::Failed, _) => entry.2 = Some(RunStatus::Failed(why)),
            (RunEnd::Unavailable, _) => entry.2 = Some(RunStatus::Unavailable(why)),
            (RunEnd::Cancelled, None) => entry.2 = Some(RunStatus::Cancelled(None)),
        }
    }
    let mut runs = Vec::new();
    let mut session = Vec::new();
    for (kind, timed, stopped) in techniques {
        let recorded = Runs {
            // The recording holds what ran: as many slots as runs.
            planned: timed.len().max(1) as u32,
            runs: timed,
            chosen: None,
        };
        let status = match stopped {
            Some(s @ (RunStatus::Failed(_) | RunStatus::Unavailable(_))) => s,
            other => recorded
                .status()
                .or(other)
                .unwrap_or(RunStatus::Cancelled(None)),
        };
        runs.push((kind, status));
        session.push((kind, recorded));
    }
    Loaded {
        replay: Rc::new(Replay {
            recording: file.recording,
            threads: file.threads,
            clock_resolution_us: file.clock_resolution_us,
            names: Rc::new(file.images),
            source,
            url,
            thumbnails,
        }),
        config: file.config,
        runs,
        repeats: session,
        sweep: file.sweep,
    }
}

/// A recorded run as the views take it; thumbnails the file does not carry have no bytes.
fn finished(run: RecordedRun, pngs: &HashMap<u32, Rc<Vec<u8>>>) -> Option<Finished> {
    let trace = run.trace?;
    let thumbs = run
        .tasks
        .into_iter()
        .enumerate()
        .map(|(task, outcome)| match outcome {
            TaskOutcome::Made { width, height } => Ok(Thumb {
                width,
                height,
                png: pngs.get(&(task as u32)).cloned().unwrap_or_default(),
            }),
            TaskOutcome::Failed { reason } => Err(reason),
            TaskOutcome::Cancelled => Err(CANCELLED.to_string()),
        })
        .collect();
    Some(Finished {
        trace,
        thumbs,
        build: build_name(run.build.as_deref()),
        // Files before version 3 carry neither: the panels then say nothing was measured.
        frames: run.frames,
        memory: run.memory,
    })
}

/// The build's name as the views keep it (the file was checked to name a known one).
fn build_name(build: Option<&str>) -> &'static str {
    match build {
        Some("threaded") => "threaded",
        Some("plain") => "plain",
        Some("page") => "page",
        Some("native") => "native",
        _ => "not recorded",
    }
}

/// Whether a file is (by its name or type) a trace file rather than an image.
pub fn is_trace_file(file: &web_sys::File) -> bool {
    file.type_() == "application/json" || file.name().to_ascii_lowercase().ends_with(".json")
}

/// Reads a trace file the user picked or dropped.
pub async fn from_file(file: web_sys::File) -> Result<Loaded, String> {
    let name = file.name();
    let fail = |why: String| format!("Cannot open “{name}”: {why}.");
    if file.size() > MAX_BYTES {
        return Err(fail(format!(
            "it is {:.0} MB, more than a trace file of this page can be",
            file.size() / 1e6
        )));
    }
    let text = gloo_file::futures::read_as_text(&gloo_file::Blob::from(file.clone()))
        .await
        .map_err(|e| fail(format!("the browser could not read it ({e})")))?;
    let parsed = TraceFile::from_json(&text).map_err(|e| fail(e.to_string()))?;
    Ok(restore(parsed, name.clone(), None))
}

/// The `trace` parameter of the page's URL, if any.
pub fn trace_param() -> Option<String> {
    let query = browser::query();
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == "trace")
        .map(|(_, v)| v.into_owned())
}

/// Fetches and reads the trace file at `param` (relative to the page), from the page's own
/// origin only: a recording from elsewhere could say anything about anyone's machine.
pub async fn from_url(param: &str) -> Result<Loaded, String> {
    let fail = |why: String| format!("Cannot load the trace “{param}”: {why}.");
    let window = web_sys::window().ok_or_else(|| fail("no window".into()))?;
    let page = window
        .location()
        .href()
        .map_err(|_| fail("no page URL".into()))?;
    let url =
        Url::new_with_base(param, &page).map_err(|_| fail("it is not a URL or path".into()))?;
    let own = window.location().origin().unwrap_or_default();
    if !matches!(url.protocol().as_str(), "http:" | "https:") || url.origin() != own {
        return Err(fail(format!(
            "it is not on this page's own origin ({own}), and the page loads traces from \
             there only; download the file and drop it on the page instead"
        )));
    }
    let init = RequestInit::new();
    init.set_mode(RequestMode::SameOrigin);
    init.set_credentials(RequestCredentials::SameOrigin);
    let response = JsFuture::from(window.fetch_with_str_and_init(&url.href(), &init))
        .await
        .map_err(|e| fail(format!("the request failed ({})", js_text(&e))))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| fail("no response".into()))?;
    if !response.ok() {
        return Err(fail(format!(
            "the server answered {} {}",
            response.status(),
            response.status_text()
        )));
    }
    let text = response
        .text()
        .map_err(|e| fail(js_text(&e)))
        .map(JsFuture::from)?
        .await
        .map_err(|e| fail(format!("the download broke off ({})", js_text(&e))))?;
    let text = text.as_string().unwrap_or_default();
    let parsed = TraceFile::from_json(&text).map_err(|e| fail(e.to_string()))?;
    Ok(restore(parsed, url.pathname(), Some(param.to_string())))
}

/// A JS error as text.
fn js_text(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The page's query `query` with the recording's `trace` URL, if one is shown.
pub fn with_trace(query: &str, trace: Option<&str>) -> String {
    match trace {
        Some(url) => {
            let mut q = form_urlencoded::Serializer::new(query.to_string());
            q.append_pair("trace", url);
            q.finish()
        }
        None => query.to_string(),
    }
}

#[cfg(test)]
mod tests;
