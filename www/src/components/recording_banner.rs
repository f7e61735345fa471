//! The banner over a recording: it is not a live run, where it was recorded, and the way back.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::state::Replay;

/// Props of [`RecordingBanner`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The recording shown.
    pub replay: Rc<Replay>,
    /// Back to live runs.
    pub on_leave: Callback<()>,
}

/// The banner.
#[function_component]
pub fn RecordingBanner(props: &Props) -> Html {
    let r = &props.replay;
    let rec = &r.recording;
    let isolation = if rec.isolated {
        format!(
            "cross-origin isolated ({} µs timers, threads available)",
            r.clock_resolution_us
        )
    } else {
        format!(
            "not cross-origin isolated ({} µs timers, no threads)",
            r.clock_resolution_us
        )
    };
    let builds = if rec.builds.is_empty() {
        "none ran".to_string()
    } else {
        rec.builds.join(", ")
    };
    let leave = props.on_leave.reform(|_: MouseEvent| ());
    html! {
        <section class="recording-banner" data-testid="recording-banner" aria-label="Recording"
            data-recorded={rec.recorded.clone()} data-cores={rec.cores.to_string()}
            data-isolated={rec.isolated.to_string()} data-builds={rec.builds.join(",")}>
            <div class="recording-text">
                <p class="recording-title">
                    <strong>{ "Recording" }</strong>
                    { " — shown exactly as it was measured; nothing runs in this browser. Every figure is \
                       computed from the recorded traces." }
                </p>
                <dl class="recording-facts">
                    <div><dt>{ "Recorded" }</dt><dd>{ date_text(&rec.recorded) }</dd></div>
                    <div><dt>{ "Browser" }</dt><dd title={rec.user_agent.clone()}>{ browser_name(&rec.user_agent) }</dd></div>
                    <div><dt>{ "Cores" }</dt><dd>{ rec.cores }</dd></div>
                    <div><dt>{ "Threads (N)" }</dt><dd>{ r.threads }</dd></div>
                    <div><dt>{ "Builds" }</dt><dd>{ builds }</dd></div>
                    <div><dt>{ "Isolation" }</dt><dd>{ isolation }</dd></div>
                    <div><dt>{ "From" }</dt><dd class="recording-source" title={r.source.clone()}>{ &r.source }</dd></div>
                    if !r.thumbnails {
                        <div><dt>{ "Thumbnails" }</dt><dd>{ "not saved in the file" }</dd></div>
                    }
                </dl>
            </div>
            <button class="leave" data-testid="leave-recording" onclick={leave}
                title="Keep this configuration and measure it in this browser">
                { "Back to live runs" }
            </button>
        </section>
    }
}

/// An ISO 8601 time in the reader's locale and time zone ("6 Dec 2026, 18:23"); the text
/// itself if it is not a time.
pub(crate) fn date_text(iso: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_string();
    }
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    // The reader's own language (always a valid tag, so the call cannot throw).
    let language = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".into());
    String::from(date.to_locale_string(&language, &options))
}

/// A short name for a user agent: "Chrome 148 on Linux" (the whole string is the title).
pub(crate) fn browser_name(ua: &str) -> String {
    let version = |key: &str| {
        ua.split(key).nth(1).map(|rest| {
            rest.split(['.', ' ', ';', ')'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
    ]
    .iter()
    .find_map(|(key, name)| version(key).map(|v| format!("{name} {v}")))
    .or_else(|| {
        ua.contains("Safari/")
            .then(|| version("Version/").map_or("Safari".into(), |v| format!("Safari {v}")))
    });
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(key, _)| ua.contains(key))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b,
        _ if ua.is_empty() => "not recorded".into(),
        _ => ua.chars().take(60).collect(),
    }
}
